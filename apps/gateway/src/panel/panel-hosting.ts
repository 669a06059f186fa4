import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One exported HTML page, held in memory with its Content-Security-Policy. */
interface PanelPage {
  body: Buffer;
  csp: string;
}

/** The built panel (Next.js static export with trailingSlash): which files exist, pages preloaded. */
export interface PanelSite {
  dir: string;
  files: ReadonlySet<string>;
  pages: ReadonlyMap<string, PanelPage>;
}

/** Paths that belong to the API: an unknown one answers the API's JSON 404, never the panel's page. */
const API_PREFIXES = ['/v1', '/v1beta', '/creds', '/config', '/usage', '/health', '/ws', '/auth/', '/keys', '/logs'];

/** The inline `<script>` bodies of an HTML page (Next.js puts its RSC payload there). */
export function inlineScripts(html: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = match[1] ?? '';
    if (/\bsrc\s*=/i.test(attrs)) continue;
    if (/\btype\s*=\s*["']?application\/(ld\+)?json/i.test(attrs)) continue;
    out.push(match[2] ?? '');
  }
  return out;
}

/**
 * The page's CSP: only this origin, inline scripts allowed by their hashes (no 'unsafe-inline' for
 * scripts), inline styles allowed (React style attributes), no framing, no plugins, no remote origins.
 */
export function panelCsp(html: string): string {
  const hashes = [...new Set(inlineScripts(html).map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`))];
  return [
    "default-src 'self'",
    `script-src 'self'${hashes.length ? ` ${hashes.join(' ')}` : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function walk(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, root, out);
    else out.push(relative(root, full).split(sep).join('/'));
  }
}

export function loadPanelSite(dir: string): PanelSite {
  const all: string[] = [];
  walk(dir, dir, all);
  const pages = new Map<string, PanelPage>();
  for (const file of all) {
    if (!file.endsWith('.html')) continue;
    const body = readFileSync(join(dir, file));
    pages.set(file, { body, csp: panelCsp(body.toString('utf8')) });
  }
  return { dir, files: new Set(all), pages };
}

/**
 * Which exported file answers a URL path: an asset by its exact path, a page by `<path>/index.html`
 * (trailingSlash export: `/auth` and `/auth/` both give auth/index.html) or `<path>.html`.
 */
export function resolvePanelFile(site: PanelSite, urlPath: string): string | null {
  const clean = urlPath.replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  if (clean === '') return site.files.has('index.html') ? 'index.html' : null;
  if (site.files.has(clean) && !urlPath.endsWith('/')) return clean;
  for (const candidate of [`${clean}/index.html`, `${clean}.html`]) if (site.files.has(candidate)) return candidate;
  return null;
}

function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

function pageHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
}

/**
 * Serves the built panel on the gateway's own port: `/`, `/login`, `/auth`, `/api-key-admin`,
 * `/api-key-query`, `/dashboard/…` and their assets, with security headers on panel responses only.
 * A catch-all GET route, so every API route (including the `/auth/*` API next to the `/auth` page)
 * keeps priority; an unmatched path gets the panel's 404 page when a browser navigates to it, and the
 * API's JSON 404 otherwise.
 */
export async function registerPanel(fastify: FastifyInstance, dir: string): Promise<PanelSite> {
  const site = loadPanelSite(dir);
  await fastify.register(fastifyStatic, { root: dir, serve: false });
  const notFoundPage = site.pages.get('404.html') ?? site.pages.get('404/index.html') ?? null;

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?', 1)[0]!);
    } catch {
      return reply.callNotFound();
    }
    if (path.includes('\0')) return reply.callNotFound();
    const file = resolvePanelFile(site, path);
    if (file) {
      const page = site.pages.get(file);
      if (page) return pageHeaders(reply, page.csp).send(page.body);
      const immutable = file.startsWith('_next/static/');
      void reply
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.sendFile(file, dir, { cacheControl: false });
    }
    const accept = String(request.headers.accept ?? '');
    if (notFoundPage && accept.includes('text/html') && !isApiPath(path)) {
      return pageHeaders(reply.code(404), notFoundPage.csp).send(notFoundPage.body);
    }
    return reply.callNotFound();
  };
  fastify.get('/', handler);
  fastify.get('/*', handler);
  return site;
}
