import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LogStreamBuffer } from './log-stream.buffer.js';
import { LOG_STREAM_PROTOCOL, LogStreamServer } from './log-stream.server.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.sig';

describe('LogStreamBuffer', () => {
  it('keeps the newest lines in order and feeds listeners', () => {
    const buffer = new LogStreamBuffer(3);
    const seen: string[] = [];
    const off = buffer.subscribe((l) => seen.push(l));
    for (const l of ['a\n', 'b\n', '', 'c', 'd\n']) buffer.push(l);
    expect(buffer.recent()).toEqual(['b', 'c', 'd']);
    expect(buffer.recent(2)).toEqual(['c', 'd']);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    off();
    buffer.push('e');
    expect(seen).toHaveLength(4);
    buffer.subscribe(() => {
      throw new Error('broken socket');
    });
    expect(() => buffer.push('f')).not.toThrow();
  });
});

describe('LogStreamServer', () => {
  let server: Server;
  let stream: LogStreamServer;
  let revoke: (jti: string) => void = () => {};

  async function start(options: { maxConnections?: number } = {}) {
    const buffer = new LogStreamBuffer(500);
    for (let i = 0; i < 250; i++) buffer.push(`{"level":30,"msg":"old ${i}"}`);
    server = createServer((_, res) => res.end('http'));
    stream = new LogStreamServer({
      buffer,
      authenticate: async (token) => (token === TOKEN ? { jti: 'j1', exp: Math.floor(Date.now() / 1000) + 3600 } : null),
      onRevoked: (listener) => (revoke = listener),
      logger: pino({ level: 'silent' }),
      backlog: 200,
      ...options,
    });
    stream.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { buffer, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  function open(url: string, protocols: string[]) {
    const ws = new WebSocket(url, protocols);
    const messages: string[] = [];
    ws.on('message', (m) => messages.push(String(m)));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('error', () => {});
    return { ws, messages, closed };
  }

  afterEach(async () => {
    await stream?.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it('sends the last 200 lines, then new lines, to a session token offered as subprotocol', async () => {
    const { buffer, url } = await start();
    const c = open(`${url}/ws/logs`, [LOG_STREAM_PROTOCOL, TOKEN]);
    await new Promise((r) => c.ws.once('open', r));
    expect(c.ws.protocol).toBe(LOG_STREAM_PROTOCOL);
    await expect.poll(() => c.messages.length).toBe(200);
    expect(c.messages[0]).toBe('{"level":30,"msg":"old 50"}');
    buffer.push('{"level":30,"msg":"live"}\n');
    await expect.poll(() => c.messages.at(-1)).toBe('{"level":30,"msg":"live"}');
    expect(stream.connections).toBe(1);
    revoke('j1');
    expect(await c.closed).toStrictEqual({ code: 4401, reason: 'session ended' });
  });

  it('closes unauthenticated sockets with 4401 and sends them nothing', async () => {
    const { url } = await start();
    const bad = open(`${url}/ws/logs`, [LOG_STREAM_PROTOCOL, 'eyJa.eyJb.c']);
    expect(await bad.closed).toStrictEqual({ code: 4401, reason: 'unauthorized' });
    const none = open(`${url}/ws/logs`, [LOG_STREAM_PROTOCOL]);
    expect((await none.closed).code).toBe(4401);
    expect([...bad.messages, ...none.messages]).toEqual([]);
  });

  it('refuses extra viewers, other paths and handshakes without its protocol', async () => {
    const { url } = await start({ maxConnections: 1 });
    const first = open(`${url}/ws/logs`, [LOG_STREAM_PROTOCOL, TOKEN]);
    await new Promise((r) => first.ws.once('open', r));
    const second = open(`${url}/ws/logs`, [LOG_STREAM_PROTOCOL, TOKEN]);
    expect(await second.closed).toStrictEqual({ code: 1008, reason: 'Too many connections' });
    const errors: string[] = [];
    for (const [path, protocols] of [
      ['/ws/other', [LOG_STREAM_PROTOCOL, TOKEN]],
      ['/ws/logs', ['something-else']],
    ] as const) {
      const ws = new WebSocket(`${url}${path}`, [...protocols]);
      errors.push(await new Promise<string>((r) => ws.on('error', (e) => r(e.message))));
    }
    expect(errors).toEqual(['Unexpected server response: 404', 'Unexpected server response: 400']);
    first.ws.close();
  });
});

describe('logger tap', () => {
  it('receives every line the logger writes, debug included', async () => {
    const { createLogger } = await import('./logger.js');
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', file: null, tap: (l) => lines.push(l) });
    logger.debug({ accessToken: 'ya29.secret' }, 'a debug line');
    logger.info('an info line');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['a debug line', 'an info line']);
    expect(lines[0]).not.toContain('ya29.secret');
  });
});
