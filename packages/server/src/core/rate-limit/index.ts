/**
 * Rate limits shared by every server process on one database.
 *
 * Counters live in `rate_limit_counters` (PostgreSQL or PGlite), one row per (bucket, key, fixed
 * window), bumped by one atomic upsert per hit. Over the limit the request answers 429
 * `{ error: { code: 'RATE_LIMITED', message: '操作过于频繁，请 N 分钟后再试', details: { retryAfterSeconds } } }`
 * with a `Retry-After` header, and nothing else happens. A Redis store can replace the database
 * one through `AppContext.rateLimitStore` (the `RateLimitStore` interface): with QIMING_REDIS_URL set,
 * `redisRateLimitStore` keeps them in Redis (one script call per hit, windows on the Redis clock);
 * while Redis does not answer, the database counts instead (logged once each way), so a Redis outage
 * neither opens the limits nor refuses sign-ins. `rateLimitState(ctx)` says which (/api/health).
 *
 * Count every request — as a route hook:
 *
 *   app.post('/oidc/token', {
 *     onRequest: rateLimitHook({ bucket: 'oidc:token:ip', key: (req) => req.ip, limit: 60, windowSeconds: 60 }),
 *     config: { access: { public: true } },
 *   }, handler);
 *
 * or inside a service: `await rateLimit(ctx, { bucket: 'cas:validate:ip', key: ctx.ip ?? '', limit: 120, windowSeconds: 60 })`.
 *
 * Count only failures — hit first, refund on success (sign-in does this, so a school behind one
 * NAT address is not slowed by its pupils' good sign-ins):
 *
 *   const hit = await rateLimit(ctx, { bucket: 'login:user', key: username.toLowerCase(), limit: 10, windowSeconds: 900 });
 *   … verify …
 *   await hit.refund();
 *
 * `rateLimitAll(ctx, [ruleA, ruleB])` counts several rules at once and refunds them together.
 * Fixed windows allow up to twice the limit across a window boundary; limits are set with that in mind.
 * Expired counters are purged every minute by `purgeExpiredRateLimits` (main.ts housekeeping).
 */
export {
  databaseRateLimitStore,
  purgeExpiredRateLimits,
  rateLimit,
  rateLimitAll,
  rateLimitHook,
  rateLimitState,
  type RateLimitContext,
  type RateLimitHit,
  type RateLimitHookRule,
  type RateLimitRule,
  type RateLimitStore,
  type RateLimitStoreState,
} from './rate-limit.ts';
export { redisRateLimitStore } from './redis-store.ts';
