import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

const API_PASSWORD = 'e2e-hostile-api-6f6f';
const PANEL_PASSWORD = 'e2e-hostile-panel-7a7a';

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its index. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Shape = 'openai' | 'gemini' | 'admin';
interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  shape: Shape;
  label: string;
}

const WRONG = [42, 'text', true, null, [], {}, [1, 2], { nested: { x: 1 } }, -1, 1e308, '', '\u0000'];
const okChat = () => ({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
const okGemini = () => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

function generateCases(count: number, key: string): Case[] {
  const random = rng(20261121);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const json = { 'content-type': 'application/json' };
  const bearer = { authorization: `Bearer ${key}` };
  const admin = { authorization: `Bearer ${PANEL_PASSWORD}` };
  const wrongValue = () => pick(WRONG);
  const raw = [
    '{not json',
    '',
    '[',
    '{"a":',
    'null',
    '"string"',
    '12',
    '[]',
    '\u0000\u0001\u0002',
    '{"model":"x","messages":[' + '['.repeat(200) + ']'.repeat(200) + ']}',
  ];

  const generators: Array<() => Case> = [
    // prototype-pollution attempt with a broken body
    () => ({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { ...json, ...bearer },
      body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"model":"gemini-2.5-flash","messages":5}',
      shape: 'openai',
      label: 'chat __proto__',
    }),
    // OpenAI chat: each field of a valid body replaced by a value of the wrong type
    () => {
      const body: Record<string, unknown> = okChat();
      const field = pick(['model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stop', 'tools', 'tool_choice', 'n', 'stream', 'response_format', 'stream_options', 'reasoning_effort', 'seed', 'presence_penalty']);
      // null means "not set" in OpenAI's API (accepted), so only wrong non-null types count as malformed
      let value = wrongValue();
      while (value === null) value = wrongValue();
      if (field === 'stop' && (typeof value === 'string' || Array.isArray(value))) value = 5;
      if (field === 'stream' && typeof value === 'boolean') value = 'yes';
      if (field === 'tool_choice' && (value === null || (typeof value === 'string' && value === ''))) value = 7;
      if (field === 'messages' && Array.isArray(value) && value.length === 0) value = 'hello';
      if ((field === 'n' || field === 'max_tokens' || field === 'seed') && typeof value === 'number') value = 'many';
      if (['temperature', 'top_p', 'presence_penalty'].includes(field) && (typeof value === 'number' || value === null)) value = 'hot';
      if (field === 'model' && typeof value === 'string') value = 12;
      if (['tools', 'response_format', 'stream_options'].includes(field) && (value === null || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && !Array.isArray(value)))) value = 'bad';
      if (field === 'reasoning_effort' && value === null) value = 3;
      body[field] = value;
      return { method: 'POST', path: '/v1/chat/completions', headers: { ...json, ...bearer }, body: JSON.stringify(body), shape: 'openai', label: `chat.${field}=${JSON.stringify(value)}` };
    },
    // OpenAI chat: a broken message
    () => {
      const message = pick<unknown>([
        5,
        'hi',
        null,
        { role: 'wizard', content: 'x' },
        { role: 'user', content: 5 },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:nope' } }] },
        { role: 'user', content: [{ type: 'mystery', data: 1 }] },
        { role: 'tool', tool_call_id: 'call_unknown', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{bad' } }] },
        { role: 'user' },
      ]);
      return { method: 'POST', path: '/v1/chat/completions', headers: { ...json, ...bearer }, body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [message] }), shape: 'openai', label: `chat.message=${JSON.stringify(message)}` };
    },
    // raw garbage on every JSON route
    () => {
      const route = pick<[string, Shape, Record<string, string>]>([
        ['/v1/chat/completions', 'openai', bearer],
        ['/v1beta/models/gemini-2.5-flash:generateContent', 'gemini', bearer],
        ['/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'gemini', bearer],
        ['/v1/models/gemini-2.5-flash:countTokens', 'gemini', bearer],
        ['/auth/keys', 'admin', admin],
        ['/auth/query', 'admin', {}],
        ['/config/save', 'admin', admin],
        ['/creds/action', 'admin', admin],
      ]);
      const body = pick(raw);
      return { method: 'POST', path: route[0], headers: { ...json, ...route[2] }, body, shape: route[1], label: `raw ${route[0]} ${JSON.stringify(body.slice(0, 30))}` };
    },
    // Gemini: wrong types
    () => {
      const body: Record<string, unknown> = okGemini();
      const field = pick(['contents', 'generationConfig', 'tools', 'systemInstruction', 'toolConfig']);
      let value = wrongValue();
      if (value === null || (typeof value === 'object' && !Array.isArray(value) && field !== 'contents')) value = 'bad';
      if (field === 'contents' && Array.isArray(value) && value.length === 0) value = 'x';
      if (field === 'contents' && typeof value === 'object' && value !== null && !Array.isArray(value)) value = [5];
      if (field === 'tools' && Array.isArray(value)) value = 'x';
      body[field] = value;
      const action = pick(['generateContent', 'streamGenerateContent?alt=sse']);
      return { method: 'POST', path: `/v1beta/models/gemini-2.5-flash:${action}`, headers: { ...json, 'x-goog-api-key': key }, body: JSON.stringify(body), shape: 'gemini', label: `gemini.${field}=${JSON.stringify(value)}` };
    },
    // bad or missing credentials, odd model paths
    () => {
      const variant = pick([
        { path: '/v1/chat/completions', headers: json, shape: 'openai' as Shape },
        { path: '/v1/chat/completions', headers: { ...json, authorization: 'Bearer sk-' + 'x'.repeat(43) }, shape: 'openai' as Shape },
        { path: "/v1/chat/completions", headers: { ...json, authorization: "Bearer ' OR 1=1 --" }, shape: 'openai' as Shape },
        { path: '/v1beta/models/gemini-2.5-flash:generateContent?key=%00%01', headers: json, shape: 'gemini' as Shape },
        { path: '/v1beta/models/gemini%0A2.5%00flash:generateContent', headers: { ...json, 'x-goog-api-key': key }, shape: 'gemini' as Shape },
        { path: `/v1beta/models/${'g'.repeat(300)}:generateContent`, headers: { ...json, 'x-goog-api-key': key }, shape: 'gemini' as Shape },
        { path: '/v1beta/models/gemini-2.5-flash:explode', headers: { ...json, 'x-goog-api-key': key }, shape: 'gemini' as Shape },
        { path: '/v1beta/models/:generateContent', headers: { ...json, 'x-goog-api-key': key }, shape: 'gemini' as Shape },
      ]);
      return { method: 'POST', path: variant.path, headers: variant.headers, body: JSON.stringify(okGemini()), shape: variant.shape, label: `auth/path ${variant.path}` };
    },
    // admin API with bad bodies
    () => {
      const variant = pick<[string, unknown]>([
        ['/auth/keys', { total_quota: wrongValue() === 1e308 ? 'lots' : 'lots' }],
        ['/auth/keys', { total_quota: -5 }],
        ['/auth/keys', { total_quota: 10, allowed_models: 'all' }],
        ['/auth/keys', { total_quota: 10, rpm_limit: -1 }],
        ['/auth/keys', { total_quota: 10, expires_at: 'tomorrow-ish' }],
        ['/creds/action', { filename: 5, action: 'enable' }],
        ['/creds/action', { filename: 'x.json', action: 'explode' }],
        ['/creds/batch-action', { filenames: 'x', action: 'enable' }],
        ['/config/save', { config: 'x' }],
        ['/config/save', { config: { calls_per_rotation: 'many' } }],
        ['/config/save', { config: { proxy: 'ftp://nope' } }],
        ['/auth/models/costs', { model_name: 5, cost: 1 }],
        ['/auth/models/costs', { model_name: 'x', cost: -1 }],
        ['/auth/query', { api_key: 42 }],
      ]);
      return { method: 'POST', path: variant[0], headers: { ...json, ...admin }, body: JSON.stringify(variant[1]), shape: 'admin', label: `admin ${variant[0]} ${JSON.stringify(variant[1])}` };
    },
    // wrong content types and methods
    () => {
      const variant = pick([
        { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'text/plain', ...bearer }, body: JSON.stringify(okChat()), shape: 'openai' as Shape },
        { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer }, body: 'a=1&b=2', shape: 'openai' as Shape },
        { method: 'PUT', path: '/v1/chat/completions', headers: { ...json, ...bearer }, body: JSON.stringify(okChat()), shape: 'openai' as Shape },
        { method: 'DELETE', path: '/v1/models', headers: bearer, body: undefined, shape: 'openai' as Shape },
        { method: 'POST', path: '/auth/upload', headers: { ...json, ...admin }, body: '{}', shape: 'admin' as Shape },
      ]);
      return { ...variant, label: `${variant.method} ${variant.path} ${variant.headers['content-type'] ?? ''}` };
    },
  ];

  return Array.from({ length: count }, () => pick(generators)());
}

function checkShape(c: Case, status: number, text: string): string | null {
  if (status < 400 || status >= 500) return `status ${status}`;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (c.shape === 'openai' && !(typeof body?.error?.message === 'string' && typeof body.error.type === 'string')) return `not OpenAI-shaped: ${text.slice(0, 120)}`;
  if (c.shape === 'gemini' && !(body?.error?.code === status && typeof body.error.status === 'string')) return `not Gemini-shaped: ${text.slice(0, 120)}`;
  if (c.shape === 'admin' && typeof body?.detail !== 'string') return `not admin-shaped: ${text.slice(0, 120)}`;
  if (/at .+\.(js|ts):\d+/.test(text)) return 'stack trace in the body';
  return null;
}

describe('hostile input', () => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const account = google.addAccount({ email: 'fuzz@example.com' });
    gateway = await startGatewayProcess({
      name: 'hostile-input',
      env: { ...google.env, API_PASSWORD, PANEL_PASSWORD, GCLI_CREDS_1: gcli2apiFile(account), CLIGATE_BODY_LIMIT_MB: '1' },
    });
    key = (await new AdminClient(gateway.url, PANEL_PASSWORD).json('POST', '/auth/keys', { total_quota: 1_000_000 })).body.api_key;
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
  });

  it('answers 1,000 generated malformed requests with protocol-shaped 4xx, no 5xx, no crash', async () => {
    const cases = generateCases(1000, key);
    const failures: string[] = [];
    const counts = { tried: 0, clean4xx: 0, fivexx: 0 };
    for (let i = 0; i < cases.length; i += 20) {
      await Promise.all(
        cases.slice(i, i + 20).map(async (c, j) => {
          const res = await fetch(gateway.url + c.path, { method: c.method, headers: c.headers, ...(c.body !== undefined ? { body: c.body } : {}) });
          const text = await res.text();
          counts.tried += 1;
          if (res.status >= 500) counts.fivexx += 1;
          const problem = checkShape(c, res.status, text);
          if (problem) failures.push(`#${i + j} ${c.label}: ${problem}`);
          else counts.clean4xx += 1;
        }),
      );
    }
    // the body limit, in the caller's protocol
    const big = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(big.status).toBe(413);
    expect((await big.json()).error.type).toBeTruthy();
    console.log(`hostile input: ${counts.tried} tried, ${counts.clean4xx} clean protocol-shaped 4xx, ${counts.fivexx} 5xx`);
    expect(failures.slice(0, 400)).toEqual([]);
    expect(counts).toEqual({ tried: 1000, clean4xx: 1000, fivexx: 0 });
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(gateway.entries().some((e) => e.level === 60)).toBe(false);
  });

  it('throttles key guessing on /auth/query per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const guess = `sk-${i.toString().padStart(43, 'A')}`;
      const res = await fetch(`${gateway.url}/auth/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: guess }) });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const throttled = statuses.filter((s) => s === 429).length;
    console.log(`hostile input: /auth/query brute force: 40 guesses, ${statuses.filter((s) => s === 404).length} answered, ${throttled} throttled`);
    // 20 queries a minute per address (the fuzz run above already spent some of this minute's)
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(20);
    expect(throttled).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
  });

  it('keeps CORS closed and admin routes out of reach of client keys', async () => {
    const preflight = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const withOrigin = await fetch(`${gateway.url}/v1/models`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${key}` } });
    expect(withOrigin.status).toBe(200);
    expect(withOrigin.headers.get('access-control-allow-origin')).toBeNull();
    for (const path of ['/creds/status', '/auth/keys', '/config/get', '/usage/stats', '/metrics', '/jobs/status']) {
      const res = await fetch(gateway.url + path, { headers: { authorization: `Bearer ${key}` } });
      // refused (401), or locked out after repeated wrong credentials (429): never served
      expect([401, 429], path).toContain(res.status);
    }
  });
});
