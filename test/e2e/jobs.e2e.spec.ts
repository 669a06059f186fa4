import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, rateLimit429, startFakeGoogle, type FakeAccount, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { uniqueRedisPrefix } from '../support/databases.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const API_PASSWORD = 'e2e-jobs-api-9c9c';
const PANEL_PASSWORD = 'e2e-jobs-panel-1b1b';

async function chat(url: string, key: string, content: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content }] }),
  });
  return { status: res.status, body: await res.text() };
}

/** Background jobs: token refresh ahead of expiry, emails, probes, daily rollup, pruning, run-once. */
describe.each(testModes())('background jobs (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let soon: FakeAccount;
  let flaky: FakeAccount;
  let env: Record<string, string>;
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;

  const runJob = async (name: string) => {
    const r = await admin.json('POST', `/jobs/${name}/run`);
    expect(r.status).toBe(200);
    return r.body.result;
  };

  beforeAll(async () => {
    google = await startFakeGoogle();
    soon = google.addAccount({ email: 'soon@example.com' });
    flaky = google.addAccount({ email: 'flaky@example.com' });
    // soon@'s token expires in 7 minutes: inside the 10-minute lead of the refresh job, outside the 5-minute lead of requests
    const soonFile = JSON.parse(gcli2apiFile(soon));
    soonFile.expiry = new Date(Date.now() + 7 * 60_000).toISOString();
    env = {
      ...google.env,
      API_PASSWORD,
      PANEL_PASSWORD,
      GCLI_CREDS_SOON: JSON.stringify(soonFile),
      GCLI_CREDS_FLAKY: gcli2apiFile(flaky),
    };
    const storage = await modeEnv(mode, 'jobs');
    dropDb = storage.drop;
    dbUrl = storage.env.DATABASE_URL;
    Object.assign(env, storage.env);
    // the userinfo endpoint fails while the credentials are imported: they arrive without an email
    google.script('*', 'userinfo', [{ status: 500, body: googleError(500, 'INTERNAL', 'down') }, { status: 500, body: googleError(500, 'INTERNAL', 'down') }]);
    gateway = await startGatewayProcess({ name: `jobs-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    await dropDb?.();
  });

  it('refreshes tokens ahead of expiry and fills in missing emails', async () => {
    const before = (await admin.status()).items.map((i: any) => i.user_email);
    expect(before).toEqual([null, null]);
    google.reset();
    const refresh = await runJob('refresh-tokens');
    expect(refresh).toMatchObject({ refreshed: 1, failed: 0 });
    expect(google.callsTo('token').map((c) => (c.body as Record<string, string>).refresh_token)).toEqual([soon.refreshToken]);
    // a second run finds nothing left to do (idempotent)
    expect(await runJob('refresh-tokens')).toMatchObject({ refreshed: 0 });

    expect(await runJob('fetch-emails')).toMatchObject({ candidates: 2, found: 2 });
    expect((await admin.status()).items.map((i: any) => i.user_email).sort()).toEqual(['flaky@example.com', 'soon@example.com']);
  });

  it('probes credentials after their cooldown and re-enables transiently banned ones', async () => {
    // a short 429 window on flaky@ for gemini-2.5-flash
    google.script('flaky@example.com', 'generateContent', [{ status: 429, body: rateLimit429('1s', 'gemini-2.5-flash') }]);
    for (let i = 0; i < 2; i++) expect((await chat(gateway.url, API_PASSWORD, `p${i}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));
    google.reset();
    const probed = await runJob('probe-credentials');
    expect(probed).toMatchObject({ healthy: 1 });
    const probe = google.callsTo('generateContent', 'flaky@example.com');
    expect(probe).toHaveLength(1);
    expect((probe[0]!.body as any).request.generationConfig).toEqual({ maxOutputTokens: 1 });

    // auto-ban on 503 (a status that heals), then the probe brings the credential back
    await admin.json('POST', '/config/save', { config: { auto_ban_enabled: true, auto_ban_error_codes: [503] } });
    google.script('flaky@example.com', 'generateContent', [{ status: 503, body: googleError(503, 'UNAVAILABLE', 'overloaded') }]);
    for (let i = 0; i < 2; i++) expect((await chat(gateway.url, API_PASSWORD, `b${i}`)).status).toBe(200);
    const banned = await admin.credentialByEmail('flaky@example.com');
    expect(banned.disabled).toBe(true);
    expect((await runJob('probe-credentials')).reenabled).toBe(1);
    expect((await admin.credentialByEmail('flaky@example.com')).disabled).toBe(false);
    await admin.json('POST', '/config/save', { config: { auto_ban_enabled: false } });
  });

  it('rolls usage up per day and shows the queue state', async () => {
    const rolled = await runJob('usage-rollup');
    expect(rolled.groups).toBeGreaterThan(0);
    const state = await admin.json('GET', '/jobs/status');
    expect(state.body.backend).toBe(mode === 'postgres+redis' ? 'bullmq' : 'in-process');
    expect(state.body.jobs.map((j: any) => j.name).sort()).toEqual(['fetch-emails', 'probe-credentials', 'prune-usage', 're-encrypt-credentials', 'refresh-tokens', 'usage-rollup']);
    expect(state.body.jobs.find((j: any) => j.name === 'usage-rollup').runs).toBeGreaterThanOrEqual(1);
    expect((await admin.json('POST', '/jobs/nope/run')).status).toBe(404);
  });

  if (mode === 'postgres+redis')
    it('prunes old usage rows after rolling them up, keeping key counters rebuildable', async () => {
      const key = (await admin.json('POST', '/auth/keys', { total_quota: 1000 })).body;
      expect((await chat(gateway.url, key.api_key, 'today')).status).toBe(200);
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      try {
        // 30 rows from 200 days ago, 3 units each, as if served then
        await client.query(
          `INSERT INTO usage_records (request_id, api_key_id, requested_model, model, protocol, status, cost, policy, created_at)
           SELECT 'old-' || g, $1::uuid, 'gemini-2.5-flash', 'gemini-2.5-flash', 'openai-chat', 200, 3, 'charged', now() - interval '200 days'
           FROM generate_series(1, 30) g`,
          [key.id],
        );
        await client.query(`UPDATE api_keys SET used_quota = used_quota + 90 WHERE id = $1::uuid`, [key.id]);
        const pruned = await runJob('prune-usage');
        expect(pruned.deleted).toBe(30);
        const left = await client.query(`SELECT count(*)::int AS n FROM usage_records WHERE api_key_id = $1::uuid`, [key.id]);
        expect(left.rows[0].n).toBe(1);
        const daily = await client.query(`SELECT sum(cost)::int AS cost FROM usage_daily WHERE api_key_id = $1`, [key.id]);
        expect(daily.rows[0].cost).toBe(90);
      } finally {
        await client.end();
      }
      const rebuilt = await admin.json('POST', `/auth/keys/${key.id}/rebuild`);
      expect(rebuilt.body.used_quota).toBe(92);
      expect((await runJob('prune-usage')).deleted).toBe(0);
    });

  if (mode === 'postgres+redis')
    it('runs each scheduled job once across several processes', async () => {
      const fast = { ...env, CLIGATE_JOB_INTERVAL_SECONDS: '1', REDIS_PREFIX: uniqueRedisPrefix('jobs-once') };
      const a = await startGatewayProcess({ name: 'jobs-once-a', env: fast });
      const b = await startGatewayProcess({ name: 'jobs-once-b', env: fast });
      try {
        const runsOf = async (g: GatewayProcess) =>
          (await new AdminClient(g.url, PANEL_PASSWORD).json('GET', '/jobs/status')).body.jobs.find((j: any) => j.name === 'usage-rollup').runs as number;
        const total = async () => (await runsOf(a)) + (await runsOf(b));
        const before = await total();
        await new Promise((r) => setTimeout(r, 6_000));
        const during = (await total()) - before;
        // about one run per second in all, shared by the two processes (not one per process per second)
        expect(during).toBeGreaterThanOrEqual(3);
        expect(during).toBeLessThanOrEqual(9);
        // which process takes a run is up to the queue; the schedule itself must survive losing one
        await a.stop();
        const bBefore = await runsOf(b);
        await new Promise((r) => setTimeout(r, 4_000));
        expect((await runsOf(b)) - bBefore).toBeGreaterThanOrEqual(2);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
});
