import { createHash } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../coordination/coordination.js';
import { Locks } from '../coordination/locks.js';
import type { CredentialImportService, ImportOptions, ImportResult } from '../credentials/credential-import.service.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import { TokenEndpointError, type GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { MemoryDonationFlowRepository } from './donation-flow.repository.js';
import { DonationError } from './donation.errors.js';
import { DonationService } from './donation.service.js';
import { createAntigravityAccountFlow, createGeminiCliAccountFlow } from '../oauth/google-account-flow.js';
import type { AccountFlow, CompleteInput } from '../oauth/account-flow.js';

function setup(importAnswers: Array<(file: Record<string, unknown>, o: ImportOptions) => ImportResult>) {
  let now = 1_000_000;
  const exchanges: Array<{ code: string; redirectUri: string }> = [];
  const grants: Array<{ clientId: string; codeVerifier?: string }> = [];
  const imports: Array<{ filename: string; file: Record<string, unknown>; options: ImportOptions }> = [];
  const google = {
    async exchangeCode(grant: { code: string; redirectUri: string; clientId: string; codeVerifier?: string }) {
      exchanges.push({ code: grant.code, redirectUri: grant.redirectUri });
      grants.push({ clientId: grant.clientId, ...(grant.codeVerifier ? { codeVerifier: grant.codeVerifier } : {}) });
      if (grant.code === 'bad') throw new TokenEndpointError(400, true, 'token endpoint refused the grant (invalid_grant: Bad Request)');
      if (grant.code === 'no-refresh') return { access_token: 'ya29.a', expires_in: 3599 };
      return { access_token: 'ya29.a', expires_in: 3599, refresh_token: '1//r', scope: 'a b' };
    },
    async userEmail() {
      return 'donor@example.com';
    },
  } as unknown as GoogleHttpRepository;
  const importer = {
    async importObject(filename: string, file: Record<string, unknown>, options: ImportOptions) {
      imports.push({ filename, file, options });
      const answer = importAnswers.shift();
      if (!answer) throw new Error('unexpected import');
      return answer(file, options);
    },
  } as unknown as CredentialImportService;
  const flows = new MemoryDonationFlowRepository(() => now);
  const clock = () => now;
  const service = new DonationService(
    flows,
    [createGeminiCliAccountFlow({ callbackPort: 11451, google, importer, now: clock }), createAntigravityAccountFlow({ callbackPort: 51121, google, importer, now: clock })],
    new CryptoRepository(Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
    new Locks(createMemoryCoordination()),
    pino({ level: 'silent' }),
    { flowTtlMs: 30 * 60_000 },
    clock,
  );
  return { service, flows, exchanges, grants, imports, advance: (ms: number) => (now += ms) };
}

const ok = (status: 'success' | 'updated' = 'success'): ((file: Record<string, unknown>, o: ImportOptions) => ImportResult) => (_file, o) => ({
  filename: 'donor@example.com.json',
  status,
  message: status === 'success' ? 'added to the pool' : 'already in the pool',
  credential: { id: 'c1', filename: 'donor@example.com.json', email: 'donor@example.com', project_id: o.projectId ?? 'proj-auto', tier: 'free-tier' },
});

async function donationError(p: Promise<unknown>): Promise<DonationError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof DonationError) return error;
    throw error;
  }
  throw new Error('expected a DonationError');
}

describe('DonationService', () => {
  it("builds gemini-cli's consent URL with an unguessable state and the loopback redirect", async () => {
    const { service } = setup([]);
    const a = await service.start(null);
    const b = await service.start('my-project-1');
    expect(a.state).not.toBe(b.state);
    expect(a.state.length).toBeGreaterThanOrEqual(40);
    const url = new URL(a.auth_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toStrictEqual({
      client_id: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
      redirect_uri: 'http://localhost:11451/',
      scope: 'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state: a.state,
    });
    expect(a).toMatchObject({ redirect_uri: 'http://localhost:11451/', expires_in: 1800, loopback: false, auto_project_detection: true });
    expect(b.auto_project_detection).toBe(false);
    expect((await donationError(service.start('12345'))).code).toBe('invalid_project_id');
  });

  it('exchanges the pasted code with the exact redirect URI and imports the tokens once', async () => {
    const { service, exchanges, imports } = setup([ok()]);
    const { state } = await service.start(null);
    const result = await service.completeWithCallbackUrl(`http://localhost:11451/?state=${state}&code=good&scope=x`, null);
    expect(result).toStrictEqual({
      status: 'success',
      credentials: { filename: 'donor@example.com.json', email: 'donor@example.com', project_id: 'proj-auto', tier: 'free-tier' },
      message: 'added to the pool',
      file_path: 'donor@example.com.json',
      auto_detected_project: true,
    });
    expect(exchanges).toStrictEqual([{ code: 'good', redirectUri: 'http://localhost:11451/' }]);
    expect(imports[0]!.filename).toBe('donor@example.com.json');
    expect(imports[0]!.options).toStrictEqual({ source: 'oauth', projectId: null });
    expect(imports[0]!.file).toMatchObject({ refresh_token: '1//r', token: 'ya29.a', user_email: 'donor@example.com', scopes: ['a', 'b'] });
    // pasting again (or the loopback arriving late) answers the stored outcome without a new exchange
    expect(await service.completeWithCallbackUrl(`?code=good&state=${state}`, null)).toStrictEqual(result);
    expect(exchanges).toHaveLength(1);
    expect((await service.status(state)).status).toBe('success');
  });

  it('asks for a project id, then retries with the kept tokens and no second sign-in', async () => {
    const { service, exchanges, imports } = setup([
      () => ({ filename: 'x', status: 'error', message: 'the Standard tier needs a Google Cloud project id', reason: { code: 'PROJECT_REQUIRED', requires_project_id: true } }),
      ok('updated'),
    ]);
    const { state } = await service.start(null);
    const url = `http://localhost:11451/?state=${state}&code=good`;
    const first = await donationError(service.completeWithCallbackUrl(url, null));
    expect(first.toBody()).toMatchObject({ code: 'project_required', requires_manual_project_id: true });
    expect((await service.status(state)).error).toMatchObject({ code: 'project_required' });
    const second = await service.completeWithCallbackUrl(url, 'my-project-1');
    expect(second).toMatchObject({ status: 'updated', credentials: { project_id: 'my-project-1' }, auto_detected_project: false });
    expect(exchanges).toHaveLength(1);
    expect(imports[1]!.options.projectId).toBe('my-project-1');
    expect(imports[1]!.file.project_id).toBe('my-project-1');
  });

  it('explains ineligible accounts, rejected codes, missing refresh tokens, declined consent and unknown states', async () => {
    const { service, advance } = setup([
      () => ({ filename: 'x', status: 'error', message: 'Your account is not eligible', reason: { code: 'INELIGIBLE_ACCOUNT', requires_project_id: false, validation_url: 'https://accounts.google.com/v' } }),
    ]);
    const s1 = (await service.start(null)).state;
    const ineligible = await donationError(service.complete(s1, 'good', null));
    expect(ineligible.toBody()).toMatchObject({ code: 'not_eligible', requires_manual_project_id: false, validation_url: 'https://accounts.google.com/v' });

    const s2 = (await service.start(null)).state;
    expect((await donationError(service.complete(s2, 'bad', null))).code).toBe('code_rejected');
    const s3 = (await service.start(null)).state;
    expect((await donationError(service.complete(s3, 'no-refresh', null))).code).toBe('no_refresh_token');
    const s4 = (await service.start(null)).state;
    expect((await donationError(service.completeWithCallbackUrl(`http://localhost:11451/?error=access_denied&state=${s4}`, null))).code).toBe('authorization_denied');
    expect((await service.status(s4)).status).toBe('error');

    expect((await donationError(service.complete('made-up', 'good', null))).code).toBe('unknown_state');
    expect((await donationError(service.completeWithCallbackUrl('no url here', null))).code).toBe('invalid_callback_url');
    const s5 = (await service.start(null)).state;
    advance(30 * 60_000 + 1);
    expect((await donationError(service.complete(s5, 'good', null))).code).toBe('unknown_state');
    expect((await donationError(service.status(s5))).code).toBe('unknown_state');
  });

  it('lists the registered account types and refuses others', async () => {
    const { service } = setup([]);
    expect(service.accountTypes()).toStrictEqual([
      { type: 'gemini-cli', label: 'Gemini CLI' },
      { type: 'antigravity', label: 'Antigravity' },
    ]);
    expect((await donationError(service.start(null, 'nope'))).toBody()).toMatchObject({ code: 'unknown_account_type' });
  });

  it("starts an Antigravity flow with Antigravity's client and PKCE, keeping the verifier sealed in the flow", async () => {
    const { service, flows, grants, imports } = setup([
      (file) => ({
        filename: 'antigravity-donor@example.com.json',
        status: 'success',
        message: 'added to the pool',
        credential: { id: 'c2', filename: 'antigravity-donor@example.com.json', email: 'donor@example.com', project_id: 'ag-proj', tier: String(file.type) },
      }),
    ]);
    const started = await service.start(null, 'antigravity');
    expect(started).toMatchObject({ type: 'antigravity', redirect_uri: 'http://localhost:51121/oauth-callback' });
    const url = new URL(started.auth_url);
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: '1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com',
      redirect_uri: 'http://localhost:51121/oauth-callback',
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      state: started.state,
      code_challenge_method: 'S256',
    });
    expect(params.scope!.split(' ')).toHaveLength(5);
    const stored = (await flows.get(started.state))!;
    expect(stored.type).toBe('antigravity');
    expect(stored.codeVerifierCiphertext).toBeTruthy();
    const storedText = JSON.stringify(stored);

    const done = await service.completeWithCallbackUrl(`http://localhost:51121/oauth-callback?state=${started.state}&code=good`, null);
    expect(done.credentials.filename).toBe('antigravity-donor@example.com.json');
    // the verifier sent with the code is the one whose S256 challenge the consent URL carried
    const verifier = grants[0]!.codeVerifier!;
    expect(grants[0]!.clientId).toBe(params.client_id);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(params.code_challenge);
    expect(storedText).not.toContain(verifier);
    expect(imports[0]!.filename).toBe('antigravity-donor@example.com.json');
    expect(imports[0]!.file).toMatchObject({ type: 'antigravity', client_id: params.client_id, refresh_token: '1//r', email: 'donor@example.com' });
    expect((await service.status(started.state)).type).toBe('antigravity');
    expect((await flows.get(started.state))!.codeVerifierCiphertext).toBeNull();
  });

  it("reads a kind's own pasted form (code#state) through its AccountFlow", async () => {
    const now = 5_000;
    const completed: CompleteInput[] = [];
    const vendor: AccountFlow = {
      type: 'vendor-oauth',
      label: 'Vendor',
      pkce: true,
      redirectUri: () => 'https://vendor.example/oauth/code/callback',
      authorizeUrl: (input) => `https://vendor.example/authorize?state=${input.state}&challenge=${input.codeChallenge}`,
      parsePasted(text) {
        const [code, state] = text.trim().split('#');
        if (!code || !state) throw new Error('not code#state');
        return { code, state };
      },
      async complete(input) {
        completed.push(input);
        return { filename: 'vendor.json', status: 'success', message: 'added', credential: { id: 'v', filename: 'vendor.json', email: 'v@example.com', project_id: null, tier: null } };
      },
    };
    const service = new DonationService(
      new MemoryDonationFlowRepository(() => now),
      [vendor],
      new CryptoRepository(Buffer.alloc(32, 1), Buffer.alloc(32, 2)),
      new Locks(createMemoryCoordination()),
      pino({ level: 'silent' }),
      { flowTtlMs: 60_000 },
      () => now,
    );
    const started = await service.start(null, 'vendor-oauth');
    expect(started.loopback).toBe(false);
    expect((await donationError(service.completeWithCallbackUrl('abc#not-a-state', null))).code).toBe('invalid_callback_url');
    const done = await service.completeWithCallbackUrl(`the-code#${started.state}`, null);
    expect(done.status).toBe('success');
    expect(completed[0]).toMatchObject({ code: 'the-code', state: started.state, redirectUri: 'https://vendor.example/oauth/code/callback', source: 'oauth' });
    expect(completed[0]!.codeVerifier).toMatch(/^[\w-]{43,}$/);
  });
});
