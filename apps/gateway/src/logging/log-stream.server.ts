import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from './logger.js';
import type { LogStreamBuffer } from './log-stream.buffer.js';

/** The subprotocol the panel asks for; its JWT travels as a second `Sec-WebSocket-Protocol` value. */
export const LOG_STREAM_PROTOCOL = 'cligate-logs';
export const LOG_STREAM_PATH = '/ws/logs';

/** Close codes the panel understands: 4401 = log in again (no reconnect), 1008 = too many viewers. */
export const LOG_STREAM_CLOSE = {
  unauthorized: 4401,
  tooMany: 1008,
  goingAway: 1001,
} as const;

export interface LogStreamSession {
  jti: string;
  /** seconds since the epoch */
  exp: number;
}

export interface LogStreamOptions {
  buffer: LogStreamBuffer;
  /** a panel session token → its session, or null when it is not (or no longer) valid */
  authenticate(token: string): Promise<LogStreamSession | null>;
  /** subscribes to session revocations (a jti, or '*' for all) from every process */
  onRevoked(listener: (jti: string) => void): void;
  logger: Logger;
  path?: string;
  /** concurrent viewers per process (gcli2api: 3) */
  maxConnections?: number;
  /** lines sent on connect */
  backlog?: number;
  heartbeatMs?: number;
  /** how often a live socket's session is checked again (password change, logout elsewhere) */
  revalidateMs?: number;
  /** bytes queued on a slow socket before lines are skipped */
  maxBufferedBytes?: number;
}

interface Viewer {
  socket: WebSocket;
  session: LogStreamSession;
  token: string;
  alive: boolean;
  skipped: number;
  timers: NodeJS.Timeout[];
  unsubscribe: () => void;
}

function tokenFromProtocols(header: string | undefined): { offered: boolean; token: string | null } {
  const values = (header ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    offered: values.includes(LOG_STREAM_PROTOCOL),
    token: values.find((v) => /^eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+$/.test(v)) ?? null,
  };
}

/**
 * `GET /ws/logs`: the live log of this process for the panel. A `ws` server attached to the HTTP
 * server's upgrade event (path-matched, so other upgrades are untouched). Authenticated by a panel
 * session token offered as a WebSocket subprotocol value — never a password, never in the URL.
 * On connect it sends the most recent lines, then every new line as it is written; one text frame
 * per log line and nothing else. Sockets close when their session expires or is revoked.
 */
export class LogStreamServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    handleProtocols: (protocols) => (protocols.has(LOG_STREAM_PROTOCOL) ? LOG_STREAM_PROTOCOL : false),
  });
  private readonly viewers = new Set<Viewer>();
  private readonly path: string;
  private readonly maxConnections: number;
  private pending = 0;
  private closed = false;
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head);

  constructor(private readonly options: LogStreamOptions) {
    this.path = options.path ?? LOG_STREAM_PATH;
    this.maxConnections = options.maxConnections ?? 5;
    options.onRevoked((jti) => {
      for (const viewer of this.viewers) {
        if (jti === '*' || viewer.session.jti === jti) viewer.socket.close(LOG_STREAM_CLOSE.unauthorized, 'session ended');
      }
    });
  }

  get connections(): number {
    return this.viewers.size;
  }

  attach(server: Server): void {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  /** Closes every viewer (1001) and stops accepting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server?.off('upgrade', this.onUpgrade);
    for (const viewer of this.viewers) viewer.socket.close(LOG_STREAM_CLOSE.goingAway, 'gateway shutting down');
    await new Promise((r) => setTimeout(r, 50));
    for (const viewer of this.viewers) viewer.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== this.path) {
      // nobody else listens for upgrades: answer instead of leaving the socket hanging
      if (this.server && this.server.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found');
      return;
    }
    if (this.closed) return reject(socket, 503, 'Service Unavailable');
    const { offered, token } = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    if (!offered) return reject(socket, 400, 'Bad Request');
    if (this.viewers.size + this.pending >= this.maxConnections) {
      return this.accept(req, socket, head, (ws) => ws.close(LOG_STREAM_CLOSE.tooMany, 'Too many connections'));
    }
    this.pending += 1;
    let session: LogStreamSession | null = null;
    try {
      session = token ? await this.options.authenticate(token) : null;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'live log: session check failed');
    } finally {
      this.pending -= 1;
    }
    if (!session || !token) {
      return this.accept(req, socket, head, (ws) => ws.close(LOG_STREAM_CLOSE.unauthorized, 'unauthorized'));
    }
    const live = session;
    this.accept(req, socket, head, (ws) => this.serve(ws, live, token));
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, then: (ws: WebSocket) => void): void {
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => then(ws));
  }

  private serve(socket: WebSocket, session: LogStreamSession, token: string): void {
    if (this.closed) {
      socket.close(LOG_STREAM_CLOSE.goingAway, 'gateway shutting down');
      return;
    }
    const maxBuffered = this.options.maxBufferedBytes ?? 1024 * 1024;
    const viewer: Viewer = { socket, session, token, alive: true, skipped: 0, timers: [], unsubscribe: () => {} };
    this.viewers.add(viewer);

    const send = (line: string) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > maxBuffered) {
        viewer.skipped += 1;
        return;
      }
      if (viewer.skipped > 0) {
        socket.send(skippedLine(viewer.skipped));
        viewer.skipped = 0;
      }
      socket.send(line);
    };
    for (const line of this.options.buffer.recent(this.options.backlog ?? 200)) send(line);
    viewer.unsubscribe = this.options.buffer.subscribe(send);

    const untilExpiry = session.exp * 1000 - Date.now();
    viewer.timers.push(
      setTimeout(() => socket.close(LOG_STREAM_CLOSE.unauthorized, 'session expired'), Math.max(0, Math.min(untilExpiry, 2 ** 31 - 1))),
      setInterval(() => {
        if (!viewer.alive) return socket.terminate();
        viewer.alive = false;
        socket.ping();
      }, this.options.heartbeatMs ?? 30_000),
      setInterval(() => {
        void this.options.authenticate(viewer.token).then(
          (s) => {
            if (!s) socket.close(LOG_STREAM_CLOSE.unauthorized, 'session ended');
          },
          () => {},
        );
      }, this.options.revalidateMs ?? 60_000),
    );
    for (const timer of viewer.timers) timer.unref();
    socket.on('pong', () => (viewer.alive = true));
    socket.on('message', () => {}); // the stream is one-way; client frames are ignored
    socket.on('error', () => socket.terminate());
    socket.once('close', () => {
      viewer.unsubscribe();
      for (const timer of viewer.timers) clearTimeout(timer);
      this.viewers.delete(viewer);
    });
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** A log line (pino's shape) saying lines were skipped for a slow viewer. */
function skippedLine(count: number): string {
  return JSON.stringify({ level: 40, time: new Date().toISOString(), pid: process.pid, msg: `live log: ${count} lines skipped (slow connection)` });
}
