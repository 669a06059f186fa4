import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../../../config/gateway-config.js';
import { startStubServer, testJwt } from '../../../oauth/__fixtures__/memory-credentials.js';
import { OAuthTokenError } from '../../../oauth/oauth-token-client.js';
import { Dispatchers } from '../../http/dispatchers.js';
import { CODEX_OAUTH_CLIENT_ID, CODEX_OAUTH_REDIRECT_URI, CodexOAuthClient, OPENAI_AUTH_CLAIM } from './codex-oauth.client.js';
import { codexOAuthHeaders, codexUsageUrl } from './codex-oauth.provider.js';

const NOW = 1_700_000_000_000;
const EXP = NOW / 1000 + 864_000;

function tokens(opts: { account?: string; plan?: string; email?: string } = {}) {
  const auth = { chatgpt_account_id: opts.account ?? 'acc-1', chatgpt_plan_type: opts.plan ?? 'plus', chatgpt_user_id: 'user-1' };
  return {
    id_token: testJwt({ email: opts.email ?? 'bo@example.com', exp: NOW / 1000 + 3600, [OPENAI_AUTH_CLAIM]: auth }),
    access_token: testJwt({ exp: EXP, [OPENAI_AUTH_CLAIM]: auth, 'https://api.openai.com/profile': { email: opts.email ?? 'bo@example.com' } }),
    refresh_token: 'rt_1',
    expires_in: 864_000,
  };
}

describe('CodexOAuthClient', () => {
  let server: Awaited<ReturnType<typeof startStubServer>>;
  let answer: { status: number; body?: unknown } = { status: 200 };
  const dispatchers = new Dispatchers({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, idleTimeoutMs: 5000 });
  let client: CodexOAuthClient;

  beforeAll(async () => {
    server = await startStubServer(() => answer);
    const settings = { ...DEFAULT_SETTINGS, codex_oauth_issuer: server.url } as RuntimeSettings;
    client = new CodexOAuthClient(dispatchers, () => settings, () => NOW);
  });
  afterAll(async () => {
    await server.close();
    await dispatchers.close();
  });

  it("builds the Codex client's consent URL with PKCE and cligate's own originator", () => {
    const url = new URL(client.authorizeUrl({ state: 's', codeChallenge: 'ch', redirectUri: CODEX_OAUTH_REDIRECT_URI }));
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CODEX_OAUTH_CLIENT_ID,
      redirect_uri: 'http://localhost:1455/auth/callback',
      scope: 'openid profile email offline_access',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      state: 's',
      originator: 'cligate',
    });
    expect(url.searchParams.get('originator')).not.toBe('codex_cli_rs');
  });

  it('exchanges a code (form-encoded) and reads account id, plan, user and email from the id_token', async () => {
    answer = { status: 200, body: tokens() };
    const secret = await client.exchangeCode({ code: 'ac_1', codeVerifier: 'ver', redirectUri: CODEX_OAUTH_REDIRECT_URI }, null);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/oauth/token');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'ac_1',
      redirect_uri: CODEX_OAUTH_REDIRECT_URI,
      client_id: CODEX_OAUTH_CLIENT_ID,
      code_verifier: 'ver',
    });
    expect(secret).toMatchObject({ refresh_token: 'rt_1', account_id: 'acc-1', plan_type: 'plus', user_id: 'user-1', email: 'bo@example.com' });
    // the access token's JWT exp decides, not the id_token's
    expect(client.expiresAt(secret)).toBe(EXP * 1000);
    expect(client.identify(secret)).toEqual({ identity: 'user-1@acc-1', email: 'bo@example.com', accountId: 'acc-1', plan: 'plus' });
  });

  it('refreshes with JSON, takes the rotated refresh token and the new plan; dead grants are permanent', async () => {
    answer = { status: 200, body: { ...tokens({ plan: 'pro' }), refresh_token: 'rt_2' } };
    const next = await client.refresh({ refresh_token: 'rt_1', account_id: 'acc-1', plan_type: 'plus' }, null);
    const sent = server.requests.at(-1)!;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ client_id: CODEX_OAUTH_CLIENT_ID, grant_type: 'refresh_token', refresh_token: 'rt_1' });
    expect(next).toMatchObject({ refresh_token: 'rt_2', plan_type: 'pro', account_id: 'acc-1', last_refresh: new Date(NOW).toISOString() });

    for (const code of ['refresh_token_expired', 'refresh_token_reused', 'refresh_token_invalidated']) {
      answer = { status: 401, body: { error: { message: 'Please try signing in again.', type: 'invalid_request_error', code } } };
      const error = (await client.refresh({ refresh_token: 'rt_1' }, null).catch((e: unknown) => e)) as OAuthTokenError;
      expect(error).toBeInstanceOf(OAuthTokenError);
      expect(error).toMatchObject({ code, permanent: true });
    }
    answer = { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    expect(((await client.refresh({ refresh_token: 'x' }, null).catch((e: unknown) => e)) as OAuthTokenError).permanent).toBe(true);
    answer = { status: 502, body: { detail: 'bad gateway' } };
    expect(((await client.refresh({ refresh_token: 'x' }, null).catch((e: unknown) => e)) as OAuthTokenError).permanent).toBe(false);
  });

  it("reads typed uploads and the Codex CLI's auth.json; an upload without an account id is refused", () => {
    const t = tokens({ account: 'acc-9' });
    const authJson = { OPENAI_API_KEY: null, tokens: { id_token: t.id_token, access_token: t.access_token, refresh_token: 'rt_9', account_id: 'acc-9' }, last_refresh: '2025-01-01T00:00:00Z' };
    expect(client.recognises(authJson)).toBe(true);
    expect(client.parseFile(authJson)).toMatchObject({ refresh_token: 'rt_9', account_id: 'acc-9', email: 'bo@example.com', last_refresh: '2025-01-01T00:00:00.000Z' });
    const typed = { type: 'codex-oauth', refresh_token: 'rt_8', id_token: t.id_token };
    expect(client.recognises(typed)).toBe(true);
    expect(client.parseFile(typed)).toMatchObject({ refresh_token: 'rt_8', account_id: 'acc-9' });
    expect(() => client.parseFile({ type: 'codex-oauth', refresh_token: 'rt' })).toThrow(/account id/);
    expect(client.recognises({ type: 'codex', api_key: 'sk-1' })).toBe(false);
    expect(client.recognises({ refresh_token: 'x', client_id: 'y' })).toBe(false);
  });

  it('calls the backend with the account id and a cligate originator, never codex_cli_rs', () => {
    expect(codexOAuthHeaders('jwt', 'acc-1')).toEqual({ authorization: 'Bearer jwt', 'chatgpt-account-id': 'acc-1', originator: 'cligate', 'user-agent': 'cligate' });
    expect(codexUsageUrl('https://chatgpt.com/backend-api/codex')).toBe('https://chatgpt.com/backend-api/wham/usage');
    expect(codexUsageUrl('http://127.0.0.1:9/backend-api/codex/')).toBe('http://127.0.0.1:9/backend-api/wham/usage');
  });
});
