/**
 * Shared plumbing for the upstream fakes that came after fake-google.ts (AI Studio, Antigravity,
 * OpenAI-compatible, Anthropic, Codex): one node:http server on loopback, every request recorded,
 * scripts per credential and route with the same `Step` vocabulary as fake-google, and small
 * helpers for the deterministic default answers (the "call <tool> {json}" convention, text
 * splitting, token estimates, unsigned JWTs, PKCE).
 *
 * Nothing here knows a wire protocol: each fake supplies its routes, its SSE framing and its error
 * bodies. fake-google.ts stays self-contained and is not built on this file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types shared by every fake built on this file
// ---------------------------------------------------------------------------------------------

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON; form fields for form-encoded bodies; the raw text if unparsable; null when empty. */
  body: unknown;
  /** The fake's name for the route, e.g. 'generateContent', 'messages', 'token'; 'unknown' if none matched. */
  route: string;
  /**
   * Which registered credential the request was made with: a key's label, an account's email, or
   * (for token-endpoint calls) the account the refresh token / code belongs to. Undefined when unknown.
   */
  credential?: string;
  at: number;
  /** HTTP status the fake answered with; undefined while pending or for a hang. */
  status?: number;
}

export type Step =
  /** Plain answer. A string body is sent verbatim; anything else as JSON. */
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /**
   * SSE answer (200, text/event-stream) in the fake's own framing. Each object item becomes one
   * event (see the fake's `sseFrame`); a string item is written verbatim (for malformed or
   * hand-framed events, or `data: [DONE]\n\n`).
   * cutAfter: destroy the socket after N events. hangAfter: stop after N events, keep the socket open.
   */
  | {
      sse: unknown[];
      delayMs?: number;
      chunkDelayMs?: number;
      cutAfter?: number;
      hangAfter?: number;
      headers?: Record<string, string>;
    }
  /** Never answer (the socket stays open until the client gives up or the fake closes). */
  | { hang: true };

export interface SseOptions {
  chunkDelayMs?: number;
  cutAfter?: number;
  hangAfter?: number;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  call: RecordedCall;
  /** Raw request body bytes. */
  raw: Buffer;
  gone: boolean;
}

/** A real 1x1 RGBA PNG (the same bytes fake-google serves). */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/** Alphanumeric id (no '-' or '_'), like the ids OpenAI and Anthropic put after their prefixes. */
export function alnumId(length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** ceil(chars / 4), at least 1: the estimate every fake uses for token counts. */
export function tokensFor(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits text into at most n non-empty pieces on code point boundaries. */
export function splitText(text: string, n: number): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [''];
  const count = Math.max(1, Math.min(n, chars.length));
  const size = Math.ceil(chars.length / count);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Scans `{...}` starting at text[start] (string-aware). Returns the JSON text or undefined. */
export function balancedJsonAt(text: string, start: number): string | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/**
 * The "call <tool> {json}" convention shared with fake-google: every `call <name>` in the text whose
 * name is declared becomes a tool call; a JSON object right after the name becomes its arguments
 * (`{}` when absent or unparsable).
 */
export function findToolCalls(text: string, declared: ReadonlySet<string>): Array<{ name: string; args: Record<string, unknown> }> {
  const calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  if (declared.size === 0) return calls;
  for (const m of text.matchAll(/\bcall\s+([A-Za-z_][\w.:-]*)/gi)) {
    const name = m[1]!;
    if (!declared.has(name)) continue;
    let args: Record<string, unknown> = {};
    const rest = text.slice(m.index + m[0].length);
    const json = balancedJsonAt(rest, rest.length - rest.trimStart().length);
    if (json) {
      try {
        const parsed = JSON.parse(json) as unknown;
        if (isRecord(parsed)) args = parsed;
      } catch {
        // not JSON: call with {}
      }
    }
    calls.push({ name, args });
  }
  return calls;
}

/** A JWT-shaped token with an unverifiable signature: enough for code that decodes claims. */
export function unsignedJwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'fake' }): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc(header)}.${enc(claims)}.${randomBytes(16).toString('base64url')}`;
}

/** Decodes the payload of a JWT (no verification). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The PKCE S256 challenge for a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh PKCE pair (43-character verifier). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function slugOf(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

export function bearerOf(headers: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m?.[1];
}

// ---------------------------------------------------------------------------------------------
// I/O helpers
// ---------------------------------------------------------------------------------------------

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function pause(ctx: RequestContext, ms: number | undefined): Promise<void> {
  if (!ms || ms <= 0 || ctx.gone) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.res.once('close', done);
  });
}

function writeChunk(ctx: RequestContext, chunk: string): Promise<boolean> {
  if (ctx.gone) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    ctx.res.once('close', onClose);
    ctx.res.write(chunk, (err) => {
      ctx.res.off('close', onClose);
      resolve(!err);
    });
  });
}

/** Sends a complete answer. A string body is sent verbatim; anything else as JSON (`pretty`: 2-space indent). */
export function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
  opts: { pretty?: boolean; contentType?: string } = {},
): void {
  if (ctx.gone || ctx.res.headersSent) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body, null, opts.pretty ? 2 : undefined);
  ctx.call.status = status;
  ctx.res.writeHead(status, {
    'content-type': opts.contentType ?? 'application/json',
    ...lowerKeys(headers),
    'content-length': String(Buffer.byteLength(text)),
  });
  ctx.res.end(text);
}

/** Streams items as SSE events: object items through `frame`, strings verbatim. */
export async function sendSse(
  ctx: RequestContext,
  items: unknown[],
  frame: (item: unknown) => string,
  opts: SseOptions = {},
): Promise<void> {
  if (ctx.gone || ctx.res.headersSent) return;
  ctx.call.status = 200;
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...lowerKeys(opts.headers),
  });
  ctx.res.flushHeaders();
  if (opts.cutAfter === 0) {
    // Let the headers reach the socket before destroying it, so the client sees a 200 then a cut.
    await new Promise<void>((resolve) => (ctx.res.socket ? ctx.res.socket.write('', () => resolve()) : resolve()));
  }
  for (let sent = 0; ; sent++) {
    if (opts.cutAfter !== undefined && sent >= opts.cutAfter) {
      ctx.res.destroy();
      return;
    }
    if (opts.hangAfter !== undefined && sent >= opts.hangAfter) return;
    if (sent >= items.length) break;
    if (sent > 0) await pause(ctx, opts.chunkDelayMs);
    const item = items[sent];
    if (!(await writeChunk(ctx, typeof item === 'string' ? item : frame(item)))) return;
  }
  ctx.res.end();
}

// ---------------------------------------------------------------------------------------------
// The server core
// ---------------------------------------------------------------------------------------------

export interface FakeCoreOptions {
  port?: number;
  /** Name used in error messages ("fake-anthropic: …"). */
  name: string;
}

/**
 * Base class of the fakes: owns the server, the call log and the scripts. Subclasses implement
 * `route` (method + path → route name), `resolveCredential` (who made the call), `dispatch` (the
 * default behaviour) and `sseFrame` (how one event object is written).
 */
export abstract class FakeCore {
  url = '';
  readonly calls: RecordedCall[] = [];

  private readonly scripts = new Map<string, Step[]>();
  private readonly server: Server;

  protected constructor(private readonly coreOpts: FakeCoreOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.internalErrorBody(`${this.coreOpts.name}: ${String(err)}`)));
        } else {
          res.destroy();
        }
      });
    });
  }

  protected abstract route(method: string, pathname: string): string;
  protected abstract resolveCredential(call: RecordedCall): string | undefined;
  protected abstract dispatch(ctx: RequestContext): Promise<void> | void;
  protected abstract sseFrame(item: unknown): string;
  /** Body of a 500 when the fake itself throws. */
  protected abstract internalErrorBody(message: string): unknown;

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.coreOpts.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Appends steps for a credential (or '*', every credential) and route; consumed in order, then defaults resume. */
  script(credential: string, route: string, steps: Step[]): void {
    const key = `${this.scriptKey(credential)}\u0000${route}`;
    const queue = this.scripts.get(key) ?? [];
    queue.push(...steps);
    this.scripts.set(key, queue);
  }

  /** Calls whose route (or path) is `route`, optionally only those made with `credential` (label or email). */
  callsTo(route: string, credential?: string): RecordedCall[] {
    const who = credential === undefined ? undefined : this.scriptKey(credential);
    return this.calls.filter((c) => (c.route === route || c.path === route) && (who === undefined || c.credential === who));
  }

  /** Clears calls and scripts; credentials and tokens stay. */
  reset(): void {
    this.calls.length = 0;
    this.scripts.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Maps what a test passes to script()/callsTo() (a raw key, a label, an email) to the recorded credential name. */
  protected scriptKey(credential: string): string {
    return credential;
  }

  /** The next scripted step for this call (credential-specific first, then '*'). */
  protected takeStep(ctx: RequestContext): Step | undefined {
    for (const who of [ctx.call.credential, '*']) {
      if (who === undefined) continue;
      const queue = this.scripts.get(`${who}\u0000${ctx.call.route}`);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  /** Answers the call with a step. */
  protected async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('hang' in step) return;
    if ('sse' in step) {
      await pause(ctx, step.delayMs);
      return sendSse(ctx, step.sse, (item) => this.sseFrame(item), step);
    }
    await pause(ctx, step.delayMs);
    return sendJson(ctx, step.status, step.body, step.headers);
  }

  /** Takes and runs a scripted step if there is one. Returns true when a step answered the call. */
  protected async runScripted(ctx: RequestContext): Promise<boolean> {
    const step = this.takeStep(ctx);
    if (!step) return false;
    await this.runStep(ctx, step);
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const headers = flattenHeaders(req);
    const method = req.method ?? 'GET';
    const call: RecordedCall = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(raw, headers['content-type']),
      route: this.route(method, url.pathname),
      at: Date.now(),
    };
    const credential = this.resolveCredential(call);
    if (credential !== undefined) call.credential = credential;
    this.calls.push(call);
    const ctx: RequestContext = { req, res, call, raw, gone: false };
    res.once('close', () => {
      ctx.gone = true;
    });
    await this.dispatch(ctx);
  }
}

/** A small SSE parser (line based, per the HTML spec) for specs: each event's name and joined data. */
export function parseSse(text: string): Array<{ event?: string; data: string }> {
  const events: Array<{ event?: string; data: string }> = [];
  let data: string[] = [];
  let event: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
      data = [];
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  return events;
}

/** Reads a streamed body to the end or to a transport error; returns what arrived and the error. */
export async function readAll(res: Response): Promise<{ text: string; error?: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}
