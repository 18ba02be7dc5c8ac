import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type Instance, type TestApp } from '../../../testing/test-app.ts';

/**
 * Each server process keeps the registered clients it has read (the token endpoint reads one on
 * every request). What an administrator changes on one server must hold on every other at once:
 * a replaced secret stops working, a disabled application gets no more tokens. On PostgreSQL the
 * second server has its own connection pool and cache, as another process would.
 */
let t: TestApp;
let other: Instance;
let admin: Client;
let appId: string;
let clientId: string;
let secret: string;
let app: Record<string, unknown>;

const settings = (s: string, baseUrl: string) =>
  client.discovery(new URL(`${baseUrl}/oidc`), clientId, undefined, client.ClientSecretBasic(s), {
    execute: [client.allowInsecureRequests],
  });

/** The HTTP status of a client-credentials request with this secret at this server. */
async function tokenStatus(s: string, baseUrl: string): Promise<number> {
  try {
    await client.clientCredentialsGrant(await settings(s, baseUrl), { scope: 'api' });
    return 200;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
}

beforeAll(async () => {
  t = await createTestApp();
  other = await t.secondInstance();
  admin = await t.as('city_admin');
  const res = await admin.post('/api/apps', {
    name: '数据同步服务',
    category: 'other',
    homeUrl: 'https://sync.example.cn/',
    protocol: 'oidc',
    ownerScopeId: t.world.units.city,
    oidc: { grantTypes: ['client_credentials'] },
  });
  expect(res.status).toBe(201);
  appId = res.body.app.id;
  clientId = res.body.app.oidc.clientId;
  secret = res.body.clientSecret;
  app = res.body.app;
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

describe('registered clients cached by each server', () => {
  it('a replaced secret stops working on every server, and the new one works there', async () => {
    // both servers have read (and kept) the client
    expect(await tokenStatus(secret, t.baseUrl)).toBe(200);
    expect(await tokenStatus(secret, other.baseUrl)).toBe(200);

    const rotated = await admin.post(`/api/apps/${appId}/secret`);
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.clientSecret;

    expect(await tokenStatus(secret, t.baseUrl)).toBe(401);
    expect(await tokenStatus(fresh, t.baseUrl)).toBe(200);
    // the other server hears of the change through the database (delivered at commit)
    await expect.poll(() => tokenStatus(secret, other.baseUrl)).toBe(401);
    expect(await tokenStatus(fresh, other.baseUrl)).toBe(200);
    secret = fresh;
  });

  it('a disabled application gets no tokens on any server; enabled again, it does', async () => {
    const body = {
      name: app.name,
      category: app.category,
      homeUrl: app.homeUrl,
      isTrusted: false,
      oidc: { grantTypes: ['client_credentials'] },
    };
    expect((await admin.put(`/api/apps/${appId}`, { ...body, status: 'disabled' })).status).toBe(200);
    expect(await tokenStatus(secret, t.baseUrl)).toBe(401);
    await expect.poll(() => tokenStatus(secret, other.baseUrl)).toBe(401);

    expect((await admin.put(`/api/apps/${appId}`, { ...body, status: 'active' })).status).toBe(200);
    expect(await tokenStatus(secret, t.baseUrl)).toBe(200);
    await expect.poll(() => tokenStatus(secret, other.baseUrl)).toBe(200);
  });
});
