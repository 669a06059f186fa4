import { request } from 'undici';
import { classifyUpstreamFailure, type UpstreamFailure } from '../../common/errors/classify-upstream-failure.js';
import type { RuntimeSettings } from '../../config/gateway-config.js';
import type { CredentialPoolService } from '../../credentials/credential-pool.service.js';
import { encodeGeminiUpstreamRequest } from '../../protocols/gemini/encode-gemini-upstream-request.js';
import type { CodeAssistCaller } from '../../relay/code-assist-caller.js';
import type { Dispatchers } from '../http/dispatchers.js';
import { jsonOrUndefined, readBodyText } from '../http/read-body.js';
import type { CredentialTestResult, OpenedUpstreamCall, ServedModel, UpstreamCall, UpstreamProvider } from '../provider.js';
import { decodeGeminiBody, geminiSsePipeline } from './gemini-sse.pipeline.js';

/** Models AI Studio keys serve (image models included: the Code Assist channel has none). */
export const AI_STUDIO_MODELS: readonly string[] = Object.freeze([
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-flash-image',
  'gemini-3-pro-image-preview',
  'gemini-3.1-flash-image-preview',
]);

/** AI Studio answers a bad key with 400 API_KEY_INVALID: that is the credential's fault, not the request's. */
export function classifyAiStudioFailure(status: number, body: unknown): UpstreamFailure {
  const failure = classifyUpstreamFailure(status, body);
  if (failure.kind === 'rejected' && /API_KEY_INVALID|API key not valid|API key expired/i.test(JSON.stringify(body ?? ''))) {
    return { kind: 'credential_invalid', reason: 'API_KEY_INVALID', message: failure.message };
  }
  return failure;
}

/**
 * Google AI Studio (the Gemini API, `generativelanguage` v1beta) through a pool of API keys: same
 * rotation, ban windows and auto-ban as the OAuth pool. It serves the image models; for the other
 * Gemini models it ranks after the Gemini CLI pool (free accounts first).
 */
export class AiStudioProvider implements UpstreamProvider {
  readonly id = 'ai-studio';
  readonly kind = 'ai-studio' as const;
  readonly owner = 'google-ai-studio';

  constructor(
    private readonly caller: CodeAssistCaller,
    private readonly pool: CredentialPoolService,
    private readonly dispatchers: Dispatchers,
    private readonly settings: () => RuntimeSettings,
  ) {}

  available(): boolean {
    return this.pool.size() > 0;
  }

  models(): readonly ServedModel[] {
    return AI_STUDIO_MODELS.map((id) => ({ id, upstreamModel: id }));
  }

  resolve(model: string): string | null {
    return AI_STUDIO_MODELS.includes(model) || /^(gemini|imagen|gemma)-/.test(model) ? model : null;
  }

  rank(model: string): number {
    return model.includes('image') ? 0 : 5;
  }

  /** The key's model listing (free: no generation is spent). */
  async testCredential(credentialId: string): Promise<CredentialTestResult> {
    const settings = this.settings();
    const key = await this.pool.tokenFor(credentialId);
    try {
      const response = await request(`${settings.ai_studio_base_url}/v1beta/models?pageSize=1000`, {
        method: 'GET',
        dispatcher: this.dispatchers.get(this.pool.pooled(credentialId)?.proxyUrl ?? settings.proxy),
        headers: { 'x-goog-api-key': key, accept: 'application/json' },
        signal: AbortSignal.timeout(15_000),
      });
      const body = jsonOrUndefined(await readBodyText(response.body, 4 * 1024 * 1024));
      if (response.statusCode !== 200) {
        const failure = classifyAiStudioFailure(response.statusCode, body);
        return { success: false, status: response.statusCode, message: `${failure.kind}: ${failure.message}` };
      }
      const listed = (body as { models?: Array<{ name?: unknown; supportedGenerationMethods?: unknown }> } | undefined)?.models ?? [];
      const models = listed
        .filter((m) => !Array.isArray(m.supportedGenerationMethods) || m.supportedGenerationMethods.includes('generateContent'))
        .map((m) => (typeof m.name === 'string' ? m.name.replace(/^models\//, '') : null))
        .filter((id): id is string => id !== null);
      return { success: true, status: 200, message: `the key answered; ${models.length} models listed`, models };
    } catch (error) {
      return { success: false, status: 0, message: `upstream unreachable: ${(error as Error).message}` };
    }
  }

  private post(path: string, key: string, body: unknown, proxy: string | null, signal: AbortSignal) {
    const settings = this.settings();
    return request(`${settings.ai_studio_base_url}${path}`, {
      method: 'POST',
      dispatcher: this.dispatchers.get(proxy ?? settings.proxy),
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }

  async open(call: UpstreamCall): Promise<OpenedUpstreamCall> {
    const body = encodeGeminiUpstreamRequest({ ...call.request, model: call.upstreamModel }, {
      compatibilityMode: this.settings().compatibility_mode_enabled,
    }).value;
    const method = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const path = `/v1beta/models/${encodeURIComponent(call.upstreamModel)}:${method}`;
    const opened = await this.caller.open({
      model: call.upstreamModel,
      stream: call.stream,
      requestId: call.requestId,
      signal: call.signal,
      send: (lease) => this.post(path, lease.accessToken, body, lease.proxyUrl, call.signal),
    });
    return { ...opened, pipeline: geminiSsePipeline, decode: decodeGeminiBody };
  }

  async countTokens(call: Omit<UpstreamCall, 'stream'>): Promise<number> {
    const { contents, systemInstruction } = encodeGeminiUpstreamRequest({ ...call.request, model: call.upstreamModel }, { compatibilityMode: false }).value;
    const path = `/v1beta/models/${encodeURIComponent(call.upstreamModel)}:countTokens`;
    const opened = await this.caller.open({
      model: call.upstreamModel,
      stream: false,
      requestId: call.requestId,
      signal: call.signal,
      send: (lease) =>
        this.post(path, lease.accessToken, { generateContentRequest: { model: `models/${call.upstreamModel}`, contents, ...(systemInstruction ? { systemInstruction } : {}) } }, lease.proxyUrl, call.signal),
    });
    const answer = jsonOrUndefined(await readBodyText(opened.response.body)) as { totalTokens?: unknown } | undefined;
    return typeof answer?.totalTokens === 'number' ? answer.totalTokens : 0;
  }
}
