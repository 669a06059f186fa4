import type { Dispatcher } from 'undici';
import { classifyUpstreamFailure, CREDENTIAL_PROBLEM_BAN_MS, type UpstreamFailure } from '../common/errors/classify-upstream-failure.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../config/gateway-config.js';
import type { AcquireResult, CredentialLease, CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { Logger } from '../logging/logger.js';
import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';
import type { GatewayMetrics } from '../metrics/metrics.registry.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { infrastructureUnavailable, isInfrastructureError } from '../common/errors/infrastructure-errors.js';

export interface CodeAssistAttempt {
  credentialId: string;
  status: number | null;
  failure?: UpstreamFailure['kind'];
}

export interface OpenedUpstream {
  response: Dispatcher.ResponseData;
  lease: CredentialLease;
  attempts: CodeAssistAttempt[];
}

/** Classifies a failed upstream answer (status, parsed body, headers) into the closed failure union. */
export type FailureClassifier = (status: number, body: unknown, headers: Record<string, string | string[] | undefined>) => UpstreamFailure;

export interface CodeAssistCallSpec {
  method?: 'generateContent' | 'streamGenerateContent' | 'countTokens';
  /** performs the HTTP call with the chosen credential (other upstream kinds); default: Code Assist */
  send?(lease: CredentialLease): Promise<Dispatcher.ResponseData>;
  /** upstream model id (for cooldown keys and the User-Agent) */
  model: string;
  stream: boolean;
  /** builds the envelope for the chosen credential (its project) (Code Assist calls) */
  buildBody?(lease: CredentialLease): unknown;
  signal: AbortSignal;
  requestId: string;
  /**
   * The models a throttle bans this credential for (default: `model` only). Upstreams whose quota
   * windows cover a model group (Antigravity) name the whole group.
   */
  banModels?(lease: CredentialLease, failure: Extract<UpstreamFailure, { kind: 'throttled' }>): readonly string[];
}

/** waits longer than this for a cooling pool are not worth holding a client connection for */
const MAX_COOLDOWN_WAIT_MS = 5_000;

/**
 * Calls Code Assist on behalf of one client request, moving across the pool until an account answers
 * 200 (the response is returned unread) or the retry budget is spent. Every failure is classified
 * once (classifyUpstreamFailure) and turned into a ban window, a disable, a token refresh or a
 * client-facing GatewayError; no bytes have reached the client while this runs.
 */
export class CodeAssistCaller {
  /** transport health of the Code Assist endpoint, shared by every request of this process */
  private readonly breaker = new CircuitBreaker();

  constructor(
    private readonly pool: CredentialPoolService,
    private readonly google: GoogleHttpRepository | null,
    private readonly settings: () => RuntimeSettings,
    private readonly logger: Logger,
    private readonly metrics: GatewayMetrics,
    private readonly classify: FailureClassifier = (status, body) => classifyUpstreamFailure(status, body),
  ) {}

  async open(spec: CodeAssistCallSpec): Promise<OpenedUpstream> {
    const wait = this.breaker.retryAfterMs();
    if (wait > 0) {
      this.metrics.upstreamErrors.inc({ class: 'circuit_open' });
      throw new GatewayError('upstream_unavailable', 'The upstream has been failing; the gateway is not calling it for a moment.', {
        status: 503,
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const settings = this.settings();
    const maxAttempts = 1 + (settings.retry_429_enabled ? settings.retry_429_max_retries : 0);
    const attempts: CodeAssistAttempt[] = [];
    let exclude = new Set<string>();
    let last: { failure: UpstreamFailure; status: number } | null = null;
    let refreshedFor: string | null = null;
    /** the same credential again, with a refreshed token, after a 401 */
    let retryLease: CredentialLease | null = null;
    let lastTimedOut = false;

    while (attempts.length < maxAttempts) {
      const acquired: AcquireResult = retryLease
        ? { kind: 'lease', lease: retryLease }
        : await this.pool.acquire(spec.model, exclude, settings.calls_per_rotation).catch((error: unknown) => {
            throw isInfrastructureError(error) ? infrastructureUnavailable(error) : error;
          });
      retryLease = null;
      if (acquired.kind === 'none') {
        if (last) break;
        throw new GatewayError('no_credentials', `No usable ${this.pool.label} credential: ${acquired.reason}.`);
      }
      if (acquired.kind === 'all-cooling') {
        const waitMs = Math.max(acquired.retryAfterMs, settings.retry_429_interval * 1000);
        if (settings.retry_429_enabled && attempts.length > 0 && waitMs <= MAX_COOLDOWN_WAIT_MS && attempts.length + 1 < maxAttempts) {
          await sleep(waitMs, spec.signal);
          exclude = new Set();
          continue;
        }
        throw allCooling(spec.model, acquired.retryAfterMs, this.pool.size());
      }
      const lease: CredentialLease = acquired.lease;
      if (refreshedFor !== lease.id) refreshedFor = null;

      let response: Dispatcher.ResponseData;
      try {
        response = spec.send
          ? await spec.send(lease)
          : await this.google!.codeAssist({
              method: spec.method ?? (spec.stream ? 'streamGenerateContent' : 'generateContent'),
              body: spec.buildBody!(lease),
              accessToken: lease.accessToken,
              model: spec.model,
              stream: spec.stream,
              proxy: lease.proxyUrl,
              signal: spec.signal,
            });
      } catch (error) {
        if (spec.signal.aborted) throw new GatewayError('invalid_request', 'client closed the request', { status: 499 });
        const code = (error as { code?: string }).code ?? '';
        const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
        const message = timedOut ? `upstream did not answer in time (${code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : 'first byte'} timeout)` : `upstream unreachable: ${(error as Error).message}`;
        if (timedOut) lastTimedOut = true;
        attempts.push({ credentialId: lease.id, status: null, failure: 'unavailable' });
        this.metrics.upstreamErrors.inc({ class: 'network' });
        this.breaker.failure();
        await this.pool.recordError(lease.id, 0, message);
        last = { failure: { kind: 'unavailable', message }, status: 502 };
        exclude.add(lease.id);
        continue;
      }

      lastTimedOut = false;
      if (response.statusCode === 200) {
        this.breaker.success();
        attempts.push({ credentialId: lease.id, status: 200 });
        return { response, lease, attempts };
      }

      const text = await readBodyText(response.body, 1024 * 1024).catch(() => '');
      const failure = this.classify(response.statusCode, jsonOrUndefined(text), response.headers);
      attempts.push({ credentialId: lease.id, status: response.statusCode, failure: failure.kind });
      this.metrics.upstreamErrors.inc({ class: failure.kind });
      if (failure.kind === 'unavailable') this.breaker.failure();
      else this.breaker.success();
      last = { failure, status: response.statusCode };
      this.logger.warn(
        { reqId: spec.requestId, credentialId: lease.id, model: spec.model, status: response.statusCode, failure: failure.kind },
        'upstream call failed',
      );
      await this.pool.recordError(lease.id, response.statusCode, failure.message);

      if (settings.auto_ban_enabled && settings.auto_ban_error_codes.includes(response.statusCode)) {
        await this.pool.disable(lease.id, `auto-ban: upstream answered ${response.statusCode}: ${failure.message}`);
        exclude.add(lease.id);
        continue;
      }

      switch (failure.kind) {
        case 'throttled':
          for (const model of spec.banModels?.(lease, failure) ?? [spec.model]) await this.pool.ban(lease.id, model, failure.until, `429 ${failure.reason}`);
          if (!settings.retry_429_enabled) throw allCooling(spec.model, failure.until - Date.now(), 1, failure.message);
          exclude.add(lease.id);
          break;
        case 'unauthenticated':
          if (refreshedFor === lease.id) {
            exclude.add(lease.id);
            break;
          }
          refreshedFor = lease.id;
          try {
            retryLease = { ...lease, accessToken: await this.pool.refreshToken(lease.id, lease.accessToken) };
          } catch {
            exclude.add(lease.id);
          }
          break;
        case 'credential_invalid':
        case 'model_unavailable':
          await this.pool.ban(lease.id, spec.model, Date.now() + CREDENTIAL_PROBLEM_BAN_MS, `${response.statusCode} ${failure.kind}`);
          exclude.add(lease.id);
          break;
        case 'unavailable':
          exclude.add(lease.id);
          break;
        case 'rejected':
          throw new GatewayError('upstream_rejected', failure.message, { status: failure.status });
      }
    }

    if (lastTimedOut && last?.failure.kind === 'unavailable') {
      throw new GatewayError('upstream_timeout', `${last.failure.message}, after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'}.`);
    }
    throw finalError(last, spec.model, attempts.length);
  }
}

function allCooling(model: string, retryAfterMs: number, poolSize: number, upstreamMessage?: string): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const what = poolSize === 1 ? 'The only credential' : `All ${poolSize} credentials`;
  return new GatewayError(
    'rate_limited',
    `${what} in the pool are cooling down for ${model} after upstream rate limits; the first is free again in ${seconds}s.` +
      (upstreamMessage ? ` Upstream said: ${upstreamMessage}` : ''),
    { retryAfterSeconds: seconds },
  );
}

function finalError(last: { failure: UpstreamFailure; status: number } | null, model: string, attempts: number): GatewayError {
  if (!last) return new GatewayError('no_credentials', 'No usable credential.');
  const f = last.failure;
  const tried = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (f.kind) {
    case 'throttled':
      return new GatewayError('rate_limited', `Upstream rate limits for ${model} on every credential tried (${tried}): ${f.message}`, {
        retryAfterSeconds: Math.max(1, Math.ceil((f.until - Date.now()) / 1000)),
      });
    case 'model_unavailable':
      return new GatewayError('not_found', `Model ${model} is not available to the pool's credentials (${tried}): ${f.message}`);
    case 'credential_invalid':
      return new GatewayError('upstream_unavailable', `Every credential tried was refused by the upstream (${tried}): ${f.message}`, {
        status: 503,
      });
    case 'unauthenticated':
    case 'unavailable':
      return new GatewayError('upstream_unavailable', `Upstream unavailable ${tried}: ${f.message}`);
    case 'rejected':
      return new GatewayError('upstream_rejected', f.message, { status: f.status });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
