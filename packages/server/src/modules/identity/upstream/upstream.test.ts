import { createServer, type Server } from 'node:http';
import { jwtVerify, createRemoteJWKSet } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../../../testing/browser.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';

/**
 * Federation on loopback: two real Qiming servers, a city (127.0.0.1) and a district that trusts it
 * as its upstream (reached as localhost, so the browser keeps their cookies apart), plus an
 * application registered at the district (a tiny relying party built with openid-client).
 */
const RP_PORT = 4114;
const RP = `http://127.0.0.1:${RP_PORT}`;
let city: TestApp;
let district: TestApp;
let rp: Server;
let rpConfig: client.Configuration;
const rpLogouts: string[] = [];

beforeAll(async () => {
  [city, district] = await Promise.all([createTestApp(), createTestApp()]);
  district.baseUrl = district.baseUrl.replace('127.0.0.1', 'localhost');
  district.ctx.config.publicUrl = district.baseUrl;

  // the city registers the district as a trusted application, with its back-channel logout URI
  const cityAdmin = await city.as('city_admin');
  const reg = await cityAdmin.post('/api/apps', {
    name: '市南区智慧教育平台',
    category: 'management',
    homeUrl: `${district.baseUrl}/`,
    protocol: 'oidc',
    isTrusted: true,
    ownerScopeId: city.world.units.city,
    oidc: {
      redirectUris: [`${district.baseUrl}/api/upstream/callback`],
      backchannelLogoutUri: `${district.baseUrl}/api/upstream/backchannel-logout`,
      grantTypes: ['authorization_code'],
    },
  });
  expect(reg.status).toBe(201);
  expect((await cityAdmin.put(`/api/apps/${reg.body.app.id}/enablements/${city.world.units.d1}`)).status).toBe(200);
  district.ctx.config.upstream = {
    issuer: `${city.baseUrl}/oidc`,
    clientId: reg.body.app.oidc.clientId,
    clientSecret: reg.body.clientSecret,
    name: '青岛市智慧教育平台',
    scope: 'openid profile roles org',
    linkClaim: 'preferred_username',
    linkTo: 'username',
    provision: 'create',
    provisionRoles: ['teacher'],
  };

  // an application registered at the district
  rp = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/backchannel') rpLogouts.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => rp.listen(RP_PORT, '127.0.0.1', r));
  const dAdmin = await district.as('d1_admin');
  const app = await dAdmin.post('/api/apps', {
    name: '区域作业平台',
    category: 'teaching',
    homeUrl: `${RP}/`,
    protocol: 'oidc',
    isTrusted: true,
    ownerScopeId: district.world.units.d1,
    oidc: { redirectUris: [`${RP}/callback`], backchannelLogoutUri: `${RP}/backchannel`, grantTypes: ['authorization_code'] },
  });
  expect(app.status).toBe(201);
  expect((await dAdmin.put(`/api/apps/${app.body.app.id}/enablements/${district.world.units.d1}`)).status).toBe(200);
  rpConfig = await client.discovery(
    new URL(`${district.baseUrl}/oidc`),
    app.body.app.oidc.clientId,
    undefined,
    client.ClientSecretBasic(app.body.clientSecret),
    {
      execute: [client.allowInsecureRequests],
    },
  );
});
afterAll(async () => {
  await new Promise((r) => rp?.close(r));
  await Promise.all([city?.close(), district?.close()]);
});

describe('upstream sign-in between two Qiming instances', () => {
  it('the login page can offer the upstream', async () => {
    expect((await district.anon().get('/api/upstream')).body).toEqual({ enabled: true, name: '青岛市智慧教育平台' });
    expect((await city.anon().get('/api/upstream')).body).toEqual({ enabled: false, name: null });
  });

  it('signs in once at the city, reaches the district and its application without another sign-in; signing out at the city signs out below', async () => {
    const b = createBrowser();
    // 1. sign in at the city
    const login = await b.fetch(`${city.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'teacher_a1', password: 'Fixture#2026' }),
    });
    expect(login.status).toBe(200);

    // 2. "使用上级平台账号登录" at the district: no page at the city, straight back signed in
    const { url } = await b.follow(
      `${district.baseUrl}/api/upstream/login?next=/classes`,
      (u) => u.pathname === '/classes' || u.pathname.startsWith('/sso/'),
    );
    expect(new URL(url).pathname).toBe('/classes');
    const me = (await (await b.fetch(`${district.baseUrl}/api/me`)).json()) as { id: string; username: string };
    expect(me.username).toBe('teacher_a1');
    expect(me.id).toBe(district.world.users.teacherA1);
    const links = await district.ctx.db.selectFrom('upstream_links').selectAll().execute();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ user_id: district.world.users.teacherA1, linked_by: 'claim', claim_value: 'teacher_a1' });
    const audit = await district.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['upstream.link', 'auth.login'])
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['upstream.link', 'auth.login']));

    // 3. the district's application: signed in already
    const verifier = client.randomPKCECodeVerifier();
    const auth = client.buildAuthorizationUrl(rpConfig, {
      redirect_uri: `${RP}/callback`,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const back = await b.follow(auth.toString(), (u) => u.toString().startsWith(`${RP}/callback`));
    const tokens = await client.authorizationCodeGrant(rpConfig, new URL(back.url), { pkceCodeVerifier: verifier });
    expect(tokens.claims()!.preferred_username).toBe('teacher_a1');

    // 4. sign out at the city: the district session ends (back-channel), and so does the application's
    rpLogouts.length = 0;
    const out = await b.fetch(`${city.baseUrl}/api/auth/logout`, { method: 'POST', headers: { 'x-requested-with': 'qiming' } });
    expect(out.status).toBe(204);
    expect((await b.fetch(`${district.baseUrl}/api/me`)).status).toBe(401);
    expect(rpLogouts).toHaveLength(1);
    const { payload } = await jwtVerify(rpLogouts[0], createRemoteJWKSet(new URL(`${district.baseUrl}/oidc/jwks`)), {
      issuer: `${district.baseUrl}/oidc`,
    });
    expect(payload.sid).toBe(tokens.claims()!.sid);
  });

  it('provisions an account just in time when no local account matches, by the school code in the claims', async () => {
    // a teacher who exists only at the city
    const cityTeacher = await city.ctx.db.selectFrom('users').select('id').where('username', '=', 'teacher_a2').executeTakeFirstOrThrow();
    await city.ctx.db.updateTable('users').set({ username: 'only_at_city' }).where('id', '=', cityTeacher.id).execute();
    const b = createBrowser();
    await b.fetch(`${city.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'only_at_city', password: 'Fixture#2026' }),
    });
    const { url } = await b.follow(
      `${district.baseUrl}/api/upstream/login`,
      (u) => u.pathname === '/' && u.host === new URL(district.baseUrl).host,
    );
    expect(new URL(url).pathname).toBe('/');
    const me = (await (await b.fetch(`${district.baseUrl}/api/me`)).json()) as {
      username: string;
      roles: string[];
      grants: { scopeName: string }[];
    };
    expect(me.username).toBe('only_at_city');
    expect(me.roles).toEqual(['teacher']);
    expect(me.grants[0].scopeName).toBe('市南区实验小学');
    const link = await district.ctx.db
      .selectFrom('upstream_links')
      .selectAll()
      .where('linked_by', '=', 'provisioned')
      .executeTakeFirstOrThrow();
    expect(link.subject).toBe(cityTeacher.id);

    const admin = await district.as('d1_admin');
    const view = await admin.get('/api/upstream/links');
    expect(view.status).toBe(200);
    expect(view.body.items.map((l: { user: { username: string } }) => l.user.username)).toEqual(
      expect.arrayContaining(['only_at_city', 'teacher_a1']),
    );
    // another district's administrator sees none of them
    expect((await (await district.as('d2_admin')).get('/api/upstream/links')).body.items).toEqual([]);
    expect((await district.anon().get('/api/upstream/links')).status).toBe(401);
    expect((await (await district.as('teacher_a1')).get('/api/upstream/links')).status).toBe(403);
  });

  it('refuses a forged, replayed or foreign logout token and a callback without its state', async () => {
    const post = (token: string) =>
      fetch(`${district.baseUrl}/api/upstream/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
    expect((await post('not.a.jwt')).status).toBe(400);
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ iss: `${city.baseUrl}/oidc`, sid: 'x', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }),
    ).toString('base64url');
    expect((await post(`${header}.${body}.`)).status).toBe(400);

    const cb = await createBrowser().fetch(`${district.baseUrl}/api/upstream/callback?code=forged&state=forged`);
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toContain('upstream_error=');
  });
});
