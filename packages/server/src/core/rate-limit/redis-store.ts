import { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit.ts';

/*
 * Rate-limit counters in Redis (QIMING_REDIS_URL), for deployments that run one: every server
 * process counts on the same counters without a database write per request. The same fixed
 * windows as the database store, taken from the Redis server's clock so that processes with
 * drifting clocks share them; a counter expires with its window, so nothing needs purging.
 */

const PREFIX = 'qiming:rl:';

/** KEYS[1] = counter prefix; ARGV = window seconds, cost. Returns hits, window start (s), seconds left. */
const HIT = `
local now = redis.call('TIME')
local secs = tonumber(ARGV[1])
local start = math.floor(tonumber(now[1]) / secs) * secs
local key = KEYS[1] .. start
local hits = redis.call('INCRBY', key, tonumber(ARGV[2]))
if hits == tonumber(ARGV[2]) then redis.call('EXPIREAT', key, start + secs) end
return { hits, start, start + secs - tonumber(now[1]) }
`;

/** KEYS[1] = counter; ARGV = cost. Takes hits back, never below zero, only while the window lives. */
const REFUND = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits <= 0 then return 0 end
return redis.call('DECRBY', KEYS[1], math.min(hits, tonumber(ARGV[1])))
`;

type Commands = {
  qimingHit(prefix: string, windowSeconds: number, cost: number): Promise<[number, number, number]>;
  qimingRefund(key: string, cost: number): Promise<number>;
};

const counterPrefix = (bucket: string, key: string) => `${PREFIX}${bucket.length}:${bucket}:${key}:`;

export type RedisRateLimitStore = RateLimitStore & { close: () => Promise<void> };

/** A store on a Redis server; `close` ends its connection. */
export function redisRateLimitStore(url: string): RedisRateLimitStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // a lost connection is retried by the client; requests meanwhile fail (and the limiter refuses them)
  redis.on('error', (err: Error) => console.warn(`Redis (rate limits): ${err.message}`));
  redis.defineCommand('qimingHit', { numberOfKeys: 1, lua: HIT });
  redis.defineCommand('qimingRefund', { numberOfKeys: 1, lua: REFUND });
  const r = redis as Redis & Commands;
  return {
    async hit(bucket, key, windowSeconds, cost) {
      const [count, start, left] = await r.qimingHit(counterPrefix(bucket, key), windowSeconds, cost);
      return {
        count,
        windowStart: new Date(start * 1000),
        resetAt: new Date((start + windowSeconds) * 1000),
        retryAfterSeconds: Math.max(1, left),
      };
    },
    async refund(bucket, key, windowStart, cost) {
      await r.qimingRefund(`${counterPrefix(bucket, key)}${Math.floor(windowStart.getTime() / 1000)}`, cost);
    },
    async purgeExpired() {
      return 0;
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
