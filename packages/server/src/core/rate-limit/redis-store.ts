import { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit.ts';

/*
 * Rate-limit counters in Redis (QIMING_REDIS_URL), for deployments that run one: every server
 * process counts on the same counters without a database write per request. The same fixed
 * windows as the database store, taken from the Redis server's clock so that processes with
 * drifting clocks share them; a counter expires with its window, so nothing needs purging.
 *
 * Redis is there to spare the database, not to decide whether people may sign in: while it does
 * not answer (stopped, unreachable, slower than a second) the server counts in the database as it
 * does without Redis — still shared by every process — logs the change once, and goes back to
 * Redis as soon as it answers again. Limits hold throughout; across a switch a counter starts
 * again from what the other store holds for that window, so a client may get up to twice its
 * limit in that one window, as at a window boundary.
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

type Options = {
  /** Where hits are counted while Redis does not answer; without one a hit fails with Redis. */
  fallback?: RateLimitStore;
  /** Told when counting moves to the fallback and back (default: console.warn). */
  log?: (message: string) => void;
};

/** A Redis that has not answered for this long is taken as down for the request at hand… */
const COMMAND_TIMEOUT_MS = 1000;
/** …and is not asked again for this long (unless it reconnects meanwhile). */
const RETRY_AFTER_FAILURE_MS = 2000;

/** A store on a Redis server; `close` ends its connection. */
export function redisRateLimitStore(url: string, { fallback, log = (m) => console.warn(m) }: Options = {}): RedisRateLimitStore {
  const redis = new Redis(url, {
    lazyConnect: false,
    // with a fallback a command never waits for a connection that is not there: it fails at once
    // (and the database counts); without one it queues and is retried, as a plain client does
    ...(fallback
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS }
      : { enableOfflineQueue: true, maxRetriesPerRequest: 2 }),
  });
  let down = false;
  // after a failure on a live connection (a Redis that hangs), the next attempt waits a moment
  let retryAt = 0;
  const safeUrl = url.replace(/\/\/[^@/]*@/, '//***@');
  const wentDown = (err: Error) => {
    retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
    if (down) return;
    down = true;
    log(`Redis at ${safeUrl} does not answer (${err.message}): rate limits are counted in the database until it does`);
  };
  const cameBack = () => {
    if (!down) return;
    down = false;
    log(`Redis at ${safeUrl} answers again: rate limits are counted there again`);
  };
  redis.on('error', (err: Error) => (fallback ? wentDown(err) : console.warn(`Redis (rate limits): ${err.message}`)));
  redis.on('ready', () => {
    retryAt = 0;
    cameBack();
  });
  redis.defineCommand('qimingHit', { numberOfKeys: 1, lua: HIT });
  redis.defineCommand('qimingRefund', { numberOfKeys: 1, lua: REFUND });
  const r = redis as Redis & Commands;

  const inRedis: RateLimitStore = {
    async hit(bucket, key, windowSeconds, cost) {
      const [count, start, left] = await r.qimingHit(counterPrefix(bucket, key), windowSeconds, cost);
      const windowStart = new Date(start * 1000);
      return {
        count,
        windowStart,
        resetAt: new Date((start + windowSeconds) * 1000),
        retryAfterSeconds: Math.max(1, left),
        refund: () => inRedis.refund(bucket, key, windowStart, cost),
      };
    },
    async refund(bucket, key, windowStart, cost) {
      await r.qimingRefund(`${counterPrefix(bucket, key)}${Math.floor(windowStart.getTime() / 1000)}`, cost);
    },
    async purgeExpired() {
      return 0;
    },
  };

  return {
    async hit(bucket, key, windowSeconds, cost) {
      if (!fallback) return inRedis.hit(bucket, key, windowSeconds, cost);
      // while connecting (at start-up, after a drop) hits go to the database; a failed attempt says so in the log
      if (redis.status === 'ready' && Date.now() >= retryAt) {
        try {
          const hit = await inRedis.hit(bucket, key, windowSeconds, cost);
          cameBack();
          // a refund Redis cannot take any more is lost: the hit stays counted until its window ends
          return { ...hit, refund: () => inRedis.refund(bucket, key, hit.windowStart, cost).catch(wentDown) };
        } catch (err) {
          wentDown(err as Error);
        }
      }
      const hit = await fallback.hit(bucket, key, windowSeconds, cost);
      // taken back where it was counted, wherever the next hits go
      return { ...hit, refund: hit.refund ?? (() => fallback.refund(bucket, key, hit.windowStart, cost)) };
    },
    async refund(bucket, key, windowStart, cost) {
      // a hit's own refund (above) knows its store; this is for callers that kept only the window
      await inRedis.refund(bucket, key, windowStart, cost).catch(async (err: Error) => {
        if (!fallback) throw err;
        await fallback.refund(bucket, key, windowStart, cost);
      });
    },
    async purgeExpired() {
      return 0;
    },
    where: () => (!fallback || (!down && redis.status === 'ready') ? 'redis' : 'redis_down'),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
