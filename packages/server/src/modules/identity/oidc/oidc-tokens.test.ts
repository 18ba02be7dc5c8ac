import { createServer, type Server } from 'node:http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, type Browser } from '../../../testing/browser.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';

/**
 * Refresh, client credentials, logout (RP-initiated and back-channel) and key rotation, driven by
 * openid-client against the real provider; a small HTTP server on a loopback port receives the
 * back-channel logout tokens as an application would.
 */
const RP_PORT = 4116;
const RP = `http://127.0.0.1:${RP_PORT}`;
const REDIRECT = `${RP}/callback`;
let t: TestApp;
let issuer: string;
let config: client.Configuration;
let clientId: string;
let clientSecret: string;
let rp: Server;
const logoutTokens: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  issuer = `${t.baseUrl}/oidc`;
  rp = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/backchannel') logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => rp.listen(RP_PORT, '127.0.0.1', resolve));
  const admin = await t.as('city_admin');
  const res = await admin.post('/api/apps', {
    name: '家校通',
    category: 'homeschool',
    homeUrl: `${RP}/`,
    protocol: 'oidc',
    isTrusted: true,
    ownerScopeId: t.world.units.city,
    oidc: {
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [`${RP}/bye`],
      backchannelLogoutUri: `${RP}/backchannel`,
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    },
  });
  expect(res.status).toBe(201);
  clientId = res.body.app.oidc.clientId;
  clientSecret = res.body.clientSecret;
  expect((await admin.put(`/api/apps/${res.body.app.id}/enablements/${t.world.units.city}`)).status).toBe(200);
  config = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(res.body.clientSecret), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await new Promise((r) => rp?.close(r));
  await t?.close();
});

/** A trusted application: a signed-in user goes through without any page. */
async function signIn(b: Browser) {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const { url: back } = await b.follow(url.toString(), (u) => u.toString().startsWith(REDIRECT));
  expect(back.startsWith(REDIRECT)).toBe(true);
  return client.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier });
}

const jwks = () => createRemoteJWKSet(new URL(`${issuer}/jwks`));

describe('introspection', () => {
  it('a user’s opaque access token introspects as active for its own client; a tampered one as inactive', async () => {
    const b = createBrowser((await t.as('teacher_a1')).cookie);
    const tokens = await signIn(b);
    const info = await client.tokenIntrospection(config, tokens.access_token);
    expect(info).toMatchObject({ active: true, sub: t.world.users.teacherA1, client_id: clientId });
    expect((await client.tokenIntrospection(config, `${tokens.access_token}x`)).active).toBe(false);
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    // the revocation is audited: which client, which kind of token, whose (never the token itself)
    const revoked = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'outcome', 'summary'])
      .where('action', '=', 'oidc.revoke')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(revoked).toMatchObject({
      actor_id: t.world.users.teacherA1,
      outcome: 'success',
      summary: { clientId, revoked: 'access_token' },
    });
    expect(JSON.stringify(revoked.summary)).not.toContain(tokens.access_token);
  });
});

describe('refresh tokens', () => {
  it('refreshes, rotates the refresh token, and revokes the grant when a used one comes back', async () => {
    const b = createBrowser((await t.as('teacher_a1')).cookie);
    const tokens = await signIn(b);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(t.world.users.teacherA1);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // the replay revoked the grant: the rotated token is dead too
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, 'not-a-token')).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('client credentials', () => {
  it('issues a signed JWT for the Qiming API to a confidential server-to-server client', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api' });
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks(), { issuer, audience: 'urn:qiming:api' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(clientId);
    expect(payload.scope).toBe('api');
    // a tampered token fails verification
    const [h, p, s] = tokens.access_token.split('.');
    const forged = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [h, Buffer.from(JSON.stringify({ ...forged, client_id: 'someone-else' })).toString('base64url'), s].join('.');
    await expect(jwtVerify(tampered, jwks(), { issuer })).rejects.toThrow();

    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_name', 'summary'])
      .where('action', '=', 'oidc.token')
      .where('outcome', '=', 'success')
      .execute();
    expect(
      audit.some((a) => a.actor_name === `client:${clientId}` && (a.summary as { grantType: string }).grantType === 'client_credentials'),
    ).toBe(true);
  });

  it('refuses a wrong secret and does not grant an unknown scope', async () => {
    const wrong = await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic('wrong'), {
      execute: [client.allowInsecureRequests],
    });
    await expect(client.clientCredentialsGrant(wrong, { scope: 'api' })).rejects.toMatchObject({
      status: 401,
      cause: [{ parameters: { error: 'invalid_client' } }],
    });
    // a scope the provider does not know is not granted
    const other = await client.clientCredentialsGrant(config, { scope: 'admin' });
    const { payload } = await jwtVerify(other.access_token, jwks(), { issuer, audience: 'urn:qiming:api' });
    expect(String(payload.scope ?? '')).not.toContain('admin');
  });
});

describe('logout', () => {
  it('signing out of Qiming ends the provider session: a back-channel logout reaches the application and its tokens stop working', async () => {
    const b = createBrowser((await t.as('teacher_a2')).cookie);
    const tokens = await signIn(b);
    const sid = tokens.claims()!.sid;
    logoutTokens.length = 0;
    const out = await b.fetch(`${t.baseUrl}/api/auth/logout`, { method: 'POST', headers: { 'x-requested-with': 'qiming' } });
    expect(out.status).toBe(204);
    expect(logoutTokens).toHaveLength(1);
    const { payload } = await jwtVerify(logoutTokens[0], jwks(), { issuer, audience: clientId });
    expect(payload.sid).toBe(sid);
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(payload.nonce).toBeUndefined();
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // the next authorization asks for a sign-in again
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const r = await b.follow(url.toString(), (u) => u.pathname.startsWith('/sso/') || u.toString().startsWith(REDIRECT));
    expect(new URL(r.url).pathname).toMatch(/^\/sso\//);
  });

  it('RP-initiated logout asks in Chinese, then signs out of Qiming and every application', async () => {
    const login = await t.as('teacher_b1');
    const b = createBrowser(login.cookie);
    const tokens = await signIn(b);
    logoutTokens.length = 0;
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${RP}/bye`, state: 's1' });
    const page = await b.fetch(end.toString());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('退出登录');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1];
    const action = /action="([^"]+)"/.exec(html)![1];
    const confirm = await b.fetch(new URL(action, t.baseUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(`${RP}/bye?state=s1`);
    expect(logoutTokens).toHaveLength(1);
    expect((await login.get('/api/me')).status).toBe(401);

    // a forged xsrf value changes nothing
    const again = createBrowser((await t.as('teacher_b1')).cookie);
    const tokens2 = await signIn(again);
    const page2 = await again.fetch(client.buildEndSessionUrl(config, { id_token_hint: tokens2.id_token! }).toString());
    const action2 = /action="([^"]+)"/.exec(await page2.text())![1];
    const forged = await again.fetch(new URL(action2, t.baseUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: 'forged', logout: 'yes' }).toString(),
    });
    expect(forged.status).toBe(400);
    expect((await client.refreshTokenGrant(config, tokens2.refresh_token!)).access_token).toBeTruthy();
  });
});

describe('bad input at the token and userinfo endpoints', () => {
  /** A code from the real authorization endpoint, with the verifier it was asked with. */
  async function freshCode(b: Browser) {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { url: back } = await b.follow(url.toString(), (u) => u.toString().startsWith(REDIRECT));
    return { verifier, code: new URL(back).searchParams.get('code')! };
  }
  /** The token endpoint as the application calls it; the protocol's error is in the JSON body. */
  async function exchange(params: Record<string, string>, at = issuer) {
    const res = await fetch(`${at}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT, ...params }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }
  const issued = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('oidc_payloads')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('model', 'in', ['AccessToken', 'RefreshToken'])
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refusals = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('action', '=', 'oidc.token')
          .where('outcome', '=', 'failure')
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('malformed, unknown, expired, wrong-PKCE and wrong-redirect codes get invalid_grant, are audited and change nothing', async () => {
    const b = createBrowser((await t.as('teacher_a1')).cookie);
    const { verifier, code } = await freshCode(b);
    const tokensBefore = await issued();
    const refusedBefore = await refusals();

    for (const bad of ['x', '%00%ff', 'A'.repeat(2000), `${code}x`]) {
      const r = await exchange({ code: bad, code_verifier: verifier });
      expect(r.status).toBe(400);
      expect(['invalid_grant', 'invalid_request']).toContain(r.body.error);
    }
    expect((await exchange({ code, code_verifier: client.randomPKCECodeVerifier() })).body.error).toBe('invalid_grant');
    expect((await exchange({ code, code_verifier: verifier, redirect_uri: `${RP}/elsewhere` })).body.error).toBe('invalid_grant');
    expect((await exchange({ code })).body.error).toBe('invalid_grant'); // PKCE is required
    // nothing was issued, every refusal is in the audit log, and the code is still good
    expect(await issued()).toBe(tokensBefore);
    expect((await refusals()) - refusedBefore).toBe(7);
    const ok = await exchange({ code, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTruthy();

    const late = await freshCode(b);
    await t.ctx.db
      .updateTable('oidc_payloads')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('model', '=', 'AuthorizationCode')
      .where('id', '=', late.code)
      .execute();
    expect(await exchange({ code: late.code, code_verifier: late.verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('a replayed code gets invalid_grant and revokes what the first exchange issued', async () => {
    const b = createBrowser((await t.as('teacher_a1')).cookie);
    const { verifier, code } = await freshCode(b);
    const first = await exchange({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect((await client.tokenIntrospection(config, first.body.access_token)).active).toBe(true);
    const again = await exchange({ code, code_verifier: verifier });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(again.body.access_token).toBeUndefined();
    // whoever replayed it may hold the first answer: its tokens stop working
    expect((await client.tokenIntrospection(config, first.body.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, first.body.refresh_token)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('one code sent to two servers at the same moment buys tokens once', async () => {
    const other = await t.secondInstance();
    try {
      const b = createBrowser((await t.as('teacher_a1')).cookie);
      for (let round = 0; round < 5; round++) {
        const { verifier, code } = await freshCode(b);
        const answers = await Promise.all([
          exchange({ code, code_verifier: verifier }),
          exchange({ code, code_verifier: verifier }, `${other.baseUrl}/oidc`),
        ]);
        expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
        expect(answers.find((a) => a.status === 400)!.body.error).toBe('invalid_grant');
      }
    } finally {
      await other.close();
    }
  });

  it('tampered tokens: userinfo answers 401 invalid_token, a tampered ID token does not verify', async () => {
    const b = createBrowser((await t.as('teacher_a1')).cookie);
    const tokens = await signIn(b);
    const userinfo = (token: string) => fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const forged = await userinfo(`${tokens.access_token.slice(0, -2)}xx`);
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(((await forged.json()) as { error: string }).error).toBe('invalid_token');

    const [h, p, sig] = tokens.id_token!.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [h, Buffer.from(JSON.stringify({ ...claims, sub: t.world.users.teacherA2 })).toString('base64url'), sig].join('.');
    await expect(jwtVerify(tampered, jwks(), { issuer, audience: clientId })).rejects.toThrow();
    // and the genuine one still verifies
    await expect(jwtVerify(tokens.id_token!, jwks(), { issuer, audience: clientId })).resolves.toBeTruthy();
  });
});

describe('signing keys', () => {
  it('rotates: new tokens carry the new key, tokens signed before still verify', async () => {
    const before = await client.clientCredentialsGrant(config, { scope: 'api' });
    const sec = await t.as('sec_admin');
    expect((await (await t.as('city_admin')).post('/api/oidc/keys/rotate')).status).toBe(403);
    const rotated = await sec.post('/api/oidc/keys/rotate');
    expect(rotated.status).toBe(200);
    const statuses = rotated.body.items.map((k: { status: string }) => k.status).sort();
    expect(statuses).toEqual(['active', 'active', 'retired', 'retired']);
    const after = await client.clientCredentialsGrant(config, { scope: 'api' });
    expect(decodeProtectedHeader(after.access_token).kid).not.toBe(decodeProtectedHeader(before.access_token).kid);
    const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    await expect(jwtVerify(before.access_token, keys, { issuer })).resolves.toBeTruthy();
    await expect(jwtVerify(after.access_token, keys, { issuer })).resolves.toBeTruthy();
    const published = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: unknown[] };
    expect(published.keys).toHaveLength(4);
  });
});

describe('rate limit', () => {
  it('the token endpoint answers 429 with Retry-After past the per-address limit, counted in the database', async () => {
    const before = t.ctx.config.ssoRateLimit;
    t.ctx.config.ssoRateLimit = 2;
    try {
      await t.ctx.db.deleteFrom('rate_limit_counters').where('bucket', '=', 'oidc:token:ip').execute();
      await client.clientCredentialsGrant(config, { scope: 'api' });
      await client.clientCredentialsGrant(config, { scope: 'api' });
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');
    } finally {
      t.ctx.config.ssoRateLimit = before;
    }
  });
});
