import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { AppError } from '../errors.ts';
import { buildApp } from '../http/app.ts';
import { purgeExpiredRateLimits, rateLimit, rateLimitAll, rateLimitHook } from './index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const rule = (bucket: string, limit = 3, windowSeconds = 600) => ({ bucket, key: 'k1', limit, windowSeconds });
const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a rate-limit rejection');
};

describe('rate limiter on the database', () => {
  it('counts concurrent hits atomically: each gets its own count', async () => {
    const hits = await Promise.all(Array.from({ length: 20 }, () => rateLimit(t.ctx, rule('test:concurrent', 100))));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(Math.min(...hits.map((h) => h.remaining))).toBe(80);
  });

  it('over the limit it throws RATE_LIMITED with Retry-After and a Chinese message', async () => {
    for (let i = 0; i < 3; i++) await rateLimit(t.ctx, rule('test:over'));
    const err = await rejection(rateLimit(t.ctx, rule('test:over')));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/操作过于频繁，请 \d+ (秒|分钟)后再试/);
    const retry = Number(err.headers?.['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    expect(err.details).toMatchObject({ bucket: 'test:over', limit: 3, retryAfterSeconds: retry });
  });

  it('keys and buckets are counted apart', async () => {
    for (let i = 0; i < 3; i++) await rateLimit(t.ctx, rule('test:apart'));
    await expect(rateLimit(t.ctx, { ...rule('test:apart'), key: 'k2' })).resolves.toMatchObject({ count: 1 });
    await expect(rateLimit(t.ctx, rule('test:apart-other'))).resolves.toMatchObject({ count: 1 });
    await expect(rateLimit(t.ctx, rule('test:apart'))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('a refund takes the hit back once, so counting only failures works', async () => {
    const a = await rateLimit(t.ctx, rule('test:refund', 2));
    await rateLimit(t.ctx, rule('test:refund', 2));
    await a.refund();
    await a.refund(); // twice is still one refund
    await expect(rateLimit(t.ctx, rule('test:refund', 2))).resolves.toMatchObject({ count: 2 });
    await expect(rateLimit(t.ctx, rule('test:refund', 2))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('rateLimitAll counts every rule even when one trips, and refunds them together', async () => {
    await rateLimit(t.ctx, { bucket: 'test:all-a', key: 'x', limit: 1, windowSeconds: 600 });
    const rules = [
      { bucket: 'test:all-a', key: 'x', limit: 1, windowSeconds: 600 },
      { bucket: 'test:all-b', key: 'x', limit: 5, windowSeconds: 600 },
    ];
    await expect(rateLimitAll(t.ctx, rules)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const b = await rateLimit(t.ctx, rules[1]);
    expect(b.count).toBe(2);
    const both = await rateLimitAll(t.ctx, [rules[1], { bucket: 'test:all-c', key: 'x', limit: 5, windowSeconds: 600 }]);
    await both.refund();
    expect((await rateLimit(t.ctx, rules[1])).count).toBe(3);
    expect((await rateLimit(t.ctx, { bucket: 'test:all-c', key: 'x', limit: 5, windowSeconds: 600 })).count).toBe(1);
  });

  it('a new window starts from zero', async () => {
    const r = { bucket: 'test:window', key: 'k', limit: 1, windowSeconds: 1 };
    // start right after a window boundary, so both hits land in the same one-second window
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    await rateLimit(t.ctx, r);
    await expect(rateLimit(t.ctx, r)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expect(rateLimit(t.ctx, r)).resolves.toMatchObject({ count: 1 });
  });

  it('purges counters whose window has passed and keeps the current ones', async () => {
    await rateLimit(t.ctx, rule('test:purge-current'));
    await t.ctx.db
      .insertInto('rate_limit_counters')
      .values({
        bucket: 'test:purge-old',
        key: 'k',
        window_start: sql<Date>`now() - interval '20 minutes'`,
        hits: 9,
        expires_at: sql<Date>`now() - interval '5 minutes'`,
      })
      .execute();
    expect(await purgeExpiredRateLimits(t.ctx)).toBeGreaterThanOrEqual(1);
    const left = await t.ctx.db.selectFrom('rate_limit_counters').select('bucket').where('bucket', 'like', 'test:purge%').execute();
    expect(left.map((r) => r.bucket)).toEqual(['test:purge-current']);
  });
});

describe('rate limiter as a route hook', () => {
  it('answers 429 with Retry-After on the route it guards, per key', async () => {
    const { server } = await buildApp(t.ctx, async (api) => {
      api.get(
        '/api/limited',
        {
          onRequest: rateLimitHook({
            bucket: 'test:hook',
            key: (req) => String(req.headers['x-client'] ?? ''),
            limit: 2,
            windowSeconds: 300,
          }),
          config: { access: { public: true } },
        },
        async () => ({ ok: true }),
      );
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/limited`;
      const call = (client: string) => fetch(url, { headers: { 'x-client': client } });
      expect((await call('a')).status).toBe(200);
      expect((await call('a')).status).toBe(200);
      const third = await call('a');
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await third.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('RATE_LIMITED');
      expect(body.error.message).toMatch(/操作过于频繁/);
      expect((await call('b')).status).toBe(200);
      // no key, no limit
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
