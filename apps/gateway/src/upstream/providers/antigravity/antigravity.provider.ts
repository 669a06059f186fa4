import type { RuntimeSettings } from '../../../config/gateway-config.js';
import type { CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import { encodeGeminiUpstreamRequest } from '../../../protocols/gemini/encode-gemini-upstream-request.js';
import type { CodeAssistCaller } from '../../../relay/code-assist-caller.js';
import { CODE_ASSIST_BASE_MODELS } from '../../../models/model-catalog.js';
import type { GoogleHttpRepository } from '../../code-assist/google-http.repository.js';
import { upstreamErrorMessage } from '../../../common/errors/classify-upstream-failure.js';
import type { CredentialTestResult, OpenedUpstreamCall, ServedModel, UpstreamCall, UpstreamProvider } from '../../provider.js';
import { countCodeAssistTokens } from '../code-assist-count-tokens.js';
import { codeAssistSsePipeline, decodeCodeAssistBody } from '../gemini-sse.pipeline.js';
import { isGroupWideThrottle } from './classify-antigravity-failure.js';
import type { AntigravityModelCatalog } from './antigravity-models.js';
import { buildAntigravityEnvelope, prepareAntigravityRequest, sessionIdFor, toolIdsOf } from './antigravity-request.js';

/**
 * Antigravity accounts (docs/upstreams.md §2): Google OAuth accounts of Antigravity's client,
 * calling `v1internal` on Antigravity's host with Antigravity's envelope. Models (Gemini, Claude,
 * GPT-OSS and the image models) and their quotas come from each account's fetchAvailableModels;
 * a 429 for exhausted quota bans the account for the whole model group until the reset.
 *
 * Default order among providers serving a name: after the Gemini CLI pool for the Code Assist
 * models (both are free accounts; Gemini CLI first); first for the other Gemini names Antigravity
 * lists (the Gemini CLI pool would only answer 404 for them); for Claude and GPT-OSS models after
 * the vendor's own subscription accounts (native protocol) and before paid API keys.
 */
export class AntigravityProvider implements UpstreamProvider {
  readonly id = 'antigravity';
  readonly kind = 'antigravity' as const;
  readonly owner = 'antigravity';

  constructor(
    private readonly caller: CodeAssistCaller,
    private readonly pool: CredentialPoolService,
    private readonly catalog: AntigravityModelCatalog,
    private readonly api: GoogleHttpRepository,
    private readonly credentials: CredentialsRepository,
    private readonly settings: () => RuntimeSettings,
  ) {}

  available(): boolean {
    return this.pool.size() > 0;
  }

  models(): readonly ServedModel[] {
    if (this.available()) this.catalog.ensureListed();
    return this.catalog.modelIds().map((id) => ({ id, upstreamModel: id }));
  }

  resolve(model: string): string | null {
    return this.catalog.serves(model) ? model : null;
  }

  rank(model: string): number {
    if (CODE_ASSIST_BASE_MODELS.includes(model)) return 1;
    return /^(claude|gpt)-/.test(model) ? 0.5 : -1;
  }

  async open(call: UpstreamCall): Promise<OpenedUpstreamCall> {
    this.catalog.ensureListed();
    const model = call.upstreamModel;
    const encoded = encodeGeminiUpstreamRequest({ ...call.request, model }, {
      compatibilityMode: this.settings().compatibility_mode_enabled,
    }).value;
    const request = prepareAntigravityRequest(encoded, { model, ...toolIdsOf(call.request), maxOutputTokens: this.catalog.maxOutputTokens(model) });
    const sessionId = sessionIdFor(call.request);
    const opened = await this.caller.open({
      method: call.stream ? 'streamGenerateContent' : 'generateContent',
      model,
      stream: call.stream,
      requestId: call.requestId,
      signal: call.signal,
      buildBody: (lease) => buildAntigravityEnvelope({ model, project: lease.projectId, request, sessionId }),
      banModels: (lease, failure) => (isGroupWideThrottle(failure) ? this.catalog.groupOf(lease.id, model) : [model]),
    });
    return { ...opened, pipeline: codeAssistSsePipeline, decode: decodeCodeAssistBody };
  }

  countTokens(call: Omit<UpstreamCall, 'stream'>): Promise<number> {
    return countCodeAssistTokens(this.caller, call);
  }

  /** fetchAvailableModels with the credential (admin "test"): proves the token and lists the models. */
  async testCredential(credentialId: string): Promise<CredentialTestResult> {
    const row = await this.credentials.findById(credentialId);
    try {
      const token = await this.pool.tokenFor(credentialId);
      const answer = await this.api.codeAssistJson({
        method: 'fetchAvailableModels',
        body: row?.projectId ? { project: row.projectId } : {},
        accessToken: token,
        proxy: row?.proxyUrl ?? null,
      });
      if (answer.status !== 200) return { success: false, status: answer.status, message: upstreamErrorMessage(answer.body, answer.status) };
      void this.catalog.refresh(credentialId);
      const models = Object.keys(((answer.body as { models?: object } | undefined)?.models ?? {}) as object);
      return { success: true, status: 200, message: `the account answered; ${models.length} models listed`, models };
    } catch (error) {
      return { success: false, status: 0, message: (error as Error).message };
    }
  }
}
