/**
 * Starting and stopping the processes of a benchmark run: the mock upstreams, cligate (real
 * deployment mode with Postgres + Redis, or the embedded default), the thin proxy, Portkey, and the
 * load worker. Every child is its own process; everything started here is stopped by stopAll().
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
export const GATEWAY_MAIN = join(ROOT, 'apps/gateway/dist/main.js');
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const API_PASSWORD = `bench-api-${randomBytes(6).toString('hex')}`;
export const PANEL_PASSWORD = `bench-panel-${randomBytes(6).toString('hex')}`;
export const PROMPT = 'Say hello in twenty small chunks.';
export const CLIGATE_MODEL = 'gemini-2.5-flash';
export const OPENAI_MODEL = 'gpt-4o-mini';

const children = new Set();
const cleanups = [];

function track(child, name) {
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!child.benchStopping && code !== 0 && code !== null) process.stderr.write(`[bench] ${name} exited with ${code ?? signal}\n`);
  });
  return child;
}

/** Stops every child this module started (by pid) and runs the registered cleanups. */
export async function stopAll() {
  const waits = [...children].map(
    (child) =>
      new Promise((resolve) => {
        child.benchStopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => {
          try {
            child.kill('SIGKILL');
          } catch {
            // gone
          }
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        try {
          child.kill('SIGTERM');
        } catch {
          resolve();
        }
      }),
  );
  await Promise.all(waits);
  for (const fn of cleanups.splice(0).reverse()) await Promise.resolve().then(fn).catch((e) => process.stderr.write(`[bench] cleanup: ${e.message}\n`));
}

export async function stopProcess(child, timeoutMs = 20_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.benchStopping = true;
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitMessage(child, type, name, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (m) => {
      if (m?.type === type) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready`));
    });
  });
}

async function waitHttp(url, name, child, timeoutMs = 60_000, accept = (s) => s === 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (accept(res.status)) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function logFd(logDir, name) {
  mkdirSync(logDir, { recursive: true });
  return openSync(join(logDir, `${name}.log`), 'a');
}

// ------------------------------------------------------------------ mocks, worker, thin proxy, Portkey

export async function startMock(logDir) {
  const fd = logFd(logDir, 'mock-upstreams');
  const child = track(fork(join(BENCH_DIR, 'lib/mock-upstreams.mjs'), [], { stdio: ['ignore', fd, fd, 'ipc'] }), 'mock upstreams');
  closeSync(fd);
  const { ports } = await waitMessage(child, 'ready', 'mock upstreams');
  const codeAssist = `http://127.0.0.1:${ports.codeAssist}`;
  const openai = `http://127.0.0.1:${ports.openai}`;
  return {
    pid: child.pid,
    child,
    codeAssist,
    openai,
    hold: () => fetch(`${codeAssist}/__bench/hold`, { method: 'POST' }).then((r) => r.json()),
    release: () => fetch(`${codeAssist}/__bench/release`, { method: 'POST' }).then((r) => r.json()),
    held: () => fetch(`${codeAssist}/__bench/held`).then((r) => r.json()),
  };
}

export async function startWorker(logDir) {
  const fd = logFd(logDir, 'load-worker');
  const child = track(fork(join(BENCH_DIR, 'lib/load-worker.mjs'), [], { stdio: ['ignore', fd, fd, 'ipc'] }), 'load worker');
  closeSync(fd);
  let seq = 0;
  const pending = new Map();
  child.on('message', (m) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`load worker exited (${code})`));
    pending.clear();
  });
  return {
    pid: child.pid,
    child,
    job(job) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...job, id });
      });
    },
  };
}

export async function startThinProxy(logDir, upstream, { nodeArgs = [], name = 'thin-proxy' } = {}) {
  const fd = logFd(logDir, name);
  const child = track(
    fork(join(BENCH_DIR, 'lib/thin-proxy.mjs'), [], {
      execArgv: nodeArgs,
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { PATH: process.env.PATH, NODE_ENV: 'production', UPSTREAM: upstream, PORT: '0' },
    }),
    'thin proxy',
  );
  closeSync(fd);
  const { port } = await waitMessage(child, 'ready', 'thin proxy');
  return { pid: child.pid, child, url: `http://127.0.0.1:${port}` };
}

export function portkeyEntry() {
  for (const base of [join(BENCH_DIR, 'node_modules'), join(ROOT, 'node_modules')]) {
    const p = join(base, '@portkey-ai/gateway/build/start-server.js');
    if (existsSync(p)) return p;
  }
  throw new Error('@portkey-ai/gateway is not installed: run npm install at the repository root');
}

export async function startPortkey(logDir) {
  const port = await freePort();
  const fd = logFd(logDir, 'portkey');
  const child = track(
    spawn(process.execPath, [portkeyEntry(), `--port=${port}`, '--headless'], {
      cwd: BENCH_DIR,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production' },
    }),
    'portkey',
  );
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/`, 'portkey', child, 30_000);
  return { pid: child.pid, child, url };
}

// ------------------------------------------------------------------ Postgres, Redis

export async function createDatabase() {
  const { default: pg } = await import('pg');
  const name = `cligate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  // backend pids serving this database (their CPU is part of what cligate costs)
  const monitor = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await monitor.connect();
  cleanups.push(() => monitor.end());
  return {
    name,
    url: url.toString(),
    /** ALTER DATABASE … SET synchronous_commit (applies to connections opened afterwards) */
    async setSynchronousCommit(value) {
      if (!/^(on|off|local|remote_write|remote_apply)$/.test(value)) throw new Error(`bad synchronous_commit value ${value}`);
      await monitor.query(`ALTER DATABASE "${name}" SET synchronous_commit = ${value}`);
    },
    async backendPids() {
      const r = await monitor.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
      return r.rows.map((row) => row.pid);
    },
  };
}

export async function redisHandle(prefix) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const info = await redis.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  cleanups.push(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  });
  return { pid: Number.isFinite(pid) ? pid : null };
}

// ------------------------------------------------------------------ cligate

/**
 * Copies the built gateway (apps/gateway/dist, its package.json, prisma/migrations) into a temporary
 * tree that links the repository's node_modules, so a rebuild by someone else during the run cannot
 * change (or break) what is measured. Returns the path of the copied main.js.
 */
export function snapshotGateway() {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: build the gateway first (npx turbo run build --filter=@cligate/gateway)`);
  const dir = mkdtempSync(join(tmpdir(), 'cligate-bench-build-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'apps/gateway/dist'), join(dir, 'apps/gateway/dist'), { recursive: true });
  cpSync(join(ROOT, 'apps/gateway/package.json'), join(dir, 'apps/gateway/package.json'));
  cpSync(join(ROOT, 'prisma/migrations'), join(dir, 'prisma/migrations'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'apps/gateway/dist/main.js');
}

/**
 * Starts apps/gateway/dist/main.js. mode 'postgres+redis' needs { databaseUrl, redisPrefix };
 * 'embedded' uses a fresh temporary DATA_DIR. nodeArgs (e.g. --cpu-prof) go before the script.
 */
export async function startCligate({ name, mode, mock, logDir, databaseUrl, redisPrefix, secrets = null, nodeArgs = [], extraEnv = {}, main = GATEWAY_MAIN }) {
  if (!existsSync(main)) throw new Error(`${main} is missing: build the gateway first (npx turbo run build --filter=@cligate/gateway)`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `cligate-bench-${mode === 'embedded' ? 'emb' : 'pg'}-`));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    CLIGATE_PANEL_DIR: '',
    API_PASSWORD,
    PANEL_PASSWORD,
    CODE_ASSIST_ENDPOINT: mock.codeAssist,
    OAUTH_PROXY_URL: mock.codeAssist,
    GOOGLEAPIS_PROXY_URL: mock.codeAssist,
  };
  if (mode === 'postgres+redis') {
    Object.assign(env, {
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      CLIGATE_ENCRYPTION_KEY: secrets?.encryptionKey ?? randomBytes(32).toString('base64'),
      CLIGATE_KEY_HASH_SECRET: secrets?.keyHashSecret ?? randomBytes(32).toString('base64'),
    });
  }
  Object.assign(env, extraEnv);
  const fd = logFd(logDir, name);
  const child = track(spawn(process.execPath, [...nodeArgs, main], { cwd: dataDir, env, stdio: ['ignore', fd, fd] }), name);
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health`, name, child, 90_000);
  return { pid: child.pid, child, url, dataDir, mode };
}

/** Uploads a gcli2api-format credential and issues a key with a huge quota; returns the sk- key. */
export async function setupCligate(gateway) {
  const auth = { authorization: `Bearer ${PANEL_PASSWORD}` };
  const credential = JSON.stringify({
    client_id: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
    client_secret: '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',
    refresh_token: '1//bench-refresh-token',
    token: 'ya29.bench-access-token',
    expiry: new Date(Date.now() + 50 * 60_000).toISOString(),
    project_id: 'bench-project-0001',
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  const form = new FormData();
  form.append('files', new Blob([credential], { type: 'application/json' }), 'bench-account.json');
  const up = await fetch(`${gateway.url}/auth/upload`, { method: 'POST', headers: auth, body: form });
  const upBody = await up.text();
  if (up.status !== 200 || !/success|updated/.test(upBody)) throw new Error(`credential upload failed: ${up.status} ${upBody}`);
  const key = await fetch(`${gateway.url}/auth/keys`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ total_quota: 1_000_000_000, description: 'benchmark' }),
  });
  const keyBody = await key.json().catch(() => ({}));
  if (key.status !== 200 || typeof keyBody.api_key !== 'string') throw new Error(`key creation failed: ${key.status} ${JSON.stringify(keyBody)}`);
  return keyBody.api_key;
}

// ------------------------------------------------------------------ request shapes

export function openAiBody(model, stream) {
  return JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }], stream });
}

export function geminiBody() {
  return JSON.stringify({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }] });
}

export function codeAssistBody() {
  return JSON.stringify({ model: CLIGATE_MODEL, project: 'bench-project-0001', request: { contents: [{ role: 'user', parts: [{ text: PROMPT }] }] } });
}

/**
 * Request specs of one target: spec(stream) → { origin, path, headers, body } for a non-streamed or a
 * streamed call.
 */
export function requestSpecs(kind, { url, key, mock }) {
  const json = { 'content-type': 'application/json' };
  switch (kind) {
    case 'cligate-openai':
      return (stream) => ({ origin: url, path: '/v1/chat/completions', headers: { ...json, authorization: `Bearer ${key}` }, body: openAiBody(CLIGATE_MODEL, stream) });
    case 'cligate-gemini':
      return (stream) => ({
        origin: url,
        path: `/v1beta/models/${CLIGATE_MODEL}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        headers: { ...json, 'x-goog-api-key': key },
        body: geminiBody(),
      });
    case 'thin':
      return (stream) => ({ origin: url, path: '/v1/chat/completions', headers: { ...json, authorization: 'Bearer sk-bench' }, body: openAiBody(OPENAI_MODEL, stream) });
    case 'portkey':
      return (stream) => ({
        origin: url,
        path: '/v1/chat/completions',
        headers: {
          ...json,
          authorization: 'Bearer sk-bench',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `${mock.openai}/v1`,
        },
        body: openAiBody(OPENAI_MODEL, stream),
      });
    case 'direct-openai':
      return (stream) => ({ origin: mock.openai, path: '/v1/chat/completions', headers: { ...json, authorization: 'Bearer sk-bench' }, body: openAiBody(OPENAI_MODEL, stream) });
    case 'direct-codeassist':
      return (stream) => ({
        origin: mock.codeAssist,
        path: stream ? '/v1internal:streamGenerateContent?alt=sse' : '/v1internal:generateContent',
        headers: { ...json, authorization: 'Bearer ya29.bench-access-token' },
        body: codeAssistBody(),
      });
    default:
      throw new Error(`unknown target kind ${kind}`);
  }
}

/** One real call per shape, checked for a complete answer (run before measuring anything). */
export async function sanityCheck(spec, protocol) {
  const problems = [];
  for (const stream of [false, true]) {
    const s = spec(stream);
    const res = await fetch(s.origin + s.path, { method: 'POST', headers: s.headers, body: s.body, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    const events = (text.match(/^data: /gm) ?? []).length;
    const complete =
      res.status === 200 &&
      (stream
        ? protocol === 'gemini'
          ? events >= 20 && text.includes('"STOP"')
          : events >= 20 && text.includes('[DONE]') && text.includes('"stop"')
        : text.includes('fixed answer'));
    if (!complete) problems.push(`${stream ? 'stream' : 'non-stream'}: HTTP ${res.status}, ${events} events, body ${text.slice(0, 300)}`);
  }
  return problems;
}

/** Shared secrets for several gateway processes on one database (as a real deployment has). */
export function newSecrets() {
  return { encryptionKey: randomBytes(32).toString('base64'), keyHashSecret: randomBytes(32).toString('base64') };
}

export function uniqueRedisPrefix() {
  return `cligate-bench:${randomBytes(4).toString('hex')}:`;
}

export function onExitCleanup() {
  const handler = (signal) => {
    process.stderr.write(`\n[bench] ${signal}: stopping children\n`);
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
