import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { buildApp } from '../http/app.ts';
import { databaseRateLimitStore, rateLimit, rateLimitHook, rateLimitState, redisRateLimitStore, type RateLimitStore } from './index.ts';

/**
 * The Redis store against the real Redis of this machine (QIMING_TEST_REDIS_URL, default
 * 127.0.0.1:6379). Two stores stand for two server processes; every bucket of this file carries a
 * random run id, and its keys are deleted at the end.
 */
const URL = process.env.QIMING_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = randomUUID().slice(0, 8);
const bucket = (name: string) => `test:${RUN}:${name}`;

let t: TestApp;
let a: RateLimitStore & { close: () => Promise<void> };
let b: RateLimitStore & { close: () => Promise<void> };
let raw: Redis;
beforeAll(async () => {
  t = await createTestApp();
  a = redisRateLimitStore(URL);
  b = redisRateLimitStore(URL);
  raw = new Redis(URL);
});
afterAll(async () => {
  if (raw) {
    const keys = await raw.keys(`qiming:rl:*test:${RUN}:*`);
    if (keys.length) await raw.del(...keys);
    await raw.quit();
  }
  await a?.close();
  await b?.close();
  await t?.close();
});

const on = (store: RateLimitStore) => ({ db: t.ctx.db, rateLimitStore: store });
const rule = (name: string, limit = 3, windowSeconds = 600) => ({ bucket: bucket(name), key: 'k1', limit, windowSeconds });

describe('rate limiter on Redis', () => {
  it('counts concurrent hits from two processes on one counter atomically: each gets its own count', async () => {
    const hits = await Promise.all(Array.from({ length: 20 }, (_, i) => rateLimit(on(i % 2 ? a : b), rule('concurrent', 100))));
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // nothing of it went to the database
    const rows = await t.ctx.db.selectFrom('rate_limit_counters').select('bucket').where('bucket', '=', bucket('concurrent')).execute();
    expect(rows).toEqual([]);
  });

  it('over the limit, counted across processes, it throws RATE_LIMITED with Retry-After within the window', async () => {
    await rateLimit(on(a), rule('over'));
    await rateLimit(on(b), rule('over'));
    await rateLimit(on(a), rule('over'));
    const err = await rateLimit(on(b), rule('over')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    const retry = Number((err as { headers: Record<string, string> }).headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    // another key of the same bucket is counted apart
    await expect(rateLimit(on(a), { ...rule('over'), key: 'k2' })).resolves.toMatchObject({ count: 1 });
  });

  it('a counter expires with its window', async () => {
    await rateLimit(on(a), rule('expiry', 3, 120));
    const [key] = await raw.keys(`qiming:rl:*test:${RUN}:expiry:k1:*`);
    const ttl = await raw.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('a refund takes the hit back once, in the window it was counted in, never below zero', async () => {
    const first = await rateLimit(on(a), rule('refund', 2));
    await rateLimit(on(b), rule('refund', 2));
    await first.refund();
    await first.refund();
    await expect(rateLimit(on(b), rule('refund', 2))).resolves.toMatchObject({ count: 2 });
    await expect(rateLimit(on(a), rule('refund', 2))).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    // a refund larger than the count stops at zero; one for a window with no counter creates none
    const hit = await a.hit(bucket('floor'), 'k1', 600, 1);
    await a.refund(bucket('floor'), 'k1', hit.windowStart, 5);
    await a.refund(bucket('floor'), 'k1', hit.resetAt, 1);
    expect(await raw.keys(`qiming:rl:*test:${RUN}:floor:k1:${hit.resetAt.getTime() / 1000}`)).toEqual([]);
    await expect(a.hit(bucket('floor'), 'k1', 600, 1)).resolves.toMatchObject({ count: 1 });
  });

  it('guards a route for servers that share it: the third request of a client answers 429 on either', async () => {
    const servers = await Promise.all(
      [a, b].map(async (store) => {
        const { server } = await buildApp({ ...t.ctx, rateLimitStore: store }, async (api) => {
          api.get(
            '/api/limited',
            {
              onRequest: rateLimitHook({
                bucket: bucket('hook'),
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
        return server;
      }),
    );
    try {
      const [urlA, urlB] = servers.map((s) => `http://127.0.0.1:${(s.server.address() as AddressInfo).port}/api/limited`);
      const call = (url: string, client: string) => fetch(url, { headers: { 'x-client': client } });
      expect((await call(urlA, 'a')).status).toBe(200);
      expect((await call(urlB, 'a')).status).toBe(200);
      const third = await call(urlA, 'a');
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect((await call(urlB, 'b')).status).toBe(200);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

/**
 * A door between a store and the real Redis: a TCP relay to it that can be shut (connections cut,
 * nothing listening: as for a Redis that stopped) and opened again on the same port.
 */
async function redisDoor() {
  const target = new globalThis.URL(URL);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const shut = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server?.close(r));
    server = null;
  };
  await open();
  return { url: () => `redis://127.0.0.1:${port}`, open, shut };
}

const until = async (what: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('rate limiter when Redis does not answer', () => {
  const inDatabase = async (name: string) =>
    (await t.ctx.db.selectFrom('rate_limit_counters').select('hits').where('bucket', '=', bucket(name)).executeTakeFirst())?.hits ?? 0;

  it('counts in the database instead: limits still hold (429, never a 500), and the log says so once', async () => {
    // nothing listens on the door once it is shut: a Redis that is down from the start
    const door = await redisDoor();
    const url = door.url();
    await door.shut();
    const logs: string[] = [];
    const store = redisRateLimitStore(url, { fallback: databaseRateLimitStore(t.ctx.db), log: (m) => logs.push(m) });
    const { server } = await buildApp({ ...t.ctx, rateLimitStore: store }, async (api) => {
      api.get(
        '/api/limited',
        {
          onRequest: rateLimitHook({ bucket: bucket('down'), key: () => 'one-client', limit: 2, windowSeconds: 300 }),
          config: { access: { public: true } },
        },
        async () => ({ ok: true }),
      );
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const limited = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/limited`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(limited)).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(await inDatabase('down')).toBe(3);
      expect(rateLimitState({ db: t.ctx.db, rateLimitStore: store })).toBe('redis_down');
      await until(() => logs.length > 0);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/does not answer.*counted in the database/);
    } finally {
      await server.close();
      await store.close();
    }
  });

  it('moves to the database when Redis stops and back when it answers again; each hit is refunded where it was counted', async () => {
    const door = await redisDoor();
    const logs: string[] = [];
    const store = redisRateLimitStore(door.url(), { fallback: databaseRateLimitStore(t.ctx.db), log: (m) => logs.push(m) });
    const ctx = { db: t.ctx.db, rateLimitStore: store };
    try {
      await until(() => rateLimitState(ctx) === 'redis');
      const inRedis = await rateLimit(ctx, rule('switch', 100));
      expect(inRedis.count).toBe(1);
      expect(await inDatabase('switch')).toBe(0);

      await door.shut();
      const whileDown = await rateLimit(ctx, rule('switch', 100));
      expect(whileDown.count).toBe(1); // the database's counter of this window
      expect(await inDatabase('switch')).toBe(1);
      expect(rateLimitState(ctx)).toBe('redis_down');
      expect(logs.filter((m) => /does not answer/.test(m))).toHaveLength(1);
      // a refund of the Redis hit while Redis is down is lost, not an error
      await expect(inRedis.refund()).resolves.toBeUndefined();

      await door.open();
      await until(() => rateLimitState(ctx) === 'redis');
      expect(logs.at(-1)).toMatch(/answers again/);
      const back = await rateLimit(ctx, rule('switch', 100));
      expect(back.count).toBe(2); // Redis kept its counter of this window
      // the hit counted in the database while Redis was down is taken back there
      await whileDown.refund();
      expect(await inDatabase('switch')).toBe(0);
    } finally {
      await store.close();
      await door.shut();
    }
  });
});
