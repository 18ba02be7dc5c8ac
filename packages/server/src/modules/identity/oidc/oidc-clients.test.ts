import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../../../testing/browser.ts';
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

describe('registration choices', () => {
  const redirect = 'http://127.0.0.1:4117/callback';
  const register = async (oidc: Record<string, unknown>) => {
    const res = await admin.post('/api/apps', {
      name: '成绩分析',
      category: 'teaching',
      homeUrl: 'http://127.0.0.1:4117/',
      protocol: 'oidc',
      isTrusted: true,
      ownerScopeId: t.world.units.city,
      oidc,
    });
    expect(res.status).toBe(201);
    expect((await admin.put(`/api/apps/${res.body.app.id}/enablements/${t.world.units.city}`)).status).toBe(200);
    return res.body as {
      app: { oidc: { clientId: string; idTokenSigningAlg: string } };
      clientSecret: string;
    };
  };
  const discover = (id: string, auth: client.ClientAuth) =>
    client.discovery(new URL(`${t.baseUrl}/oidc`), id, undefined, auth, { execute: [client.allowInsecureRequests] });

  it('a confidential client may send its secret in a Basic header or in the form (client_secret_post)', async () => {
    const { app: registered, clientSecret } = await register({ grantTypes: ['client_credentials'] });
    const id = registered.oidc.clientId;
    for (const auth of [client.ClientSecretBasic(clientSecret), client.ClientSecretPost(clientSecret)])
      expect((await client.clientCredentialsGrant(await discover(id, auth), { scope: 'api' })).access_token).toBeTruthy();
    await expect(
      client.clientCredentialsGrant(await discover(id, client.ClientSecretPost('wrong')), { scope: 'api' }),
    ).rejects.toMatchObject({
      status: 401,
      cause: { error: 'invalid_client' },
    });
  });

  it('ID tokens are signed RS256 unless the application was registered for ES256; both verify against the JWKS', async () => {
    const issuer = `${t.baseUrl}/oidc`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const user = await t.as('teacher_a1');
    for (const alg of ['RS256', 'ES256'] as const) {
      const { app: registered, clientSecret } = await register({
        redirectUris: [redirect],
        grantTypes: ['authorization_code'],
        ...(alg === 'ES256' ? { idTokenSigningAlg: 'ES256' } : {}),
      });
      expect(registered.oidc.idTokenSigningAlg).toBe(alg);
      const config = await discover(registered.oidc.clientId, client.ClientSecretBasic(clientSecret));
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirect,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const { url: back } = await createBrowser(user.cookie).follow(url.toString(), (u) => u.toString().startsWith(redirect));
      const tokens = await client.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier });
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg);
      const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer, audience: registered.oidc.clientId });
      expect(payload.sub).toBe(t.world.users.teacherA1);
    }
  });
});
