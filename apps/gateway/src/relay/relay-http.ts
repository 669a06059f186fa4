import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { GatewayError, toGatewayErrorShape, type GatewayErrorShape } from '../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../config/gateway-config.js';
import type { CredentialLease, CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { Logger } from '../logging/logger.js';
import { CODE_ASSIST_BASE_MODELS, describeModel } from '../models/model-catalog.js';
import { accumulateStreamParts } from '../protocols/ir/accumulate-stream-parts.js';
import type { ChatRequest } from '../protocols/ir/chat-request.js';
import type { ChatStreamPart } from '../protocols/ir/chat-stream-part.js';
import { EMPTY_USAGE, type Usage } from '../protocols/ir/usage.js';
import type { StreamStage } from '../protocols/ir/stream-stage.js';
import type { ModelRoute } from '../protocols/model-route/parse-model-name.js';
import { createSseParser, type SseEvent } from '../protocols/sse/parse-sse-stream.js';
import { SSE_KEEPALIVE, sseData } from '../protocols/sse/encode-sse.js';
import { TRUNCATED_STREAM_ERROR } from '../protocols/gemini/gemini-upstream-stream-decoder.js';
import { prepareGeminiPassthroughBody, tapGeminiResponse, type GeminiPassthroughOverrides } from '../protocols/gemini/gemini-passthrough.js';
import { googleErrorToGatewayError } from '../protocols/gemini/gemini-errors.js';
import { readGoogleError, type GeminiThinkingConfig } from '../protocols/gemini/gemini-wire.js';
import { countTokensBody, unwrapCodeAssistResponse, wrapCodeAssistRequest } from '../protocols/code-assist/code-assist-envelope.js';
import { looksLikeGeminiRequest } from '../protocols/openai-chat/decode-openai-chat-client-request.js';
import { getClientCodec } from '../protocols/protocol-registry.js';
import type { ClientProtocolCodec, ClientProtocolId, EncodeContext } from '../protocols/protocol-codec.js';
import { readBodyText, jsonOrUndefined } from '../upstream/http/read-body.js';
import type { UsageLedgerService } from '../usage/usage-ledger.service.js';
import type { ChargePolicy } from '../usage/usage-ledger.repository.js';
import type { ClientAccess, ClientAuthenticator } from './client-access.js';
import { extractClientKey } from './client-key.js';
import type { CodeAssistAttempt, CodeAssistCaller, OpenedUpstream } from './code-assist-caller.js';
import { FREE_RESERVATION, type QuotaGate, type QuotaReservation } from './quota-gate.js';
import { SseResponse } from './sse-response.js';
import { infrastructureUnavailable, isInfrastructureError } from '../common/errors/infrastructure-errors.js';
import { AntiTruncationStage, continuationRequest, withMarkerInstruction } from './anti-truncation.js';
import { applyModelRoute, listModelVariants, parseModelName } from '../protocols/model-route/parse-model-name.js';
import { resolveGeminiThinking } from '../protocols/gemini/resolve-gemini-thinking.js';
import { anthropicMessagesCodec } from '../protocols/anthropic-messages/anthropic-messages-codec.js';
import { readCodeAssistCountTokensResponse } from '../protocols/code-assist/code-assist-envelope.js';
import type { RemoteMediaFetcher } from '../upstream/http/remote-media.fetcher.js';
import type { ProviderRouter } from '../upstream/provider-router.js';
import type { OpenedUpstreamCall } from '../upstream/provider.js';
import type { GatewayMetrics } from '../metrics/metrics.registry.js';
import { createWireTap, type PassthroughWire } from '../protocols/passthrough/wire-tap.js';

export interface RelayDependencies {
  caller: CodeAssistCaller;
  pool: CredentialPoolService;
  auth: ClientAuthenticator;
  quotas: QuotaGate;
  ledger: UsageLedgerService;
  settings: () => RuntimeSettings;
  logger: Logger;
  metrics: GatewayMetrics;
  media: RemoteMediaFetcher;
  router: ProviderRouter;
}

/** Everything known about one client request while it is relayed. */
interface Exchange {
  requestId: string;
  startedAt: number;
  protocol: ClientProtocolId;
  codec: ClientProtocolCodec;
  requestedModel: string;
  upstreamModel: string;
  stream: boolean;
  access?: ClientAccess;
  reservation: QuotaReservation;
  attempts: CodeAssistAttempt[];
  lease?: CredentialLease;
  usage: Usage;
  /** the upstream produced output (charging point) */
  upstreamStarted: boolean;
  /** time spent waiting for the upstream (ms), to report the gateway's own overhead */
  upstreamWaitMs: number;
  /** the provider that served (or is serving) the request, and the model name it was given */
  provider?: string;
  providerModel?: string;
  /** the client stream encoder, once a stream started (errors after headers go through it) */
  streamEncoder?: StreamStage<ChatStreamPart, string>;
  abort: AbortController;
}

/** fake streaming: an SSE comment this often while the non-streamed upstream answer is awaited */
const FAKE_STREAM_HEARTBEAT_MS = 3_000;
/** fake streaming: the answer is replayed in pieces of this many characters */
const FAKE_STREAM_PIECE = 50;

function splitTextPart(part: ChatStreamPart): ChatStreamPart[] {
  if ((part.type !== 'text-delta' && part.type !== 'reasoning-delta') || part.delta.length <= FAKE_STREAM_PIECE) return [part];
  const pieces: ChatStreamPart[] = [];
  const chars = Array.from(part.delta);
  for (let i = 0; i < chars.length; i += FAKE_STREAM_PIECE) {
    const delta = chars.slice(i, i + FAKE_STREAM_PIECE).join('');
    const last = i + FAKE_STREAM_PIECE >= chars.length;
    if (part.type === 'text-delta') pieces.push(i === 0 && part.providerMetadata ? { type: 'text-delta', delta, providerMetadata: part.providerMetadata } : { type: 'text-delta', delta });
    else pieces.push(last && part.signature !== undefined ? { type: 'reasoning-delta', delta, signature: part.signature } : { type: 'reasoning-delta', delta });
  }
  return pieces;
}

const OVERHEAD_HEADER = 'x-cligate-overhead-ms';

function overheadMs(ex: Exchange): string {
  return Math.max(0, performance.now() - ex.startedAt - ex.upstreamWaitMs).toFixed(3);
}

const GEMINI_ACTIONS = new Set(['generateContent', 'streamGenerateContent', 'countTokens']);

/**
 * The client API (`/v1`, `/v1beta`): registered straight on Fastify for a lean hot path; services come
 * from the Nest container. Each route decodes the caller's protocol into the IR (or, Gemini to Gemini,
 * forwards the body with only the envelope added), calls Code Assist through the pool, and renders the
 * answer, stream or error back in the caller's protocol.
 */
export class RelayHttp {
  private draining = false;

  constructor(private readonly deps: RelayDependencies) {}

  /** Refuse new client requests (503) while in-flight ones finish (graceful shutdown). */
  startDraining(): void {
    this.draining = true;
  }

  register(app: FastifyInstance): void {
    const openai = { errorHandler: this.protocolErrorHandler('openai-chat') };
    const gemini = { errorHandler: this.protocolErrorHandler('gemini') };
    const anthropic = { errorHandler: this.protocolErrorHandler('anthropic-messages') };
    const responses = { errorHandler: this.protocolErrorHandler('openai-responses') };
    app.post('/v1/chat/completions', openai, (req, reply) => this.openAiChat(req, reply));
    app.post('/v1/images/generations', openai, (req, reply) => this.decodedIr('openai-images', req, reply));
    app.post('/v1/messages', anthropic, (req, reply) => this.decodedIr('anthropic-messages', req, reply));
    app.post('/v1/messages/count_tokens', anthropic, (req, reply) => this.anthropicCountTokens(req, reply));
    app.post('/v1/responses', responses, (req, reply) => this.decodedIr('openai-responses', req, reply));
    app.get('/v1/models', openai, (req, reply) => this.listOpenAiModels(req, reply));
    app.get('/v1/models/*', openai, (req, reply) => this.getOpenAiModel(req, reply));
    app.post('/v1/models/*', gemini, (req, reply) => this.geminiAction(req, reply));
    app.get('/v1beta/models', gemini, (req, reply) => this.listGeminiModels(req, reply));
    app.get('/v1beta/models/*', gemini, (req, reply) => this.getGeminiModel(req, reply));
    app.post('/v1beta/models/*', gemini, (req, reply) => this.geminiAction(req, reply));
  }

  /** Errors raised before a handler runs (body parsing, size limits), in the route's protocol. */
  private protocolErrorHandler(protocol: ClientProtocolId) {
    return (error: { statusCode?: number; code?: string; message?: string }, _req: FastifyRequest, reply: FastifyReply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      const shape: GatewayErrorShape =
        status === 413
          ? { code: 'payload_too_large', status, message: 'Request body too large.' }
          : status === 415
            ? { code: 'invalid_request', status: 400, message: 'Send the request body as JSON (content-type: application/json).' }
            : status < 500
              ? { code: 'invalid_request', status: 400, message: describeBodyError(error) }
              : toGatewayErrorShape(error);
      if (status >= 500) this.deps.logger.error({ err: error.message }, 'client route failed before its handler');
      void reply.header('x-request-id', randomUUID()).status(shape.status).send(getClientCodec(protocol).encodeClientError(shape));
    };
  }

  // ---------------------------------------------------------------- routes

  private async openAiChat(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('openai-chat', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      const body = req.body;
      if (!looksLikeGeminiRequest(body) && (await this.relayPassthrough(ex, 'openai-chat', body, req, reply))) return;
      // a Gemini-format body on the OpenAI route: decode it as Gemini, answer as OpenAI
      const decoder = looksLikeGeminiRequest(body) ? getClientCodec('gemini') : ex.codec;
      const pathModel = looksLikeGeminiRequest(body) ? readBodyModel(body) : undefined;
      const decoded = decoder.decodeClientRequest(body, pathModel ? { pathModel } : {});
      if (looksLikeGeminiRequest(body)) decoded.value.stream = (body as { stream?: unknown }).stream === true;
      this.warn(ex, decoded.warnings);
      await this.relayIr(ex, decoded.value, body, reply);
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  /** A route whose body one codec decodes into the IR (Claude Messages, Responses, Images). */
  private async decodedIr(protocol: ClientProtocolId, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin(protocol, reply);
    try {
      ex.access = await this.authenticate(ex, req);
      if ((protocol === 'anthropic-messages' || protocol === 'openai-responses') && (await this.relayPassthrough(ex, protocol, req.body, req, reply))) return;
      const decoded = ex.codec.decodeClientRequest(req.body, {});
      this.warn(ex, decoded.warnings);
      await this.relayIr(ex, decoded.value, req.body, reply);
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  /** Claude `count_tokens`: the real upstream count (system instruction counted as a leading turn). */
  private async anthropicCountTokens(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('anthropic-messages', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      const decoded = anthropicMessagesCodec.decodeCountTokensRequest(req.body, {});
      checkModelName(decoded.value.model);
      const route = parseModelName(decoded.value.model);
      const request = applyModelRoute(decoded.value, route);
      ex.requestedModel = route.requested;
      ex.upstreamModel = route.baseModel;
      const total = await this.routedCountTokens(ex, request, route.baseModel);
      reply.header('x-request-id', ex.requestId).send(anthropicMessagesCodec.encodeCountTokensResponse(total));
      this.logDone(ex, 200);
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private async geminiAction(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('gemini', reply);
    try {
      const target = (req.params as Record<string, string>)['*'] ?? '';
      const colon = target.lastIndexOf(':');
      const model = colon > 0 ? target.slice(0, colon) : '';
      const action = colon > 0 ? target.slice(colon + 1) : '';
      if (!model || !GEMINI_ACTIONS.has(action)) {
        throw new GatewayError('not_found', `Unknown method: expected models/{model}:generateContent, :streamGenerateContent or :countTokens`);
      }
      ex.access = await this.authenticate(ex, req);
      checkModelName(model);
      ex.requestedModel = model;
      const route = parseModelName(model);
      if (action === 'countTokens') {
        if (this.deps.router.primary(route.baseModel)?.kind === 'gemini-cli') await this.countTokens(ex, route.baseModel, req.body, reply);
        else {
          const decoded = ex.codec.decodeClientRequest(req.body, { pathModel: model });
          const totalTokens = await this.routedCountTokens(ex, decoded.value, route.baseModel);
          reply.header('x-request-id', ex.requestId).send({ totalTokens });
          this.logDone(ex, 200);
        }
        return;
      }
      const stream = action === 'streamGenerateContent';
      if (route.fakeStream || route.antiTruncation || this.deps.router.primary(route.baseModel)?.kind !== 'gemini-cli') {
        // gateway stream features need the IR; the answer is still rendered as Gemini
        const decoded = ex.codec.decodeClientRequest(req.body, { pathModel: model, pathStream: stream });
        decoded.value.stream = stream;
        await this.relayIr(ex, decoded.value, req.body, reply);
        return;
      }
      await this.relayGeminiPassthrough(ex, route, stream, req.body, reply);
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private async listOpenAiModels(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const claude = typeof req.headers['anthropic-version'] === 'string' || /^claude-cli/i.test(String(req.headers['user-agent'] ?? ''));
    const ex = this.begin(claude ? 'anthropic-messages' : 'openai-chat', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      const ids = this.listModels(ex.access);
      const owners = new Map(this.deps.router.listModels().map((m) => [m.id, m.owner]));
      if (claude) {
        // Claude Code lists models Anthropic's way (as CLIProxyAPI answers it)
        const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
        reply.header('x-request-id', ex.requestId).send({ data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null });
        return;
      }
      const created = 1_735_689_600;
      const data = ids.map((id) => ({ id, object: 'model', created, owned_by: owners.get(parseModelName(id).baseModel) ?? owners.get(id) ?? describeModel(id).ownedBy }));
      reply.header('x-request-id', ex.requestId).send({ object: 'list', data });
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private async getOpenAiModel(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('openai-chat', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      const id = (req.params as Record<string, string>)['*'] ?? '';
      if (!this.listModels(ex.access).includes(id)) throw new GatewayError('not_found', `The model '${id}' does not exist`, { param: 'model' });
      reply.header('x-request-id', ex.requestId).send({ id, object: 'model', created: 1_735_689_600, owned_by: describeModel(id).ownedBy });
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private async listGeminiModels(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('gemini', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      reply.header('x-request-id', ex.requestId).send({ models: this.listModels(ex.access).map(geminiModelInfo) });
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private async getGeminiModel(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ex = this.begin('gemini', reply);
    try {
      ex.access = await this.authenticate(ex, req);
      const id = ((req.params as Record<string, string>)['*'] ?? '').replace(/^models\//, '');
      if (!this.listModels(ex.access).includes(id)) throw new GatewayError('not_found', `models/${id} is not found`);
      reply.header('x-request-id', ex.requestId).send(geminiModelInfo(id));
    } catch (error) {
      await this.fail(ex, reply, error);
    }
  }

  private authenticate(_ex: Exchange, req: FastifyRequest): Promise<ClientAccess> {
    if (this.draining) {
      throw new GatewayError('service_unavailable', 'The gateway is shutting down; retry on another instance.', { retryAfterSeconds: 1 });
    }
    return this.deps.auth.authenticate(extractClientKey(req));
  }

  /** What /v1/models lists: every servable name (base models × gateway prefixes and suffixes) this access may use. */
  private listModels(access: ClientAccess): string[] {
    const served = this.deps.router.listModels().map((m) => m.id);
    const gemini = served.filter((id) => id.startsWith('gemini-'));
    const all = [...new Set([...listModelVariants(gemini), ...served])];
    if (access.kind === 'api-key' && access.allowedModels.length > 0) {
      return all.filter((m) => access.allowedModels.includes(m) || access.allowedModels.includes(parseModelName(m).baseModel));
    }
    return all;
  }

  // ---------------------------------------------------------------- relay

  private begin(protocol: ClientProtocolId, reply: FastifyReply): Exchange {
    const requestId = randomUUID();
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    if (this.draining) reply.header('connection', 'close');
    return {
      requestId,
      startedAt: performance.now(),
      protocol,
      codec: getClientCodec(protocol),
      requestedModel: '',
      upstreamModel: '',
      stream: false,
      reservation: FREE_RESERVATION,
      attempts: [],
      usage: EMPTY_USAGE,
      upstreamStarted: false,
      upstreamWaitMs: 0,
      abort,
    };
  }

  /**
   * Every IR route (OpenAI chat, Claude Messages, Responses, Gemini with gateway features): model-name
   * features (thinking / search / image suffixes, fake streaming, anti-truncation), remote media,
   * quota, then one or more upstream attempts feeding one client answer.
   */
  private async relayIr(ex: Exchange, decoded: ChatRequest, clientBody: unknown, reply: FastifyReply): Promise<void> {
    if (!decoded.model) throw new GatewayError('invalid_request', 'model is required', { param: 'model' });
    checkModelName(decoded.model);
    const route = parseModelName(decoded.model);
    let request = applyModelRoute(decoded, route);
    ex.requestedModel = route.requested;
    ex.upstreamModel = route.baseModel;
    ex.stream = request.stream;
    const settings = this.deps.settings();
    await this.resolveRemoteFiles(request, settings);
    if (settings.return_thoughts_to_frontend === false) request.thinking = { ...(request.thinking ?? {}), includeThoughts: false };
    if (route.antiTruncation) request = withMarkerInstruction(request);
    ex.reservation = await this.deps.quotas.reserve(ex.access!, ex.requestId, ex.requestedModel, ex.upstreamModel);

    const includeThoughts = settings.return_thoughts_to_frontend && request.thinking?.includeThoughts !== false;
    const context: EncodeContext = {
      responseId: ex.requestId.replace(/-/g, ''),
      model: ex.requestedModel,
      created: Math.floor(Date.now() / 1000),
      includeUsage: includeUsageRequested(clientBody),
      clientRequest: clientBody,
    };
    const upstreamStreams = request.stream && !route.fakeStream;
    const trunc = route.antiTruncation ? new AntiTruncationStage() : null;
    const maxAttempts = trunc ? settings.anti_truncation_max_attempts : 1;

    // the client side: a stream encoder (opened lazily) or a collector for the non-streamed answer
    let sse: SseResponse | null = null;
    let out = '';
    const collected: ChatStreamPart[] = [];
    const encoder = request.stream ? ex.codec.createClientStreamEncoder(context) : null;
    ex.streamEncoder = encoder ?? undefined;
    let failed: GatewayErrorShape | null = null;
    const deliver = (part: ChatStreamPart) => {
      if (part.type === 'usage') ex.usage = part.usage;
      else if (part.type === 'error') failed ??= part.error;
      if (encoder) encoder.transform(part, (frame) => (out += frame));
      else collected.push(part);
    };
    const intake = trunc ? (part: ChatStreamPart) => trunc.transform(part, deliver) : deliver;
    const take = () => {
      const frames = out;
      out = '';
      return frames;
    };
    const openClient = () => {
      if (!sse && request.stream) {
        sse = new SseResponse(reply.raw);
        reply.hijack();
        sse.open({ 'x-request-id': ex.requestId, [OVERHEAD_HEADER]: overheadMs(ex) });
      }
      return sse!;
    };

    let current = request;
    let complete = false;
    for (let attempt = 0; attempt < maxAttempts && !complete; attempt++) {
      let opened: OpenedUpstreamCall;
      let bodyText: string | undefined;
      try {
        const keepAlive = request.stream && route.fakeStream ? () => void openClient().write(SSE_KEEPALIVE) : undefined;
        ({ opened, bodyText } = await this.openUpstream(ex, current, upstreamStreams, keepAlive));
      } catch (error) {
        // before anything reached the client, a failure is a real HTTP error; after, an in-stream one
        if (attempt === 0 && !sse) throw error;
        intake({ type: 'error', error: toGatewayErrorShape(error) });
        complete = true;
        break;
      }
      ex.lease = opened.lease;
      if (upstreamStreams) {
        const client = openClient();
        ex.upstreamStarted = true;
        const pipeline = opened.pipeline(intake, { includeThoughts });
        if ((await this.pump(opened.response, ex, pipeline, client, take)) === 'client-gone') {
          await this.settle(ex, 499, 'abandoned_charged');
          this.logDone(ex, 499);
          return;
        }
        pipeline.flush();
      } else {
        ex.upstreamStarted = true;
        const parts = opened.decode(bodyText ?? '', { includeThoughts });
        // fake streaming: the whole answer, replayed to the stream in short pieces
        for (const part of parts) for (const piece of request.stream ? splitTextPart(part) : [part]) intake(piece);
        if (request.stream) openClient();
      }
      complete = trunc ? trunc.endAttempt() : true;
      if (!complete) current = continuationRequest(request, trunc!.emittedText());
      if (sse && out) await (sse as SseResponse).write(take());
    }
    if (trunc) trunc.finish(deliver, complete);
    if (trunc && trunc.attempts > 1) this.deps.logger.info({ reqId: ex.requestId, attempts: trunc.attempts }, 'anti-truncation continued the answer');

    if (!encoder) {
      const response = accumulateStreamParts(collected, { id: context.responseId, model: ex.requestedModel, created: context.created });
      response.model = ex.requestedModel;
      ex.usage = response.usage;
      const body = ex.codec.encodeClientResponse(response, context);
      await this.settle(ex, 200, 'charged', () => sendJson(reply, ex, body));
      this.logDone(ex, 200);
      return;
    }
    encoder.flush((frame) => (out += frame));
    const status = failed ? (failed as GatewayErrorShape).status : 200;
    const client = openClient();
    await this.settle(ex, status, failed ? 'refunded' : 'charged', () => client.end(take()));
    this.logDone(ex, status);
  }

  /**
   * One upstream call for an IR request (with failover across the pool); for non-streamed calls the
   * body is read too. `keepAlive` runs every 3 s while waiting (fake streaming heartbeats).
   */
  private async openUpstream(
    ex: Exchange,
    request: ChatRequest,
    stream: boolean,
    keepAlive?: () => void,
  ): Promise<{ opened: OpenedUpstreamCall; bodyText?: string }> {
    const waitStart = performance.now();
    const timer = keepAlive ? setInterval(keepAlive, FAKE_STREAM_HEARTBEAT_MS) : null;
    try {
      const { opened, provider, upstreamModel } = await this.deps.router.open(
        { request, stream, requestId: ex.requestId, signal: ex.abort.signal },
        ex.upstreamModel,
      );
      ex.provider = provider.id;
      ex.providerModel = upstreamModel;
      ex.attempts.push(...opened.attempts);
      const bodyText = stream ? undefined : await readBodyText(opened.response.body);
      return bodyText === undefined ? { opened } : { opened, bodyText };
    } finally {
      if (timer) clearInterval(timer);
      ex.upstreamWaitMs += performance.now() - waitStart;
    }
  }

  /** Remote image URLs: fetched (size, time and address limits) into inline data, or a clear 400. */
  private async resolveRemoteFiles(request: ChatRequest, settings: RuntimeSettings): Promise<void> {
    for (const [i, message] of request.messages.entries()) {
      for (const [j, part] of message.content.entries()) {
        if (part.type === 'file' && part.url !== undefined && part.data === undefined) {
          const media = await this.deps.media.fetch(part.url, settings.remote_media_fetch, `messages[${i}].content[${j}]`);
          (message.content as unknown[])[j] = { type: 'file', mediaType: media.mediaType, data: media.data };
        }
      }
    }
  }

  /**
   * Gemini client → Code Assist: the body is forwarded as the client sent it (only the envelope is
   * added, and the gateway's own overrides applied); answers are unwrapped and forwarded, with a tap
   * that reads usage and completion without decoding into the IR.
   */
  private async relayGeminiPassthrough(ex: Exchange, route: ModelRoute, stream: boolean, body: unknown, reply: FastifyReply): Promise<void> {
    const model = route.baseModel;
    ex.upstreamModel = model;
    ex.stream = stream;
    const settings = this.deps.settings();
    const overrides: GeminiPassthroughOverrides = {};
    if (route.search) overrides.addGoogleSearch = true;
    if (route.imageOutput) overrides.imageOutput = route.imageOutput;
    const suffixThinking = route.thinking ? resolveGeminiThinking(route.thinking, model) : undefined;
    const current = (body as { generationConfig?: { thinkingConfig?: GeminiThinkingConfig } } | null)?.generationConfig?.thinkingConfig;
    if (suffixThinking) overrides.thinkingOverride = suffixThinking;
    if (!settings.return_thoughts_to_frontend) overrides.thinkingOverride = { ...(overrides.thinkingOverride ?? current ?? {}), includeThoughts: false };
    const requestBody = prepareGeminiPassthroughBody(body, overrides);
    ex.reservation = await this.deps.quotas.reserve(ex.access!, ex.requestId, ex.requestedModel, model);
    const waitStart = performance.now();
    const opened = await this.deps.caller.open({
      method: stream ? 'streamGenerateContent' : 'generateContent',
      model,
      stream,
      requestId: ex.requestId,
      signal: ex.abort.signal,
      buildBody: (lease) => wrapCodeAssistRequest({ model, project: lease.projectId, request: requestBody }),
    });
    ex.upstreamWaitMs += performance.now() - waitStart;
    ex.attempts = opened.attempts;
    ex.lease = opened.lease;

    if (!stream) {
      const readStart = performance.now();
      const envelope = jsonOrUndefined(await readBodyText(opened.response.body));
      ex.upstreamWaitMs += performance.now() - readStart;
      ex.upstreamStarted = true;
      if (envelope === undefined) throw new GatewayError('upstream_unavailable', 'upstream sent a malformed answer');
      const response = unwrapCodeAssistResponse(envelope);
      const tap = tapGeminiResponse(response);
      if (tap.usage) ex.usage = tap.usage;
      await this.settle(ex, 200, 'charged', () => sendJson(reply, ex, response));
      this.logDone(ex, 200);
      return;
    }

    const sse = new SseResponse(reply.raw);
    reply.hijack();
    sse.open({ 'x-request-id': ex.requestId, [OVERHEAD_HEADER]: overheadMs(ex) });
    ex.upstreamStarted = true;
    let out = '';
    let finished = false;
    let failed: GatewayErrorShape | null = null;
    const parser = createSseParser();
    const onEvent = (event: SseEvent) => {
      if (failed) return;
      const envelope = jsonOrUndefined(event.data);
      if (envelope === undefined) return;
      const inner = (envelope as { response?: unknown }).response;
      if (inner === undefined) {
        const googleError = readGoogleError(envelope);
        if (googleError) {
          failed = googleErrorToGatewayError(googleError);
          out += ex.codec.encodeClientStreamError(failed);
        }
        return;
      }
      const tap = tapGeminiResponse(inner);
      if (tap.usage) ex.usage = tap.usage;
      if (tap.finished) finished = true;
      out += sseData(inner);
    };
    const pipeline = { feed: (text: string) => parser.transform(text, onEvent) };
    const result = await this.pump(opened.response, ex, pipeline, sse, () => {
      const frames = out;
      out = '';
      return frames;
    });
    if (result === 'client-gone') {
      await this.settle(ex, 499, 'abandoned_charged');
      this.logDone(ex, 499);
      return;
    }
    parser.flush(onEvent);
    if (!failed && !finished) {
      failed = TRUNCATED_STREAM_ERROR;
      out += ex.codec.encodeClientStreamError(TRUNCATED_STREAM_ERROR);
    }
    const status = failed ? (failed as GatewayErrorShape).status : 200;
    await this.settle(ex, status, failed ? 'refunded' : 'charged', () => sse.end(out));
    this.logDone(ex, status);
  }

  /**
   * Same protocol on both sides (an OpenAI-compatible provider for an OpenAI client, Claude keys for a
   * Claude client, …): the client's body goes upstream untranslated (model name mapped) and the
   * answer comes back as the upstream sent it, read only for usage, completion and errors. Returns
   * false (nothing done) when the request needs the gateway's own features or a translating provider.
   */
  private async relayPassthrough(ex: Exchange, wire: PassthroughWire, body: unknown, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
    const record = body as Record<string, unknown>;
    const model = record.model;
    if (typeof model !== 'string' || model === '') return false;
    checkModelName(model);
    if (!this.deps.settings().return_thoughts_to_frontend) return false;
    const route = parseModelName(model);
    if (route.baseModel !== model || route.fakeStream || route.antiTruncation || route.search || route.thinking || route.imageOutput) return false;
    const candidates = this.deps.router.passthroughCandidates(model, wire);
    if (!candidates || candidates.length === 0) return false;

    const stream = record.stream === true;
    ex.requestedModel = model;
    ex.upstreamModel = model;
    ex.stream = stream;
    ex.reservation = await this.deps.quotas.reserve(ex.access!, ex.requestId, model, model);
    let upstreamBody = record;
    let dropUsageChunk = false;
    if (wire === 'openai-chat' && stream && !includeUsageRequested(record)) {
      // usage is what the charge is computed from: ask for it, and hide it from a client that did not
      const options = record.stream_options !== null && typeof record.stream_options === 'object' ? record.stream_options : {};
      upstreamBody = { ...record, stream_options: { ...options, include_usage: true } };
      dropUsageChunk = true;
    }
    const headers: Record<string, string> = {};
    const beta = req.headers['anthropic-beta'];
    if (wire === 'anthropic-messages' && typeof beta === 'string' && beta !== '' && !/[\r\n]/.test(beta)) headers['anthropic-beta'] = beta;

    const waitStart = performance.now();
    let opened: OpenedUpstream;
    try {
      const result = await this.deps.router.openRaw(candidates, { body: upstreamBody, stream, headers, requestId: ex.requestId, signal: ex.abort.signal });
      opened = result.opened;
      ex.provider = result.provider.id;
      ex.providerModel = result.upstreamModel;
    } finally {
      ex.upstreamWaitMs += performance.now() - waitStart;
    }
    ex.attempts.push(...opened.attempts);
    ex.lease = opened.lease;
    const tap = createWireTap(wire, { dropUsageChunk });

    if (!stream) {
      const readStart = performance.now();
      const text = await readBodyText(opened.response.body);
      ex.upstreamWaitMs += performance.now() - readStart;
      ex.upstreamStarted = true;
      const json = jsonOrUndefined(text);
      if (json === undefined) throw new GatewayError('upstream_unavailable', 'upstream sent a malformed answer');
      tap.body(json);
      if (tap.usage) ex.usage = tap.usage;
      await this.settle(ex, 200, 'charged', () => sendJsonText(reply, ex, text));
      this.logDone(ex, 200);
      return true;
    }

    const sse = new SseResponse(reply.raw);
    reply.hijack();
    sse.open({ 'x-request-id': ex.requestId, [OVERHEAD_HEADER]: overheadMs(ex) });
    ex.upstreamStarted = true;
    let out = '';
    const parser = createSseParser();
    const onEvent = (event: SseEvent) => {
      out += tap.event(event);
    };
    const take = () => {
      const frames = out;
      out = '';
      return frames;
    };
    const result = await this.pump(opened.response, ex, { feed: (text: string) => parser.transform(text, onEvent) }, sse, take);
    if (tap.usage) ex.usage = tap.usage;
    if (result === 'client-gone') {
      await this.settle(ex, 499, 'abandoned_charged');
      this.logDone(ex, 499);
      return true;
    }
    parser.flush(onEvent);
    if (tap.usage) ex.usage = tap.usage;
    let failed = tap.error;
    if (!failed && !tap.finished) {
      failed = TRUNCATED_STREAM_ERROR;
      out += ex.codec.encodeClientStreamError(TRUNCATED_STREAM_ERROR);
    }
    const status = failed ? failed.status : 200;
    await this.settle(ex, status, failed ? 'refunded' : 'charged', () => sse.end(out));
    this.logDone(ex, status);
    return true;
  }

  /**
   * Reads the upstream body into the pipeline and writes what it produced after each network chunk.
   * Returns 'client-gone' when the caller disconnected (the upstream call is then aborted).
   */
  private async pump(
    upstream: Dispatcher.ResponseData,
    ex: Exchange,
    pipeline: { feed(text: string): void },
    sse: SseResponse,
    take: () => string,
  ): Promise<'ended' | 'client-gone'> {
    const decoder = new TextDecoder();
    let idleSince = performance.now();
    try {
      for await (const chunk of upstream.body) {
        ex.upstreamWaitMs += performance.now() - idleSince;
        pipeline.feed(decoder.decode(chunk as Buffer, { stream: true }));
        const frames = take();
        if (frames) await sse.write(frames);
        if (sse.isClosed) {
          upstream.body.destroy();
          return 'client-gone';
        }
        idleSince = performance.now();
      }
      pipeline.feed(decoder.decode());
    } catch (error) {
      if (ex.abort.signal.aborted || sse.isClosed) return 'client-gone';
      // the upstream stream broke: the decoder's flush reports the truncation in the client's protocol
      this.deps.logger.warn({ reqId: ex.requestId, err: (error as Error).message }, 'upstream stream interrupted');
    }
    return 'ended';
  }

  private async countTokens(ex: Exchange, model: string, body: unknown, reply: FastifyReply): Promise<void> {
    const record = (body ?? {}) as Record<string, unknown>;
    const inner = (record.generateContentRequest as Record<string, unknown> | undefined) ?? record;
    const contents = inner.contents;
    if (!Array.isArray(contents)) throw new GatewayError('invalid_request', 'contents must be an array', { param: 'contents' });
    const totalTokens = await this.upstreamCountTokens(ex, model, contents);
    reply.header('x-request-id', ex.requestId).send({ totalTokens });
    this.logDone(ex, 200);
  }

  /** The serving provider's own token count (not charged). */
  private async routedCountTokens(ex: Exchange, request: ChatRequest, model: string): Promise<number> {
    const provider = this.deps.router.primary(model);
    const upstreamModel = provider?.resolve(model);
    if (!provider || !upstreamModel || !provider.countTokens) {
      throw new GatewayError('not_found', `Token counting is not available for the model '${model}'.`, { param: 'model' });
    }
    ex.provider = provider.id;
    ex.providerModel = upstreamModel;
    const waitStart = performance.now();
    try {
      return await provider.countTokens({ request, upstreamModel, requestId: ex.requestId, signal: ex.abort.signal });
    } finally {
      ex.upstreamWaitMs += performance.now() - waitStart;
    }
  }

  /** Code Assist's real countTokens (not charged). */
  private async upstreamCountTokens(ex: Exchange, model: string, contents: unknown[]): Promise<number> {
    ex.upstreamModel = model;
    const waitStart = performance.now();
    try {
      const opened = await this.deps.caller.open({
        method: 'countTokens',
        model,
        stream: false,
        requestId: ex.requestId,
        signal: ex.abort.signal,
        buildBody: () => countTokensBody(model, contents),
      });
      ex.attempts.push(...opened.attempts);
      ex.lease = opened.lease;
      return readCodeAssistCountTokensResponse(jsonOrUndefined(await readBodyText(opened.response.body)));
    } finally {
      ex.upstreamWaitMs += performance.now() - waitStart;
    }
  }

  // ---------------------------------------------------------------- outcome

  /**
   * Writes the usage row. For keyed requests the answer is released (`deliver`, synchronous) the moment
   * the charge is durable, from inside the ledger's commit loop; unmetered answers go out at once.
   */
  private async settle(ex: Exchange, status: number, outcome: ChargePolicy, deliver?: () => void): Promise<void> {
    const metered = ex.reservation.apiKeyId !== null;
    const policy: ChargePolicy = !metered ? 'free' : outcome;
    const cost = policy === 'charged' || policy === 'abandoned_charged' ? ex.reservation.cost : 0;
    if (ex.lease && status < 400) this.deps.pool.recordSuccess(ex.lease.id);
    const write = this.deps.ledger.record({
      requestId: ex.requestId,
      apiKeyId: ex.reservation.apiKeyId,
      credentialId: ex.lease?.id ?? null,
      requestedModel: ex.requestedModel,
      model: ex.providerModel ?? (ex.upstreamModel || ex.requestedModel),
      protocol: ex.protocol,
      stream: ex.stream,
      status,
      cost,
      policy,
      promptTokens: ex.usage.inputTokens,
      completionTokens: ex.usage.outputTokens,
      reasoningTokens: ex.usage.reasoningTokens,
      cachedTokens: ex.usage.cachedInputTokens,
      totalTokens: ex.usage.totalTokens,
      attempts: Math.max(1, ex.attempts.length),
      latencyMs: Math.round(performance.now() - ex.startedAt),
      errorCode: status >= 400 ? String(status) : null,
      createdAt: new Date(),
    }, metered && deliver ? () => deliver() : undefined);
    if (!metered) {
      write.catch(() => {});
      deliver?.();
      return;
    }
    let committed;
    try {
      committed = await write;
    } catch (error) {
      this.deps.logger.error({ reqId: ex.requestId, err: (error as Error).message }, 'could not record the charge');
      await ex.reservation.release().catch(() => {});
      throw new GatewayError('service_unavailable', 'The usage ledger is unavailable; the request was not charged.');
    }
    // the charge is durable: the caller releases the answer right away; the counters follow
    const reservation = ex.reservation;
    void (cost > 0 ? reservation.commit(committed) : reservation.release()).catch((error: Error) =>
      this.deps.logger.warn({ reqId: ex.requestId, err: error.message }, 'quota counter update deferred to the reaper'),
    );
  }

  private async fail(ex: Exchange, reply: FastifyReply, thrown: unknown): Promise<void> {
    const error = !(thrown instanceof GatewayError) && isInfrastructureError(thrown) ? infrastructureUnavailable(thrown) : thrown;
    const shape = toGatewayErrorShape(error);
    if (error !== thrown) this.deps.logger.warn({ reqId: ex.requestId, err: (thrown as Error).message }, 'backing store unreachable');
    if (!(error instanceof GatewayError)) {
      this.deps.logger.error({ reqId: ex.requestId, err: error instanceof Error ? error.stack : String(error) }, 'unexpected relay error');
    }
    if (ex.reservation !== FREE_RESERVATION && !ex.upstreamStarted) {
      await this.settle(ex, shape.status, 'refunded').catch(() => {});
    } else if (ex.requestedModel && ex.attempts.length > 0) {
      await this.settle(ex, shape.status, 'refunded').catch(() => {});
    }
    this.logDone(ex, shape.status, shape.code);
    if (reply.raw.headersSent) {
      if (reply.raw.writableEnded) return;
      let frames = '';
      if (ex.streamEncoder) {
        ex.streamEncoder.transform({ type: 'error', error: shape }, (f) => (frames += f));
        ex.streamEncoder.flush((f) => (frames += f));
      } else frames = ex.codec.encodeClientStreamError(shape);
      reply.raw.end(frames);
      return;
    }
    if (reply.sent) {
      // hijacked before any byte went out: answer on the raw socket
      const json = JSON.stringify(ex.codec.encodeClientError(shape));
      reply.raw.writeHead(shape.status, {
        'content-type': 'application/json; charset=utf-8',
        'x-request-id': ex.requestId,
        ...(shape.retryAfterSeconds !== undefined ? { 'retry-after': String(shape.retryAfterSeconds) } : {}),
      });
      reply.raw.end(json);
      return;
    }
    if (shape.retryAfterSeconds !== undefined) reply.header('retry-after', String(shape.retryAfterSeconds));
    reply.header('x-request-id', ex.requestId).status(shape.status).send(ex.codec.encodeClientError(shape));
  }

  private logDone(ex: Exchange, status: number, errorCode?: string): void {
    const totalMs = performance.now() - ex.startedAt;
    const labels = { protocol: ex.protocol, status: `${Math.floor(status / 100)}xx`, stream: ex.stream ? 'true' : 'false' };
    this.deps.metrics.requests.inc(labels);
    this.deps.metrics.latency.observe(labels, totalMs / 1000);
    this.deps.metrics.overhead.observe({ protocol: ex.protocol }, Math.max(0, totalMs - ex.upstreamWaitMs) / 1000);
    if (errorCode === 'quota_exceeded' || errorCode === 'rate_limited' || errorCode === 'permission_denied' || errorCode === 'unauthenticated') {
      if (ex.attempts.length === 0) this.deps.metrics.quotaRejections.inc({ reason: errorCode });
    }
    this.deps.logger.info(
      {
        reqId: ex.requestId,
        protocol: ex.protocol,
        model: ex.requestedModel || undefined,
        credentialId: ex.lease?.id,
        provider: ex.provider,
        status,
        stream: ex.stream,
        attempts: ex.attempts.length,
        latencyMs: Math.round(totalMs * 10) / 10,
        overheadMs: Math.round(Math.max(0, totalMs - ex.upstreamWaitMs) * 100) / 100,
        tokens: ex.usage.totalTokens,
        errorCode,
      },
      'request',
    );
  }

  private warn(ex: Exchange, warnings: readonly string[]): void {
    if (warnings.length > 0) this.deps.logger.debug({ reqId: ex.requestId, warnings }, 'conversion warnings');
  }
}


/** Writes a JSON answer straight to the socket (synchronous: used inside the ledger's commit loop). */
function sendJson(reply: FastifyReply, ex: Exchange, body: unknown): void {
  const json = JSON.stringify(body);
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-request-id': ex.requestId,
    [OVERHEAD_HEADER]: overheadMs(ex),
  });
  reply.raw.end(json);
}

/** An upstream's JSON answer forwarded as its text (no re-serialization). */
function sendJsonText(reply: FastifyReply, ex: Exchange, json: string): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-request-id': ex.requestId,
    [OVERHEAD_HEADER]: overheadMs(ex),
  });
  reply.raw.end(json);
}

/** Model names are data: bounded, printable, no whitespace or control characters. */
function checkModelName(model: string): void {
  if (model.length > 200 || /[\s\p{Cc}]/u.test(model)) {
    throw new GatewayError('invalid_request', 'model must be a model name (at most 200 printable characters, no spaces)', { param: 'model' });
  }
}

function describeBodyError(error: { code?: string; message?: string }): string {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty; send a JSON object.';
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return 'The request body is not valid JSON.';
  }
  return error.message ?? 'Bad request.';
}


function includeUsageRequested(body: unknown): boolean {
  const options = (body as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options;
  return options?.include_usage === true;
}

function readBodyModel(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' && model ? model : undefined;
}

function geminiModelInfo(id: string) {
  const info = describeModel(id);
  return {
    name: `models/${id}`,
    version: '001',
    displayName: info.displayName,
    description: `${info.displayName} served through cligate`,
    inputTokenLimit: info.inputTokenLimit,
    outputTokenLimit: info.outputTokenLimit,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}
