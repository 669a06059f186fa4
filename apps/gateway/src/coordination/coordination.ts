import { EventEmitter } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Cross-process coordination: Redis when REDIS_URL is set (shared by every gateway process), or an
 * in-process stand-in with the same behaviour for the embedded single-process default. Domain
 * repositories (credential state, quota counters, rate limits) take this and pick their
 * implementation from `mode`.
 */
export interface Coordination {
  readonly mode: 'redis' | 'memory';
  /** key prefix for everything this deployment writes into Redis */
  readonly prefix: string;
  /** command connection (null in memory mode) */
  readonly redis: Redis | null;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): void;
  /** throws when the coordination backend cannot answer */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const COORDINATION = Symbol('COORDINATION');

export function createMemoryCoordination(prefix = 'cligate:'): Coordination {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    mode: 'memory',
    prefix,
    redis: null,
    async publish(channel, message) {
      queueMicrotask(() => bus.emit(channel, message));
    },
    subscribe(channel, handler) {
      bus.on(channel, handler);
    },
    async ping() {},
    async close() {
      bus.removeAllListeners();
    },
  };
}

export function redisOptions(): RedisOptions {
  return {
    // fail fast while Redis is away instead of queueing requests behind it (clients get a 503)
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    lazyConnect: true,
    // commands issued in the same event-loop turn (many requests' reserve / pick / commit) share one write
    enableAutoPipelining: true,
  };
}

export async function createRedisCoordination(url: string, prefix: string): Promise<Coordination> {
  const redis = new Redis(url, redisOptions());
  const subscriber = new Redis(url, { ...redisOptions(), enableOfflineQueue: true });
  // connection errors surface on requests (as 503); the clients reconnect by themselves
  redis.on('error', () => {});
  subscriber.on('error', () => {});
  await redis.connect();
  await subscriber.connect();
  const handlers = new Map<string, Array<(message: string) => void>>();
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });
  return {
    mode: 'redis',
    prefix,
    redis,
    async publish(channel, message) {
      await redis.publish(prefix + channel, message);
    },
    subscribe(channel, handler) {
      const full = prefix + channel;
      const list = handlers.get(full);
      if (list) list.push(handler);
      else {
        handlers.set(full, [handler]);
        void subscriber.subscribe(full).catch(() => {});
      }
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
