/**
 * Typed configuration, read from the environment once at startup and nowhere else (the only file
 * that touches process.env besides main.ts). Names and defaults follow gcli2api where it has them
 * (../shared/docs/gcli2api-compat.md §7); DATABASE_URL, REDIS_URL, DATA_DIR and the CLIGATE_* names
 * are ours. A bad value stops startup with a message naming every bad variable.
 */
import { z } from 'zod';
import type { ModelRoutingRule } from '../upstream/provider-router.js';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v, ctx) => {
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
    return z.NEVER;
  });

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const num = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const httpUrl = z
  .string()
  .trim()
  .transform((v) => v.replace(/\/+$/, ''))
  .pipe(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }));

const proxyUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^(https?|socks5h?|socks4a?)$/, message: 'expected an http, https or socks5 URL' }));

const codeList = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const parts = v.split(/[\s,]+/).filter(Boolean);
    const codes = parts.map(Number);
    if (codes.some((c) => !Number.isInteger(c) || c < 100 || c > 599)) {
      ctx.addIssue({ code: 'custom', message: 'expected a comma-separated list of HTTP status codes' });
      return z.NEVER;
    }
    return codes;
  });

const logLevel = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => (v === 'warning' ? 'warn' : v === 'critical' ? 'fatal' : v))
  .pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']));

const routingRule = z
  .object({
    strategy: z.enum(['priority', 'round-robin', 'fill-first', 'weighted']).optional(),
    providers: z.array(z.string().min(1)).optional(),
    weights: z.record(z.string(), z.number().min(0)).optional(),
    only: z.boolean().optional(),
  })
  .strict();

const routingRules = z
  .string()
  .trim()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), routingRule));

/** Runtime settings: editable through /config/save unless set by env (then locked). */
export const RUNTIME_SETTING_SCHEMAS = {
  password: { env: 'PASSWORD', schema: z.string().min(1), sensitive: true, hot: true },
  api_password: { env: 'API_PASSWORD', schema: z.string().min(1), sensitive: true, hot: true },
  panel_password: { env: 'PANEL_PASSWORD', schema: z.string().min(1), sensitive: true, hot: true },
  code_assist_endpoint: { env: 'CODE_ASSIST_ENDPOINT', schema: httpUrl, sensitive: false, hot: true },
  oauth_proxy_url: { env: 'OAUTH_PROXY_URL', schema: httpUrl, sensitive: false, hot: true },
  googleapis_proxy_url: { env: 'GOOGLEAPIS_PROXY_URL', schema: httpUrl, sensitive: false, hot: true },
  ai_studio_base_url: { env: 'AI_STUDIO_BASE_URL', schema: httpUrl, sensitive: false, hot: true },
  /** the Anthropic API (Claude API keys and Claude Code accounts) */
  claude_api_base_url: { env: 'CLAUDE_API_BASE_URL', schema: httpUrl, sensitive: false, hot: true },
  /** the OpenAI platform API (Codex with API keys) */
  codex_api_base_url: { env: 'CODEX_API_BASE_URL', schema: httpUrl, sensitive: false, hot: true },
  /** Claude Code accounts: the consent page and the token endpoint of Claude Code's OAuth client */
  claude_oauth_authorize_url: { env: 'CLAUDE_OAUTH_AUTHORIZE_URL', schema: httpUrl, sensitive: false, hot: true },
  claude_oauth_token_url: { env: 'CLAUDE_OAUTH_TOKEN_URL', schema: httpUrl, sensitive: false, hot: true },
  /** Codex (ChatGPT) accounts: the auth issuer (/oauth/authorize, /oauth/token) and the ChatGPT Codex backend */
  codex_oauth_issuer: { env: 'CODEX_OAUTH_ISSUER', schema: httpUrl, sensitive: false, hot: true },
  codex_chatgpt_base_url: { env: 'CODEX_CHATGPT_BASE_URL', schema: httpUrl, sensitive: false, hot: true },
  /** Antigravity accounts: generation and model listing (v1internal), setup calls, token endpoint, userinfo */
  antigravity_api_url: { env: 'ANTIGRAVITY_API_URL', schema: httpUrl, sensitive: false, hot: true },
  antigravity_setup_url: { env: 'ANTIGRAVITY_SETUP_URL', schema: httpUrl, sensitive: false, hot: true },
  antigravity_oauth_url: { env: 'ANTIGRAVITY_OAUTH_URL', schema: httpUrl, sensitive: false, hot: true },
  antigravity_googleapis_url: { env: 'ANTIGRAVITY_GOOGLEAPIS_URL', schema: httpUrl, sensitive: false, hot: true },
  proxy: { env: 'PROXY', schema: proxyUrl, sensitive: true, hot: true },
  calls_per_rotation: { env: 'CALLS_PER_ROTATION', schema: int(1, 1_000_000), sensitive: false, hot: true },
  auto_ban_enabled: { env: 'AUTO_BAN', schema: bool, sensitive: false, hot: true },
  auto_ban_error_codes: { env: 'AUTO_BAN_ERROR_CODES', schema: codeList, sensitive: false, hot: true },
  retry_429_enabled: { env: 'RETRY_429_ENABLED', schema: bool, sensitive: false, hot: true },
  retry_429_max_retries: { env: 'RETRY_429_MAX_RETRIES', schema: int(0, 100), sensitive: false, hot: true },
  retry_429_interval: { env: 'RETRY_429_INTERVAL', schema: num(0, 10), sensitive: false, hot: true },
  compatibility_mode_enabled: { env: 'COMPATIBILITY_MODE', schema: bool, sensitive: false, hot: true },
  return_thoughts_to_frontend: { env: 'RETURN_THOUGHTS_TO_FRONTEND', schema: bool, sensitive: false, hot: true },
  anti_truncation_max_attempts: { env: 'ANTI_TRUNCATION_MAX_ATTEMPTS', schema: int(1, 10), sensitive: false, hot: true },
  /** per-model routing rules across providers: {"<model>": {strategy, providers, weights, only}} (JSON) */
  model_routing: { env: 'MODEL_ROUTING', schema: routingRules, sensitive: false, hot: true },
  /** remote image URLs in requests: off, public addresses only, or any address (including private ones) */
  remote_media_fetch: { env: 'REMOTE_MEDIA_FETCH', schema: z.enum(['off', 'public', 'any']), sensitive: false, hot: true },
  /** the Gemini CLI relay (/v1internal:*) for gemini-cli on this machine (loopback callers only) */
  gemini_cli_relay_enabled: { env: 'GEMINI_CLI_RELAY', schema: bool, sensitive: false, hot: true },
  /** usage rows older than this many days are pruned once rolled up per day (0 = keep forever) */
  usage_retention_days: { env: 'USAGE_RETENTION_DAYS', schema: int(0, 36500), sensitive: false, hot: true },
  api_password_enabled: { env: 'API_PASSWORD_ENABLED', schema: bool, sensitive: false, hot: true },
  log_level: { env: 'LOG_LEVEL', schema: logLevel, sensitive: false, hot: true },
  /** the login-free /auth donation page (admins can turn it off) */
  donation_enabled: { env: 'DONATION_ENABLED', schema: bool, sensitive: false, hot: true },
  /** when set, donors must give this password on /auth */
  donation_password: { env: 'DONATION_PASSWORD', schema: z.string(), sensitive: true, hot: true },
  host: { env: 'HOST', schema: z.string().trim().min(1), sensitive: false, hot: false },
  port: { env: 'PORT', schema: int(0, 65535), sensitive: false, hot: false },
} as const;

export type RuntimeSettingKey = keyof typeof RUNTIME_SETTING_SCHEMAS;

export interface RuntimeSettings {
  password: string;
  api_password: string;
  panel_password: string;
  code_assist_endpoint: string;
  oauth_proxy_url: string;
  googleapis_proxy_url: string;
  ai_studio_base_url: string;
  claude_api_base_url: string;
  codex_api_base_url: string;
  claude_oauth_authorize_url: string;
  claude_oauth_token_url: string;
  codex_oauth_issuer: string;
  codex_chatgpt_base_url: string;
  antigravity_api_url: string;
  antigravity_setup_url: string;
  antigravity_oauth_url: string;
  antigravity_googleapis_url: string;
  proxy: string | null;
  calls_per_rotation: number;
  auto_ban_enabled: boolean;
  auto_ban_error_codes: number[];
  retry_429_enabled: boolean;
  retry_429_max_retries: number;
  retry_429_interval: number;
  compatibility_mode_enabled: boolean;
  return_thoughts_to_frontend: boolean;
  anti_truncation_max_attempts: number;
  usage_retention_days: number;
  remote_media_fetch: 'off' | 'public' | 'any';
  model_routing: Readonly<Record<string, ModelRoutingRule>>;
  gemini_cli_relay_enabled: boolean;
  /** API_PASSWORD works as an unlimited admin key on client routes unless this is false */
  api_password_enabled: boolean;
  log_level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** the /auth donation page accepts accounts */
  donation_enabled: boolean;
  /** '' = no donation password */
  donation_password: string;
  host: string;
  port: number;
}

export const DEFAULT_SETTINGS: Readonly<Omit<RuntimeSettings, 'api_password' | 'panel_password'>> = Object.freeze({
  password: 'pwd',
  code_assist_endpoint: 'https://cloudcode-pa.googleapis.com',
  oauth_proxy_url: 'https://oauth2.googleapis.com',
  googleapis_proxy_url: 'https://www.googleapis.com',
  ai_studio_base_url: 'https://generativelanguage.googleapis.com',
  claude_api_base_url: 'https://api.anthropic.com',
  codex_api_base_url: 'https://api.openai.com/v1',
  claude_oauth_authorize_url: 'https://claude.ai/oauth/authorize',
  claude_oauth_token_url: 'https://api.anthropic.com/v1/oauth/token',
  codex_oauth_issuer: 'https://auth.openai.com',
  codex_chatgpt_base_url: 'https://chatgpt.com/backend-api/codex',
  antigravity_api_url: 'https://daily-cloudcode-pa.googleapis.com',
  antigravity_setup_url: 'https://cloudcode-pa.googleapis.com',
  antigravity_oauth_url: 'https://oauth2.googleapis.com',
  antigravity_googleapis_url: 'https://www.googleapis.com',
  proxy: null,
  calls_per_rotation: 100,
  auto_ban_enabled: false,
  auto_ban_error_codes: [403],
  retry_429_enabled: true,
  retry_429_max_retries: 5,
  retry_429_interval: 1,
  compatibility_mode_enabled: false,
  return_thoughts_to_frontend: true,
  anti_truncation_max_attempts: 3,
  usage_retention_days: 90,
  remote_media_fetch: 'public',
  model_routing: {},
  gemini_cli_relay_enabled: false,
  api_password_enabled: true,
  log_level: 'info',
  donation_enabled: true,
  donation_password: '',
  host: '127.0.0.1',
  port: 7861,
});

export interface GatewayConfig {
  /** settings as set by the environment (only the keys present there) */
  envSettings: Readonly<Partial<RuntimeSettings>>;
  /** which runtime settings the environment locks */
  envLocked: ReadonlySet<RuntimeSettingKey>;
  databaseUrl: string | null;
  redisUrl: string | null;
  redisPrefix: string;
  dataDir: string;
  /** 32-byte key for AES-256-GCM at rest (null: generated into the data folder) */
  encryptionKey: Buffer | null;
  /** encryption keys being rotated out: still read, never written (CLIGATE_ENCRYPTION_KEY_PREVIOUS) */
  previousEncryptionKeys: readonly Buffer[];
  /**
   * Which proxies may set X-Forwarded-For (client addresses drive rate limits and lockouts):
   * false (default: none), true (any), a hop count, or a list of addresses / CIDR ranges.
   */
  trustProxy: boolean | number | string[];
  /** allow upstream base URLs (set through /config/save) that point to private or loopback addresses */
  allowPrivateUpstreams: boolean;
  /**
   * Usage rows wait for Postgres to flush its WAL before the answer is released (true, default), or
   * only for the commit (false: about half a millisecond less per request on a typical disk; a gateway
   * crash still loses nothing, but a Postgres crash can lose the last fraction of a second of charges).
   */
  ledgerSyncCommit: boolean;
  /** server secret for keyed hashes of client keys (null: generated into the data folder) */
  keyHashSecret: Buffer | null;
  /** credentials given as GCLI_CREDS_<suffix> (raw JSON or base64 JSON, unparsed) */
  envCredentials: ReadonlyArray<{ name: string; value: string }>;
  /** directory of the built panel to serve (null: none) */
  panelDir: string | null;
  /** where request logs also go as JSON lines (null: stdout only) */
  logFile: string | null;
  bodyLimitBytes: number;
  /** grace period for in-flight requests on SIGTERM */
  shutdownGraceMs: number;
  /** milliseconds allowed to connect to / get headers from an upstream */
  upstreamConnectTimeoutMs: number;
  /**
   * V8's old-generation growth between full collections, in percent (the heap may grow to
   * live × (1 + p/100) before the next one). 0 leaves it to V8 (and to a `--heap-growing-percent` in
   * NODE_OPTIONS), which let a busy gateway's heap grow to ~4× its live size and kept it there after
   * the load. 100 (default) held RSS at 1,000 open streams 60–120 MB lower for no measurable CPU
   * (bench/results/2026-11-21-findings.md, "Fourth update"); it also replaces V8's smaller factors
   * after its idle-time collections.
   */
  heapGrowingPercent: number;
  upstreamHeadersTimeoutMs: number;
  /** maximum silence inside an upstream stream */
  upstreamIdleTimeoutMs: number;
  /** how often project onboarding polls its long-running operation (gemini-cli: 5 s) */
  onboardPollMs: number;
  /** run every background job at this interval instead of its own (operations drills, tests) */
  jobIntervalMs: number | null;
  /** port of the loopback OAuth redirect (http://localhost:<port>/) used by /auth donations */
  oauthCallbackPort: number;
  /** port of Antigravity's loopback OAuth redirect (http://localhost:<port>/oauth-callback) */
  antigravityCallbackPort: number;
  /** how often each Antigravity account's models and quotas are listed again */
  antigravityModelsRefreshMs: number;
  /** secret that signs panel session tokens (null: generated into the data folder) */
  jwtSecret: Buffer | null;
}

const secretKey = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const hex = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : null;
    const b64 = hex ?? Buffer.from(v, 'base64');
    if (b64.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'expected 32 bytes as 64 hex characters or base64' });
      return z.NEVER;
    }
    return b64;
  });

const OWN_SCHEMAS = {
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL'),
  REDIS_URL: z.string().trim().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
  REDIS_PREFIX: z.string().trim().min(1).max(64),
  DATA_DIR: z.string().trim().min(1),
  CLIGATE_ENCRYPTION_KEY: secretKey,
  CLIGATE_KEY_HASH_SECRET: secretKey,
  CLIGATE_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const keys: Buffer[] = [];
      for (const item of v.split(',').map((x) => x.trim()).filter(Boolean)) {
        const parsed = secretKey.safeParse(item);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: 'expected comma-separated 32-byte keys (64 hex characters or base64)' });
          return z.NEVER;
        }
        keys.push(parsed.data);
      }
      return keys;
    }),
  CLIGATE_ALLOW_PRIVATE_UPSTREAMS: bool,
  CLIGATE_LEDGER_SYNC_COMMIT: bool,
  CLIGATE_TRUST_PROXY: z
    .string()
    .trim()
    .transform((v): boolean | number | string[] => {
      if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      return v.split(',').map((x) => x.trim()).filter(Boolean);
    }),
  CLIGATE_PANEL_DIR: z.string().trim(),
  LOG_FILE: z.string().trim(),
  CLIGATE_BODY_LIMIT_MB: num(0.001, 512),
  CLIGATE_SHUTDOWN_GRACE_SECONDS: num(0, 3600),
  CLIGATE_UPSTREAM_CONNECT_TIMEOUT_SECONDS: num(0.1, 600),
  CLIGATE_HEAP_GROWING_PERCENT: int(0, 1000),
  CLIGATE_UPSTREAM_HEADERS_TIMEOUT_SECONDS: num(0.1, 3600),
  CLIGATE_UPSTREAM_IDLE_TIMEOUT_SECONDS: num(0.1, 3600),
  CLIGATE_ONBOARD_POLL_SECONDS: num(0.01, 60),
  CLIGATE_JOB_INTERVAL_SECONDS: num(0.2, 86_400),
  OAUTH_CALLBACK_PORT: int(1, 65535),
  ANTIGRAVITY_OAUTH_CALLBACK_PORT: int(1, 65535),
  CLIGATE_ANTIGRAVITY_MODELS_REFRESH_SECONDS: num(1, 86_400),
  CLIGATE_JWT_SECRET: z
    .string()
    .trim()
    .min(32, 'expected at least 32 characters')
    .transform((v) => Buffer.from(v, 'utf8')),
} as const;

/** gcli2api and other old names accepted as aliases of ours (first one set wins). */
const ALIASES: Record<string, string[]> = {
  DATABASE_URL: ['POSTGRES_DSN', 'POSTGRESQL_URI'],
  REDIS_URL: ['REDIS_URI'],
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  for (const alias of ALIASES[name] ?? []) {
    const v = env[alias];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

export function loadGatewayConfig(env: Env, defaults: { cwd: string; panelDir: string | null }): GatewayConfig {
  const problems: string[] = [];
  const envSettings: Partial<Record<RuntimeSettingKey, unknown>> = {};
  const envLocked = new Set<RuntimeSettingKey>();

  for (const [key, spec] of Object.entries(RUNTIME_SETTING_SCHEMAS) as [RuntimeSettingKey, (typeof RUNTIME_SETTING_SCHEMAS)[RuntimeSettingKey]][]) {
    const raw = read(env, spec.env);
    if (raw === undefined) continue;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`${spec.env}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      continue;
    }
    envSettings[key] = parsed.data;
    envLocked.add(key);
  }

  const own: Partial<{ [K in keyof typeof OWN_SCHEMAS]: z.output<(typeof OWN_SCHEMAS)[K]> }> = {};
  for (const [name, schema] of Object.entries(OWN_SCHEMAS)) {
    const raw = read(env, name);
    if (raw === undefined) continue;
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      continue;
    }
    (own as Record<string, unknown>)[name] = parsed.data;
  }

  const envCredentials: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('GCLI_CREDS_') && value !== undefined && value.trim() !== '') {
      envCredentials.push({ name, value });
    }
  }
  envCredentials.sort((a, b) => a.name.localeCompare(b.name));

  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = own.DATA_DIR ?? 'data';
  const resolve = (p: string) => (p.startsWith('/') ? p : `${defaults.cwd.replace(/\/+$/, '')}/${p}`);

  return Object.freeze({
    envSettings: Object.freeze(envSettings as Partial<RuntimeSettings>),
    envLocked,
    databaseUrl: own.DATABASE_URL ?? null,
    redisUrl: own.REDIS_URL ?? null,
    redisPrefix: own.REDIS_PREFIX ?? 'cligate:',
    dataDir: resolve(dataDir),
    encryptionKey: own.CLIGATE_ENCRYPTION_KEY ?? null,
    keyHashSecret: own.CLIGATE_KEY_HASH_SECRET ?? null,
    previousEncryptionKeys: Object.freeze(own.CLIGATE_ENCRYPTION_KEY_PREVIOUS ?? []),
    allowPrivateUpstreams: own.CLIGATE_ALLOW_PRIVATE_UPSTREAMS ?? false,
    ledgerSyncCommit: own.CLIGATE_LEDGER_SYNC_COMMIT ?? true,
    trustProxy: own.CLIGATE_TRUST_PROXY ?? false,
    envCredentials: Object.freeze(envCredentials),
    panelDir: own.CLIGATE_PANEL_DIR !== undefined ? (own.CLIGATE_PANEL_DIR === '' ? null : resolve(own.CLIGATE_PANEL_DIR)) : defaults.panelDir,
    logFile: own.LOG_FILE ? resolve(own.LOG_FILE) : null,
    bodyLimitBytes: Math.round((own.CLIGATE_BODY_LIMIT_MB ?? 20) * 1024 * 1024),
    shutdownGraceMs: Math.round((own.CLIGATE_SHUTDOWN_GRACE_SECONDS ?? 30) * 1000),
    upstreamConnectTimeoutMs: Math.round((own.CLIGATE_UPSTREAM_CONNECT_TIMEOUT_SECONDS ?? 10) * 1000),
    heapGrowingPercent: own.CLIGATE_HEAP_GROWING_PERCENT ?? 100,
    upstreamHeadersTimeoutMs: Math.round((own.CLIGATE_UPSTREAM_HEADERS_TIMEOUT_SECONDS ?? 120) * 1000),
    upstreamIdleTimeoutMs: Math.round((own.CLIGATE_UPSTREAM_IDLE_TIMEOUT_SECONDS ?? 120) * 1000),
    onboardPollMs: Math.round((own.CLIGATE_ONBOARD_POLL_SECONDS ?? 5) * 1000),
    jobIntervalMs: own.CLIGATE_JOB_INTERVAL_SECONDS !== undefined ? Math.round(own.CLIGATE_JOB_INTERVAL_SECONDS * 1000) : null,
    oauthCallbackPort: own.OAUTH_CALLBACK_PORT ?? 11451,
    antigravityCallbackPort: own.ANTIGRAVITY_OAUTH_CALLBACK_PORT ?? 51121,
    antigravityModelsRefreshMs: Math.round((own.CLIGATE_ANTIGRAVITY_MODELS_REFRESH_SECONDS ?? 300) * 1000),
    jwtSecret: own.CLIGATE_JWT_SECRET ?? null,
  });
}

/** Resolves the effective runtime settings: env > stored > defaults; passwords fall back to PASSWORD. */
export function resolveSettings(
  envSettings: Partial<RuntimeSettings>,
  stored: Partial<Record<RuntimeSettingKey, unknown>>,
): RuntimeSettings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(RUNTIME_SETTING_SCHEMAS) as RuntimeSettingKey[]) {
    if (key in envSettings) out[key] = envSettings[key];
    else if (stored[key] !== undefined && stored[key] !== null) out[key] = stored[key];
  }
  const password = out.password as string;
  if (out.api_password === undefined) out.api_password = password;
  if (out.panel_password === undefined) out.panel_password = password;
  return Object.freeze(out) as unknown as RuntimeSettings;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
