import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const PANEL_PASSWORD = 'e2e-panel-auth-4c7e';
const API_PASSWORD = 'e2e-panel-auth-api-91aa';
const PANEL_DIR = fileURLToPath(new URL('../../apps/panel/out', import.meta.url));

async function login(base: string, password: string, forwardedFor?: string) {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ password }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

async function get(base: string, path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // html
  }
  return { status: res.status, headers: res.headers, body };
}

/** A log socket: the token travels as a subprotocol value. */
function logSocket(base: string, protocols: string[]) {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws/logs`, protocols);
  const lines: string[] = [];
  ws.on('message', (m) => lines.push(String(m)));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
  return { ws, lines, closed, opened };
}

/** Panel login (JWT), logout, lockout, the live log socket and panel hosting, against real gateway processes. */
describe.each(testModes())('panel auth and hosting (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let a: GatewayProcess;
  let b: GatewayProcess | undefined;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const account = google.addAccount({ email: 'logs@example.com' });
    const env: Record<string, string> = {
      ...google.env,
      PANEL_PASSWORD,
      API_PASSWORD,
      CLIGATE_PANEL_DIR: PANEL_DIR,
      GCLI_CREDS_LOGS: gcli2apiFile(account),
      // the test plays the reverse proxy in front of the gateway: its X-Forwarded-For is the client address
      CLIGATE_TRUST_PROXY: 'true',
    };
    const storage = await modeEnv(mode, 'panelauth');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    if (mode === 'postgres+redis') {
      env.CLIGATE_JWT_SECRET = 'e2e-jwt-secret-shared-by-every-process-0123456789';
      a = await startGatewayProcess({ name: `panelauth-${mode}-a`, env });
      b = await startGatewayProcess({ name: `panelauth-${mode}-b`, env });
    } else {
      a = await startGatewayProcess({ name: `panelauth-${mode}`, env });
    }
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await google?.close();
    await dropDb?.();
  });

  it('logs in with the panel password and opens admin routes with the JWT', async () => {
    const r = await login(a.url, PANEL_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body).toStrictEqual({ token: r.body.token, token_type: 'bearer', expires_in: 43_200, message: 'login successful' });
    expect(r.body.token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    const session = await get(a.url, '/auth/session', r.body.token);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ authenticated: true, method: 'jwt' });
    expect((await get(a.url, '/creds/status', r.body.token)).status).toBe(200);
    expect((await get(a.url, '/config/get', r.body.token)).body.config).toHaveProperty('donation_enabled', true);
    // gcli2api clients keep sending the raw panel password
    expect((await get(a.url, '/creds/status', PANEL_PASSWORD)).status).toBe(200);
    expect((await get(a.url, '/creds/status')).status).toBe(401);
    expect((await get(a.url, '/creds/status', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.forged')).status).toBe(401);
  });

  it('never lets an issued sk- key or the API password open an admin route', async () => {
    const created = await new AdminClient(a.url, PANEL_PASSWORD).json('POST', '/auth/keys', { total_quota: 10, description: 'not an admin' });
    expect(created.status).toBe(200);
    const key = created.body.api_key as string;
    expect(key).toMatch(/^sk-/);
    for (const token of [key, API_PASSWORD]) {
      const r = await get(a.url, '/creds/status', token, { 'x-forwarded-for': '198.51.100.77' });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthenticated');
    }
  });

  it('ends a session on logout, in every process', async () => {
    const token = (await login(a.url, PANEL_PASSWORD)).body.token as string;
    const other = b ?? a;
    expect((await get(other.url, '/auth/session', token)).status).toBe(200);
    const out = await fetch(`${other.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(200);
    expect(await out.json()).toStrictEqual({ message: 'logged out' });
    for (const gw of [a, other]) {
      const r = await get(gw.url, '/creds/status', token);
      expect(r.status).toBe(401);
      expect(r.body.detail).toMatch(/log in again/);
    }
    // a new login works
    expect((await get(a.url, '/auth/session', (await login(a.url, PANEL_PASSWORD)).body.token)).status).toBe(200);
  });

  it('locks an address out after 5 wrong passwords (429 with Retry-After), across processes', async () => {
    const ip = mode === 'embedded' ? '203.0.113.10' : '203.0.113.20';
    for (let i = 0; i < 5; i++) {
      const gw = i % 2 === 0 ? a : (b ?? a);
      const r = await login(gw.url, `wrong-${i}`, ip);
      expect(r.status).toBe(401);
      expect(r.body).toStrictEqual({ detail: 'Wrong password.', code: 'unauthenticated' });
    }
    for (const gw of [a, b ?? a]) {
      const locked = await login(gw.url, PANEL_PASSWORD, ip);
      expect(locked.status).toBe(429);
      expect(Number(locked.retryAfter)).toBeGreaterThan(0);
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(60);
      expect(locked.body.code).toBe('rate_limited');
      // the raw password on admin routes shares the lockout
      expect((await get(gw.url, '/creds/status', PANEL_PASSWORD, { 'x-forwarded-for': ip })).status).toBe(429);
    }
    // other addresses are not affected
    expect((await login(a.url, PANEL_PASSWORD, '203.0.113.99')).status).toBe(200);
  });

  it('streams recent and live log lines to a JWT socket, and nothing to others', async () => {
    const token = (await login(a.url, PANEL_PASSWORD)).body.token as string;
    const live = logSocket(a.url, ['cligate-logs', token]);
    await live.opened;
    expect(live.ws.protocol).toBe('cligate-logs');
    await expect.poll(() => live.lines.some((l) => JSON.parse(l).msg === 'cligate gateway listening')).toBe(true);
    const openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${a.url}/v1`, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'log me' }] });
    await expect
      .poll(() => live.lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'request' && e.model === 'gemini-2.5-flash'), { timeout: 10_000 })
      .toMatchObject({ level: 30, status: 200, protocol: 'openai-chat' });
    // every frame is one log line (JSON, pino shape)
    for (const l of live.lines) expect(JSON.parse(l)).toHaveProperty('level');

    for (const protocols of [['cligate-logs', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.forged'], ['cligate-logs', PANEL_PASSWORD], ['cligate-logs']]) {
      const denied = logSocket(a.url, protocols);
      expect((await denied.closed).code).toBe(4401);
      expect(denied.lines).toEqual([]);
    }
    // a password in the URL does not open the socket either
    const inUrl = new WebSocket(`${a.url.replace(/^http/, 'ws')}/ws/logs?token=${PANEL_PASSWORD}`, ['cligate-logs']);
    inUrl.on('error', () => {});
    expect(await new Promise<number>((r) => inUrl.on('close', (code) => r(code)))).toBe(4401);

    // logging out closes the socket
    await fetch(`${a.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await live.closed).code).toBe(4401);
  });

  it('serves the panel pages next to the /auth API, with security headers on panel responses only', async () => {
    for (const path of ['/', '/login', '/login/', '/auth', '/auth/', '/api-key-admin', '/api-key-query/', '/dashboard', '/dashboard/usage', '/dashboard/logs/']) {
      const page = await get(a.url, path, undefined, { accept: 'text/html' });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toMatch(/<html/);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:\/\//);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    }
    // the API under /auth stays the API
    expect((await login(a.url, PANEL_PASSWORD)).status).toBe(200);
    const info = await get(a.url, '/auth/donation-info');
    expect(info.status).toBe(200);
    expect(info.headers.get('content-security-policy')).toBeNull();
    const unknownApi = await get(a.url, '/auth/start', undefined, { accept: 'text/html' });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.body).toMatchObject({ code: 'not_found' });
    expect((await get(a.url, '/creds/nothing-here')).body).toMatchObject({ code: 'not_found' });
    // an unknown page gets the panel's 404 page; assets are served with long caching
    const missing = await get(a.url, '/no-such-page', undefined, { accept: 'text/html' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/<html/);
    const asset = String((await get(a.url, '/')).body).match(/\/_next\/static\/[^"]+\.js/)![0];
    const js = await get(a.url, asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });
});
