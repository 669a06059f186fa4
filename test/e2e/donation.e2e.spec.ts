import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const PANEL_PASSWORD = 'e2e-donation-panel-5d1f';

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** The /auth donation API (gcli2api-compat.md §4) with the fake Google's OAuth code exchange. */
describe.each(testModes())('account donation (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let other: GatewayProcess | undefined;
  let admin: AdminClient;
  let callbackPort: number;
  let dropDb: (() => Promise<void>) | undefined;

  /** /auth/start, then Google's redirect for `email` to this flow's redirect URI. */
  async function signIn(email: string, start: Record<string, unknown> = {}, base = gateway.url) {
    const started = await post(base, '/auth/start', start);
    expect(started.status).toBe(200);
    const code = google.issueAuthCode(email, { redirectUri: started.body.redirect_uri });
    return { ...started.body, code, callbackUrl: `${started.body.redirect_uri}?state=${started.body.state}&code=${encodeURIComponent(code)}&scope=email` };
  }

  beforeAll(async () => {
    google = await startFakeGoogle({ operationPollsBeforeDone: 1 });
    google.addAccount({ email: 'donor@example.com' });
    google.addAccount({ email: 'paid@example.com', project: null, onboardTier: 'standard-tier' });
    google.addAccount({ email: 'blocked@example.com', project: null });
    google.addAccount({ email: 'local@example.com' });
    callbackPort = await freePort();
    const env: Record<string, string> = {
      ...google.env,
      PANEL_PASSWORD,
      OAUTH_CALLBACK_PORT: String(callbackPort),
      CLIGATE_ONBOARD_POLL_SECONDS: '0.05',
    };
    const storage = await modeEnv(mode, 'donation');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    if (mode === 'postgres+redis') {
      gateway = await startGatewayProcess({ name: `donation-${mode}`, env });
      other = await startGatewayProcess({ name: `donation-${mode}-b`, env });
    } else {
      gateway = await startGatewayProcess({ name: `donation-${mode}`, env });
    }
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
  });

  afterAll(async () => {
    await gateway?.stop();
    await other?.stop();
    await google?.close();
    await dropDb?.();
  });

  it("starts a flow with gemini-cli's client, offline access and consent", async () => {
    const info = await fetch(`${gateway.url}/auth/donation-info`).then((r) => r.json());
    expect(info).toStrictEqual({ enabled: true, password_required: false, redirect_uri: `http://localhost:${callbackPort}/`, flow_ttl_seconds: 1800 });
    const started = await post(gateway.url, '/auth/start', {});
    expect(started.status).toBe(200);
    const url = new URL(started.body.auth_url);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
      redirect_uri: `http://localhost:${callbackPort}/`,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state: started.body.state,
    });
    expect(url.searchParams.get('scope')!.split(' ')).toHaveLength(3);
    expect(started.body.state).toMatch(/^[\w-]{40,}$/);
    const status = await fetch(`${gateway.url}/auth/status/${started.body.state}`).then((r) => r.json());
    expect(status).toMatchObject({ state: started.body.state, status: 'pending', result: null, error: null });
  });

  it('adds an account from a pasted callback URL, and recognises it the second time', async () => {
    const flow = await signIn('donor@example.com');
    const done = await post(gateway.url, '/auth/callback-url', { callback_url: flow.callbackUrl });
    expect(done.status).toBe(200);
    expect(done.body).toStrictEqual({
      status: 'success',
      credentials: { filename: 'donor@example.com.json', email: 'donor@example.com', project_id: 'proj-donor-example-com', tier: 'free-tier' },
      message: 'added to the pool',
      file_path: 'donor@example.com.json',
      auto_detected_project: true,
    });
    const token = google.callsTo('token').find((c) => (c.body as Record<string, string>).grant_type === 'authorization_code')!;
    expect((token.body as Record<string, string>).redirect_uri).toBe(`http://localhost:${callbackPort}/`);
    const cred = await admin.credentialByEmail('donor@example.com');
    expect(cred).toMatchObject({ source: 'oauth', project_id: 'proj-donor-example-com', tier: 'free-tier', disabled: false });
    expect((await fetch(`${gateway.url}/auth/status/${flow.state}`).then((r) => r.json())).status).toBe('success');

    // the same account again: updated, not duplicated; the flow may finish in another process
    const again = await signIn('donor@example.com', {}, other?.url ?? gateway.url);
    const second = await post(gateway.url, '/auth/callback-url', { callback_url: again.callbackUrl });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('updated');
    expect(second.body.credentials.filename).toBe('donor@example.com.json');
    expect((await admin.status()).items.filter((i: any) => i.user_email === 'donor@example.com')).toHaveLength(1);
  });

  it('explains failures: unknown state, rejected code, bad input', async () => {
    const flow = await signIn('donor@example.com');
    const wrongState = await post(gateway.url, '/auth/callback-url', { callback_url: `http://localhost:${callbackPort}/?state=not-a-flow&code=${flow.code}` });
    expect(wrongState.status).toBe(400);
    expect(wrongState.body).toMatchObject({ code: 'unknown_state', requires_manual_project_id: false });
    expect(wrongState.body.detail).toMatch(/Start the donation again/);
    expect(wrongState.body.error).toBe(wrongState.body.detail);

    // a code Google does not know (used or expired) is rejected
    const rejected = await post(gateway.url, '/auth/callback-url', { callback_url: `?state=${flow.state}&code=4/0Anever-issued` });
    expect(rejected.status).toBe(400);
    expect(rejected.body.code).toBe('code_rejected');
    // a code issued for another redirect URI is rejected too
    const started = await post(gateway.url, '/auth/start', {});
    const foreign = google.issueAuthCode('donor@example.com', { redirectUri: 'http://localhost:8080' });
    expect((await post(gateway.url, '/auth/callback-url', { callback_url: `?state=${started.body.state}&code=${foreign}` })).body.code).toBe('code_rejected');

    expect((await post(gateway.url, '/auth/callback-url', { callback_url: 'hello' })).body.code).toBe('invalid_callback_url');
    expect((await post(gateway.url, '/auth/start', { project_id: '123456' })).body.code).toBe('invalid_project_id');
    const denied = await post(gateway.url, '/auth/callback-url', { callback_url: `http://localhost:${callbackPort}/?error=access_denied&state=${started.body.state}` });
    expect(denied.body.code).toBe('authorization_denied');
    expect((await fetch(`${gateway.url}/auth/status/nope`)).status).toBe(400);
  });

  it('asks for a project id when the tier needs one, then finishes without a new sign-in', async () => {
    const flow = await signIn('paid@example.com');
    const first = await post(gateway.url, '/auth/callback-url', { callback_url: flow.callbackUrl });
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ code: 'project_required', requires_manual_project_id: true });
    const exchanges = google.callsTo('token').length;
    const second = await post(gateway.url, '/auth/callback-url', { callback_url: flow.callbackUrl, project_id: 'paid-project-42' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'success', credentials: { email: 'paid@example.com', project_id: 'paid-project-42' }, auto_detected_project: false });
    expect(google.callsTo('token').length).toBe(exchanges);
  });

  it('says so when Google finds the account not eligible', async () => {
    google.script('blocked@example.com', 'loadCodeAssist', [
      {
        status: 200,
        body: {
          ineligibleTiers: [
            { reasonCode: 'UNSUPPORTED_LOCATION', reasonMessage: 'Gemini Code Assist is not available in your country.', tierId: 'free-tier', validationUrl: 'https://accounts.google.com/verify' },
          ],
        },
      },
    ]);
    const flow = await signIn('blocked@example.com');
    const r = await post(gateway.url, '/auth/callback-url', { callback_url: flow.callbackUrl });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'not_eligible', requires_manual_project_id: false, validation_url: 'https://accounts.google.com/verify' });
    expect(r.body.detail).toContain('not available in your country');
    expect((await admin.status()).items.some((i: any) => i.user_email === 'blocked@example.com')).toBe(false);
  });

  it('completes by itself when the browser reaches the local callback listener', async () => {
    const flow = await signIn('local@example.com');
    expect(flow.loopback).toBe(true);
    const page = await fetch(`http://127.0.0.1:${callbackPort}/?state=${flow.state}&code=${encodeURIComponent(flow.code)}&scope=email`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('local@example.com');
    const status = await fetch(`${gateway.url}/auth/status/${flow.state}`).then((r) => r.json());
    expect(status).toMatchObject({ status: 'success', result: { credentials: { email: 'local@example.com' } } });
    // gcli2api's wait-for-callback call answers the finished flow
    expect((await post(gateway.url, '/auth/callback', { state: flow.state })).body.credentials.email).toBe('local@example.com');
    // pasting the same URL afterwards answers the same outcome
    expect((await post(gateway.url, '/auth/callback-url', { callback_url: `http://localhost:${callbackPort}/?state=${flow.state}&code=${flow.code}` })).body.status).toBe('success');
  });

  it('can be turned off or put behind a donation password by the admin', async () => {
    expect((await admin.json('POST', '/config/save', { config: { donation_enabled: false } })).status).toBe(200);
    await expect.poll(async () => (await post(gateway.url, '/auth/start', {})).status).toBe(403);
    expect((await post(gateway.url, '/auth/start', {})).body.code).toBe('donation_disabled');
    expect((await fetch(`${gateway.url}/auth/donation-info`).then((r) => r.json())).enabled).toBe(false);
    // an admin can still add accounts through the page
    expect((await post(gateway.url, '/auth/start', {}, { authorization: `Bearer ${PANEL_PASSWORD}` })).status).toBe(200);

    await admin.json('POST', '/config/save', { config: { donation_enabled: true, donation_password: 'give-generously' } });
    await expect.poll(async () => (await post(gateway.url, '/auth/start', {})).status).toBe(401);
    expect((await post(gateway.url, '/auth/start', {})).body.code).toBe('donation_password_required');
    expect((await post(gateway.url, '/auth/start', { password: 'wrong' }, { 'x-forwarded-for': '192.0.2.44' })).body).toMatchObject({
      code: 'donation_password_required',
      detail: 'Wrong donation password.',
    });
    expect((await post(gateway.url, '/auth/start', { password: 'give-generously' })).status).toBe(200);
    expect((await fetch(`${gateway.url}/auth/donation-info`).then((r) => r.json())).password_required).toBe(true);
    await admin.json('POST', '/config/save', { config: { donation_password: '' } });
    await expect.poll(async () => (await post(gateway.url, '/auth/start', {})).status).toBe(200);
  });
});
