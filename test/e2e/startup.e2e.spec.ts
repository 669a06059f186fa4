import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { gcli2apiFile } from '../support/admin-client.js';
import { startConnectProxy } from '../support/connect-proxy.js';
import { startGatewayProcess } from '../support/gateway-process.js';

const MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

describe('startup and outbound configuration', () => {
  let google: FakeGoogle;

  beforeAll(async () => {
    google = await startFakeGoogle();
  });
  afterAll(async () => {
    await google?.close();
  });

  it('refuses to start with a bad value, naming every bad variable', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port', RETRY_429_INTERVAL: '500', DATA_DIR: '/tmp/cligate-never-created' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: expected an integer');
    expect(stderr).toContain('RETRY_429_INTERVAL');
  });

  it('sends every outbound call through PROXY', async () => {
    const proxy = await startConnectProxy();
    const account = google.addAccount({ email: 'proxied@example.com' });
    const gateway = await startGatewayProcess({
      name: 'startup-proxy',
      env: { ...google.env, PROXY: proxy.url, API_PASSWORD: 'proxy-api-pass-1', GCLI_CREDS_1: gcli2apiFile(account, { expired: true }) },
    });
    try {
      const openai = new OpenAI({ apiKey: 'proxy-api-pass-1', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
      const answer = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'via proxy' }] });
      expect(answer.choices[0]!.message.content).toContain('via proxy');
      const fake = new URL(google.url).host;
      // the token refresh at import, the userinfo and the generate call all went through the tunnel
      expect(proxy.targets.length).toBeGreaterThanOrEqual(1);
      expect(new Set(proxy.targets)).toEqual(new Set([fake]));
      expect(google.callsTo('token').length).toBeGreaterThan(0);
      expect(google.callsTo('generateContent').length).toBe(1);
    } finally {
      await gateway.stop();
      await proxy.close();
    }
  });
});

describe('Gemini CLI relay', () => {
  it('answers gemini-cli setup calls locally and serves its generate calls from the pool, when turned on', async () => {
    const google = await startFakeGoogle();
    const account = google.addAccount({ email: 'relay@example.com' });
    const env = { ...google.env, API_PASSWORD: 'relay-api-pass-1', GCLI_CREDS_1: gcli2apiFile(account) };
    const off = await startGatewayProcess({ name: 'cli-relay-off', env });
    try {
      const res = await fetch(`${off.url}/v1internal:loadCodeAssist`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await off.stop();
    }
    const gateway = await startGatewayProcess({ name: 'cli-relay-on', env: { ...env, GEMINI_CLI_RELAY: 'true' } });
    try {
      const post = (method: string, body: unknown) =>
        fetch(`${gateway.url}/v1internal:${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer ya29.the-cli-own-token' },
          body: JSON.stringify(body),
        });
      const load = await (await post('loadCodeAssist', { metadata: { pluginType: 'GEMINI' } })).json();
      expect(load.currentTier.id).toBe('standard-tier');
      const envelope = { model: 'gemini-2.5-flash', project: load.cloudaicompanionProject, user_prompt_id: 'p1', request: { contents: [{ role: 'user', parts: [{ text: 'from the cli' }] }] } };
      const answer = await (await post('generateContent', envelope)).json();
      expect(answer.response.candidates[0].content.parts[0].text).toContain('from the cli');
      const sent = google.callsTo('generateContent').at(-1)!;
      expect((sent.body as any).project).toBe(account.project);
      expect(sent.headers.authorization).not.toContain('the-cli-own-token');
      const stream = await (await fetch(`${gateway.url}/v1internal:streamGenerateContent?alt=sse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(envelope),
      })).text();
      expect(stream).toMatch(/^data: \{"response"/);
      const counted = await (await post('countTokens', { request: { model: 'models/gemini-2.5-flash', contents: envelope.request.contents } })).json();
      expect(counted.totalTokens).toBeGreaterThan(0);
      // unmetered, so a request relayed by a reverse proxy on this machine is refused
      const generated = google.callsTo('generateContent').length;
      const proxied = await fetch(`${gateway.url}/v1internal:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify(envelope),
      });
      expect(proxied.status).toBe(403);
      expect((await proxied.json()).error.status).toBe('PERMISSION_DENIED');
      expect(google.callsTo('generateContent')).toHaveLength(generated);
    } finally {
      await gateway.stop();
      await google.close();
    }
  });
});

describe('secrets at rest', () => {
  it('rotates the encryption key: old rows stay readable, get re-sealed, then the old key can go', async () => {
    const google = await startFakeGoogle();
    const account = google.addAccount({ email: 'rotate@example.com' });
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'cligate-rotate-'));
    const oldKey = Buffer.alloc(32, 51).toString('base64');
    const newKey = Buffer.alloc(32, 52).toString('base64');
    const base = { ...google.env, PANEL_PASSWORD: 'rotate-panel-1', API_PASSWORD: 'rotate-api-1' };
    const ask = async (g: { url: string }) =>
      (await fetch(`${g.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer rotate-api-1', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }),
      })).status;
    try {
      const first = await startGatewayProcess({ name: 'rotate-1', dataDir, env: { ...base, CLIGATE_ENCRYPTION_KEY: oldKey, GCLI_CREDS_1: gcli2apiFile(account) } });
      expect(await ask(first)).toBe(200);
      await first.stop();

      const second = await startGatewayProcess({ name: 'rotate-2', dataDir, env: { ...base, CLIGATE_ENCRYPTION_KEY: newKey, CLIGATE_ENCRYPTION_KEY_PREVIOUS: oldKey } });
      expect(await ask(second)).toBe(200);
      const job = await fetch(`${second.url}/jobs/re-encrypt-credentials/run`, { method: 'POST', headers: { authorization: 'Bearer rotate-panel-1' } }).then((r) => r.json());
      expect(job.result).toEqual({ reencrypted: 1 });
      await second.stop();

      const third = await startGatewayProcess({ name: 'rotate-3', dataDir, env: { ...base, CLIGATE_ENCRYPTION_KEY: newKey } });
      google.expireTokens('rotate@example.com');
      expect(await ask(third)).toBe(200);
      await third.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await google.close();
    }
  });

  it('refuses runtime upstream URLs toward private addresses unless the admin allows them', async () => {
    const gateway = await startGatewayProcess({ name: 'private-upstream', env: { PANEL_PASSWORD: 'private-panel-1' } });
    try {
      const save = (url: string) =>
        fetch(`${gateway.url}/config/save`, {
          method: 'POST',
          headers: { authorization: 'Bearer private-panel-1', 'content-type': 'application/json' },
          body: JSON.stringify({ config: { code_assist_endpoint: url } }),
        });
      const refused = await save('http://169.254.169.254/latest');
      expect(refused.status).toBe(400);
      expect((await refused.json()).detail).toMatch(/private or loopback/);
      expect((await save('http://localhost:9/x')).status).toBe(400);
      expect((await save('https://cloudcode-pa.example.com')).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});
