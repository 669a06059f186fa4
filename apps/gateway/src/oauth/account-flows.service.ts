import { GatewayError } from '../common/errors/gateway-error.js';
import type { Coordination } from '../coordination/coordination.js';
import type { Locks } from '../coordination/locks.js';
import type { ImportResult } from '../credentials/credential-import.service.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Logger } from '../logging/logger.js';
import type { AccountFlow } from './account-flow.js';
import { createPkcePair } from './pkce.js';

/** A sign-in started by an admin lives this long (as donations do). */
export const ACCOUNT_FLOW_TTL_MS = 30 * 60_000;

/** One started sign-in, until it completes or expires. The PKCE verifier is sealed. */
export interface PendingAccountFlow {
  type: string;
  state: string;
  redirectUri: string;
  verifierCiphertext: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface AccountFlowStore {
  get(state: string): Promise<PendingAccountFlow | null>;
  save(flow: PendingAccountFlow): Promise<void>;
  delete(state: string): Promise<void>;
}

/** Pending sign-ins in coordination (Redis with the flow's TTL, or memory): any process can finish one. */
export function createAccountFlowStore(coordination: Coordination, now: () => number = Date.now): AccountFlowStore {
  const redis = coordination.redis;
  if (redis) {
    const key = (state: string) => `${coordination.prefix}oauth:account-flow:${state}`;
    return {
      async get(state) {
        const raw = await redis.get(key(state));
        if (!raw) return null;
        const flow = JSON.parse(raw) as PendingAccountFlow;
        return flow.expiresAt > now() ? flow : null;
      },
      async save(flow) {
        const ttl = flow.expiresAt - now();
        if (ttl <= 0) await redis.del(key(flow.state));
        else await redis.set(key(flow.state), JSON.stringify(flow), 'PX', ttl);
      },
      async delete(state) {
        await redis.del(key(state));
      },
    };
  }
  const flows = new Map<string, PendingAccountFlow>();
  return {
    async get(state) {
      const flow = flows.get(state);
      if (!flow || flow.expiresAt <= now()) {
        flows.delete(state);
        return null;
      }
      return { ...flow };
    },
    async save(flow) {
      for (const [s, f] of flows) if (f.expiresAt <= now()) flows.delete(s);
      flows.set(flow.state, { ...flow });
    },
    async delete(state) {
      flows.delete(state);
    },
  };
}

export interface AccountFlowStart {
  type: string;
  label: string;
  auth_url: string;
  state: string;
  redirect_uri: string;
  expires_in: number;
}

/**
 * Admin sign-ins of OAuth account kinds (Claude Code, Codex) — `POST /oauth/{kind}/start` and
 * `/complete`: an unguessable state and a PKCE pair per sign-in, the verifier sealed in coordination
 * with a TTL, the pasted `code#state` or callback address parsed by the kind's flow, the code exchanged
 * once under a lock, the account stored by the flow.
 */
export class AccountFlowsService {
  private readonly flows = new Map<string, AccountFlow>();

  constructor(
    flows: readonly AccountFlow[],
    private readonly store: AccountFlowStore,
    private readonly crypto: CryptoRepository,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly ttlMs: number = ACCOUNT_FLOW_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    for (const flow of flows) this.flows.set(flow.type, flow);
  }

  /** The kinds that can be added by a sign-in. */
  list(): Array<{ type: string; label: string; path: string }> {
    return [...this.flows.values()].map((f) => ({ type: f.type, label: f.label, path: `/oauth/${shortName(f.type)}` }));
  }

  /** `claude` / `claude-oauth`, `codex` / `codex-oauth` → the flow. */
  flow(name: string): AccountFlow {
    const flow = this.flows.get(name) ?? this.flows.get(`${name}-oauth`);
    if (!flow) throw new GatewayError('not_found', `no sign-in for "${name}"; one of ${[...this.flows.keys()].map(shortName).join(', ')}`);
    return flow;
  }

  async start(name: string): Promise<AccountFlowStart> {
    const flow = this.flow(name);
    const state = this.crypto.randomToken(32);
    const pkce = flow.pkce ? createPkcePair() : null;
    const createdAt = this.now();
    const redirectUri = flow.redirectUri();
    await this.store.save({
      type: flow.type,
      state,
      redirectUri,
      verifierCiphertext: pkce ? this.crypto.encrypt(pkce.verifier) : null,
      createdAt,
      expiresAt: createdAt + this.ttlMs,
    });
    const authUrl = flow.authorizeUrl({ state, codeChallenge: pkce?.challenge ?? null, redirectUri });
    this.logger.info({ type: flow.type, flow: state.slice(0, 8) }, 'account sign-in started');
    return { type: flow.type, label: flow.label, auth_url: authUrl, state, redirect_uri: redirectUri, expires_in: Math.round(this.ttlMs / 1000) };
  }

  /** What the user pasted (`code#state`, the callback address, or the code with `state` given) → the stored account. */
  async complete(name: string, input: { pasted?: unknown; state?: unknown }): Promise<ImportResult> {
    const flow = this.flow(name);
    if (typeof input.pasted !== 'string' || input.pasted.trim() === '') {
      throw new GatewayError('invalid_request', 'pasted is required: the code#state text or the whole address shown after signing in', { param: 'pasted' });
    }
    let parsed: { code: string; state: string | null };
    try {
      parsed = flow.parsePasted(input.pasted);
    } catch (error) {
      throw new GatewayError('invalid_request', (error as Error).message, { param: 'pasted' });
    }
    const given = typeof input.state === 'string' && input.state.trim() !== '' ? input.state.trim() : null;
    if (given && parsed.state && given !== parsed.state) {
      throw new GatewayError('invalid_request', 'the pasted code belongs to another sign-in (its state differs); start again', { param: 'pasted' });
    }
    const state = parsed.state ?? given;
    if (!state) throw new GatewayError('invalid_request', 'state is required when the pasted text holds only the code', { param: 'state' });
    const unknown = () => new GatewayError('invalid_request', 'unknown or expired sign-in; start a new one', { param: 'state' });
    const first = await this.store.get(state);
    if (!first || first.type !== flow.type) throw unknown();
    return this.locks.withLock(`account-flow:${state}`, 120_000, async () => {
      const pending = await this.store.get(state);
      if (!pending || pending.type !== flow.type) throw unknown();
      const result = await flow.complete({
        code: parsed.code,
        codeVerifier: pending.verifierCiphertext ? this.crypto.decrypt(pending.verifierCiphertext) : null,
        redirectUri: pending.redirectUri,
        state,
        source: 'oauth',
      });
      if (result.status === 'error') {
        this.logger.warn({ type: flow.type, flow: state.slice(0, 8), reason: result.reason?.code }, 'account sign-in failed');
        throw new GatewayError('invalid_request', result.message);
      }
      await this.store.delete(state);
      this.logger.info({ type: flow.type, flow: state.slice(0, 8), status: result.status, credential: result.credential?.filename }, 'account sign-in finished');
      return result;
    });
  }
}

function shortName(type: string): string {
  return type.replace(/-oauth$/, '');
}
