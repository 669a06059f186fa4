import { createHash } from 'node:crypto';
import type { Locks } from '../coordination/locks.js';
import type { ImportResult } from '../credentials/credential-import.service.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Logger } from '../logging/logger.js';
import type { AccountFlow } from '../oauth/account-flow.js';
import type { DonationFlow, DonationFlowRepository, DonationFlowStatus, DonationSuccess } from './donation-flow.repository.js';
import { DonationError, type DonationErrorBody } from './donation.errors.js';
import { loopbackPortOf, type LoopbackCallbackPool, type LoopbackOutcome } from './loopback-callback.server.js';
import { isProjectId, parseCallbackUrl } from './oauth-callback-url.js';

/** The account kind a donation adds when /auth/start names none. */
export const DEFAULT_ACCOUNT_TYPE = 'gemini-cli';
/** gcli2api expires flows after 30 minutes. */
export const DONATION_FLOW_TTL_MS = 30 * 60_000;

/** Ineligibility reasons Google gives in loadCodeAssist's ineligibleTiers (upstream-google.md §10.1). */
const INELIGIBLE_CODES = new Set([
  'DASHER_USER',
  'INELIGIBLE_ACCOUNT',
  'NON_USER_ACCOUNT',
  'RESTRICTED_AGE',
  'RESTRICTED_NETWORK',
  'UNKNOWN',
  'UNKNOWN_LOCATION',
  'UNSUPPORTED_LOCATION',
  'VALIDATION_REQUIRED',
]);

export interface DonationStart {
  /** the account kind the flow adds */
  type: string;
  auth_url: string;
  state: string;
  redirect_uri: string;
  expires_in: number;
  /** the local callback listener is open: a browser on this machine completes the flow by itself */
  loopback: boolean;
  auto_project_detection: boolean;
  detected_project_id: string | null;
  get_all_projects: false;
}

export interface DonationStatus {
  state: string;
  type: string;
  status: DonationFlowStatus;
  expires_at: string;
  result: DonationSuccess | null;
  error: DonationErrorBody | null;
}

export interface DonationOptions {
  flowTtlMs: number;
}

/**
 * Account donation through OAuth (the /auth page), for every registered account kind (AccountFlow:
 * Gemini CLI, Antigravity, and what else is registered): builds the vendor's consent URL with an
 * unguessable state (and a PKCE challenge when the vendor's client needs one, its verifier kept
 * sealed in the flow), then exchanges the code the donor brings back (pasted callback, or the
 * loopback listener of the flow's redirect port when the browser is on this machine) through the
 * kind's AccountFlow, which stores the account. Flows live in coordination, so any process can
 * finish one.
 */
export class DonationService {
  private loopback: LoopbackCallbackPool | null = null;
  private readonly accountFlows = new Map<string, AccountFlow>();

  constructor(
    private readonly flows: DonationFlowRepository,
    accountFlows: readonly AccountFlow[],
    private readonly crypto: CryptoRepository,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly options: DonationOptions,
    private readonly now: () => number = Date.now,
  ) {
    for (const flow of accountFlows) {
      if (this.accountFlows.has(flow.type)) throw new Error(`two account flows for ${flow.type}`);
      this.accountFlows.set(flow.type, flow);
    }
  }

  /** Lets the loopback listeners complete flows (wired by the factory). */
  attachLoopback(loopback: LoopbackCallbackPool): void {
    this.loopback = loopback;
    loopback.setHandler((params) => this.completeFromLoopback(params));
  }

  /** The account kinds a donation can add (GET /auth/account-types). */
  accountTypes(): Array<{ type: string; label: string }> {
    return [...this.accountFlows.values()].map((f) => ({ type: f.type, label: f.label }));
  }

  /** Gemini CLI's redirect URI (what /auth/donation-info has always reported). */
  get redirectUri(): string {
    return (this.accountFlows.get(DEFAULT_ACCOUNT_TYPE) ?? [...this.accountFlows.values()][0])?.redirectUri() ?? '';
  }

  get flowTtlSeconds(): number {
    return Math.round(this.options.flowTtlMs / 1000);
  }

  private accountFlow(type: string): AccountFlow {
    const flow = this.accountFlows.get(type);
    if (!flow) {
      throw new DonationError('unknown_account_type', `Unknown account type "${type}"; this gateway accepts ${[...this.accountFlows.keys()].join(', ')}.`);
    }
    return flow;
  }

  /** POST /auth/start */
  async start(projectId: string | null, type: string = DEFAULT_ACCOUNT_TYPE): Promise<DonationStart> {
    const account = this.accountFlow(type);
    const project = normaliseProjectId(projectId);
    const state = this.crypto.randomToken(32);
    const verifier = account.pkce ? this.crypto.randomToken(48) : null;
    const createdAt = this.now();
    const flow: DonationFlow = {
      state,
      type: account.type,
      redirectUri: account.redirectUri(),
      projectId: project,
      createdAt,
      expiresAt: createdAt + this.options.flowTtlMs,
      status: 'pending',
      codeVerifierCiphertext: verifier === null ? null : this.crypto.encrypt(verifier),
      tokensCiphertext: null,
      result: null,
      error: null,
    };
    await this.flows.save(flow);
    const port = loopbackPortOf(flow.redirectUri);
    const loopback = this.loopback && port !== null ? await this.loopback.get(port).expect(state, this.options.flowTtlMs) : false;
    const authUrl = account.authorizeUrl({
      state,
      codeChallenge: verifier === null ? null : createHash('sha256').update(verifier).digest('base64url'),
      redirectUri: flow.redirectUri,
    });
    this.logger.info({ flow: state.slice(0, 8), type: account.type, project: project ?? undefined, loopback }, 'donation started');
    return {
      type: account.type,
      auth_url: authUrl,
      state,
      redirect_uri: flow.redirectUri,
      expires_in: this.flowTtlSeconds,
      loopback,
      auto_project_detection: project === null,
      detected_project_id: null,
      get_all_projects: false,
    };
  }

  /**
   * POST /auth/callback-url: what the donor pasted (the URL the browser ended on, or a vendor's
   * `code#state`), read by the AccountFlow of the flow it belongs to; `state` may name the flow
   * when the pasted text carries none.
   */
  async completeWithCallbackUrl(callbackUrl: unknown, projectId: string | null, stateHint: string | null = null): Promise<DonationSuccess> {
    const text = typeof callbackUrl === 'string' ? callbackUrl.trim() : '';
    const invalid = () =>
      new DonationError(
        'invalid_callback_url',
        'Paste the whole address from the browser after signing in; it starts with http://localhost and contains code= and state=.',
      );
    if (!text) throw invalid();
    const query = parseCallbackUrl(text);
    if (query?.kind === 'error') {
      const state = query.state ?? stateHint;
      if (state) await this.fail(state, this.deniedError(query.error, query.description));
      throw this.deniedError(query.error, query.description);
    }
    // the flow: named by the query's state, by the caller, or found by a kind's own reader
    let state = query?.state ?? stateHint;
    let pasted: { code: string; state: string | null } | null = null;
    if (!state) {
      for (const account of this.accountFlows.values()) {
        const read = tryParse(account, text);
        if (!read?.state) continue;
        const flow = await this.flows.get(read.state);
        if (flow && (flow.type ?? DEFAULT_ACCOUNT_TYPE) === account.type) {
          state = read.state;
          pasted = read;
          break;
        }
      }
      if (!state) throw invalid();
    }
    const flow = await this.flows.get(state);
    if (!flow) throw unknownState();
    if (!pasted) {
      pasted = tryParse(this.accountFlow(flow.type ?? DEFAULT_ACCOUNT_TYPE), text);
      if (!pasted) throw invalid();
    }
    if (pasted.state !== null && pasted.state !== state) throw unknownState();
    return this.complete(state, pasted.code, projectId);
  }

  /**
   * Exchanges the code (once; a second call with the same state answers the stored outcome, or
   * retries the import with the tokens kept from the first exchange, e.g. with a project id now).
   */
  async complete(state: string, code: string | null, projectId: string | null): Promise<DonationSuccess> {
    const project = normaliseProjectId(projectId);
    const first = await this.flows.get(state);
    if (!first) throw unknownState();
    if (first.result) return first.result;
    return this.locks.withLock(`donation:${state}`, 240_000, async () => {
      const flow = await this.flows.get(state);
      if (!flow) throw unknownState();
      if (flow.result) return flow.result;
      flow.status = 'completing';
      flow.error = null;
      await this.flows.save(flow);
      try {
        const result = await this.exchangeAndImport(flow, code, project ?? flow.projectId);
        flow.status = result.status;
        flow.result = result;
        flow.tokensCiphertext = null;
        flow.codeVerifierCiphertext = null;
        await this.flows.save(flow);
        this.loopback?.done(state);
        this.logger.info({ flow: state.slice(0, 8), type: flow.type, status: result.status, credential: result.credentials.filename }, 'donation finished');
        return result;
      } catch (error) {
        const failure =
          error instanceof DonationError ? error : new DonationError('import_failed', `The account could not be added: ${(error as Error).message}`);
        flow.status = 'error';
        flow.error = failure.toBody();
        await this.flows.save(flow).catch(() => {});
        this.logger.warn({ flow: state.slice(0, 8), type: flow.type, code: failure.code, err: failure.message }, 'donation failed');
        throw failure;
      }
    }, 240_000);
  }

  /** GET /auth/status/{state} */
  async status(state: string): Promise<DonationStatus> {
    const flow = await this.flows.get(state);
    if (!flow) throw unknownState();
    return {
      state,
      type: flow.type ?? DEFAULT_ACCOUNT_TYPE,
      status: flow.status,
      expires_at: new Date(flow.expiresAt).toISOString(),
      result: flow.result,
      error: flow.error,
    };
  }

  /** POST /auth/callback (gcli2api): waits until the loopback callback has finished the flow. */
  async waitFor(state: string, timeoutMs: number): Promise<DonationSuccess> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const flow = await this.flows.get(state);
      if (!flow) throw unknownState();
      if (flow.result) return flow.result;
      if (flow.status === 'error' && flow.error) throw DonationError.fromBody(flow.error);
      if (this.now() >= deadline) {
        throw new DonationError(
          'callback_timeout',
          'No sign-in arrived at the local callback. If your browser is not on the gateway machine, paste the address it ended on instead.',
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async completeFromLoopback(params: URLSearchParams): Promise<LoopbackOutcome> {
    const state = params.get('state') ?? '';
    const googleError = params.get('error');
    try {
      if (googleError) {
        const failure = this.deniedError(googleError, params.get('error_description'));
        await this.fail(state, failure);
        throw failure;
      }
      const result = await this.complete(state, params.get('code'), null);
      const who = result.credentials.email ?? result.credentials.filename;
      return {
        ok: true,
        title: result.status === 'updated' ? 'Account updated · 账号已更新' : 'Thank you! · 感谢捐赠！',
        detail: `${who} ${result.status === 'updated' ? 'was already in the pool; its sign-in was renewed.' : 'was added to the pool.'}`,
      };
    } catch (error) {
      return { ok: false, title: 'The donation failed · 捐赠失败', detail: (error as Error).message };
    }
  }

  private async exchangeAndImport(flow: DonationFlow, code: string | null, projectId: string | null): Promise<DonationSuccess> {
    const account = this.accountFlow(flow.type ?? DEFAULT_ACCOUNT_TYPE);
    const result = await account.complete({
      code: code ?? '',
      codeVerifier: flow.codeVerifierCiphertext ? this.crypto.decrypt(flow.codeVerifierCiphertext) : null,
      redirectUri: flow.redirectUri,
      state: flow.state,
      projectId,
      source: 'oauth',
      tokens: {
        load: async () => (flow.tokensCiphertext ? (JSON.parse(this.crypto.decrypt(flow.tokensCiphertext)) as unknown) : null),
        save: async (tokens) => {
          flow.tokensCiphertext = this.crypto.encrypt(JSON.stringify(tokens));
          await this.flows.save(flow);
        },
      },
    });
    return toSuccess(result, projectId);
  }

  private deniedError(error: string, description: string | null): DonationError {
    return new DonationError(
      'authorization_denied',
      error === 'access_denied'
        ? 'The Google sign-in was cancelled or access was not granted. Start again and allow access.'
        : `Google ended the sign-in with "${error}"${description ? `: ${description}` : ''}.`,
    );
  }

  private async fail(state: string, failure: DonationError): Promise<void> {
    const flow = await this.flows.get(state);
    if (!flow || flow.result) return;
    flow.status = 'error';
    flow.error = failure.toBody();
    await this.flows.save(flow);
    this.loopback?.done(state);
  }
}

function tryParse(account: AccountFlow, text: string): { code: string; state: string | null } | null {
  try {
    const read = account.parsePasted(text);
    return read.code ? read : null;
  } catch {
    return null;
  }
}

function unknownState(): DonationError {
  return new DonationError(
    'unknown_state',
    'This sign-in is unknown or older than 30 minutes (or the address belongs to another attempt). Start the donation again.',
  );
}

function normaliseProjectId(value: string | null | undefined): string | null {
  const v = typeof value === 'string' ? value.trim() : '';
  if (!v) return null;
  if (!isProjectId(v)) {
    throw new DonationError(
      'invalid_project_id',
      'The project id should look like "my-project-123" (6–63 lowercase letters, digits and dashes; not the project number).',
    );
  }
  return v;
}

/** The importer's answer as the donation's outcome, or the reason it failed. */
function toSuccess(result: ImportResult, projectId: string | null): DonationSuccess {
  if (result.status === 'error' || !result.credential) {
    const reason = result.reason;
    if (reason?.requires_project_id || reason?.code === 'PROJECT_REQUIRED') {
      throw new DonationError('project_required', `${result.message}. Enter your Google Cloud project id and submit again.`, {
        requiresProjectId: true,
      });
    }
    if (reason && INELIGIBLE_CODES.has(reason.code)) {
      throw new DonationError('not_eligible', `This Google account cannot use Gemini Code Assist: ${result.message}`, {
        ...(reason.validation_url ? { validationUrl: reason.validation_url } : {}),
      });
    }
    if (reason?.code === 'TOKEN_REJECTED') {
      throw new DonationError('code_rejected', `${result.message}. Start the donation again.`);
    }
    throw new DonationError('import_failed', `The account could not be added: ${result.message}`, {
      ...(reason?.validation_url ? { validationUrl: reason.validation_url } : {}),
    });
  }
  const c = result.credential;
  return {
    status: result.status,
    credentials: { filename: c.filename, email: c.email, project_id: c.project_id, tier: c.tier },
    message: result.message,
    file_path: c.filename,
    auto_detected_project: projectId === null && c.project_id !== null,
  };
}
