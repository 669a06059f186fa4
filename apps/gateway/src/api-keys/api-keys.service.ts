import { GatewayError } from '../common/errors/gateway-error.js';
import type { Coordination } from '../coordination/coordination.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';

export const KEYS_CHANGED = 'keys:changed';
const KEY_PATTERN = /^sk-[A-Za-z0-9_-]{32,}$/;
const CACHE_TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
const NEGATIVE_MAX = 10_000;

export interface KeyInput {
  total_quota?: unknown;
  add_quota?: unknown;
  description?: unknown;
  enabled?: unknown;
  expires_at?: unknown;
  allowed_models?: unknown;
  rpm_limit?: unknown;
}

/** What the key check needs, cached per keyed hash. */
export interface CachedKey {
  id: string;
  prefix: string;
  enabled: boolean;
  expiresAt: number | null;
  allowedModels: readonly string[];
  rpmLimit: number | null;
}

/**
 * Issued client keys: `sk-` + 43 url-safe random characters, stored only as an HMAC (keyed with the
 * server secret) plus a display form. The full key is returned once, by `create`. Lookups on the hot
 * path come from an in-memory cache keyed by the hash, invalidated in every process when a key
 * changes (and expiring after 30 s as a backstop).
 */
export class ApiKeysService {
  private readonly cache = new Map<string, { key: CachedKey; at: number }>();
  /** presented key → its keyed hash, for keys that exist */
  private readonly hashes = new Map<string, string>();
  private readonly unknown = new Map<string, number>();

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly crypto: CryptoRepository,
    private readonly coordination: Coordination,
    private readonly onChanged: (keyId: string) => Promise<void>,
  ) {}

  start(): void {
    this.coordination.subscribe(KEYS_CHANGED, () => {
      this.cache.clear();
      this.unknown.clear();
    });
  }

  static looksLikeKey(value: string): boolean {
    return KEY_PATTERN.test(value);
  }

  /** The key record for a presented key, or null when it is not an issued key. */
  async lookup(key: string): Promise<CachedKey | null> {
    // known keys skip the keyed hash (an HMAC per request is measurable on the hot path)
    const hash = this.hashes.get(key) ?? this.crypto.hashKey(key);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.key;
    const miss = this.unknown.get(hash);
    if (miss !== undefined && now - miss < NEGATIVE_TTL_MS) return null;
    const row = await this.repository.findByHash(hash);
    if (!row) {
      if (this.unknown.size >= NEGATIVE_MAX) this.unknown.clear();
      this.unknown.set(hash, now);
      return null;
    }
    const cached: CachedKey = {
      id: row.id,
      prefix: row.prefix,
      enabled: row.enabled,
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      allowedModels: Object.freeze([...row.allowedModels]),
      rpmLimit: row.rpmLimit,
    };
    this.cache.set(hash, { key: cached, at: now });
    if (this.hashes.size >= NEGATIVE_MAX) this.hashes.clear();
    this.hashes.set(key, hash);
    return cached;
  }

  async create(input: KeyInput): Promise<{ apiKey: string; row: ApiKeyRow }> {
    const total = readQuota(input.total_quota ?? 1000, 'total_quota');
    if (total <= 0) throw new GatewayError('invalid_request', 'total_quota must be greater than 0', { param: 'total_quota' });
    const apiKey = `sk-${this.crypto.randomToken(32)}`;
    const row = await this.repository.create({
      keyHash: this.crypto.hashKey(apiKey),
      prefix: `${apiKey.slice(0, 10)}…${apiKey.slice(-4)}`,
      totalQuota: BigInt(total),
      description: readDescription(input.description),
      expiresAt: readExpiry(input.expires_at),
      allowedModels: readModels(input.allowed_models),
      rpmLimit: readRpm(input.rpm_limit),
      enabled: input.enabled === undefined ? true : readBool(input.enabled, 'enabled'),
    });
    await this.changed(row.id);
    return { apiKey, row };
  }

  list(): Promise<ApiKeyRow[]> {
    return this.repository.list();
  }

  /** By id or by the full key. */
  async find(keyOrId: string): Promise<ApiKeyRow> {
    const row = KEY_PATTERN.test(keyOrId)
      ? await this.repository.findByHash(this.crypto.hashKey(keyOrId))
      : /^[0-9a-f-]{36}$/i.test(keyOrId)
        ? await this.repository.findById(keyOrId)
        : null;
    if (!row) throw new GatewayError('not_found', 'API key not found');
    return row;
  }

  async update(keyOrId: string, input: KeyInput): Promise<ApiKeyRow> {
    const row = await this.find(keyOrId);
    const data: Parameters<ApiKeysRepository['updateAdding']>[2] = {};
    if (input.total_quota !== undefined) {
      const total = readQuota(input.total_quota, 'total_quota');
      if (total < 0) throw new GatewayError('invalid_request', 'total_quota must not be negative', { param: 'total_quota' });
      data.totalQuota = BigInt(total);
    }
    // an addition alone is applied by the database (concurrent additions all count); with a new
    // total in the same edit it adds to that total
    let add: bigint | null = null;
    if (input.add_quota !== undefined) {
      add = BigInt(readQuota(input.add_quota, 'add_quota'));
      if (data.totalQuota !== undefined) {
        const next = BigInt(data.totalQuota as bigint) + add;
        if (next < 0n) throw new GatewayError('invalid_request', 'the quota would become negative', { param: 'add_quota' });
        data.totalQuota = next;
        add = null;
      }
    }
    if (input.description !== undefined) data.description = readDescription(input.description);
    if (input.enabled !== undefined) data.enabled = readBool(input.enabled, 'enabled');
    if (input.expires_at !== undefined) data.expiresAt = readExpiry(input.expires_at);
    if (input.allowed_models !== undefined) data.allowedModels = readModels(input.allowed_models);
    if (input.rpm_limit !== undefined) data.rpmLimit = readRpm(input.rpm_limit);
    let updated: ApiKeyRow | null;
    if (add === null) updated = await this.repository.update(row.id, data);
    else if (await this.repository.updateAdding(row.id, add, data)) updated = await this.repository.findById(row.id);
    else if (await this.repository.findById(row.id)) throw new GatewayError('invalid_request', 'the quota would become negative', { param: 'add_quota' });
    else updated = null;
    if (!updated) throw new GatewayError('not_found', 'API key not found');
    await this.changed(row.id);
    return updated;
  }

  async delete(keyOrId: string): Promise<ApiKeyRow> {
    const row = await this.find(keyOrId);
    await this.repository.delete(row.id);
    await this.changed(row.id);
    return row;
  }

  /** Rebuilds used_quota from the ledger (usage rows) and reloads every process's counters. */
  async rebuild(keyOrId: string): Promise<ApiKeyRow> {
    const row = await this.find(keyOrId);
    const rebuilt = await this.repository.rebuildUsed(row.id);
    await this.changed(row.id);
    return rebuilt ?? row;
  }

  private async changed(keyId: string): Promise<void> {
    this.cache.clear();
    this.unknown.clear();
    await this.onChanged(keyId);
    await this.coordination.publish(KEYS_CHANGED, keyId).catch(() => {});
  }
}

function readQuota(value: unknown, param: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new GatewayError('invalid_request', `${param} must be an integer`, { param });
  return n;
}

function readDescription(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new GatewayError('invalid_request', 'description must be a string', { param: 'description' });
  return value.slice(0, 500);
}

function readBool(value: unknown, param: string): boolean {
  if (typeof value !== 'boolean') throw new GatewayError('invalid_request', `${param} must be true or false`, { param });
  return value;
}

function readExpiry(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const t = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new GatewayError('invalid_request', 'expires_at must be an ISO date-time or unix seconds', { param: 'expires_at' });
  return new Date(t);
}

function readModels(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((m) => typeof m !== 'string' || m.length === 0 || m.length > 200)) {
    throw new GatewayError('invalid_request', 'allowed_models must be an array of model names', { param: 'allowed_models' });
  }
  return [...new Set(value as string[])];
}

function readRpm(value: unknown): number | null {
  if (value === null || value === undefined || value === 0) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1_000_000) {
    throw new GatewayError('invalid_request', 'rpm_limit must be a positive integer or null', { param: 'rpm_limit' });
  }
  return value;
}
