import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { inject } from 'vitest';
import { SESSION_COOKIE } from '../core/auth/session.ts';
import { loadConfig } from '../core/config.ts';
import { WORLD_TOTP_SECRET } from '../modules/identity/mfa/mfa.factory.ts';
import { base32Decode, totp } from '../modules/identity/mfa/totp.ts';
import { MFA_PENDING_COOKIE } from '../modules/identity/sign-in.ts';
import type { AppContext } from '../core/context.ts';
import { postgresDatabase, type Database } from '../core/db/database.ts';
import type { RouteInfo } from '../core/http/app.ts';
import { createAppContext, createServer } from '../server.ts';
import { createTestDatabase, TEST_SECRET_KEY } from './test-db.ts';
import { WORLD_PASSWORD, type World } from './world.ts';

export type Res<T = any> = { status: number; body: T; headers: Headers; raw: Response };

export type Client = {
  cookie: string | null;
  request: <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res<T>>;
  get: <T = any>(path: string) => Promise<Res<T>>;
  post: <T = any>(path: string, body?: unknown) => Promise<Res<T>>;
  put: <T = any>(path: string, body?: unknown) => Promise<Res<T>>;
  patch: <T = any>(path: string, body?: unknown) => Promise<Res<T>>;
  del: <T = any>(path: string) => Promise<Res<T>>;
};

export type TestApp = {
  ctx: AppContext;
  database: Database & { url?: string };
  world: World;
  routes: RouteInfo[];
  baseUrl: string;
  /** A client with no session. */
  anon: () => Client;
  /** A client signed in as a fixture user (through the real login endpoint). */
  as: (username: string, role?: string) => Promise<Client>;
  /** A second server on the same database (another process, as far as shared state goes). */
  secondInstance: () => Promise<Instance>;
  close: () => Promise<void>;
};

export type Instance = Pick<TestApp, 'ctx' | 'baseUrl' | 'anon' | 'as'> & { close: () => Promise<void> };

/**
 * Starts the real server on a loopback port over a fresh clone of the template database, so API
 * tests go through real HTTP, the real hooks and the real SQL.
 */
/** `name=value` of one cookie the response sets. */
export function cookieFrom(res: Res, name: string): string {
  const found = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`response sets no ${name} cookie`);
  return found.split(';')[0];
}

/** A server over a database: its context, its routes, and clients that talk to it over HTTP. */
async function startInstance(database: Database, dataDir: string, host = '127.0.0.1') {
  const config = { ...loadConfig({ QIMING_DATA_DIR: dataDir }, { dotEnv: false }), secretKey: TEST_SECRET_KEY, demo: false };
  const ctx = createAppContext(database, config);
  const { server, routes } = await createServer(ctx);
  await server.listen({ port: 0, host });
  const baseUrl = `http://${host}:${(server.server.address() as AddressInfo).port}`;
  // the port is known only now: the OpenID issuer and the links the server builds use it
  config.publicUrl = baseUrl;

  const client = (cookie: string | null): Client => {
    const c: Client = {
      cookie,
      async request(method, path, body, headers = {}) {
        const isForm = body instanceof FormData;
        const raw = await fetch(baseUrl + path, {
          method,
          headers: {
            'x-requested-with': 'qiming',
            ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
            ...(c.cookie ? { cookie: c.cookie } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
        });
        const type = raw.headers.get('content-type') ?? '';
        const parsed = type.includes('json')
          ? await raw.json()
          : type.includes('spreadsheet')
            ? Buffer.from(await raw.arrayBuffer())
            : await raw.text();
        return { status: raw.status, body: parsed as any, headers: raw.headers, raw };
      },
      get: (p) => c.request('GET', p),
      post: (p, b) => c.request('POST', p, b ?? {}),
      put: (p, b) => c.request('PUT', p, b ?? {}),
      patch: (p, b) => c.request('PATCH', p, b ?? {}),
      del: (p) => c.request('DELETE', p),
    };
    return c;
  };

  return {
    ctx,
    routes,
    baseUrl,
    server,
    anon: () => client(null),
    async as(username: string, role?: string) {
      const c = client(null);
      let res = await c.post('/api/auth/login', { username, password: WORLD_PASSWORD });
      if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.status === 'mfa_required') {
        // the real second step with the fixture secret. Fixtures sign in many times within one 30 s
        // step, which the replay guard refuses by design (mfa.test.ts tests that), so the mark is cleared first.
        await ctx.db
          .updateTable('user_mfa')
          .set({ last_used_step: null })
          .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('username', '=', username))
          .execute();
        c.cookie = cookieFrom(res, MFA_PENDING_COOKIE);
        res = await c.post('/api/auth/mfa', { method: 'totp', code: totp(base32Decode(WORLD_TOTP_SECRET), Date.now()) });
        if (res.status !== 200) throw new Error(`second step as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      c.cookie = cookieFrom(res, SESSION_COOKIE);
      if (role && res.body.activeRole !== role) {
        const sw = await c.post('/api/me/active-role', { role });
        if (sw.status !== 200) throw new Error(`switch to ${role} failed: ${sw.status}`);
      }
      return c;
    },
  };
}

/**
 * Starts the real server on a loopback port over a fresh clone of the template database, so API
 * tests go through real HTTP, the real hooks and the real SQL.
 */
export async function createTestApp(opts: { host?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // stored files of this test file go to a folder of their own (shared by its servers), removed at close
  const dataDir = path.resolve(import.meta.dirname, '../../../../.tmp/test-files', `${process.pid}-${randomUUID().slice(0, 8)}`);
  // another loopback address (127.0.0.2) is another site to a browser: two instances keep their cookies apart
  const main = await startInstance(database, dataDir, opts.host);
  const others: { close: () => Promise<void> }[] = [];

  return {
    ctx: main.ctx,
    database,
    routes: main.routes,
    baseUrl: main.baseUrl,
    world: inject('qimingWorld'),
    anon: main.anon,
    as: main.as,
    async secondInstance() {
      // PostgreSQL: a second connection pool, as a second process would have; PGlite cannot be
      // opened twice, so the second server shares its one connection
      const second = database.url ? postgresDatabase(database.url, { max: 5 }) : { ...database, close: async () => {} };
      const instance = await startInstance(second, dataDir, opts.host);
      const close = async () => {
        await instance.server.close();
        await second.close();
      };
      others.push({ close });
      return { ctx: instance.ctx, baseUrl: instance.baseUrl, anon: instance.anon, as: instance.as, close };
    },
    async close() {
      for (const o of others) await o.close();
      await main.server.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
