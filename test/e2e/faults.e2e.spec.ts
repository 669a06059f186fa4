import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { ThrowawayPostgres, ThrowawayRedis } from '../support/throwaway-services.js';

const PANEL_PASSWORD = 'e2e-faults-panel-5c5c';
const COST = 2; // gemini-2.5-flash

interface Outcome {
  at: number;
  status: number;
  ok: boolean;
  ms: number;
}

/**
 * The gateway on its bad days, with real processes: Redis and Postgres stopped and restarted under
 * load, a dead upstream, a client that hangs up. Each case prints its figure.
 */
describe('faults', () => {
  let google: FakeGoogle;
  let pg: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let key: { id: string; api_key: string };

  beforeAll(async () => {
    google = await startFakeGoogle();
    const account = google.addAccount({ email: 'faults@example.com' });
    pg = new ThrowawayPostgres(5400 + Math.floor(Math.random() * 90));
    redis = new ThrowawayRedis(6400 + Math.floor(Math.random() * 90));
    await Promise.all([pg.start(), redis.start()]);
    gateway = await startGatewayProcess({
      name: 'faults',
      env: {
        ...google.env,
        PANEL_PASSWORD,
        API_PASSWORD: 'faults-api-pass-1',
        GCLI_CREDS_1: gcli2apiFile(account),
        DATABASE_URL: pg.url,
        REDIS_URL: redis.url,
        CLIGATE_ENCRYPTION_KEY: Buffer.alloc(32, 41).toString('base64'),
        CLIGATE_KEY_HASH_SECRET: Buffer.alloc(32, 42).toString('base64'),
      },
    });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    key = (await admin.json('POST', '/auth/keys', { total_quota: 1_000_000 })).body;
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  });

  /** Runs `workers` request loops until stopped; every outcome is kept with its time. */
  function load(workers: number) {
    const outcomes: Outcome[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        const started = Date.now();
        try {
          const res = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key.api_key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'load' }] }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = await res.text();
          outcomes.push({ at: started, status: res.status, ok: res.status === 200 && body.includes('"chat.completion"'), ms: Date.now() - started });
        } catch {
          outcomes.push({ at: started, status: 0, ok: false, ms: Date.now() - started });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = Array.from({ length: workers }, loop);
    return {
      outcomes,
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  async function outage(name: string, stop: () => Promise<void>, start: () => Promise<void>) {
    const run = load(4);
    await new Promise((r) => setTimeout(r, 1_000));
    const down = Date.now();
    await stop();
    await new Promise((r) => setTimeout(r, 2_000));
    const up = Date.now();
    await start();
    // wait until requests succeed again
    let recovered = -1;
    while (Date.now() - up < 30_000) {
      const since = run.outcomes.filter((o) => o.at >= up + 100);
      const firstOk = since.find((o) => o.ok);
      if (firstOk) {
        recovered = firstOk.at - up;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    await run.stop();
    const during = run.outcomes.filter((o) => o.at >= down + 200 && o.at + o.ms <= up);
    const unclean = during.filter((o) => o.status !== 503);
    const slow = during.filter((o) => o.ms > 2_500);
    const figure = {
      tried: run.outcomes.length,
      ok: run.outcomes.filter((o) => o.ok).length,
      duringOutage: during.length,
      clean503: during.length - unclean.length,
      slowFailures: slow.length,
      recoveredAfterMs: recovered,
    };
    console.log(`faults: ${name}: ${JSON.stringify(figure)}`);
    return { figure, unclean, outcomes: run.outcomes };
  }

  it('fails fast with 503 while Redis is gone, recovers by itself, and loses or doubles no charge', async () => {
    const before = (await admin.json('GET', `/auth/keys/${key.id}`)).body.used_quota;
    const { figure, unclean, outcomes } = await outage('redis', () => redis.stop(), () => redis.start());
    expect(figure.duringOutage).toBeGreaterThan(0);
    expect(unclean.map((o) => o.status)).toEqual([]);
    expect(figure.slowFailures).toBe(0);
    expect(figure.recoveredAfterMs).toBeGreaterThanOrEqual(0);
    expect(figure.recoveredAfterMs).toBeLessThan(15_000);
    const used = (await admin.json('GET', `/auth/keys/${key.id}`)).body.used_quota;
    console.log(`faults: redis: charges audited: ${outcomes.filter((o) => o.ok).length} successes, ${(used - before) / COST} charged`);
    expect(used - before).toBe(outcomes.filter((o) => o.ok).length * COST);
  });

  it('fails fast with 503 while Postgres is gone, recovers by itself, and loses or doubles no charge', async () => {
    const before = (await admin.json('GET', `/auth/keys/${key.id}`)).body.used_quota;
    const { figure, unclean, outcomes } = await outage('postgres', () => pg.stop(), () => pg.start());
    expect(figure.duringOutage).toBeGreaterThan(0);
    expect(unclean.map((o) => o.status)).toEqual([]);
    expect(figure.slowFailures).toBe(0);
    expect(figure.recoveredAfterMs).toBeGreaterThanOrEqual(0);
    expect(figure.recoveredAfterMs).toBeLessThan(15_000);
    const used = (await admin.json('GET', `/auth/keys/${key.id}`)).body.used_quota;
    console.log(`faults: postgres: charges audited: ${outcomes.filter((o) => o.ok).length} successes, ${(used - before) / COST} charged`);
    expect(used - before).toBe(outcomes.filter((o) => o.ok).length * COST);
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
  });

  it('stops hammering a dead upstream (circuit breaker) and uses it again once it answers', async () => {
    google.reset();
    google.script('*', 'generateContent', Array.from({ length: 200 }, () => ({ status: 500, body: googleError(500, 'INTERNAL', 'backend down') })));
    const openai = new OpenAI({ apiKey: key.api_key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push(
        await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).then(
          () => 200,
          (e: InstanceType<typeof OpenAI.APIError>) => e.status ?? 0,
        ),
      );
    }
    const upstreamCalls = google.callsTo('generateContent').length;
    console.log(`faults: dead upstream: 40 requests, ${upstreamCalls} upstream calls, statuses ${[...new Set(statuses)].join('/')}`);
    expect(statuses.every((s) => s === 502 || s === 503)).toBe(true);
    expect(upstreamCalls).toBeLessThan(20);
    google.reset();
    await new Promise((r) => setTimeout(r, 5_500));
    const ok = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'back' }] });
    expect(ok.choices[0]!.message.content).toContain('back');
  });

  it('cancels the upstream call when the client hangs up mid-stream', async () => {
    google.reset();
    const { sseTextEvents } = await import('../fakes/fake-google.js');
    google.script('*', 'streamGenerateContent', [{ sse: sseTextEvents('one two three four five six seven eight', { chunks: 8 }), chunkDelayMs: 400 }]);
    const controller = new AbortController();
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.api_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const entry = await gateway.waitForLog((e) => e.msg === 'request' && e.status === 499, 10_000);
    expect(entry.stream).toBe(true);
    // the usage row says the client abandoned a stream the upstream had started
    const query = await fetch(`${gateway.url}/auth/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: key.api_key }),
    }).then((r) => r.json());
    expect(query.recent[0]).toMatchObject({ status: 499, policy: 'abandoned_charged' });
  });
});
