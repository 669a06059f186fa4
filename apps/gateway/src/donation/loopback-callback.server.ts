import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';

/** What the loopback page tells the donor. */
export interface LoopbackOutcome {
  ok: boolean;
  /** one line, shown as the heading */
  title: string;
  detail: string;
}

export type LoopbackHandler = (params: URLSearchParams) => Promise<LoopbackOutcome>;

/**
 * The "local callback completes by itself" path of /auth donations: when the donor's browser runs on
 * the gateway's machine, Google redirects it to http://localhost:<port>/?code=…&state=…, which this
 * small listener receives (bound to 127.0.0.1 only), hands to the donation service and answers with a
 * tiny self-contained page. It is opened by the first /auth/start and closed again when no flow
 * started by this process is waiting any more (finished or expired). A busy port is not an error:
 * another process (or program) has it, and the donor pastes the URL instead.
 */
export class LoopbackCallbackServer {
  private server: Server | null = null;
  private opening: Promise<boolean> | null = null;
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private handler: LoopbackHandler | null = null;

  constructor(
    readonly port: number,
    private readonly logger: Logger,
    private readonly host = '127.0.0.1',
  ) {}

  setHandler(handler: LoopbackHandler): void {
    this.handler = handler;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** A flow waits for its redirect until ttlMs from now; opens the listener. Resolves to whether it listens. */
  async expect(state: string, ttlMs: number): Promise<boolean> {
    const previous = this.waiting.get(state);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => this.done(state), ttlMs);
    timer.unref();
    this.waiting.set(state, timer);
    return this.open();
  }

  /** The flow finished (or expired): close the listener when nothing waits any more. */
  done(state: string): void {
    const timer = this.waiting.get(state);
    if (timer) clearTimeout(timer);
    this.waiting.delete(state);
    if (this.waiting.size === 0) void this.closeServer();
  }

  async close(): Promise<void> {
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    await this.closeServer();
  }

  private open(): Promise<boolean> {
    if (this.server) return Promise.resolve(true);
    this.opening ??= new Promise<boolean>((resolve) => {
      const server = createServer((req, res) => void this.onRequest(req, res));
      server.keepAliveTimeout = 1_000;
      server.once('error', (error: NodeJS.ErrnoException) => {
        this.logger.info(
          { port: this.port, err: error.code ?? error.message },
          'the OAuth callback port is not available here; donors paste the callback URL instead',
        );
        this.opening = null;
        resolve(false);
      });
      server.listen(this.port, this.host, () => {
        server.unref();
        this.server = server;
        this.opening = null;
        this.logger.info({ port: this.port }, 'OAuth callback listener open');
        resolve(true);
      });
    });
    return this.opening;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.logger.info({ port: this.port }, 'OAuth callback listener closed');
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = url.searchParams;
    if (req.method !== 'GET' || (!params.has('code') && !params.has('error')) || !params.has('state')) {
      return send(res, 404, { ok: false, title: 'Not found · 未找到', detail: 'This address only receives Google sign-in redirects.' });
    }
    const state = params.get('state')!;
    let outcome: LoopbackOutcome;
    try {
      outcome = this.handler
        ? await this.handler(params)
        : { ok: false, title: 'Not ready', detail: 'The gateway is not ready to receive sign-ins.' };
    } catch (error) {
      outcome = { ok: false, title: 'The donation failed', detail: (error as Error).message };
    }
    send(res, outcome.ok ? 200 : 400, outcome);
    if (this.waiting.has(state)) this.done(state);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function send(res: ServerResponse, status: number, outcome: LoopbackOutcome): void {
  const heading = outcome.ok ? '✓' : '✕';
  const note = outcome.ok
    ? 'You can close this tab and go back to the donation page. · 可以关闭此页面，回到捐赠页面查看结果。'
    : 'Go back to the donation page to try again. · 请回到捐赠页面重试。';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>cligate · ${escapeHtml(outcome.title)}</title>
<style>body{font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;background:#f8fafc;color:#0f172a;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0;padding:1rem}
main{max-width:32rem;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.mark{font-size:2rem;color:${outcome.ok ? '#16a34a' : '#dc2626'}}p{color:#334155;line-height:1.5}.note{color:#64748b;font-size:.875rem}</style></head>
<body><main><div class="mark">${heading}</div><h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.detail)}</p><p class="note">${escapeHtml(note)}</p></main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(html);
}

/**
 * The loopback listeners of every account kind, one per port (Gemini CLI's `OAUTH_CALLBACK_PORT`,
 * Antigravity's `ANTIGRAVITY_OAUTH_CALLBACK_PORT`, …), opened on demand by the flows that redirect
 * to `http://localhost:<port>/…`, all handing redirects to the same handler.
 */
export class LoopbackCallbackPool {
  private readonly servers = new Map<number, LoopbackCallbackServer>();
  private handler: LoopbackHandler | null = null;

  constructor(
    private readonly create: (port: number) => LoopbackCallbackServer,
  ) {}

  setHandler(handler: LoopbackHandler): void {
    this.handler = handler;
    for (const server of this.servers.values()) server.setHandler(handler);
  }

  /** The listener of a port (created once). */
  get(port: number): LoopbackCallbackServer {
    let server = this.servers.get(port);
    if (!server) {
      server = this.create(port);
      if (this.handler) server.setHandler(this.handler);
      this.servers.set(port, server);
    }
    return server;
  }

  /** A flow finished: whichever listener waited for it may close. */
  done(state: string): void {
    for (const server of this.servers.values()) server.done(state);
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.values()].map((s) => s.close()));
  }
}

/** The port of a loopback redirect URI (`http://localhost:<port>/…`, `http://127.0.0.1:<port>/…`), else null. */
export function loopbackPortOf(redirectUri: string): number | null {
  try {
    const url = new URL(redirectUri);
    if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
    const port = Number(url.port || 80);
    return Number.isInteger(port) && port > 0 ? port : null;
  } catch {
    return null;
  }
}
