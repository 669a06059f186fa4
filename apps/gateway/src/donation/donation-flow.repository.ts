import type { Coordination } from '../coordination/coordination.js';
import type { DonationErrorBody } from './donation.errors.js';

/** What a finished donation reports (gcli2api's /auth/callback-url answer, without tokens). */
export interface DonationSuccess {
  status: 'success' | 'updated';
  credentials: { filename: string; email: string | null; project_id: string | null; tier: string | null };
  message: string;
  file_path: string;
  auto_detected_project: boolean;
}

export type DonationFlowStatus = 'pending' | 'completing' | 'success' | 'updated' | 'error';

/** One OAuth donation, from /auth/start until it is finished or 30 minutes have passed. */
export interface DonationFlow {
  state: string;
  /** the account kind (AccountFlow type) the flow adds; flows stored before kinds existed are gemini-cli */
  type: string;
  redirectUri: string;
  /** the project id the donor named at the start, if any */
  projectId: string | null;
  createdAt: number;
  expiresAt: number;
  status: DonationFlowStatus;
  /** the PKCE verifier, encrypted, when the kind's client uses PKCE; dropped once the flow is finished */
  codeVerifierCiphertext: string | null;
  /**
   * The token answer of the code exchange, encrypted, kept while the flow lives so that a retry
   * (typically with a project id) needs no second Google sign-in; dropped once the account is stored.
   */
  tokensCiphertext: string | null;
  result: DonationSuccess | null;
  error: DonationErrorBody | null;
}

/**
 * Donation flows by state, in coordination so any gateway process can finish a flow another one
 * started: Redis `<prefix>donation:flow:<state>` with the flow's remaining lifetime as TTL, or a map
 * in the embedded single-process mode.
 */
export interface DonationFlowRepository {
  get(state: string): Promise<DonationFlow | null>;
  /** creates or replaces; the entry disappears at flow.expiresAt */
  save(flow: DonationFlow): Promise<void>;
}

export function createDonationFlowRepository(coordination: Coordination, now: () => number = Date.now): DonationFlowRepository {
  const redis = coordination.redis;
  if (!redis) return new MemoryDonationFlowRepository(now);
  const key = (state: string) => `${coordination.prefix}donation:flow:${state}`;
  return {
    async get(state) {
      const raw = await redis.get(key(state));
      if (!raw) return null;
      const flow = JSON.parse(raw) as DonationFlow;
      return flow.expiresAt > now() ? flow : null;
    },
    async save(flow) {
      const ttl = flow.expiresAt - now();
      if (ttl <= 0) {
        await redis.del(key(flow.state));
        return;
      }
      await redis.set(key(flow.state), JSON.stringify(flow), 'PX', ttl);
    },
  };
}

export class MemoryDonationFlowRepository implements DonationFlowRepository {
  private readonly flows = new Map<string, DonationFlow>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(state: string): Promise<DonationFlow | null> {
    const flow = this.flows.get(state);
    if (!flow) return null;
    if (flow.expiresAt <= this.now()) {
      this.flows.delete(state);
      return null;
    }
    return structuredClone(flow);
  }

  async save(flow: DonationFlow): Promise<void> {
    for (const [state, f] of this.flows) if (f.expiresAt <= this.now()) this.flows.delete(state);
    this.flows.set(flow.state, structuredClone(flow));
  }
}
