import { z } from 'zod';
import { GatewayError } from '../../../common/errors/gateway-error.js';
import type { Coordination } from '../../../coordination/coordination.js';
import type { CryptoRepository } from '../../../crypto/crypto.repository.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import { pointsToPrivateAddress } from '../../http/private-address.js';
import type { ModelMapping } from '../http-wire.provider.js';
import type { ProviderDefinitionsRepository, ProviderRow } from './provider-definitions.repository.js';

export const PROVIDERS_CHANGED = 'providers:changed';

/** Wires an admin-defined provider may speak (OpenAI-compatible servers use `openai-chat`). */
export const PROVIDER_WIRES = ['openai-chat', 'anthropic-messages', 'openai-responses'] as const;
export type ProviderWire = (typeof PROVIDER_WIRES)[number];

/** A provider as the registry builds it (secrets opened). */
export interface ProviderDefinition {
  id: string;
  name: string;
  wire: ProviderWire;
  baseUrl: string;
  models: ModelMapping[];
  prefix: string | null;
  headers: Record<string, string>;
  proxyUrl: string | null;
  enabled: boolean;
}

const MASK = '********';
const NAME = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const MODEL = /^[\w.:/@+-]{1,128}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,64}$/i;
/** headers the gateway owns on every upstream call */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'accept', 'accept-encoding', 'keep-alive', 'upgrade', 'te', 'trailer']);

const modelEntry = z.union([
  z.string().trim(),
  z.object({ id: z.string().trim(), upstream: z.string().trim().optional() }).strict(),
]);

const fields = {
  name: z.string().trim().toLowerCase().regex(NAME, 'lower-case letters, digits, "-", "_" or "." (1–40 characters, starting with a letter or digit)'),
  base_url: z
    .string()
    .trim()
    .transform((v) => v.replace(/\/+$/, ''))
    .pipe(z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }))
    .refine((v) => !new URL(v).search && !new URL(v).hash, 'the base URL must not carry a query or fragment')
    .refine((v) => !new URL(v).username && !new URL(v).password, 'put credentials in api keys or headers, not in the URL'),
  wire: z.enum(PROVIDER_WIRES),
  models: z.array(modelEntry).max(1000),
  prefix: z.union([z.string().trim().regex(NAME, 'a prefix is a name like "openrouter"'), z.null()]),
  headers: z.record(z.string(), z.string().max(4096)),
  proxy: z.union([z.string().trim().pipe(z.url({ protocol: /^(https?|socks5h?|socks4a?)$/, message: 'expected an http, https or socks5 URL' })), z.null()]),
  enabled: z.boolean(),
  api_keys: z.array(z.string().trim().min(8, 'an API key is at least 8 characters').max(4096)).max(1000),
};

const createSchema = z
  .object({ ...fields, wire: fields.wire.optional(), models: fields.models.optional(), prefix: fields.prefix.optional(), headers: fields.headers.optional(), proxy: fields.proxy.optional(), enabled: fields.enabled.optional(), api_keys: fields.api_keys.optional() })
  .strict();
const updateSchema = z
  .object({ base_url: fields.base_url, wire: fields.wire, models: fields.models, prefix: fields.prefix, headers: fields.headers, proxy: fields.proxy, enabled: fields.enabled })
  .partial()
  .strict();

export type CreateProviderInput = z.infer<typeof createSchema>;

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const param = first.path.join('.') || undefined;
  throw new GatewayError('invalid_request', `${param ? `${param}: ` : ''}${first.message}`, param ? { param } : {});
}

/** "alias=upstream", "name" or {id, upstream} → mappings; aliases must be unique. */
function readModels(entries: ReadonlyArray<string | { id: string; upstream?: string | undefined }>): ModelMapping[] {
  const out: ModelMapping[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    let id: string;
    let upstream: string;
    if (typeof entry === 'string') {
      const eq = entry.indexOf('=');
      id = (eq === -1 ? entry : entry.slice(0, eq)).trim();
      upstream = (eq === -1 ? entry : entry.slice(eq + 1)).trim();
    } else {
      id = entry.id;
      upstream = entry.upstream || entry.id;
    }
    if (!MODEL.test(id) || !MODEL.test(upstream)) throw new GatewayError('invalid_request', `models: "${id}" is not a valid model name`, { param: 'models' });
    if (seen.has(id)) throw new GatewayError('invalid_request', `models: "${id}" is listed twice`, { param: 'models' });
    seen.add(id);
    out.push({ id, upstreamModel: upstream });
  }
  return out;
}

function readHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new GatewayError('invalid_request', `headers: "${name}" is not a valid header name`, { param: 'headers' });
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new GatewayError('invalid_request', `headers: ${name} is set by the gateway`, { param: 'headers' });
    if (/[\r\n\0]/.test(value)) throw new GatewayError('invalid_request', `headers: the value of ${name} holds a line break`, { param: 'headers' });
    out[name.toLowerCase()] = value;
  }
  return out;
}

function maskProxy(proxy: string | null): string | null {
  if (!proxy) return null;
  try {
    const url = new URL(proxy);
    if (url.password) url.password = MASK;
    return url.toString().replace(/\/$/, '');
  } catch {
    return MASK;
  }
}

/**
 * Admin-defined upstreams (OpenRouter, DashScope, any OpenAI-compatible server): validated, stored
 * (extra headers sealed like credentials), and announced to every gateway process, whose registry
 * rebuilds the provider. Base URLs toward private or loopback addresses are refused unless
 * CLIGATE_ALLOW_PRIVATE_UPSTREAMS is set.
 */
export class ProviderDefinitionsService {
  constructor(
    private readonly repository: ProviderDefinitionsRepository,
    private readonly crypto: CryptoRepository,
    private readonly coordination: Coordination,
    private readonly allowPrivateUpstreams: boolean,
  ) {}

  async list(): Promise<ProviderDefinition[]> {
    return (await this.repository.list()).map((row) => this.open(row));
  }

  async describeAll(): Promise<Array<Record<string, unknown>>> {
    const [rows, counts] = await Promise.all([this.repository.list(), this.repository.keyCounts()]);
    return rows.map((row) => this.describe(row, counts.get(row.id) ?? { enabled: 0, total: 0 }));
  }

  async describeOne(name: string): Promise<Record<string, unknown>> {
    const row = await this.require(name);
    const counts = await this.repository.keyCounts();
    return this.describe(row, counts.get(row.id) ?? { enabled: 0, total: 0 });
  }

  async require(name: string): Promise<ProviderRow> {
    const row = await this.repository.findByName(String(name).toLowerCase());
    if (!row) throw new GatewayError('not_found', `No provider named "${name}".`, { param: 'name' });
    return row;
  }

  /** Creates a provider; returns it with the API keys to add (the caller imports them as credentials). */
  async create(input: unknown): Promise<{ row: ProviderRow; apiKeys: string[] }> {
    const value = parse(createSchema, input);
    const models = readModels(value.models ?? []);
    const headers = readHeaders(value.headers ?? {});
    await this.checkBaseUrl(value.base_url);
    if (await this.repository.findByName(value.name)) throw new GatewayError('invalid_request', `A provider named "${value.name}" already exists.`, { param: 'name', status: 409 });
    const row = await this.repository.create({
      name: value.name,
      kind: value.wire ?? 'openai-chat',
      baseUrl: value.base_url,
      models: models.map((m) => ({ id: m.id, upstream: m.upstreamModel })) as Prisma.InputJsonValue,
      prefix: value.prefix ?? null,
      headersCiphertext: Object.keys(headers).length ? this.crypto.encrypt(JSON.stringify(headers)) : null,
      proxyUrl: value.proxy ?? null,
      enabled: value.enabled ?? true,
    });
    await this.announce();
    return { row, apiKeys: value.api_keys ?? [] };
  }

  async update(name: string, input: unknown): Promise<ProviderRow> {
    const row = await this.require(name);
    const value = parse(updateSchema, input);
    const data: Prisma.ProviderUpdateInput = {};
    if (value.base_url !== undefined) {
      await this.checkBaseUrl(value.base_url);
      data.baseUrl = value.base_url;
    }
    if (value.wire !== undefined) data.kind = value.wire;
    if (value.models !== undefined) data.models = readModels(value.models).map((m) => ({ id: m.id, upstream: m.upstreamModel })) as Prisma.InputJsonValue;
    if (value.prefix !== undefined) data.prefix = value.prefix;
    if (value.headers !== undefined) {
      const headers = readHeaders(value.headers);
      data.headersCiphertext = Object.keys(headers).length ? this.crypto.encrypt(JSON.stringify(headers)) : null;
    }
    if (value.proxy !== undefined) data.proxyUrl = value.proxy;
    if (value.enabled !== undefined) data.enabled = value.enabled;
    const updated = await this.repository.update(row.id, data);
    await this.announce();
    return updated;
  }

  async remove(name: string): Promise<void> {
    const row = await this.require(name);
    await this.repository.delete(row.id);
    await this.announce();
  }

  async announce(): Promise<void> {
    await this.coordination.publish(PROVIDERS_CHANGED, '1').catch(() => {});
  }

  open(row: ProviderRow): ProviderDefinition {
    const models = (Array.isArray(row.models) ? row.models : []) as Array<{ id: string; upstream?: string }>;
    return {
      id: row.id,
      name: row.name,
      wire: (PROVIDER_WIRES as readonly string[]).includes(row.kind) ? (row.kind as ProviderWire) : 'openai-chat',
      baseUrl: row.baseUrl,
      models: models.map((m) => ({ id: m.id, upstreamModel: m.upstream ?? m.id })),
      prefix: row.prefix,
      headers: row.headersCiphertext ? (JSON.parse(this.crypto.decrypt(row.headersCiphertext)) as Record<string, string>) : {},
      proxyUrl: row.proxyUrl,
      enabled: row.enabled,
    };
  }

  private describe(row: ProviderRow, keys: { enabled: number; total: number }): Record<string, unknown> {
    const def = this.open(row);
    return {
      name: def.name,
      wire: def.wire,
      base_url: def.baseUrl,
      models: def.models.map((m) => ({ id: m.id, upstream: m.upstreamModel })),
      prefix: def.prefix,
      // header names only: values may be secrets
      headers: Object.fromEntries(Object.keys(def.headers).map((h) => [h, MASK])),
      proxy: maskProxy(def.proxyUrl),
      enabled: def.enabled,
      keys,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }

  private async checkBaseUrl(url: string): Promise<void> {
    if (this.allowPrivateUpstreams) return;
    if (await pointsToPrivateAddress(url)) {
      throw new GatewayError('invalid_request', `base_url: ${url} points to a private or loopback address; set CLIGATE_ALLOW_PRIVATE_UPSTREAMS=true to allow it`, { param: 'base_url' });
    }
  }
}
