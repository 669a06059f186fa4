import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../../../config/gateway-config.js';
import { startStubServer } from '../../../oauth/__fixtures__/memory-credentials.js';
import { OAuthTokenError } from '../../../oauth/oauth-token-client.js';
import { pkceChallenge } from '../../../oauth/pkce.js';
import { Dispatchers } from '../../http/dispatchers.js';
import { ClaudeOAuthClient, CLAUDE_CODE_OAUTH_CLIENT_ID, CLAUDE_OAUTH_BETA, CLAUDE_OAUTH_REDIRECT_URI } from './claude-oauth.client.js';
import { claudeOAuthHeaders } from './claude-oauth.provider.js';

const NOW = 1_700_000_000_000;

describe('ClaudeOAuthClient', () => {
  let server: Awaited<ReturnType<typeof startStubServer>>;
  let answer: { status: number; body?: unknown } = { status: 200 };
  const dispatchers = new Dispatchers({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, idleTimeoutMs: 5000 });
  let client: ClaudeOAuthClient;

  beforeAll(async () => {
    server = await startStubServer(() => answer);
    const settings = { ...DEFAULT_SETTINGS, claude_oauth_token_url: `${server.url}/v1/oauth/token` } as RuntimeSettings;
    client = new ClaudeOAuthClient(dispatchers, () => settings, () => NOW);
  });
  afterAll(async () => {
    await server.close();
    await dispatchers.close();
  });

  it("builds Claude Code's consent URL with PKCE and the manual redirect", () => {
    const url = new URL(client.authorizeUrl({ state: 'st4te', codeChallenge: pkceChallenge('v'.repeat(43)), redirectUri: CLAUDE_OAUTH_REDIRECT_URI }));
    expect(`${url.origin}${url.pathname}`).toBe('https://claude.ai/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      code: 'true',
      client_id: CLAUDE_CODE_OAUTH_CLIENT_ID,
      response_type: 'code',
      redirect_uri: 'https://console.anthropic.com/oauth/code/callback',
      scope: 'org:create_api_key user:profile user:inference',
      code_challenge: pkceChallenge('v'.repeat(43)),
      code_challenge_method: 'S256',
      state: 'st4te',
    });
  });

  it('exchanges a code (JSON, with state and verifier) and keeps the account details', async () => {
    answer = {
      status: 200,
      body: {
        token_type: 'Bearer',
        access_token: 'sk-ant-oat01-a',
        refresh_token: 'sk-ant-ort01-a',
        expires_in: 28800,
        scope: 'user:inference user:profile',
        organization: { uuid: 'org-1', name: "Ann's Organization" },
        account: { uuid: 'acct-1', email_address: 'ann@example.com' },
      },
    };
    const secret = await client.exchangeCode({ code: 'c0de', state: 'st4te', codeVerifier: 'verifier', redirectUri: CLAUDE_OAUTH_REDIRECT_URI }, null);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/oauth/token');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'c0de',
      state: 'st4te',
      client_id: CLAUDE_CODE_OAUTH_CLIENT_ID,
      redirect_uri: CLAUDE_OAUTH_REDIRECT_URI,
      code_verifier: 'verifier',
    });
    expect(secret).toEqual({
      access_token: 'sk-ant-oat01-a',
      refresh_token: 'sk-ant-ort01-a',
      expires_at: new Date(NOW + 28_800_000).toISOString(),
      email: 'ann@example.com',
      account_uuid: 'acct-1',
      organization_uuid: 'org-1',
      organization_name: "Ann's Organization",
      scope: 'user:inference user:profile',
    });
    expect(client.identify(secret)).toEqual({ identity: 'acct-1', email: 'ann@example.com', accountId: null, plan: null });
    expect(client.expiresAt(secret)).toBe(NOW + 28_800_000);
  });

  it('refreshes with the oauth beta, keeps the refresh token when none comes back, and classifies failures', async () => {
    answer = { status: 200, body: { access_token: 'sk-ant-oat01-b', expires_in: 3600 } };
    const refreshed = await client.refresh({ refresh_token: 'sk-ant-ort01-a', email: 'ann@example.com' }, null);
    const sent = server.requests.at(-1)!;
    expect(sent.headers['anthropic-beta']).toBe(CLAUDE_OAUTH_BETA);
    expect(JSON.parse(sent.body)).toEqual({ grant_type: 'refresh_token', refresh_token: 'sk-ant-ort01-a', client_id: CLAUDE_CODE_OAUTH_CLIENT_ID });
    expect(refreshed).toMatchObject({ access_token: 'sk-ant-oat01-b', refresh_token: 'sk-ant-ort01-a', email: 'ann@example.com' });

    answer = { status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token not found or invalid' } };
    const dead = (await client.refresh({ refresh_token: 'x' }, null).catch((e: unknown) => e)) as OAuthTokenError;
    expect(dead).toBeInstanceOf(OAuthTokenError);
    expect(dead).toMatchObject({ status: 400, code: 'invalid_grant', permanent: true });
    expect(dead.message).toBe('token endpoint refused the grant (invalid_grant: Refresh token not found or invalid)');

    for (const transient of [{ status: 500, body: { error: 'server_error' } }, { status: 401, body: { error: 'invalid_client' } }, { status: 429, body: {} }]) {
      answer = transient;
      expect(((await client.refresh({ refresh_token: 'x' }, null).catch((e: unknown) => e)) as OAuthTokenError).permanent).toBe(false);
    }
  });

  it("reads typed uploads and Claude Code's own credentials file", () => {
    const typed = { type: 'claude-oauth', refresh_token: 'sk-ant-ort01-t', access_token: 'sk-ant-oat01-t', expires_at: '2030-01-01T00:00:00.000Z', email: 'ann@example.com', label: 'x' };
    expect(client.recognises(typed)).toBe(true);
    expect(client.parseFile(typed)).toEqual({ refresh_token: 'sk-ant-ort01-t', access_token: 'sk-ant-oat01-t', expires_at: '2030-01-01T00:00:00.000Z', email: 'ann@example.com' });
    const cli = { claudeAiOauth: { accessToken: 'sk-ant-oat01-c', refreshToken: 'sk-ant-ort01-c', expiresAt: 1_893_456_000_000, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max' } };
    expect(client.recognises(cli)).toBe(true);
    expect(client.parseFile(cli)).toEqual({
      refresh_token: 'sk-ant-ort01-c',
      access_token: 'sk-ant-oat01-c',
      expires_at: new Date(1_893_456_000_000).toISOString(),
      scope: 'user:inference user:profile',
      subscription_type: 'max',
    });
    expect(client.recognises({ type: 'claude', api_key: 'k' })).toBe(false);
    expect(() => client.parseFile({ type: 'claude-oauth' })).toThrow(/refresh_token/);
  });

  it('authenticates API calls with the bearer token, the oauth beta and the version, and nothing that imitates Claude Code', () => {
    const headers = claudeOAuthHeaders('sk-ant-oat01-z');
    expect(headers).toEqual({ authorization: 'Bearer sk-ant-oat01-z', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'oauth-2025-04-20' });
    expect(Object.keys(headers).some((h) => /user-agent|x-app|stainless|x-claude/i.test(h))).toBe(false);
    expect(headers['anthropic-beta']).not.toMatch(/claude-code/);
  });
});
