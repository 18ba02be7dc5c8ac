import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { flushLater, prepared, type Db } from '../db/database.ts';
import { AppError } from '../errors.ts';

/** One limit: at most `limit` hits of `bucket` for `key` in each fixed window of `windowSeconds`. */
export type RateLimitRule = {
  /** What is limited, e.g. 'login:ip'. Stable: counters are stored under it. */
  bucket: string;
  /** Whom it is counted for, e.g. the client IP or a lower-cased username. */
  key: string;
  limit: number;
  windowSeconds: number;
  /** How much this hit counts (default 1). */
  cost?: number;
};

export type RateLimitHit = {
  /** Hits in the current window, this one included. */
  count: number;
  limit: number;
  remaining: number;
  resetAt: Date;
  /** Takes this hit back, for limits that count only failures: hit first, refund on success. */
  refund: () => Promise<void>;
};

/** Where counters live. The database store is shared by every process on the database; a Redis one can replace it. */
export type RateLimitStore = {
  /**
   * Adds `cost` to the counter of the current window atomically and returns the new count. A store
   * that may count a hit elsewhere (a fallback) returns how to take back this very hit.
   */
  hit(
    bucket: string,
    key: string,
    windowSeconds: number,
    cost: number,
  ): Promise<{ count: number; windowStart: Date; resetAt: Date; retryAfterSeconds: number; refund?: () => Promise<void> }>;
  /** Takes `cost` back from the counter of the window that `hit` reported. */
  refund(bucket: string, key: string, windowStart: Date, cost: number): Promise<void>;
  /** Deletes counters whose window has passed; returns how many. */
  purgeExpired(): Promise<number>;
  /** Ends the store's own connection, if it has one (at shutdown). */
  close?(): Promise<void>;
  /** Where hits are counted now, for /api/health (the database store when absent). */
  where?(): RateLimitStoreState;
};

/** `redis_down`: Redis is configured but does not answer, and the database counts meanwhile. */
export type RateLimitStoreState = 'database' | 'redis' | 'redis_down';

export type RateLimitContext = { db: Db; rateLimitStore?: RateLimitStore };

type StoreHit = Awaited<ReturnType<RateLimitStore['hit']>>;
type PendingHit = {
  bucket: string;
  key: string;
  windowSeconds: number;
  cost: number;
  resolve: (r: StoreHit) => void;
  reject: (e: unknown) => void;
};
type HitRow = { bucket: string; key: string; hits: number; window_start: Date; expires_at: Date; retry_after: number };

/**
 * Hits that arrive while a batch is on its way to the database wait and go together in the next
 * statement: one upsert per distinct counter, whatever the number of requests. Every request
 * from behind one address bumps the same row, and one statement per request would queue them
 * all on that row's lock. Each hit still gets its exact count, as if the hits of a batch had been
 * made one after another in arrival order. A quiet server sends each hit at once, alone.
 */
class HitBatcher {
  private queue: PendingHit[] = [];
  private inFlight = false;

  constructor(private readonly db: Db) {}

  hit(bucket: string, key: string, windowSeconds: number, cost: number): Promise<StoreHit> {
    return new Promise((resolve, reject) => {
      this.queue.push({ bucket, key, windowSeconds, cost, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    if (this.inFlight || this.queue.length === 0) return;
    // one group per counter; a hit with another window length for the same counter waits its turn
    const groups = new Map<string, PendingHit[]>();
    const later: PendingHit[] = [];
    for (const h of this.queue) {
      const id = JSON.stringify([h.bucket, h.key]);
      const group = groups.get(id);
      if (!group) groups.set(id, [h]);
      else if (group[0].windowSeconds === h.windowSeconds) group.push(h);
      else later.push(h);
    }
    this.queue = later;
    this.inFlight = true;
    void this.write([...groups.values()]).finally(() => {
      this.inFlight = false;
      this.pump();
    });
  }

  private async write(groups: PendingHit[][]): Promise<void> {
    let rows: HitRow[];
    try {
      const result = await prepared(
        sql<HitRow>`
        INSERT INTO rate_limit_counters AS c (bucket, key, window_start, hits, expires_at)
        SELECT h.bucket, h.key, w.start, h.cost, w.start + make_interval(secs => h.secs)
        FROM unnest(
          ${groups.map((g) => g[0].bucket)}::text[], ${groups.map((g) => g[0].key)}::text[],
          ${groups.map((g) => g[0].windowSeconds)}::int[], ${groups.map((g) => g.reduce((n, h) => n + h.cost, 0))}::int[]
        ) AS h(bucket, key, secs, cost)
        CROSS JOIN LATERAL (SELECT to_timestamp(floor(extract(epoch FROM now()) / h.secs) * h.secs) AS start) w
        CROSS JOIN ${flushLater} AS f
        ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits
        RETURNING c.bucket, c.key, c.hits, c.window_start, c.expires_at, ceil(extract(epoch FROM c.expires_at - now()))::int AS retry_after
      `,
        this.db,
      ).execute(this.db);
      rows = result.rows;
    } catch (err) {
      for (const g of groups) for (const h of g) h.reject(err);
      return;
    }
    const byCounter = new Map(rows.map((r) => [JSON.stringify([r.bucket, r.key]), r]));
    for (const g of groups) {
      const r = byCounter.get(JSON.stringify([g[0].bucket, g[0].key]))!;
      // the counter before this batch, then each hit's share in arrival order
      let count = r.hits - g.reduce((n, h) => n + h.cost, 0);
      for (const h of g) {
        count += h.cost;
        h.resolve({
          count,
          windowStart: new Date(r.window_start),
          resetAt: new Date(r.expires_at),
          retryAfterSeconds: Math.max(1, r.retry_after),
        });
      }
    }
  }
}

const batchers = new WeakMap<Db, HitBatcher>();

/**
 * Counters in `rate_limit_counters`: one atomic upsert per counter and batch of concurrent hits
 * (see HitBatcher), with the window computed from the database's clock so that processes with
 * drifting clocks still share one window. The upserts commit without waiting for the disk
 * (flushLater): a crash may forget the last fraction of a second of hits, which a limit can spare.
 */
export function databaseRateLimitStore(db: Db): RateLimitStore {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new HitBatcher(db)));
  const hits = batcher;
  return {
    hit: (bucket, key, windowSeconds, cost) => hits.hit(bucket, key, windowSeconds, cost),
    async refund(bucket, key, windowStart, cost) {
      await db
        .updateTable('rate_limit_counters')
        .set({ hits: sql`greatest(hits - ${cost}, 0)` })
        .where('bucket', '=', bucket)
        .where('key', '=', key)
        .where('window_start', '=', windowStart)
        .execute();
    },
    async purgeExpired() {
      const res = await db
        .deleteFrom('rate_limit_counters')
        .where('expires_at', '<', sql<Date>`now()`)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

const storeFor = (ctx: RateLimitContext): RateLimitStore => ctx.rateLimitStore ?? databaseRateLimitStore(ctx.db);

/** "30 秒" / "3 分钟": how long to wait, in words a user reads. */
const waitText = (seconds: number): string => (seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`);

/**
 * Counts one hit against a rule. Over the limit it throws RATE_LIMITED (429) with a Chinese
 * message, `details.retryAfterSeconds` and a Retry-After header, and nothing else happens.
 */
export async function rateLimit(ctx: RateLimitContext, rule: RateLimitRule): Promise<RateLimitHit> {
  const cost = rule.cost ?? 1;
  const store = storeFor(ctx);
  const r = await store.hit(rule.bucket, rule.key, rule.windowSeconds, cost);
  if (r.count > rule.limit) {
    throw new AppError('RATE_LIMITED', {
      message: `操作过于频繁，请 ${waitText(r.retryAfterSeconds)}后再试`,
      details: { bucket: rule.bucket, limit: rule.limit, windowSeconds: rule.windowSeconds, retryAfterSeconds: r.retryAfterSeconds },
      headers: { 'retry-after': String(r.retryAfterSeconds) },
    });
  }
  let refunded = false;
  return {
    count: r.count,
    limit: rule.limit,
    remaining: rule.limit - r.count,
    resetAt: r.resetAt,
    refund: async () => {
      if (refunded) return;
      refunded = true;
      await (r.refund ? r.refund() : store.refund(rule.bucket, rule.key, r.windowStart, cost));
    },
  };
}

/** Counts each of several rules (e.g. per IP and per username); all are counted even when one trips first. */
export async function rateLimitAll(ctx: RateLimitContext, rules: RateLimitRule[]): Promise<{ refund: () => Promise<void> }> {
  const results = await Promise.allSettled(rules.map((rule) => rateLimit(ctx, rule)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  const hits = results.map((r) => (r as PromiseFulfilledResult<RateLimitHit>).value);
  return { refund: async () => void (await Promise.all(hits.map((h) => h.refund()))) };
}

export type RateLimitHookRule = {
  bucket: string;
  /** The key for this request; null or '' skips the limit (e.g. no client IP). */
  key: (req: FastifyRequest) => string | null | undefined;
  limit: number | ((req: FastifyRequest) => number | Promise<number>);
  windowSeconds: number;
};

/**
 * The same limit as a Fastify hook, counting every request: `onRequest: rateLimitHook({...})` in a
 * route's options, or `app.addHook('onRequest', rateLimitHook({...}))` in a plugin.
 */
export function rateLimitHook(rule: RateLimitHookRule): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    const key = rule.key(req);
    if (!key) return;
    const limit = typeof rule.limit === 'function' ? await rule.limit(req) : rule.limit;
    await rateLimit(req.ctx, { bucket: rule.bucket, key, limit, windowSeconds: rule.windowSeconds });
  };
}

/** Deletes passed windows' counters (housekeeping, every minute), also the database's while Redis counts. */
export const purgeExpiredRateLimits = async (ctx: RateLimitContext): Promise<number> => {
  const inDatabase = await databaseRateLimitStore(ctx.db).purgeExpired();
  return inDatabase + (ctx.rateLimitStore ? await ctx.rateLimitStore.purgeExpired() : 0);
};

/** Where the rate limiter counts now. */
export const rateLimitState = (ctx: RateLimitContext): RateLimitStoreState => ctx.rateLimitStore?.where?.() ?? 'database';
