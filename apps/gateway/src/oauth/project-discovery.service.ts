import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { upstreamErrorMessage } from '../common/errors/classify-upstream-failure.js';

export interface DiscoveredProject {
  projectId: string | null;
  tier: string | null;
}

/** Why an account cannot be used, in words a donor can act on. */
export class ProjectDiscoveryError extends Error {
  constructor(
    message: string,
    readonly reasonCode: string,
    readonly requiresProjectId = false,
    readonly validationUrl?: string,
  ) {
    super(message);
    this.name = 'ProjectDiscoveryError';
  }
}

interface Tier {
  id?: string;
  name?: string;
  isDefault?: boolean;
  userDefinedCloudaicompanionProject?: boolean;
}

interface LoadCodeAssistResponse {
  currentTier?: Tier | null;
  allowedTiers?: Tier[];
  ineligibleTiers?: Array<{ reasonCode?: string; reasonMessage?: string; tierId?: string; validationUrl?: string }>;
  cloudaicompanionProject?: string | { id?: string } | null;
  paidTier?: { id?: string } | null;
}

interface Operation {
  name?: string;
  done?: boolean;
  error?: { message?: string };
  response?: { cloudaicompanionProject?: { id?: string; name?: string } };
}

/**
 * How one account kind runs the Code Assist setup calls: the client metadata it names, the
 * onboardUser body, and how a pending onboarding is followed (gemini-cli polls the operation;
 * Antigravity posts onboardUser again, docs/upstreams.md §2.6).
 */
export interface DiscoveryProfile {
  /** loadCodeAssist body for an account (and the project the donor named, if any) */
  loadBody(explicitProject: string | null): Record<string, unknown>;
  /** onboardUser body for the chosen tier */
  onboardBody(tierId: string, explicitProject: string | null): Record<string, unknown>;
  poll: 'operation' | 'repost';
}

const METADATA = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } as const;
const metadataFor = (explicitProject: string | null) => (explicitProject ? { ...METADATA, duetProject: explicitProject } : METADATA);

/** gemini-cli's setup calls (upstream-google.md §10.1). */
export const GEMINI_CLI_DISCOVERY: DiscoveryProfile = Object.freeze({
  loadBody(explicitProject: string | null) {
    const body: Record<string, unknown> = { metadata: metadataFor(explicitProject) };
    if (explicitProject) body.cloudaicompanionProject = explicitProject;
    return body;
  },
  onboardBody(tierId: string, explicitProject: string | null) {
    const body: Record<string, unknown> = { tierId, metadata: metadataFor(explicitProject) };
    // free-tier must not name a project (Precondition Failed otherwise)
    if (tierId !== 'free-tier' && explicitProject) body.cloudaicompanionProject = explicitProject;
    return body;
  },
  poll: 'operation' as const,
});

/** Antigravity's setup calls (docs/upstreams.md §2.6): ideType ANTIGRAVITY, snake_case onboarding, re-POST polling. */
export const ANTIGRAVITY_DISCOVERY: DiscoveryProfile = Object.freeze({
  loadBody(explicitProject: string | null) {
    const body: Record<string, unknown> = { metadata: { ideType: 'ANTIGRAVITY' } };
    if (explicitProject) body.cloudaicompanionProject = explicitProject;
    return body;
  },
  onboardBody(tierId: string, explicitProject: string | null) {
    const body: Record<string, unknown> = { tier_id: tierId, metadata: { ide_type: 'ANTIGRAVITY' } };
    if (tierId !== 'free-tier' && explicitProject) body.cloudaicompanionProject = explicitProject;
    return body;
  },
  poll: 'repost' as const,
});

/**
 * Finds (or provisions) the Code Assist project of an account the way gemini-cli does
 * (upstream-google.md §10.1): loadCodeAssist; if no current tier, onboardUser with the default
 * allowed tier (free-tier without a project) and poll the long-running operation.
 */
export class ProjectDiscoveryService {
  constructor(
    private readonly google: GoogleHttpRepository,
    private readonly options: { pollIntervalMs: number; maxPolls: number } = { pollIntervalMs: 5_000, maxPolls: 24 },
    private readonly profile: DiscoveryProfile = GEMINI_CLI_DISCOVERY,
  ) {}

  async discover(accessToken: string, explicitProject: string | null, proxy?: string | null): Promise<DiscoveredProject> {
    const load = await this.google.codeAssistJson({ method: 'loadCodeAssist', body: this.profile.loadBody(explicitProject), accessToken, proxy: proxy ?? null });
    if (load.status !== 200) {
      throw new ProjectDiscoveryError(`loadCodeAssist failed: ${upstreamErrorMessage(load.body, load.status)}`, `HTTP_${load.status}`);
    }
    const info = (load.body ?? {}) as LoadCodeAssistResponse;
    const projectOf = (p: LoadCodeAssistResponse['cloudaicompanionProject']) =>
      typeof p === 'string' ? p : p && typeof p.id === 'string' ? p.id : null;

    if (info.currentTier) {
      return {
        projectId: explicitProject ?? projectOf(info.cloudaicompanionProject),
        tier: info.paidTier?.id ?? info.currentTier.id ?? null,
      };
    }

    const allowed = Array.isArray(info.allowedTiers) ? info.allowedTiers : [];
    const tier = allowed.find((t) => t.isDefault) ?? allowed[0];
    if (!tier) {
      const ineligible = (info.ineligibleTiers ?? [])[0];
      throw new ProjectDiscoveryError(
        ineligible?.reasonMessage ?? 'this account is not eligible for Gemini Code Assist',
        ineligible?.reasonCode ?? 'INELIGIBLE_ACCOUNT',
        false,
        ineligible?.validationUrl,
      );
    }
    const tierId = tier.id ?? 'legacy-tier';
    if (tierId !== 'free-tier' && tier.userDefinedCloudaicompanionProject && !explicitProject) {
      throw new ProjectDiscoveryError(
        `the ${tier.name ?? tierId} tier needs a Google Cloud project id; donate again with a project id`,
        'PROJECT_REQUIRED',
        true,
      );
    }
    const onboardBody = this.profile.onboardBody(tierId, explicitProject);

    const op = await this.google.codeAssistJson({ method: 'onboardUser', body: onboardBody, accessToken, proxy: proxy ?? null });
    if (op.status !== 200) {
      throw new ProjectDiscoveryError(`onboardUser failed: ${upstreamErrorMessage(op.body, op.status)}`, `HTTP_${op.status}`);
    }
    let operation = (op.body ?? {}) as Operation;
    for (let polls = 0; !operation.done; polls++) {
      if (polls >= this.options.maxPolls || (this.profile.poll === 'operation' && !operation.name)) {
        throw new ProjectDiscoveryError('onboarding did not finish in time; try again later', 'ONBOARD_TIMEOUT');
      }
      await new Promise((r) => setTimeout(r, this.options.pollIntervalMs));
      const polled =
        this.profile.poll === 'repost'
          ? await this.google.codeAssistJson({ method: 'onboardUser', body: onboardBody, accessToken, proxy: proxy ?? null })
          : await this.google.getOperation(operation.name!, accessToken, proxy);
      if (polled.status !== 200) {
        throw new ProjectDiscoveryError(`onboarding poll failed: ${upstreamErrorMessage(polled.body, polled.status)}`, `HTTP_${polled.status}`);
      }
      operation = (polled.body ?? {}) as Operation;
    }
    if (operation.error?.message) throw new ProjectDiscoveryError(`onboarding failed: ${operation.error.message}`, 'ONBOARD_FAILED');
    const projectId = operation.response?.cloudaicompanionProject?.id ?? explicitProject ?? null;
    return { projectId, tier: tierId };
  }
}
