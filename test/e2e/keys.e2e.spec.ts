import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, startFakeGoogle, textEnvelope, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { TEST_REDIS_URL, testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { expectNoSecretsInLogs } from '../support/secrets.js';

const API_PASSWORD = 'e2e-keys-api-5e0b';
const PANEL_PASSWORD = 'e2e-keys-panel-8a3f';

interface KeyItem {
  id: string;
  api_key: string;
  total_quota: number;
  used_quota: number;
  remaining_quota: number;
  usage_percentage: number;
  model_stats: Record<string, number>;
}

async function chat(baseUrl: string, key: string, model: string, stream = false): Promise<{ status: number; ok: boolean; body: string }> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream }),
  });
  const body = await res.text();
  // a success is what a client can rely on: a full JSON answer, or a stream that reached [DONE] after a finish
  const ok = res.status === 200 && (stream ? body.includes('"finish_reason":"stop"') && body.trimEnd().endsWith('data: [DONE]') : body.includes('"chat.completion"'));
  return { status: res.status, ok, body };
}

describe.each(testModes())('issued keys and quotas (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateways: GatewayProcess[] = [];
  let admin: AdminClient;
  let env: Record<string, string>;
  let dropDb: (() => Promise<void>) | undefined;

  const issued: string[] = [];
  const newKey = async (body: Record<string, unknown>): Promise<KeyItem> => {
    const r = await admin.json<KeyItem>('POST', '/auth/keys', body);
    expect(r.status).toBe(200);
    issued.push(r.body.api_key);
    return r.body;
  };
  const keyState = async (id: string): Promise<KeyItem> => (await admin.json<KeyItem>('GET', `/auth/keys/${id}`)).body;
  const clientFor = (key: string, gateway = gateways[0]!) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });

  beforeAll(async () => {
    google = await startFakeGoogle();
    const accounts = [google.addAccount({ email: 'k1@example.com' }), google.addAccount({ email: 'k2@example.com' })];
    env = {
      ...google.env,
      API_PASSWORD,
      PANEL_PASSWORD,
      RETRY_429_MAX_RETRIES: '1',
      ...Object.fromEntries(accounts.map((a, i) => [`GCLI_CREDS_${i}`, gcli2apiFile(a)])),
    };
    const storage = await modeEnv(mode, 'keys');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    if (mode === 'postgres+redis') {
      gateways = await Promise.all([
        startGatewayProcess({ name: 'keys-a', env }),
        startGatewayProcess({ name: 'keys-b', env }),
      ]);
    } else {
      gateways = [await startGatewayProcess({ name: 'keys-embedded', env })];
    }
    admin = new AdminClient(gateways[0]!.url, PANEL_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await google?.close();
    await dropDb?.();
  });

  it('creates a key shown once, stores only its hash, and spends it until the quota runs out', async () => {
    const created = await newKey({ total_quota: 25, description: 'quota test' });
    expect(created.api_key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    const listed = await admin.json<{ total_keys: number; keys: KeyItem[] }>('GET', '/auth/keys');
    const item = listed.body.keys.find((k) => k.id === created.id)!;
    expect(item.api_key).not.toBe(created.api_key);
    expect(JSON.stringify(listed.body)).not.toContain(created.api_key);

    const openai = clientFor(created.api_key);
    for (let i = 0; i < 2; i++) {
      const ok = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: `q${i}` }] });
      expect(ok.choices[0]!.message.content).toContain(`q${i}`);
    }
    const third = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'q3' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(third).toBeInstanceOf(OpenAI.RateLimitError);
    expect((third as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect((third as Error).message).toMatch(/costs 10 units and this key has 5 of 25 left/);

    const query = await fetch(`${gateways[0]!.url}/auth/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: created.api_key }),
    }).then((r) => r.json());
    expect(query).toMatchObject({ total_quota: 25, used_quota: 20, remaining_quota: 5, usage_percentage: 80, model_stats: { 'gemini-2.5-pro': 20 } });
    expect(query.recent.map((r: { cost: number; policy: string }) => [r.cost, r.policy])).toEqual([[10, 'charged'], [10, 'charged']]);
    const own = await fetch(`${gateways[0]!.url}/auth/quota`, { headers: { 'x-api-key': created.api_key } }).then((r) => r.json());
    expect(own.used_quota).toBe(20);

    // a cheaper model still fits into what is left
    const flash = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'cheap' }] });
    expect(flash.choices[0]!.message.content).toContain('cheap');
    expect((await keyState(created.id)).used_quota).toBe(22);
  });

  it('uses the editable cost table and its lookup rule', async () => {
    const cost = await fetch(`${gateways[0]!.url}/auth/models/gemini-2.5-pro-maxthinking/cost`).then((r) => r.json());
    expect(cost).toEqual({ model_name: 'gemini-2.5-pro-maxthinking', cost: 10, is_default: false });
    expect((await admin.json('POST', '/auth/models/costs', { model_name: 'gemini-2.5-flash-lite', cost: 4 })).status).toBe(200);
    const table = await admin.json('GET', '/auth/models/costs');
    expect(table.body.model_costs).toMatchObject({ 'gemini-2.5-flash-lite': 4, 'gemini-2.5-pro': 10 });
    const key = await newKey({ total_quota: 100 });
    await clientFor(key.api_key, gateways.at(-1)).chat.completions.create({ model: 'gemini-2.5-flash-lite', messages: [{ role: 'user', content: 'x' }] });
    expect((await keyState(key.id)).used_quota).toBe(4);
    expect((await admin.json('DELETE', '/auth/models/costs/gemini-2.5-flash-lite')).status).toBe(200);
    expect((await admin.json('DELETE', '/auth/models/costs/gemini-2.5-flash-lite')).status).toBe(404);
  });

  it('does not charge a request that fails before the upstream answers', async () => {
    const key = await newKey({ total_quota: 50 });
    google.script('*', 'generateContent', [
      { status: 500, body: googleError(500, 'INTERNAL', 'backend error') },
      { status: 500, body: googleError(500, 'INTERNAL', 'backend error') },
    ]);
    const failed = await clientFor(key.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    const state = await keyState(key.id);
    expect(state.used_quota).toBe(0);
    const query = await fetch(`${gateways[0]!.url}/auth/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: key.api_key }),
    }).then((r) => r.json());
    expect(query.recent[0]).toMatchObject({ cost: 0, policy: 'refunded', status: 502 });
    // and the whole quota is still usable
    for (let i = 0; i < 5; i++) await clientFor(key.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: `${i}` }] });
    expect((await keyState(key.id)).used_quota).toBe(50);
  });

  it('refuses expired, disabled and unknown keys (401), other models (403) and bursts over the RPM limit (429)', async () => {
    const expired = await newKey({ total_quota: 100, expires_at: new Date(Date.now() - 1000).toISOString() });
    const e1 = await clientFor(expired.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e1).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((e1 as Error).message).toMatch(/expired/);

    const toggled = await newKey({ total_quota: 100 });
    await clientFor(toggled.api_key).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    expect((await admin.json('PATCH', `/auth/keys/${toggled.id}`, { enabled: false })).status).toBe(200);
    for (const g of gateways) {
      const e2 = await clientFor(toggled.api_key, g).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(e2).toBeInstanceOf(OpenAI.AuthenticationError);
    }
    await admin.json('PATCH', `/auth/keys/${toggled.id}`, { enabled: true });
    await clientFor(toggled.api_key).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });

    const unknown = `sk-${'A'.repeat(43)}`;
    const e3 = await clientFor(unknown).models.list().then(
      () => null,
      (e: unknown) => e,
    );
    expect(e3).toBeInstanceOf(OpenAI.AuthenticationError);

    const limited = await newKey({ total_quota: 100, allowed_models: ['gemini-2.5-flash'] });
    const e4 = await clientFor(limited.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e4).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const models = await clientFor(limited.api_key).models.list();
    // the allowed base model, with its gateway variants (suffixes, prefixes), and nothing else
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('gemini-2.5-flash');
    expect(ids).toContain('流式抗截断/gemini-2.5-flash-high');
    expect(ids.every((id) => /^(假流式\/|流式抗截断\/)?gemini-2\.5-flash(-|$)/.test(id) && !id.includes('flash-lite'))).toBe(true);
    await clientFor(limited.api_key).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });

    const rpm = await newKey({ total_quota: 100, rpm_limit: 2 });
    for (let i = 0; i < 2; i++) await clientFor(rpm.api_key, gateways[i % gateways.length]).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    const e5 = await clientFor(rpm.api_key, gateways.at(-1)).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e5).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e5 as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(Number((e5 as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect((await keyState(rpm.id)).used_quota).toBe(4);

    // raising and lowering the quota
    const raised = await admin.json<KeyItem>('PATCH', `/auth/keys/${rpm.id}`, { add_quota: 50 });
    expect(raised.body.total_quota).toBe(150);
    const lowered = await admin.json<KeyItem>('PATCH', `/auth/keys/${rpm.id}`, { total_quota: 4 });
    expect(lowered.body.remaining_quota).toBe(0);

    // the admin password still works as an unlimited key, unless turned off
    await clientFor(API_PASSWORD).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] });
    await admin.json('POST', '/config/save', { config: { api_password_enabled: false } });
    const e6 = await clientFor(API_PASSWORD).models.list().then(
      () => null,
      (e: unknown) => e,
    );
    expect(e6).toBeInstanceOf(OpenAI.AuthenticationError);
    await admin.json('POST', '/config/save', { config: { api_password_enabled: true } });
  });

  for (const stream of [false, true]) {
    it(`never lets a key pass its total under 100 concurrent ${stream ? 'streams' : 'requests'} ${mode === 'postgres+redis' ? 'over two processes' : ''}`, async () => {
      const cost = 2; // gemini-2.5-flash
      const key = await newKey({ total_quota: cost * 10 });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => chat(gateways[i % gateways.length]!.url, key.api_key, 'gemini-2.5-flash', stream)),
      );
      const ok = results.filter((r) => r.ok).length;
      const refused = results.filter((r) => r.status === 429 && r.body.includes('insufficient_quota')).length;
      expect({ ok, refused }).toEqual({ ok: 10, refused: 90 });
      const state = await keyState(key.id);
      expect(state.used_quota).toBe(state.total_quota);
      expect(state.model_stats).toEqual({ 'gemini-2.5-flash': 20 });
    });
  }

  it(`spends a large key to its last unit and not one more ${mode === 'postgres+redis' ? 'over two processes that hold blocks of it' : ''}`, async () => {
    // 400 units: far enough from the total at first that each process serves most requests from a
    // block it holds (docs/quotas.md), then per request near the end; 260 at once, all at the start
    const cost = 2;
    const key = await newKey({ total_quota: cost * 200 });
    const results = await Promise.all(Array.from({ length: 260 }, (_, i) => chat(gateways[i % gateways.length]!.url, key.api_key, 'gemini-2.5-flash')));
    const ok = results.filter((r) => r.ok).length;
    const refused = results.filter((r) => r.status === 429 && r.body.includes('insufficient_quota')).length;
    expect({ ok, refused }).toEqual({ ok: 200, refused: 60 });
    expect((await keyState(key.id)).used_quota).toBe(cost * 200);
    if (mode === 'postgres+redis') {
      // blocks were held (the counter of block units exists only once one was granted), their unspent
      // units went back, and the live counters agree with the ledger
      const redis = new Redis(TEST_REDIS_URL);
      try {
        let fields: Record<string, string> = {};
        for (let i = 0; i < 40; i++) {
          fields = await redis.hgetall(`${env.REDIS_PREFIX}q:${key.id}`);
          if (Number(fields.reserved) === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect({ used: fields.used, reserved: fields.reserved, heldByBlocks: fields.held_by_blocks }).toEqual({ used: String(cost * 200), reserved: '0', heldByBlocks: '0' });
      } finally {
        redis.disconnect();
      }
    }
  });

  it('reports usage per key, model, credential and day, and exports CSV', async () => {
    const key = await newKey({ total_quota: 100, description: 'stats' });
    await clientFor(key.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'a' }] });
    await clientFor(key.api_key).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'b' }] });
    const byModel = await admin.json('GET', `/usage/stats?group_by=model&key_id=${key.id}`);
    expect(byModel.body.data.map((r: any) => [r.group, r.requests, r.cost])).toEqual([
      ['gemini-2.5-flash', 1, 2],
      ['gemini-2.5-pro', 1, 10],
    ]);
    const byCredential = await admin.json('GET', `/usage/stats?group_by=credential&key_id=${key.id}`);
    expect(byCredential.body.data.reduce((n: number, r: any) => n + r.requests, 0)).toBe(2);
    expect(byCredential.body.data.every((r: any) => /@example\.com$/.test(r.label))).toBe(true);
    const byDay = await admin.json('GET', `/usage/stats?group_by=day&key_id=${key.id}`);
    expect(byDay.body.data).toEqual([expect.objectContaining({ group: new Date().toISOString().slice(0, 10), requests: 2, cost: 12 })]);
    const totals = await admin.json('GET', '/usage/aggregated');
    expect(totals.body.data.total_requests).toBeGreaterThanOrEqual(2);
    const csv = await fetch(`${gateways[0]!.url}/usage/export.csv?key_id=${key.id}`, { headers: { authorization: `Bearer ${PANEL_PASSWORD}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('request_id');
    expect(lines[1]).toContain('gemini-2.5-pro');
    expect((await admin.json('GET', '/usage/stats?group_by=nope')).status).toBe(400);
  });

  it('rebuilds a key\'s counters from the ledger', async () => {
    const key = await newKey({ total_quota: 40 });
    await clientFor(key.api_key).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] });
    const rebuilt = await admin.json<KeyItem>('POST', `/auth/keys/${key.id}/rebuild`);
    expect(rebuilt.body.used_quota).toBe(10);
    for (let i = 0; i < 3; i++) await clientFor(key.api_key, gateways.at(-1)).chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'y' }] });
    const over = await chat(gateways[0]!.url, key.api_key, 'gemini-2.5-pro');
    expect(over.status).toBe(429);
    expect((await keyState(key.id)).used_quota).toBe(40);
  });

  it('never writes a key or password into its log', () => {
    expectNoSecretsInLogs(gateways, [API_PASSWORD, PANEL_PASSWORD, ...issued]);
  });
});
