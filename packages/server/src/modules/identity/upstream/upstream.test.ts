import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamConfig } from '../../../core/config.ts';
import { createBrowser, type Browser } from '../../../testing/browser.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';
import { WORLD_PASSWORD } from '../../../testing/world.ts';
import { WORLD_TOTP_SECRET } from '../mfa/mfa.factory.ts';
import { base32Decode, totp } from '../mfa/totp.ts';
import { loadSigningKeys } from '../oidc/oidc-keys.ts';

/**
 * Federation on loopback: two real Qiming servers, each on its own database — a city on 127.0.0.1
 * and a district on 127.0.0.2 (another site to a browser, so each keeps its own cookies) that
 * trusts the city as its upstream — and an application registered at the district: a relying
 * party driven by openid-client, with a back-channel logout endpoint.
 */
let city: TestApp;
let district: TestApp;
let rp: Server;
let RP: string;
let rpConfig: client.Configuration;
let upstream: UpstreamConfig;
const rpLogouts: string[] = [];
const CITY = '127.0.0.1';

beforeAll(async () => {
  // one after the other: two servers starting at once on a loaded machine miss Fastify's plugin timeout
  city = await createTestApp();
  district = await createTestApp({ host: '127.0.0.2' });
  rp = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/backchannel') rpLogouts.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => rp.listen(0, '127.0.0.1', r));
  RP = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;

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
  upstream = {
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
  district.ctx.config.upstream = upstream;

  // an application registered at the district
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
    { execute: [client.allowInsecureRequests] },
  );
}, 180_000);
afterAll(async () => {
  await new Promise((r) => rp?.close(r));
  await Promise.all([city?.close(), district?.close()]);
});

/** A browser signed in at the city with a password, as a person would be. */
async function signedInAtCity(username: string): Promise<Browser> {
  const b = createBrowser();
  const login = await b.fetch(`${city.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: WORLD_PASSWORD }),
  });
  expect(login.status).toBe(200);
  return b;
}

/** 使用上级平台账号登录 at the district: follows the redirects until the browser is back at the district's web app. */
const upstreamLogin = (b: Browser, next?: string) =>
  b.follow(
    `${district.baseUrl}/api/upstream/login${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    (u) => u.host === new URL(district.baseUrl).host && !u.pathname.startsWith('/api/') && !u.pathname.startsWith('/oidc'),
  );

const districtMe = async (b: Browser) => {
  const res = await b.fetch(`${district.baseUrl}/api/me`);
  return {
    status: res.status,
    body: (await res.json()) as { id: string; username: string; roles: string[]; grants: { scopeName: string }[] },
  };
};

const cityLogout = (b: Browser) =>
  b.fetch(`${city.baseUrl}/api/auth/logout`, { method: 'POST', headers: { 'x-requested-with': 'qiming' } });

describe('upstream sign-in between two Qiming instances', () => {
  it('the sign-in page can offer the upstream; an instance without one says so', async () => {
    expect((await district.anon().get('/api/upstream')).body).toEqual({ enabled: true, name: '青岛市智慧教育平台' });
    expect((await city.anon().get('/api/upstream')).body).toEqual({ enabled: false, name: null });
    expect((await city.anon().get('/api/upstream/login')).status).toBe(404);
  });

  it('signs in once at the city, reaches the district and its application without another sign-in; signing out at the city signs out below', async () => {
    const b = await signedInAtCity('teacher_a1');

    // "使用上级平台账号登录" at the district: no page at the city, straight back signed in
    const { url } = await upstreamLogin(b, '/homework');
    expect(new URL(url).pathname).toBe('/homework');
    const me = await districtMe(b);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('teacher_a1');
    expect(me.body.id).toBe(district.world.users.teacherA1);
    const links = await district.ctx.db.selectFrom('upstream_links').selectAll().where('provider', '=', upstream.issuer).execute();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      user_id: district.world.users.teacherA1,
      linked_by: 'claim',
      claim_value: 'teacher_a1',
      subject: city.world.users.teacherA1,
    });
    const audit = await district.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'summary'])
      .where('action', 'in', ['upstream.link', 'auth.login'])
      .where('target_id', '=', district.world.users.teacherA1)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['upstream.link', 'auth.login']));
    expect(audit.find((a) => a.action === 'auth.login')!.summary).toMatchObject({ firstFactor: `upstream:${upstream.issuer}` });

    // the district's application: signed in already
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
    expect(tokens.claims()!.name).toBe('王老师');

    // sign out at the city: the district session ends (back-channel), and so does the application's
    rpLogouts.length = 0;
    expect((await cityLogout(b)).status).toBe(204);
    expect((await districtMe(b)).status).toBe(401);
    expect(rpLogouts).toHaveLength(1);
    const { payload } = await jwtVerify(rpLogouts[0], createRemoteJWKSet(new URL(`${district.baseUrl}/oidc/jwks`)), {
      issuer: `${district.baseUrl}/oidc`,
      audience: rpConfig.clientMetadata().client_id,
    });
    expect(payload.sid).toBe(tokens.claims()!.sid);
    const logoutAudit = await district.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'auth.logout')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(logoutAudit.summary).toMatchObject({ via: 'upstream_backchannel', sessions: 1 });

    // the next time, the link finds the account (no second link), and the district asks nothing either
    const again = await signedInAtCity('teacher_a1');
    expect(new URL((await upstreamLogin(again)).url).pathname).toBe('/');
    expect((await districtMe(again)).body.username).toBe('teacher_a1');
    expect(await district.ctx.db.selectFrom('upstream_links').selectAll().where('provider', '=', upstream.issuer).execute()).toHaveLength(
      1,
    );
  });

  it('an account with two-step verification at the district still gives its code there', async () => {
    // d1_admin holds an authenticator at both instances (fixture); the city sign-in is done through the API
    const b = createBrowser();
    b.jar(CITY).set('qm_session', (await city.as('d1_admin')).cookie!.split('=')[1]);
    const { url } = await upstreamLogin(b, '/apps');
    expect(new URL(url).pathname).toBe('/login');
    expect(new URL(url).searchParams.get('step')).toBe('mfa');
    expect(new URL(url).searchParams.get('next')).toBe('/apps');
    expect((await districtMe(b)).status).toBe(401);
    const challenge = await district.ctx.db.selectFrom('login_challenges').selectAll().executeTakeFirstOrThrow();
    expect(challenge.first_factor).toBe(`upstream:${upstream.issuer}`);

    await district.ctx.db.updateTable('user_mfa').set({ last_used_step: null }).execute();
    const mfa = await b.fetch(`${district.baseUrl}/api/auth/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'qiming' },
      body: JSON.stringify({ method: 'totp', code: totp(base32Decode(WORLD_TOTP_SECRET), Date.now()) }),
    });
    expect(mfa.status).toBe(200);
    expect((await districtMe(b)).body.username).toBe('d1_admin');

    // the session made after the code is still the upstream's to end
    expect((await cityLogout(b)).status).toBe(204);
    expect((await districtMe(b)).status).toBe(401);
  });

  it('provisions an account just in time when no local account matches, at the school the claims name', async () => {
    // a teacher who exists only at the city
    const cityTeacher = city.world.users.teacherA2;
    await city.ctx.db.updateTable('users').set({ username: 'only_at_city' }).where('id', '=', cityTeacher).execute();
    const b = await signedInAtCity('only_at_city');
    expect(new URL((await upstreamLogin(b)).url).pathname).toBe('/');
    const me = await districtMe(b);
    expect(me.body.username).toBe('only_at_city');
    expect(me.body.roles).toEqual(['teacher']);
    expect(me.body.grants[0].scopeName).toBe('市南区实验小学');
    const link = await district.ctx.db
      .selectFrom('upstream_links')
      .selectAll()
      .where('linked_by', '=', 'provisioned')
      .executeTakeFirstOrThrow();
    expect(link.subject).toBe(cityTeacher);
    const created = await district.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'user.create')
      .where('target_id', '=', link.user_id)
      .executeTakeFirstOrThrow();
    expect(created.summary).toMatchObject({ via: 'upstream_provisioning', roles: ['teacher'], school: '市南区实验小学' });
    // a teacher of the school as one its administrator adds: on the school's teacher list, with a staff number
    const list = await (await district.as('a_admin')).get(`/api/schools/${district.world.units.schoolA}/teachers?pageSize=500`);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((x: { id: string }) => x.id === link.user_id);
    expect(listed).toMatchObject({ username: 'only_at_city', gender: null, subjects: [], schoolId: district.world.units.schoolA });
    expect(listed.staffNo).toMatch(/^UP[0-9A-F]{8}$/);
    expect(created.summary).toMatchObject({ staffNo: listed.staffNo });
    // the provisioned account has no password anyone knows
    expect((await district.anon().post('/api/auth/login', { username: 'only_at_city', password: WORLD_PASSWORD })).status).toBe(401);
  });

  it('refuses a user the rules do not let in, and says why on the sign-in page', async () => {
    district.ctx.config.upstream = { ...upstream, provision: 'off' };
    try {
      await city.ctx.db.updateTable('users').set({ username: 'nobody_below' }).where('id', '=', city.world.users.teacherB1).execute();
      const b = await signedInAtCity('nobody_below');
      const { url } = await upstreamLogin(b);
      expect(url).toContain('/login?upstream_error=no_account');
      expect((await districtMe(b)).status).toBe(401);
      const refused = await district.ctx.db
        .selectFrom('audit_log')
        .select('summary')
        .where('action', '=', 'auth.login')
        .where('outcome', '=', 'failure')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(refused.summary).toMatchObject({ via: 'upstream', reason: 'no_account', subject: city.world.users.teacherB1 });

      // a disabled account below is refused although the upstream vouches for it
      await district.ctx.db.updateTable('users').set({ is_active: false }).where('username', '=', 'student_a1').execute();
      const pupil = await signedInAtCity('student_a1');
      expect((await upstreamLogin(pupil)).url).toContain('/login?upstream_error=disabled');
    } finally {
      district.ctx.config.upstream = upstream;
    }
  });

  it('a callback without its state, with a forged code, or after a refusal at the upstream changes nothing', async () => {
    const before = await district.ctx.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const noState = await createBrowser().fetch(`${district.baseUrl}/api/upstream/callback?code=forged&state=forged`);
    expect(noState.status).toBe(302);
    expect(noState.headers.get('location')).toBe('/login?upstream_error=expired');

    // a real state cookie, a forged code
    const b = await signedInAtCity('teacher_a1');
    const start = await b.fetch(`${district.baseUrl}/api/upstream/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = await b.fetch(`${district.baseUrl}/api/upstream/callback?code=forged&state=${state}`);
    expect(forged.headers.get('location')).toBe('/login?upstream_error=failed');

    const b2 = await signedInAtCity('teacher_a1');
    const start2 = await b2.fetch(`${district.baseUrl}/api/upstream/login`);
    const state2 = new URL(start2.headers.get('location')!).searchParams.get('state')!;
    const denied = await b2.fetch(`${district.baseUrl}/api/upstream/callback?error=access_denied&state=${state2}`);
    expect(denied.headers.get('location')).toBe('/login?upstream_error=denied');

    // a next that leaves the site is not followed
    const away = await b2.fetch(`${district.baseUrl}/api/upstream/login?next=${encodeURIComponent('//evil.example/')}`);
    const st = JSON.parse(district.ctx.cipher.decrypt(decodeURIComponent(b2.jar('127.0.0.2').get('qm_upstream')!))) as { next: string };
    expect(away.status).toBe(302);
    expect(st.next).toBe('/');

    const after = await district.ctx.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('a back-channel logout token is verified: forged, unsigned, foreign or replayed tokens are refused', async () => {
    const post = (token: string, to = district) =>
      fetch(`${to.baseUrl}/api/upstream/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });
    const event = { 'http://schemas.openid.net/event/backchannel-logout': {} };
    expect((await post('not.a.jwt')).status).toBe(400);
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const unsigned = Buffer.from(JSON.stringify({ iss: upstream.issuer, aud: upstream.clientId, sid: 'x', events: event })).toString(
      'base64url',
    );
    const none = await post(`${header}.${unsigned}.`);
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: 'invalid_request' });
    expect(
      (
        await fetch(`${district.baseUrl}/api/upstream/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: '',
        })
      ).status,
    ).toBe(400);

    // signed with the city's own key: accepted once, for the right audience only
    const b = await signedInAtCity('teacher_a1');
    await upstreamLogin(b);
    expect((await districtMe(b)).status).toBe(200);
    const sid = (
      await district.ctx.db.selectFrom('upstream_sessions').select('sid').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
    ).sid!;
    const [rsa] = (await loadSigningKeys(city.ctx)).filter((k) => k.alg === 'RS256');
    const key = await importJWK(rsa as Parameters<typeof importJWK>[0], 'RS256');
    const sign = (claims: Record<string, unknown>, aud = upstream.clientId) =>
      new SignJWT({ sid, events: event, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: rsa.kid, typ: 'logout+jwt' })
        .setIssuer(upstream.issuer)
        .setAudience(aud)
        .setIssuedAt()
        .setJti(randomUUID())
        .sign(key);
    expect((await post(await sign({}, 'another-client'))).status).toBe(400);
    expect((await post(await sign({ nonce: 'n' }))).status).toBe(400);
    expect((await post(await sign({ events: {} }))).status).toBe(400);
    expect((await districtMe(b)).status).toBe(200);
    const good = await sign({});
    expect((await post(good)).status).toBe(200);
    expect((await districtMe(b)).status).toBe(401);
    expect((await post(good)).status).toBe(400);
    // an instance without an upstream has no such endpoint
    expect((await post(good, city)).status).toBe(404);
  });
});

describe('links admin API (GET/DELETE /api/upstream/links)', () => {
  it('401 without a session, 400 on bad input, 403 without user.manage, scoped lists and 404 outside the scope, 204 unlink', async () => {
    expect((await district.anon().get('/api/upstream/links')).status).toBe(401);
    expect((await district.anon().del(`/api/upstream/links/${randomUUID()}`)).status).toBe(401);

    const d1 = await district.as('d1_admin');
    const bad = await d1.get('/api/upstream/links?pageSize=0&page=x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.length).toBeGreaterThanOrEqual(2);
    // the scope check comes before validation: an id that cannot exist is simply not found
    expect((await d1.del('/api/upstream/links/not-an-id')).status).toBe(404);
    expect((await (await district.as('teacher_a1')).get('/api/upstream/links')).status).toBe(403);

    const list = await d1.get('/api/upstream/links');
    expect(list.status).toBe(200);
    const names = list.body.items.map((l: { user: { username: string } }) => l.user.username);
    expect(names).toEqual(expect.arrayContaining(['only_at_city', 'teacher_a1', 'd1_admin']));
    expect(list.body.total).toBe(list.body.items.length);
    const a1 = list.body.items.find((l: { user: { username: string } }) => l.user.username === 'teacher_a1');
    expect(a1).toMatchObject({
      linkedBy: 'claim',
      claimValue: 'teacher_a1',
      provider: upstream.issuer,
      user: { unitName: '市南区实验小学' },
    });
    expect((await d1.get('/api/upstream/links?q=only_at')).body.items).toHaveLength(1);

    // another district's administrator sees none of them and cannot unlink them
    const d2 = await district.as('d2_admin');
    expect((await d2.get('/api/upstream/links')).body.items).toEqual([]);
    expect((await d2.del(`/api/upstream/links/${a1.id}`)).status).toBe(404);
    expect((await d1.del(`/api/upstream/links/${randomUUID()}`)).status).toBe(404);

    // unlinking ends the sessions the link opened
    const b = await signedInAtCity('teacher_a1');
    await upstreamLogin(b);
    expect((await districtMe(b)).status).toBe(200);
    expect((await d1.del(`/api/upstream/links/${a1.id}`)).status).toBe(204);
    expect((await districtMe(b)).status).toBe(401);
    expect((await d1.get('/api/upstream/links')).body.items.map((l: { id: string }) => l.id)).not.toContain(a1.id);
    const audit = await district.ctx.db
      .selectFrom('audit_log')
      .select(['summary', 'actor_name'])
      .where('action', '=', 'upstream.unlink')
      .executeTakeFirstOrThrow();
    // this browser's session, and those earlier tests left open
    expect(audit.summary).toMatchObject({ username: 'teacher_a1', sessionsEnded: expect.any(Number) });
    expect((audit.summary as { sessionsEnded: number }).sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(audit.actor_name).toBe('d1_admin');
  });
});
