import type { Redis } from 'ioredis';
import type { Coordination } from '../coordination/coordination.js';

export type ReserveResult =
  /**
   * `granted`: units added to the caller's block (0 when none was asked for or the key is too close to
   * its total); `generation`: the key's generation when they were granted
   */
  | { kind: 'reserved'; total: number; used: number; reserved: number; granted: number; generation: number }
  /** the cost does not fit: used + in-flight reservations + cost > total; `blocks`: some of them are held by blocks */
  | { kind: 'over'; total: number; used: number; reserved: number; blocks: boolean }
  /** the key's counters are not in the coordination store yet: load them from the database */
  | { kind: 'need-load' }
  /** requests-per-minute limit hit; retry after this many ms */
  | { kind: 'rpm'; retryAfterMs: number }
  /** the coordination store lost its state and is being rebuilt; retry after this many ms */
  | { kind: 'recovering'; retryAfterMs: number };

export type LoadResult = 'loaded' | 'moved' | 'older';

export interface KeyCounters {
  total: number;
  used: number;
  epoch: number;
}

export interface Lease {
  keyId: string;
  requestId: string;
  cost: number;
}

/** A process's block of a key's quota, asked for along with a reservation. */
export interface BlockRequest {
  /** the block's lease id (its units are held in Redis under it, like a request's) */
  id: string;
  /** units wanted; the store grants at most 1/16 of what is left, and nothing when that is under 4 × cost */
  want: number;
}

/**
 * Live quota counters shared by every gateway process. A request reserves its full cost atomically
 * against `total - used - reserved` (no overshoot, whatever the concurrency), then either commits
 * (after its usage row is durable in Postgres: the reservation becomes `used`, set from the database's
 * own committed value, never added twice) or releases. Reservations are leases: a crashed process's
 * reservations expire and are resolved against the ledger by `expired()` + `resolve()`.
 */
export interface QuotaCounterRepository {
  /** reserves the lease's cost; with `block`, also tops that block up when the key has room to spare */
  reserve(lease: Lease, rpmLimit: number | null, now: number, block?: BlockRequest): Promise<ReserveResult>;
  /** the key's generation: bumped by every `invalidate`; read it before reading the database for `load` */
  generation(keyId: string): Promise<number>;
  /**
   * (re)loads a key's counters from database values read after `generation` returned `generation`;
   * keeps reservations in flight. Refused when the key was invalidated since ('moved'), or when the
   * values are of an older epoch than the store already holds ('older'; `force` takes them anyway):
   * the caller reads again. Within one epoch `used` only rises, so the store keeps the higher of its
   * own and the loaded value (a charge committed while the values were read is not lost).
   */
  load(keyId: string, counters: KeyCounters, generation: number, force?: boolean): Promise<LoadResult>;
  /**
   * turn the reservation (or `amount` units of it, for a block) into used; `committed` is the key's
   * used quota after the ledger write
   */
  commit(lease: Lease, committed: { used: number; epoch: number } | undefined, amount?: number): Promise<void>;
  /** drop the reservation (or `amount` units of it, for a block) */
  release(lease: Lease, amount?: number): Promise<void>;
  /** false while the store cannot be reached (blocks must not be spent then) */
  healthy(): boolean;
  /** extend (or, after a store restart, re-register) leases held by this process */
  renew(leases: Lease[], now: number): Promise<void>;
  /** reservations whose lease ran out (their process may be gone) */
  expired(now: number, limit: number): Promise<Lease[]>;
  /** resolve an expired lease: commit when the ledger has the charge, release otherwise */
  resolve(lease: Lease, charged: boolean, committed: { used: number; epoch: number } | undefined, now: number): Promise<void>;
  /** drop cached counters so the next reserve reloads them, and refuse loads of values read before (admin changes) */
  invalidate(keyId: string): Promise<void>;
  /** start a recovery window when the store lost its state (true if this call started it) */
  beginRecoveryIfNeeded(windowMs: number): Promise<boolean>;
  /** the reserved units of a key (tests and admin views) */
  snapshot(keyId: string): Promise<{ used: number; reserved: number; total: number } | null>;
}

export const LEASE_MS = 15_000;

/** Lease ids of blocks (a process's share of a key) start with this; every other lease is a request's. */
export const BLOCK_LEASE_PREFIX = 'blk:';

export function isBlockLease(requestId: string): boolean {
  return requestId.startsWith(BLOCK_LEASE_PREFIX);
}

const COMMON = `
local p = ARGV[1]
local function qkey(k) return p .. 'q:' .. k end
local function rkey(k) return p .. 'qr:' .. k end
local function lkey() return p .. 'ql' end
local function is_block(r) return string.sub(r, 1, ${BLOCK_LEASE_PREFIX.length}) == '${BLOCK_LEASE_PREFIX}' end
-- units held by blocks are also counted in 'held_by_blocks', so a refusal can tell whether asking
-- the processes for their unspent block units could help
local function held(k, r, n)
  if is_block(r) then redis.call('HINCRBY', qkey(k), 'held_by_blocks', n) end
end
local function drop(k, r)
  local c = redis.call('HGET', rkey(k), r)
  if c then
    redis.call('HDEL', rkey(k), r)
    redis.call('HINCRBY', qkey(k), 'reserved', -tonumber(c))
    held(k, r, -tonumber(c))
  end
  redis.call('ZREM', lkey(), k .. '|' .. r)
end
local function take(k, r, n)
  local c = redis.call('HGET', rkey(k), r)
  if not c then return end
  c = tonumber(c)
  if n > c then n = c end
  redis.call('HINCRBY', qkey(k), 'reserved', -n)
  held(k, r, -n)
  if c - n <= 0 then
    redis.call('HDEL', rkey(k), r)
    redis.call('ZREM', lkey(), k .. '|' .. r)
  else
    redis.call('HSET', rkey(k), r, c - n)
  end
end
-- a committed value of the key's used quota: within an epoch it only rises (loaded or not, so a load
-- racing with the commit cannot lower it); a newer epoch (the key was rebuilt) starts over and makes
-- the next reservation reload the key; an older one is already part of what the newer epoch holds
local function raise_used(k, used, epoch)
  local cur = redis.call('HMGET', qkey(k), 'epoch', 'used')
  local ce = cur[1] and tonumber(cur[1])
  if epoch == ce then
    if used > tonumber(cur[2]) then redis.call('HSET', qkey(k), 'used', used) end
  elseif not ce or epoch > ce then
    -- (no epoch: the store lost its data and a re-registered reservation committed)
    redis.call('HSET', qkey(k), 'loaded', '0', 'epoch', epoch, 'used', used)
  end
end
`;

/** ARGV: prefix, keyId, requestId, cost, now, leaseMs, rpmLimit, blockId ('' = none), blockWant */
const RESERVE = `${COMMON}
local k, r = ARGV[2], ARGV[3]
local cost, now, lease, rpm = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local b, want = ARGV[8], tonumber(ARGV[9])
if redis.call('EXISTS', p .. 'alive') == 0 then return {-3, 0} end
local rec = redis.call('PTTL', p .. 'recovering')
if rec > 0 then return {-4, rec} end
local v = redis.call('HMGET', qkey(k), 'loaded', 'total', 'used', 'reserved', 'held_by_blocks', 'gen')
if v[1] ~= '1' then return {-1, 0} end
local total, used, reserved = tonumber(v[2]), tonumber(v[3]), tonumber(v[4] or '0')
local gen = tonumber(v[6] or '0')
if redis.call('HEXISTS', rkey(k), r) == 1 then return {1, total, used, reserved, 0, gen} end
if used + reserved + cost > total then return {0, total, used, reserved, tonumber(v[5] or '0') > 0 and 1 or 0} end
if rpm > 0 then
  local rk = p .. 'rpm:' .. k
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - 60000)
  if redis.call('ZCARD', rk) >= rpm then
    local oldest = redis.call('ZRANGE', rk, 0, 0, 'WITHSCORES')
    return {-2, tonumber(oldest[2]) + 60000 - now}
  end
  redis.call('ZADD', rk, now, r)
  redis.call('PEXPIRE', rk, 61000)
end
redis.call('HINCRBY', qkey(k), 'reserved', cost)
redis.call('HSET', rkey(k), r, cost)
redis.call('ZADD', lkey(), now + lease, k .. '|' .. r)
reserved = reserved + cost
local granted = 0
if b ~= '' and want > 0 and cost > 0 then
  local g = math.floor((total - used - reserved) / 16)
  if g > want then g = want end
  g = g - (g % cost)
  if g >= 4 * cost then
    redis.call('HINCRBY', rkey(k), b, g)
    redis.call('HINCRBY', qkey(k), 'reserved', g)
    held(k, b, g)
    redis.call('ZADD', lkey(), now + lease, k .. '|' .. b)
    reserved = reserved + g
    granted = g
  end
end
return {1, total, used, reserved, granted, gen}
`;

/**
 * ARGV: prefix, keyId, total, used, epoch, generation (read before the values were), force ('1': take
 * an older epoch too). Returns 1 loaded, 0 the generation moved, -1 the store holds a newer epoch.
 */
const LOAD = `${COMMON}
local k = ARGV[2]
local total, used, epoch, gen = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local cur = redis.call('HMGET', qkey(k), 'gen', 'epoch', 'used')
if tonumber(cur[1] or '0') ~= gen then return 0 end
if cur[2] then
  local ce = tonumber(cur[2])
  if epoch < ce and ARGV[7] ~= '1' then return -1 end
  if epoch == ce and cur[3] and tonumber(cur[3]) > used then used = tonumber(cur[3]) end
end
redis.call('HSET', qkey(k), 'loaded', '1', 'total', total, 'used', used, 'epoch', epoch)
redis.call('HSETNX', qkey(k), 'reserved', 0)
return 1
`;

/** ARGV: prefix, keyId */
const INVALIDATE = `${COMMON}
redis.call('HINCRBY', qkey(ARGV[2]), 'gen', 1)
redis.call('HSET', qkey(ARGV[2]), 'loaded', '0')
return 1
`;

/** ARGV: prefix, keyId, requestId, used (or -1), epoch */
const COMMIT = `${COMMON}
local k, r = ARGV[2], ARGV[3]
local used, epoch = tonumber(ARGV[4]), tonumber(ARGV[5])
drop(k, r)
if used >= 0 then raise_used(k, used, epoch) end
return 1
`;

/**
 * ARGV: prefix, then (keyId, requestId, used or -1, epoch, amount or -1) tuples: commits and releases of
 * many requests (amount -1: the whole reservation) and of parts of blocks
 */
const SETTLE_MANY = `${COMMON}
for i = 2, #ARGV, 5 do
  local k, r, used, epoch, amount = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  if amount < 0 then drop(k, r) else take(k, r, amount) end
  if used >= 0 then raise_used(k, used, epoch) end
end
return 1
`;

/** ARGV: prefix, keyId, requestId */
const RELEASE = `${COMMON}
drop(ARGV[2], ARGV[3])
return 1
`;

/** ARGV: prefix, now, leaseMs, then (keyId, requestId, cost) triples */
const RENEW = `${COMMON}
local now, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, #ARGV, 3 do
  local k, r, c = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local cur = tonumber(redis.call('HGET', rkey(k), r) or '-1')
  if cur < 0 then
    redis.call('HSET', rkey(k), r, c)
    redis.call('HINCRBY', qkey(k), 'reserved', c)
    held(k, r, c)
  elseif cur < c and is_block(r) then
    -- a block short of what its process holds (Redis lost a top-up): raise it; a block above it
    -- has a top-up its process has not heard of yet and stays as it is
    redis.call('HSET', rkey(k), r, c)
    redis.call('HINCRBY', qkey(k), 'reserved', c - cur)
    held(k, r, c - cur)
  end
  redis.call('ZADD', lkey(), now + lease, k .. '|' .. r)
end
return 1
`;

/** ARGV: prefix, keyId, requestId, charged (0/1), used (or -1), epoch, now */
const RESOLVE = `${COMMON}
local k, r = ARGV[2], ARGV[3]
local charged, used, epoch, now = ARGV[4] == '1', tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local score = redis.call('ZSCORE', lkey(), k .. '|' .. r)
if not score or tonumber(score) > now then return 0 end
drop(k, r)
if charged and used >= 0 then raise_used(k, used, epoch) end
return 1
`;

/** ARGV: prefix, windowMs */
const RECOVER = `
local p = ARGV[1]
if redis.call('EXISTS', p .. 'alive') == 1 then return 0 end
redis.call('SET', p .. 'recovering', '1', 'PX', tonumber(ARGV[2]))
redis.call('SET', p .. 'alive', '1')
return 1
`;

type ScriptName = 'cgReserve' | 'cgLoad' | 'cgInvalidate' | 'cgCommit' | 'cgSettleMany' | 'cgRelease' | 'cgRenew' | 'cgResolve' | 'cgRecover';
type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** commits / releases applied by one script call at most */
const SETTLE_BATCH = 500;
/** settlements of block parts are collected this long */
const BLOCK_SETTLE_MS = 10;

export class RedisQuotaCounterRepository implements QuotaCounterRepository {
  private readonly redis: Scripted;
  private readonly p: string;
  private settling: Array<{ args: [string, string, number, number, number]; resolve: () => void; reject: (error: Error) => void }> = [];
  private settleScheduled = false;
  private settleTimer: NodeJS.Timeout | null = null;

  constructor(coordination: Coordination) {
    if (!coordination.redis) throw new Error('RedisQuotaCounterRepository needs Redis');
    const redis = coordination.redis;
    for (const [name, lua] of [
      ['cgReserve', RESERVE],
      ['cgLoad', LOAD],
      ['cgInvalidate', INVALIDATE],
      ['cgCommit', COMMIT],
      ['cgSettleMany', SETTLE_MANY],
      ['cgRelease', RELEASE],
      ['cgRenew', RENEW],
      ['cgResolve', RESOLVE],
      ['cgRecover', RECOVER],
    ] as const) {
      redis.defineCommand(name, { numberOfKeys: 0, lua });
    }
    this.redis = redis as Scripted;
    this.p = coordination.prefix;
  }

  async reserve(lease: Lease, rpmLimit: number | null, now: number, block?: BlockRequest): Promise<ReserveResult> {
    const r = (await this.redis.cgReserve(this.p, lease.keyId, lease.requestId, lease.cost, now, LEASE_MS, rpmLimit ?? 0, block?.id ?? '', block?.want ?? 0)) as number[];
    switch (r[0]) {
      case 1:
        return { kind: 'reserved', total: r[1]!, used: r[2]!, reserved: r[3]!, granted: r[4] ?? 0, generation: r[5] ?? 0 };
      case 0:
        return { kind: 'over', total: r[1]!, used: r[2]!, reserved: r[3]!, blocks: r[4] === 1 };
      case -1:
        return { kind: 'need-load' };
      case -2:
        return { kind: 'rpm', retryAfterMs: r[1]! };
      default:
        return { kind: 'recovering', retryAfterMs: Math.max(0, r[1] ?? 0) };
    }
  }

  async generation(keyId: string): Promise<number> {
    return Number((await this.redis.hget(`${this.p}q:${keyId}`, 'gen')) ?? 0);
  }

  async load(keyId: string, c: KeyCounters, generation: number, force = false): Promise<LoadResult> {
    const r = (await this.redis.cgLoad(this.p, keyId, c.total, c.used, c.epoch, generation, force ? '1' : '0')) as number;
    return r === 1 ? 'loaded' : r === 0 ? 'moved' : 'older';
  }

  commit(lease: Lease, committed: { used: number; epoch: number } | undefined, amount = -1): Promise<void> {
    return this.settle(lease, committed?.used ?? -1, committed?.epoch ?? 0, amount);
  }

  release(lease: Lease, amount = -1): Promise<void> {
    return this.settle(lease, -1, 0, amount);
  }

  healthy(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * Commits and releases are collected for one event-loop turn and applied by one script call: the
   * answers already went out, so a turn's delay only holds the reservations a moment longer (never
   * lets a key overshoot), and Redis sees one command where there were many. Commits of block parts
   * wait up to BLOCK_SETTLE_MS so that a block's commits merge into one: until then their units stay
   * counted as held, so the key's sum of used and held is right all along. Units handed back go at
   * once (another process may be waiting for them).
   */
  private settle(lease: Lease, used: number, epoch: number, amount: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settling.push({ args: [lease.keyId, lease.requestId, used, epoch, amount], resolve, reject });
      if (this.settling.length >= SETTLE_BATCH) this.flushSettles();
      else if ((amount < 0 || used < 0) && !this.settleScheduled) {
        this.settleScheduled = true;
        setImmediate(() => this.flushSettles());
      } else if (!this.settleScheduled && this.settleTimer === null) {
        this.settleTimer = setTimeout(() => this.flushSettles(), BLOCK_SETTLE_MS);
      }
    });
  }

  private flushSettles(): void {
    this.settleScheduled = false;
    if (this.settleTimer !== null) {
      clearTimeout(this.settleTimer);
      this.settleTimer = null;
    }
    while (this.settling.length > 0) {
      const batch = this.settling.splice(0, SETTLE_BATCH);
      const args: (string | number)[] = [this.p];
      // parts of one block settled in this turn become one tuple: their amounts add up, the highest
      // committed value of the same epoch wins (used only ever rises)
      const merged = new Map<string, (string | number)[]>();
      for (const { args: a } of batch) {
        if (a[4] < 0) {
          args.push(...a);
          continue;
        }
        const id = `${a[0]}|${a[1]}|${a[3]}`;
        const prior = merged.get(id);
        if (prior) {
          prior[4] = (prior[4] as number) + a[4];
          if (a[2] > (prior[2] as number)) prior[2] = a[2];
        } else merged.set(id, [...a]);
      }
      for (const a of merged.values()) args.push(...a);
      this.redis.cgSettleMany(...args).then(
        () => {
          for (const item of batch) item.resolve();
        },
        (error: Error) => {
          for (const item of batch) item.reject(error);
        },
      );
    }
  }

  /**
   * Every chunk is sent in the same turn, with the costs read now: a commit or release settled after
   * this call is ordered after all of them on the connection, so no chunk can re-register a
   * reservation that was settled while an earlier chunk was on its way.
   */
  async renew(leases: Lease[], now: number): Promise<void> {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < leases.length; i += 200) {
      const args: (string | number)[] = [this.p, now, LEASE_MS];
      for (const l of leases.slice(i, i + 200)) args.push(l.keyId, l.requestId, l.cost);
      calls.push(this.redis.cgRenew(...args));
    }
    await Promise.all(calls);
  }

  async expired(now: number, limit: number): Promise<Lease[]> {
    const members = await this.redis.zrangebyscore(`${this.p}ql`, '-inf', String(now), 'LIMIT', '0', String(limit));
    if (members.length === 0) return [];
    const out: Lease[] = [];
    for (const m of members) {
      const sep = m.indexOf('|');
      const keyId = m.slice(0, sep);
      const requestId = m.slice(sep + 1);
      const cost = await this.redis.hget(`${this.p}qr:${keyId}`, requestId);
      out.push({ keyId, requestId, cost: Number(cost ?? 0) });
    }
    return out;
  }

  async resolve(lease: Lease, charged: boolean, committed: { used: number; epoch: number } | undefined, now: number): Promise<void> {
    await this.redis.cgResolve(this.p, lease.keyId, lease.requestId, charged ? '1' : '0', committed?.used ?? -1, committed?.epoch ?? 0, now);
  }

  async invalidate(keyId: string): Promise<void> {
    await this.redis.cgInvalidate(this.p, keyId);
  }

  async beginRecoveryIfNeeded(windowMs: number): Promise<boolean> {
    return (await this.redis.cgRecover(this.p, windowMs)) === 1;
  }

  async snapshot(keyId: string) {
    const v = await this.redis.hmget(`${this.p}q:${keyId}`, 'loaded', 'used', 'reserved', 'total');
    if (v[0] !== '1') return null;
    return { used: Number(v[1]), reserved: Number(v[2] ?? 0), total: Number(v[3]) };
  }
}

/** Single-process counters (embedded mode): the same rules, in memory. */
export class MemoryQuotaCounterRepository implements QuotaCounterRepository {
  private readonly keys = new Map<string, { total: number; used: number; epoch: number; reserved: number; loaded: boolean; gen: number }>();
  private readonly reservations = new Map<string, Map<string, number>>();
  private readonly rpm = new Map<string, number[]>();

  async reserve(lease: Lease, rpmLimit: number | null, now: number): Promise<ReserveResult> {
    const k = this.keys.get(lease.keyId);
    if (!k || !k.loaded) return { kind: 'need-load' };
    const held = this.reservations.get(lease.keyId) ?? new Map<string, number>();
    if (held.has(lease.requestId)) return { kind: 'reserved', total: k.total, used: k.used, reserved: k.reserved, granted: 0, generation: k.gen };
    if (k.used + k.reserved + lease.cost > k.total) return { kind: 'over', total: k.total, used: k.used, reserved: k.reserved, blocks: false };
    if (rpmLimit && rpmLimit > 0) {
      const window = (this.rpm.get(lease.keyId) ?? []).filter((t) => t > now - 60_000);
      if (window.length >= rpmLimit) return { kind: 'rpm', retryAfterMs: window[0]! + 60_000 - now };
      window.push(now);
      this.rpm.set(lease.keyId, window);
    }
    k.reserved += lease.cost;
    held.set(lease.requestId, lease.cost);
    this.reservations.set(lease.keyId, held);
    // a single process has nothing to save by holding blocks
    return { kind: 'reserved', total: k.total, used: k.used, reserved: k.reserved, granted: 0, generation: k.gen };
  }

  async generation(keyId: string): Promise<number> {
    return this.keys.get(keyId)?.gen ?? 0;
  }

  async load(keyId: string, c: KeyCounters, generation: number, force = false): Promise<LoadResult> {
    const cur = this.keys.get(keyId);
    if ((cur?.gen ?? 0) !== generation) return 'moved';
    if (cur && c.epoch < cur.epoch && !force) return 'older';
    const used = cur && cur.epoch === c.epoch ? Math.max(cur.used, c.used) : c.used;
    this.keys.set(keyId, { total: c.total, used, epoch: c.epoch, reserved: cur?.reserved ?? 0, loaded: true, gen: generation });
    return 'loaded';
  }

  private drop(lease: Lease): void {
    const held = this.reservations.get(lease.keyId);
    const cost = held?.get(lease.requestId);
    if (cost === undefined) return;
    held!.delete(lease.requestId);
    const k = this.keys.get(lease.keyId);
    if (k) k.reserved -= cost;
  }

  async commit(lease: Lease, committed: { used: number; epoch: number } | undefined): Promise<void> {
    this.drop(lease);
    const k = this.keys.get(lease.keyId);
    if (!k || !committed) return;
    if (committed.epoch === k.epoch) k.used = Math.max(k.used, committed.used);
    else if (committed.epoch > k.epoch) Object.assign(k, { epoch: committed.epoch, used: committed.used, loaded: false });
  }

  async release(lease: Lease): Promise<void> {
    this.drop(lease);
  }

  healthy(): boolean {
    return true;
  }

  async renew(): Promise<void> {}

  async expired(): Promise<Lease[]> {
    return [];
  }

  async resolve(): Promise<void> {}

  async invalidate(keyId: string): Promise<void> {
    const k = this.keys.get(keyId);
    if (k) {
      k.loaded = false;
      k.gen += 1;
    } else this.keys.set(keyId, { total: 0, used: 0, epoch: -1, reserved: 0, loaded: false, gen: 1 });
  }

  async beginRecoveryIfNeeded(): Promise<boolean> {
    return false;
  }

  async snapshot(keyId: string) {
    const k = this.keys.get(keyId);
    return k && k.loaded ? { used: k.used, reserved: k.reserved, total: k.total } : null;
  }
}

export function createQuotaCounterRepository(coordination: Coordination): QuotaCounterRepository {
  return coordination.mode === 'redis' ? new RedisQuotaCounterRepository(coordination) : new MemoryQuotaCounterRepository();
}
