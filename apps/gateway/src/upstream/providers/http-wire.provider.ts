import { request, type Dispatcher } from 'undici';
import { toGatewayErrorShape } from '../../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../../config/gateway-config.js';
import type { CredentialLease, CredentialPoolService } from '../../credentials/credential-pool.service.js';
import type { ChatStreamPart } from '../../protocols/ir/chat-stream-part.js';
import { replayChatResponse } from '../../protocols/ir/replay-chat-response.js';
import { createSseParser, type SseEvent } from '../../protocols/sse/parse-sse-stream.js';
import { parseUpstreamSseData } from '../../protocols/sse/parse-upstream-sse-json.js';
import { getUpstreamCodec, type UpstreamEncodeOptions, type UpstreamWireId } from '../../protocols/upstream-codecs.js';
import type { CodeAssistCaller, OpenedUpstream } from '../../relay/code-assist-caller.js';
import type { PassthroughWire } from '../../protocols/passthrough/wire-tap.js';
import type { Dispatchers } from '../http/dispatchers.js';
import { jsonOrUndefined, readBodyText } from '../http/read-body.js';
import { sendRequest } from '../http/send-request.js';
import type { RawUpstreamCall, CredentialTestResult, DecodeOptions, OpenedUpstreamCall, ProviderKind, ServedModel, UpstreamCall, UpstreamPipeline, UpstreamProvider } from '../provider.js';

/** A model a provider serves: the name clients use and the name sent upstream. */
export interface ModelMapping {
  id: string;
  upstreamModel: string;
}

export interface HttpWireProviderConfig {
  id: string;
  kind: ProviderKind;
  owner: string;
  wire: UpstreamWireId;
  /** current base URL (e.g. https://api.anthropic.com or https://openrouter.ai/api/v1) */
  baseUrl: () => string;
  /** path appended to the base URL for a call */
  path: (model: string, stream: boolean) => string;
  /** auth and protocol headers for a credential (only what the provider's own clients send) */
  headers: (lease: CredentialLease) => Record<string, string>;
  /** the models served now */
  models: () => readonly ModelMapping[];
  /** names served beyond the listed models (e.g. any `claude-*`): the upstream name, or null */
  resolve?: (model: string) => string | null;
  /** `<prefix>/<model>` names are also accepted for this provider */
  prefix?: () => string | null;
  encodeOptions?: UpstreamEncodeOptions;
  /** outbound proxy of the provider (a credential's own proxy wins) */
  proxy?: () => string | null;
  rank?: (model: string) => number;
  /** forward same-protocol client bodies untranslated (the upstream takes the client's own shape) */
  passthrough?: boolean;
  /** path of the upstream's model listing (used by the admin test); default per wire */
  modelsPath?: string;
}

/**
 * A provider that speaks one of the JSON + SSE wires (OpenAI chat completions, Anthropic Messages,
 * OpenAI Responses) over HTTP with a pool of credentials: encode with the wire's codec, call with
 * failover across the pool (bans, disables and refreshes from the wire's own failure classifier),
 * decode the SSE stream or the JSON answer back into IR parts.
 */
export class HttpWireProvider implements UpstreamProvider {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly owner: string;
  readonly passthroughWire?: PassthroughWire;

  constructor(
    private readonly config: HttpWireProviderConfig,
    private readonly caller: CodeAssistCaller,
    private readonly pool: CredentialPoolService,
    private readonly dispatchers: Dispatchers,
    private readonly settings: () => RuntimeSettings,
  ) {
    this.id = config.id;
    this.kind = config.kind;
    this.owner = config.owner;
    if (config.passthrough && config.wire !== 'gemini') this.passthroughWire = config.wire;
  }

  available(): boolean {
    return this.pool.size() > 0;
  }

  models(): readonly ServedModel[] {
    const prefix = this.config.prefix?.();
    const plain = this.config.models().map((m) => ({ id: m.id, upstreamModel: m.upstreamModel }));
    return prefix ? [...plain, ...plain.map((m) => ({ ...m, id: `${prefix}/${m.id}` }))] : plain;
  }

  /** Listed names, aliases and (with a prefix) `<prefix>/<name>`: the prefix picks this provider out of several serving a name. */
  resolve(model: string): string | null {
    const prefix = this.config.prefix?.();
    const name = prefix && model.startsWith(`${prefix}/`) ? model.slice(prefix.length + 1) : model;
    return this.config.models().find((m) => m.id === name)?.upstreamModel ?? this.config.resolve?.(name) ?? null;
  }

  rank(model: string): number {
    return this.config.rank?.(model) ?? 1;
  }

  async testCredential(credentialId: string): Promise<CredentialTestResult> {
    const codec = getUpstreamCodec(this.config.wire);
    const token = await this.pool.tokenFor(credentialId);
    const ownProxy = this.pool.pooled(credentialId)?.proxyUrl ?? null;
    const lease = { id: credentialId, filename: '', projectId: null, proxyUrl: ownProxy, accessToken: token };
    const url = this.config.baseUrl() + (this.config.modelsPath ?? wireModelsPath(this.config.wire));
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.dispatchers.get(ownProxy ?? this.config.proxy?.() ?? this.settings().proxy),
        headers: { accept: 'application/json', ...this.config.headers(lease) },
        signal: AbortSignal.timeout(15_000),
      });
      const body = jsonOrUndefined(await readBodyText(response.body, 4 * 1024 * 1024));
      if (response.statusCode !== 200) {
        const failure = codec.classifyFailure(response.statusCode, body, response.headers);
        return { success: false, status: response.statusCode, message: `${failure.kind}: ${failure.message}` };
      }
      const data = (body as { data?: Array<{ id?: unknown }> } | undefined)?.data;
      const models = Array.isArray(data) ? data.map((m) => m.id).filter((id): id is string => typeof id === 'string') : [];
      return { success: true, status: 200, message: `the key answered; ${models.length} models listed`, models };
    } catch (error) {
      return { success: false, status: 0, message: `upstream unreachable: ${(error as Error).message}` };
    }
  }

  async openRaw(call: RawUpstreamCall): Promise<OpenedUpstream> {
    if (!this.passthroughWire) throw new Error(`${this.id} does not take untranslated bodies`);
    const body = JSON.stringify({ ...call.body, model: call.upstreamModel });
    const base = this.config.baseUrl();
    const path = this.config.path(call.upstreamModel, call.stream);
    return this.caller.open({
      model: call.upstreamModel,
      stream: call.stream,
      requestId: call.requestId,
      signal: call.signal,
      send: (lease): Promise<Dispatcher.ResponseData> =>
        sendRequest(this.dispatchers.get(lease.proxyUrl ?? this.config.proxy?.() ?? this.settings().proxy), base, path, {
          method: 'POST',
          headers: mergeClientHeaders(
            { 'content-type': 'application/json', accept: call.stream ? 'text/event-stream' : 'application/json', ...this.config.headers(lease) },
            call.headers,
          ),
          body,
          signal: call.signal,
        }),
    });
  }

  async open(call: UpstreamCall): Promise<OpenedUpstreamCall> {
    const codec = getUpstreamCodec(this.config.wire);
    const encoded = codec.encodeRequest({ ...call.request, model: call.upstreamModel, stream: call.stream }, this.config.encodeOptions).value;
    const body = JSON.stringify(encoded);
    const streamed = (encoded as { stream?: unknown }).stream === true;
    const base = this.config.baseUrl();
    const path = this.config.path(call.upstreamModel, streamed);
    const opened = await this.caller.open({
      model: call.upstreamModel,
      stream: streamed,
      requestId: call.requestId,
      signal: call.signal,
      send: (lease): Promise<Dispatcher.ResponseData> =>
        sendRequest(this.dispatchers.get(lease.proxyUrl ?? this.config.proxy?.() ?? this.settings().proxy), base, path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: streamed ? 'text/event-stream' : 'application/json',
            ...this.config.headers(lease),
          },
          body,
          signal: call.signal,
        }),
    });
    const toolNames = call.request.tools.map((t) => t.name);
    const defaults = { id: call.requestId, model: call.upstreamModel, created: Math.floor(Date.now() / 1000) };
    const pipeline = (intake: (part: ChatStreamPart) => void, options: DecodeOptions): UpstreamPipeline => {
      const decoder = codec.createStreamDecoder({ includeThoughts: options.includeThoughts, toolNames });
      const parser = createSseParser();
      const onEvent = (event: SseEvent) => {
        const data = parseUpstreamSseData(event);
        if (data !== undefined) decoder.transform(data, intake);
      };
      return {
        feed: (text) => parser.transform(text, onEvent),
        flush() {
          parser.flush(onEvent);
          decoder.flush(intake);
        },
      };
    };
    return {
      ...opened,
      pipeline,
      decode: (text, options) => {
        if (streamed) {
          // the wire only streams (Codex): fold the events into the answer
          const parts: ChatStreamPart[] = [];
          const p = pipeline((part) => parts.push(part), options);
          p.feed(text);
          p.flush();
          return parts;
        }
        try {
          return replayChatResponse(codec.decodeResponse(jsonOrUndefined(text), defaults, { includeThoughts: options.includeThoughts, toolNames }));
        } catch (error) {
          return [{ type: 'error', error: toGatewayErrorShape(error) }];
        }
      },
    };
  }
}

/**
 * The provider's headers with the client's protocol headers added: the provider's own win (auth, API
 * version), except `anthropic-beta`, a list, where the client's betas join the provider's (an OAuth
 * account's beta and the client's feature betas both reach the API).
 */
export function mergeClientHeaders(own: Record<string, string>, client: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...client, ...own };
  const ownBeta = own['anthropic-beta'];
  const clientBeta = client['anthropic-beta'];
  if (ownBeta && clientBeta) {
    const betas = new Set([...ownBeta.split(','), ...clientBeta.split(',')].map((b) => b.trim()).filter(Boolean));
    merged['anthropic-beta'] = [...betas].join(',');
  }
  return merged;
}

/** Where each wire's generation endpoint sits under a provider's base URL. */
export function wirePath(wire: UpstreamWireId): string {
  switch (wire) {
    case 'anthropic-messages':
      return '/v1/messages';
    case 'openai-responses':
      return '/responses';
    default:
      return '/chat/completions';
  }
}

/** Where each wire's model listing sits under a provider's base URL. */
export function wireModelsPath(wire: UpstreamWireId): string {
  return wire === 'anthropic-messages' ? '/v1/models' : '/models';
}

/** The auth (and required protocol) headers of each wire for an API key: what its own SDK sends. */
export function wireKeyHeaders(wire: UpstreamWireId, key: string): Record<string, string> {
  if (wire === 'anthropic-messages') return { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
  return { authorization: `Bearer ${key}` };
}
