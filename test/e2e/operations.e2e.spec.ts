import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseTextEvents, startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const API_PASSWORD = 'e2e-ops-api-3d3d';
const PANEL_PASSWORD = 'e2e-ops-panel-4e4e';

async function openStream(url: string, key: string, content: string): Promise<string> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content }], stream: true }),
  });
  return res.status === 200 ? await res.text() : `HTTP ${res.status}`;
}

/** Operability: overhead header and metrics, graceful shutdown under open streams. */
describe.each(testModes())('operations (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let env: Record<string, string>;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const account = google.addAccount({ email: 'ops@example.com' });
    env = { ...google.env, API_PASSWORD, PANEL_PASSWORD, GCLI_CREDS_1: gcli2apiFile(account) };
    const storage = await modeEnv(mode, 'ops');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
  });

  afterAll(async () => {
    await google?.close();
    await dropDb?.();
  });

  it('reports its own overhead on every answer and exposes Prometheus metrics', async () => {
    const gateway = await startGatewayProcess({ name: `ops-metrics-${mode}`, env });
    try {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'm' }] }),
      });
      expect(res.status).toBe(200);
      const overhead = Number(res.headers.get('x-cligate-overhead-ms'));
      expect(Number.isFinite(overhead)).toBe(true);
      expect(overhead).toBeGreaterThanOrEqual(0);
      const stream = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'm' }], stream: true }),
      });
      expect(Number(stream.headers.get('x-cligate-overhead-ms'))).toBeGreaterThanOrEqual(0);
      await stream.text();
      await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer wrong' } });

      const denied = await fetch(`${gateway.url}/metrics`);
      expect(denied.status).toBe(401);
      const metrics = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${PANEL_PASSWORD}` } });
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await metrics.text();
      expect(text).toMatch(/cligate_requests_total\{protocol="openai-chat",status="2xx",stream="false"\} 1/);
      expect(text).toMatch(/cligate_requests_total\{protocol="openai-chat",status="2xx",stream="true"\} 1/);
      expect(text).toMatch(/cligate_quota_rejections_total\{reason="unauthenticated"\} 1/);
      expect(text).toMatch(/cligate_request_duration_seconds_bucket\{protocol="openai-chat",status="2xx",stream="false",le="\+Inf"\} 1/);
      expect(text).toMatch(/cligate_pool_credentials\{state="enabled"\} 1/);
      const rss = Number(/cligate_process_memory_bytes\{kind="rss"\} (\d+)/.exec(text)?.[1]);
      const heapUsed = Number(/cligate_process_memory_bytes\{kind="heap_used"\} (\d+)/.exec(text)?.[1]);
      expect(rss).toBeGreaterThan(heapUsed);
      expect(heapUsed).toBeGreaterThan(1_000_000);
    } finally {
      await gateway.stop();
    }
  });

  it('keeps serving after a heap snapshot taken with SIGUSR2 (no signal closes its modules behind its back)', async () => {
    const snapDir = mkdtempSync(join(tmpdir(), 'cligate-ops-snap-'));
    const gateway = await startGatewayProcess({
      name: `ops-heapsnapshot-${mode}`,
      env: { ...env, NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapDir}` },
    });
    try {
      process.kill(gateway.pid, 'SIGUSR2');
      // the snapshot is written synchronously on the main thread: once a request is answered again it is done
      const deadline = Date.now() + 30_000;
      while (readdirSync(snapDir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'after the snapshot' }] }),
      });
      expect(res.status).toBe(200);
      expect(readdirSync(snapDir).filter((f) => f.endsWith('.heapsnapshot'))).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 500));
      const again = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${API_PASSWORD}` } });
      expect(again.status).toBe(200);
    } finally {
      expect(await gateway.stop()).toBe(0);
      rmSync(snapDir, { recursive: true, force: true });
    }
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('on %s refuses new requests, lets 50 open streams finish, then exits cleanly', async (signal) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cligate-ops-'));
    const gateway = await startGatewayProcess({ name: `ops-${signal.toLowerCase()}-${mode}`, env: { ...env, CLIGATE_SHUTDOWN_GRACE_SECONDS: '20' }, dataDir });
    const admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    const key = (await admin.json('POST', '/auth/keys', { total_quota: 1000 })).body;
    // 50 streams of 5 chunks, one every 300 ms: ~1.5 s each
    google.reset();
    google.script(
      '*',
      'streamGenerateContent',
      Array.from({ length: 50 }, () => ({ sse: sseTextEvents('one two three four five', { chunks: 5, model: 'gemini-2.5-flash' }), chunkDelayMs: 300 })),
    );
    const streams = Array.from({ length: 50 }, (_, i) => openStream(gateway.url, key.api_key, `s${i}`));
    // SIGTERM once all 50 streams are open upstream (in flight end to end)
    const deadline = Date.now() + 20_000;
    while (google.callsTo('streamGenerateContent').length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(google.callsTo('streamGenerateContent')).toHaveLength(50);
    const stopped = gateway.stop(signal);
    await new Promise((r) => setTimeout(r, 100));
    const late = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key.api_key}` } }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    const bodies = await Promise.all(streams);
    const complete = bodies.filter((b) => b.includes('"finish_reason":"stop"') && b.trimEnd().endsWith('data: [DONE]'));
    const code = await stopped;
    console.log(`operations: ${signal} with 50 open streams: ${complete.length} completed, late request ${late}, exit code ${code}`);
    expect(complete).toHaveLength(50);
    expect(code).toBe(0);

    // every stream was charged once, and the ledger survived the shutdown
    google.reset();
    const again = await startGatewayProcess({ name: `ops-${signal.toLowerCase()}-${mode}-after`, env, dataDir });
    try {
      const state = await new AdminClient(again.url, PANEL_PASSWORD).json('GET', `/auth/keys/${key.id}`);
      expect(state.body.used_quota).toBe(50 * 2);
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('never hangs on a stalled upstream: first-byte timeout (504) and idle-stream timeout (error frame)', async () => {
    const gateway = await startGatewayProcess({
      name: `ops-stall-${mode}`,
      env: { ...env, CLIGATE_UPSTREAM_HEADERS_TIMEOUT_SECONDS: '1', CLIGATE_UPSTREAM_IDLE_TIMEOUT_SECONDS: '1', RETRY_429_MAX_RETRIES: '0' },
    });
    try {
      google.reset();
      google.script('*', 'generateContent', [{ hang: true }]);
      const started = Date.now();
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'stall' }] }),
      });
      const waited = Date.now() - started;
      expect(res.status).toBe(504);
      expect((await res.json()).error.message).toMatch(/did not answer in time/);
      expect(waited).toBeLessThan(5_000);

      google.script('*', 'streamGenerateContent', [{ sse: sseTextEvents('one two three', { chunks: 3, model: 'gemini-2.5-flash' }), hangAfter: 1 }]);
      const streamStarted = Date.now();
      const body = await openStream(gateway.url, API_PASSWORD, 'idle');
      const streamWaited = Date.now() - streamStarted;
      expect(body).toContain('"content":"one');
      expect(body).toMatch(/"error":\{[^}]*ended before completion/);
      expect(body).not.toContain('"finish_reason":"stop"');
      expect(streamWaited).toBeLessThan(5_000);
      console.log(`operations: stalled upstream: first-byte timeout answered 504 after ${waited} ms; idle stream ended with an error after ${streamWaited} ms`);
    } finally {
      await gateway.stop();
    }
  });
});
