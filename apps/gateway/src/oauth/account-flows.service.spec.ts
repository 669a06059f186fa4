import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { createMemoryCoordination } from '../coordination/coordination.js';
import { Locks } from '../coordination/locks.js';
import type { ImportResult } from '../credentials/credential-import.service.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import type { AccountFlow, CompleteInput } from './account-flow.js';
import { AccountFlowsService, createAccountFlowStore } from './account-flows.service.js';
import { parsePastedCode } from './parse-pasted-code.js';
import { pkceChallenge } from './pkce.js';

describe('parsePastedCode', () => {
  it('reads code#state, callback addresses, bare queries and bare codes', () => {
    expect(parsePastedCode('  abc123#st4te \n')).toEqual({ code: 'abc123', state: 'st4te' });
    expect(parsePastedCode('http://localhost:1455/auth/callback?code=ac_1&scope=x&state=s1')).toEqual({ code: 'ac_1', state: 's1' });
    expect(parsePastedCode('localhost:1455/auth/callback?code=ac_1&state=s1#frag')).toEqual({ code: 'ac_1', state: 's1' });
    expect(parsePastedCode('https://console.anthropic.com/oauth/code/callback?code=c&state=s')).toEqual({ code: 'c', state: 's' });
    expect(parsePastedCode('code=c2&state=s2')).toEqual({ code: 'c2', state: 's2' });
    expect(parsePastedCode('justacode')).toEqual({ code: 'justacode', state: null });
  });

  it('says why a paste is unusable', () => {
    expect(() => parsePastedCode('')).toThrow(/paste/);
    expect(() => parsePastedCode('http://localhost:1455/auth/callback?error=access_denied&error_description=User%20cancelled')).toThrow(
      'the sign-in did not complete: access_denied (User cancelled)',
    );
    expect(() => parsePastedCode('http://localhost:1455/auth/callback?state=s')).toThrow(/no code/);
    expect(() => parsePastedCode('two words')).toThrow(/not a code/);
  });
});

function setup(answer: (input: CompleteInput) => ImportResult) {
  let now = 1_000_000;
  const completed: CompleteInput[] = [];
  const flow: AccountFlow = {
    type: 'test-oauth',
    label: 'Test',
    pkce: true,
    redirectUri: () => 'https://example.com/callback',
    authorizeUrl: (input) => `https://example.com/authorize?state=${input.state}&code_challenge=${input.codeChallenge}`,
    parsePasted: parsePastedCode,
    async complete(input) {
      completed.push(input);
      return answer(input);
    },
  };
  const service = new AccountFlowsService(
    [flow],
    createAccountFlowStore(createMemoryCoordination(), () => now),
    new CryptoRepository(Buffer.alloc(32, 3), Buffer.alloc(32, 4)),
    new Locks(createMemoryCoordination()),
    pino({ level: 'silent' }),
    60_000,
    () => now,
  );
  return { service, completed, advance: (ms: number) => (now += ms) };
}

const success: ImportResult = { filename: 'test-oauth-1.json', status: 'success', message: 'added', credential: { id: '1', filename: 'test-oauth-1.json', email: 'a@b', project_id: null, tier: null } };

async function gatewayError(p: Promise<unknown>): Promise<GatewayError> {
  const error = await p.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('AccountFlowsService', () => {
  it('starts a sign-in with a PKCE challenge and completes it once with the sealed verifier', async () => {
    const t = setup(() => success);
    const started = await t.service.start('test');
    expect(started).toMatchObject({ type: 'test-oauth', redirect_uri: 'https://example.com/callback', expires_in: 60 });
    const challenge = new URL(started.auth_url).searchParams.get('code_challenge')!;
    expect(await t.service.complete('test-oauth', { pasted: `the-code#${started.state}` })).toEqual(success);
    expect(t.completed).toHaveLength(1);
    expect(t.completed[0]).toMatchObject({ code: 'the-code', state: started.state, redirectUri: 'https://example.com/callback', source: 'oauth' });
    expect(pkceChallenge(t.completed[0]!.codeVerifier!)).toBe(challenge);
    // single use
    expect((await gatewayError(t.service.complete('test', { pasted: `the-code#${started.state}` }))).message).toMatch(/unknown or expired/);
  });

  it('takes the state from the body when only the code is pasted, and refuses mismatches, unknown kinds and expired flows', async () => {
    const t = setup(() => success);
    const started = await t.service.start('test');
    expect((await gatewayError(t.service.complete('test', { pasted: 'c#other', state: started.state }))).message).toMatch(/another sign-in/);
    expect((await gatewayError(t.service.complete('test', { pasted: 'c' }))).message).toMatch(/state is required/);
    expect((await gatewayError(t.service.complete('test', { pasted: '' }))).param).toBe('pasted');
    expect((await gatewayError(t.service.start('nope'))).code).toBe('not_found');
    expect(await t.service.complete('test', { pasted: 'c', state: started.state })).toEqual(success);
    const late = await t.service.start('test');
    t.advance(61_000);
    expect((await gatewayError(t.service.complete('test', { pasted: `c#${late.state}` }))).message).toMatch(/expired/);
  });

  it('keeps the flow when the exchange fails, so a corrected paste can still finish it', async () => {
    let fail = true;
    const t = setup(() => (fail ? { filename: '', status: 'error', message: 'Anthropic did not accept the code', reason: { code: 'CODE_EXCHANGE_FAILED', requires_project_id: false } } : success));
    const started = await t.service.start('test');
    const error = await gatewayError(t.service.complete('test', { pasted: `wrong#${started.state}` }));
    expect(error).toMatchObject({ code: 'invalid_request', message: 'Anthropic did not accept the code' });
    fail = false;
    expect(await t.service.complete('test', { pasted: `right#${started.state}` })).toEqual(success);
  });
});
