import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LoopbackCallbackPool, LoopbackCallbackServer, loopbackPortOf } from './loopback-callback.server.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('LoopbackCallbackServer', () => {
  it('opens on demand, hands redirects to the donation service, and closes when no flow waits', async () => {
    const port = await freePort();
    const loopback = new LoopbackCallbackServer(port, pino({ level: 'silent' }));
    const seen: string[] = [];
    loopback.setHandler(async (params) => {
      seen.push(`${params.get('state')}:${params.get('code')}`);
      return params.get('code') === 'good' ? { ok: true, title: 'Thank you', detail: 'a@example.com was added' } : { ok: false, title: 'Failed', detail: '<b>bad</b>' };
    });
    expect(loopback.listening).toBe(false);
    expect(await loopback.expect('s1', 60_000)).toBe(true);
    expect(await loopback.expect('s2', 60_000)).toBe(true);

    const good = await fetch(`http://127.0.0.1:${port}/?state=s1&code=good&scope=x`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await good.text()).toContain('a@example.com was added');
    const bad = await fetch(`http://127.0.0.1:${port}/oauth2callback?state=s2&code=nope`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&lt;b&gt;bad&lt;/b&gt;');
    expect(seen).toEqual(['s1:good', 's2:nope']);
    await expect.poll(() => loopback.listening).toBe(false);
    await loopback.close();
  });

  it('reports a busy port instead of failing', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    const loopback = new LoopbackCallbackServer(port, pino({ level: 'silent' }));
    expect(await loopback.expect('s', 60_000)).toBe(false);
    await loopback.close();
    await new Promise<void>((r) => holder.close(() => r()));
  });

  it('finds the port of a loopback redirect URI and keeps one listener per port', async () => {
    expect(loopbackPortOf('http://localhost:11451/')).toBe(11451);
    expect(loopbackPortOf('http://localhost:51121/oauth-callback')).toBe(51121);
    expect(loopbackPortOf('http://127.0.0.1:1455/auth/callback')).toBe(1455);
    expect(loopbackPortOf('https://console.anthropic.com/oauth/code/callback')).toBeNull();
    expect(loopbackPortOf('not a url')).toBeNull();

    const [a, b] = [await freePort(), await freePort()];
    const pool = new LoopbackCallbackPool((port) => new LoopbackCallbackServer(port, pino({ level: 'silent' })));
    const seen: string[] = [];
    pool.setHandler(async (params) => {
      seen.push(params.get('state')!);
      return { ok: true, title: 'ok', detail: 'ok' };
    });
    expect(pool.get(a)).toBe(pool.get(a));
    expect(await pool.get(a).expect('s-a', 60_000)).toBe(true);
    expect(await pool.get(b).expect('s-b', 60_000)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${b}/oauth-callback?state=s-b&code=x`)).status).toBe(200);
    expect(seen).toEqual(['s-b']);
    pool.done('s-a');
    await expect.poll(() => pool.get(a).listening).toBe(false);
    await pool.close();
  });
});
