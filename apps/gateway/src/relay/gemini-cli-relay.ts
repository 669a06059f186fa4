import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, toGatewayErrorShape } from '../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../config/gateway-config.js';
import type { CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { Logger } from '../logging/logger.js';
import { encodeGeminiClientError } from '../protocols/gemini/gemini-errors.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';
import type { CodeAssistCaller } from './code-assist-caller.js';

const RELAY_PROJECT = 'cligate-relay';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/**
 * Headers that proxies and CDNs add: a request carrying one came from elsewhere. Best effort only (a
 * proxy configured to add none, or a plain TCP forwarder, is not seen): the relay is not meant to sit
 * behind anything.
 */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'via', 'cf-connecting-ip', 'true-client-ip'];

/** Setup and telemetry calls gemini-cli makes that the pool answers locally. */
const LOCAL_ANSWERS: Record<string, () => unknown> = {
  loadCodeAssist: () => ({
    currentTier: { id: 'standard-tier', name: 'cligate pool', isDefault: true },
    allowedTiers: [{ id: 'standard-tier', name: 'cligate pool', isDefault: true }],
    cloudaicompanionProject: RELAY_PROJECT,
  }),
  onboardUser: () => ({ name: 'operations/cligate-relay', done: true, response: { cloudaicompanionProject: { id: RELAY_PROJECT, name: RELAY_PROJECT } } }),
  retrieveUserQuota: () => ({ buckets: [] }),
  listExperiments: () => ({ experimentIds: [], flags: [] }),
  fetchAdminControls: () => ({}),
  recordCodeAssistMetrics: () => ({}),
  getCodeAssistGlobalUserSetting: () => ({}),
  setCodeAssistGlobalUserSetting: () => ({}),
};

const FORWARDED = ['generateContent', 'streamGenerateContent', 'countTokens'] as const;

/**
 * The Gemini CLI relay (off by default; loopback callers only, as CLIProxyAPI did, and none that came
 * through a reverse proxy): gemini-cli started
 * with CODE_ASSIST_ENDPOINT pointing at cligate gets its setup calls answered here and its generate
 * calls served from the pool, in Code Assist's own envelope (the upstream bytes are forwarded as they
 * come, with the pool credential's project swapped in).
 */
export class GeminiCliRelay {
  constructor(
    private readonly caller: CodeAssistCaller,
    private readonly pool: CredentialPoolService,
    private readonly settings: () => RuntimeSettings,
    private readonly logger: Logger,
  ) {}

  register(app: FastifyInstance): void {
    for (const method of Object.keys(LOCAL_ANSWERS)) {
      app.post(`/v1internal::${method}`, (req, reply) => this.handle(req, reply, () => reply.send(LOCAL_ANSWERS[method]!())));
    }
    app.get('/v1internal/operations/*', (req, reply) => this.handle(req, reply, () => reply.send(LOCAL_ANSWERS.onboardUser!())));
    for (const method of FORWARDED) {
      app.post(`/v1internal::${method}`, (req, reply) => this.handle(req, reply, () => this.forward(method, req, reply)));
    }
  }

  private async handle(req: FastifyRequest, reply: FastifyReply, serve: () => unknown): Promise<void> {
    try {
      if (!this.settings().gemini_cli_relay_enabled) throw new GatewayError('not_found', 'The Gemini CLI relay is turned off (GEMINI_CLI_RELAY).');
      // unmetered (no key, no quota): loopback callers only, and not through a proxy on this machine
      // (which would make every client look local)
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) {
        throw new GatewayError('permission_denied', 'The Gemini CLI relay only serves this machine.');
      }
      await serve();
    } catch (error) {
      const shape = toGatewayErrorShape(error);
      if (reply.raw.headersSent) {
        reply.raw.end();
        return;
      }
      void reply.status(shape.status).send(encodeGeminiClientError(shape));
    }
  }

  private async forward(method: (typeof FORWARDED)[number], req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const envelope = (req.body ?? {}) as { model?: unknown; request?: Record<string, unknown> };
    const stream = method === 'streamGenerateContent';
    const model =
      method === 'countTokens'
        ? String((envelope.request as { model?: unknown } | undefined)?.model ?? '').replace(/^models\//, '')
        : String(envelope.model ?? '');
    if (!model) throw new GatewayError('invalid_request', 'model is required');
    const abort = new AbortController();
    reply.raw.once('close', () => abort.abort());
    const opened = await this.caller.open({
      method,
      model,
      stream,
      requestId: randomUUID(),
      signal: abort.signal,
      buildBody: (lease) => (method === 'countTokens' ? envelope : { ...envelope, project: lease.projectId ?? undefined }),
    });
    this.pool.recordSuccess(opened.lease.id);
    this.logger.info({ relay: 'gemini-cli', method, model, credentialId: opened.lease.id }, 'gemini-cli relay call');
    if (!stream) {
      const body = jsonOrUndefined(await readBodyText(opened.response.body));
      void reply.header('content-type', 'application/json').send(body ?? {});
      return;
    }
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    try {
      for await (const chunk of opened.response.body) reply.raw.write(chunk);
    } finally {
      reply.raw.end();
    }
  }
}
