'use client';

import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { UNAUTHORIZED_EVENT } from '../api/http';
import { clearSession, sessionToken } from '../api/session';
import { appendLogEntries, parseLogLine, reconnectDelayMs, type LogEntry } from '../format/logs';

export type LogStreamStatus =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; inMs: number; attempt: number; tooMany: boolean }
  | { kind: 'unauthorized' };

const PROTOCOL = 'cligate-logs';
const MAX_LINES = 2_000;

/**
 * The gateway's live log over WebSocket (`/ws/logs`), authenticated by offering the session token as
 * a subprotocol value (never in the URL). Reconnects with backoff when the gateway goes away (a
 * restart), drops lines resent after a reconnect, and stops for good on 4401 (log in again).
 * While `paused`, lines are still received and counted, and shown on resume.
 */
export function useLogStream(paused: boolean): { entries: LogEntry[]; pending: number; status: LogStreamStatus; clear(): void } {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<LogStreamStatus>({ kind: 'connecting' });
  const [pending, setPending] = useState(0);
  const buffer = useRef<LogEntry[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let stopped = false;

    const flush = () => {
      flushTimer = null;
      if (pausedRef.current) {
        setPending(buffer.current.length);
        return;
      }
      const batch = buffer.current;
      buffer.current = [];
      setPending(0);
      setEntries((current) => appendLogEntries(current, batch, MAX_LINES));
    };
    const scheduleFlush = () => {
      flushTimer ??= setTimeout(flush, 100);
    };

    const connect = () => {
      const token = sessionToken();
      if (!token) {
        setStatus({ kind: 'unauthorized' });
        window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
        return;
      }
      setStatus(attempt === 0 ? { kind: 'connecting' } : (s) => s);
      socket = new WebSocket(api.logSocketUrl(), [PROTOCOL, token]);
      socket.onopen = () => {
        attempt = 0;
        setStatus({ kind: 'open' });
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        buffer.current.push(parseLogLine(event.data));
        if (buffer.current.length > MAX_LINES) buffer.current.splice(0, buffer.current.length - MAX_LINES);
        scheduleFlush();
      };
      socket.onclose = (event) => {
        socket = null;
        if (stopped) return;
        if (event.code === 4401) {
          setStatus({ kind: 'unauthorized' });
          clearSession();
          window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
          return;
        }
        const inMs = reconnectDelayMs(attempt);
        attempt += 1;
        setStatus({ kind: 'reconnecting', inMs, attempt, tooMany: event.code === 1008 });
        timer = setTimeout(connect, inMs);
      };
    };

    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (flushTimer) clearTimeout(flushTimer);
      socket?.close(1000, 'leaving');
    };
  }, []);

  useEffect(() => {
    if (!paused && buffer.current.length > 0) {
      const batch = buffer.current;
      buffer.current = [];
      setPending(0);
      setEntries((current) => appendLogEntries(current, batch, MAX_LINES));
    }
  }, [paused]);

  return {
    entries,
    pending,
    status,
    clear() {
      buffer.current = [];
      setPending(0);
      setEntries([]);
    },
  };
}
