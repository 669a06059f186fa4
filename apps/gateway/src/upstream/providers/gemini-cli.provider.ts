import type { RuntimeSettings } from '../../config/gateway-config.js';
import type { CredentialPoolService } from '../../credentials/credential-pool.service.js';
import { CODE_ASSIST_BASE_MODELS } from '../../models/model-catalog.js';
import { wrapCodeAssistRequest } from '../../protocols/code-assist/code-assist-envelope.js';
import { encodeGeminiUpstreamRequest } from '../../protocols/gemini/encode-gemini-upstream-request.js';
import type { CodeAssistCaller } from '../../relay/code-assist-caller.js';
import type { OpenedUpstreamCall, ServedModel, UpstreamCall, UpstreamProvider } from '../provider.js';
import { countCodeAssistTokens } from './code-assist-count-tokens.js';
import { codeAssistSsePipeline, decodeCodeAssistBody } from './gemini-sse.pipeline.js';

/**
 * Google Code Assist through pooled Gemini CLI OAuth accounts: the Gemini request in gemini-cli's
 * envelope, with the credential's project. Serves the Code Assist base models and, as the default
 * route, any other `gemini-*` name (Google answers 404 for what an account cannot use).
 */
export class GeminiCliProvider implements UpstreamProvider {
  readonly id = 'gemini-cli';
  readonly kind = 'gemini-cli' as const;
  readonly owner = 'google';

  constructor(
    private readonly caller: CodeAssistCaller,
    private readonly pool: CredentialPoolService,
    private readonly settings: () => RuntimeSettings,
  ) {}

  available(): boolean {
    return this.pool.size() > 0;
  }

  models(): readonly ServedModel[] {
    return CODE_ASSIST_BASE_MODELS.map((id) => ({ id, upstreamModel: id }));
  }

  resolve(model: string): string | null {
    return CODE_ASSIST_BASE_MODELS.includes(model) || /^gemini-/.test(model) ? model : null;
  }

  /** Code Assist has no image models (upstream-google.md §5): it is the last resort for them. */
  rank(model: string): number {
    return model.includes('image') ? 10 : 0;
  }

  async open(call: UpstreamCall): Promise<OpenedUpstreamCall> {
    const encoded = encodeGeminiUpstreamRequest({ ...call.request, model: call.upstreamModel }, {
      compatibilityMode: this.settings().compatibility_mode_enabled,
    }).value;
    const opened = await this.caller.open({
      method: call.stream ? 'streamGenerateContent' : 'generateContent',
      model: call.upstreamModel,
      stream: call.stream,
      requestId: call.requestId,
      signal: call.signal,
      buildBody: (lease) => wrapCodeAssistRequest({ model: call.upstreamModel, project: lease.projectId, request: encoded }),
    });
    return { ...opened, pipeline: codeAssistSsePipeline, decode: decodeCodeAssistBody };
  }

  countTokens(call: Omit<UpstreamCall, 'stream'>): Promise<number> {
    return countCodeAssistTokens(this.caller, call);
  }
}
