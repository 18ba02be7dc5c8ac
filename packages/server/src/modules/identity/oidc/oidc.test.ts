import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, type Browser } from '../../../testing/browser.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';

let t: TestApp;
let issuer: string;
const REDIRECT = 'http://127.0.0.1:4119/callback';
let app: { id: string; clientId: string; secret: string };
let config: client.Configuration;

beforeAll(async () => {
  t = await createTestApp();
  issuer = `${t.baseUrl}/oidc`;
  const admin = await t.as('city_admin');
  const res = await admin.post('/api/apps', {
    name: '智慧作业',
    category: 'teaching',
    homeUrl: 'http://127.0.0.1:4119/',
    protocol: 'oidc',
    ownerScopeId: t.world.units.city,
    oidc: {
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: ['http://127.0.0.1:4119/'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    },
  });
  expect(res.status).toBe(201);
  app = { id: res.body.app.id, clientId: res.body.app.oidc.clientId, secret: res.body.clientSecret };
  const d1 = await t.as('d1_admin');
  expect((await d1.put(`/api/apps/${app.id}/enablements/${t.world.units.d1}`)).status).toBe(200);
  config = await client.discovery(new URL(issuer), app.clientId, undefined, client.ClientSecretBasic(app.secret), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await t?.close();
});

/** Drives the browser side of a code flow up to the redirect back to the application. */
async function authorize(b: Browser, params: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile roles org',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  const atApp = (u: URL) => u.toString().startsWith(REDIRECT);
  const step = await b.follow(url.toString(), (u) => atApp(u) || u.pathname.startsWith('/sso/'));
  if (new URL(step.url).pathname.startsWith('/sso/')) {
    const uid = new URL(step.url).pathname.split('/')[2];
    return { verifier, state, uid, callback: null as URL | null };
  }
  return { verifier, state, uid: null, callback: new URL(step.url) };
}

async function consent(b: Browser, uid: string, approve = true) {
  const details = await b.fetch(`${t.baseUrl}/api/oidc/interaction/${uid}/details`);
  expect(details.status).toBe(200);
  const confirm = await b.fetch(`${t.baseUrl}/api/oidc/interaction/${uid}/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'qiming' },
    body: JSON.stringify({ approve }),
  });
  expect(confirm.status).toBe(200);
  const { redirectTo } = (await confirm.json()) as { redirectTo: string };
  return {
    details: (await details.json()) as Record<string, any>,
    next: await b.follow(redirectTo, (u) => u.toString().startsWith(REDIRECT) || u.pathname.startsWith('/sso/')),
  };
}

async function signedInBrowser(username: string) {
  return createBrowser((await t.as(username)).cookie);
}

describe('OpenID provider: discovery and keys', () => {
  it('publishes discovery and a JWKS of public keys only', async () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(issuer);
    expect(meta.code_challenge_methods_supported).toContain('S256');
    expect(meta.backchannel_logout_supported).toBe(true);
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const k of jwks.keys) expect(k.d).toBeUndefined();
    const stored = await t.ctx.db.selectFrom('oidc_keys').selectAll().execute();
    expect(stored).toHaveLength(2);
    // private keys are stored encrypted, never as plain JWK
    for (const s of stored) expect(s.jwk_enc).not.toContain('"d"');
  });
});

describe('OpenID provider: authorization code with PKCE', () => {
  it('signs in a user who is already signed in to Qiming, after consent, and issues claims', async () => {
    const b = await signedInBrowser('teacher_a1');
    const first = await authorize(b);
    expect(first.uid).toBeTruthy();
    const { details, next } = await consent(b, first.uid!);
    expect(details.prompt).toBe('consent');
    expect(details.client.name).toBe('智慧作业');
    expect(details.isEnabled).toBe(true);
    const callback = new URL(next.url);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.verifier, expectedState: first.state });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(t.world.users.teacherA1);
    expect(claims.name).toBe('王老师');
    expect(claims.roles).toEqual(expect.arrayContaining(['teacher', 'head_teacher']));
    expect((claims.school as { name: string }).name).toBe('市南区实验小学');
    expect(claims.region_code).toBe('370202');
    expect((claims.classes as unknown[]).length).toBe(1);
    expect(tokens.refresh_token).toBeTruthy();

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.preferred_username).toBe('teacher_a1');

    // the code is single-use: a replay is refused with the protocol's own error
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: first.verifier, expectedState: first.state }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'outcome']).where('action', 'like', 'oidc.%').execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'oidc.consent', outcome: 'success' },
        { action: 'oidc.authorize', outcome: 'success' },
        { action: 'oidc.token', outcome: 'success' },
        { action: 'oidc.token', outcome: 'failure' },
      ]),
    );
  });

  it('does not ask again once consented: a second sign-in goes straight back to the application', async () => {
    const b = await signedInBrowser('teacher_a1');
    const first = await authorize(b);
    await consent(b, first.uid!);
    const again = await authorize(b);
    expect(again.uid).toBeNull();
    expect(again.callback!.searchParams.get('code')).toBeTruthy();
  });

  it('sends a browser without a Qiming session to the sign-in page and back', async () => {
    const b = createBrowser();
    const first = await authorize(b);
    expect(first.uid).toBeTruthy();
    expect((await b.fetch(`${t.baseUrl}/api/oidc/interaction/${first.uid}/details`)).status).toBe(401);
    const login = await b.fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'teacher_a2', password: 'Fixture#2026' }),
    });
    expect(login.status).toBe(200);
    const { details, next } = await consent(b, first.uid!);
    expect(details.prompt).toBe('login');
    // after the sign-in step, the consent step
    const uid = new URL(next.url).pathname.split('/')[2];
    const done = await consent(b, uid);
    const tokens = await client.authorizationCodeGrant(config, new URL(done.next.url), {
      pkceCodeVerifier: first.verifier,
      expectedState: first.state,
    });
    expect(tokens.claims()!.sub).toBe(t.world.users.teacherA2);
  });

  it('refuses a user whose school has not enabled the application', async () => {
    const b = await signedInBrowser('teacher_x1');
    const first = await authorize(b);
    const details = (await (await b.fetch(`${t.baseUrl}/api/oidc/interaction/${first.uid}/details`)).json()) as { isEnabled: boolean };
    expect(details.isEnabled).toBe(false);
    const approve = await b.fetch(`${t.baseUrl}/api/oidc/interaction/${first.uid}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'qiming' },
      body: JSON.stringify({ approve: true }),
    });
    expect(approve.status).toBe(403);
    expect(((await approve.json()) as { error: { code: string } }).error.code).toBe('APP_NOT_ENABLED');
    const { next } = await consent(b, first.uid!, false);
    const cb = new URL(next.url);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('code')).toBeNull();
  });

  it('rejects a wrong PKCE verifier, a wrong redirect URI, an unregistered client and a forged state', async () => {
    const b = await signedInBrowser('teacher_a1');
    const first = await authorize(b);
    const { next } = await consent(b, first.uid!);
    await expect(
      client.authorizationCodeGrant(config, new URL(next.url), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: first.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    // an unregistered redirect URI gets the provider's error page, never a redirect to it
    const bad = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://evil.example/cb',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await b.fetch(bad.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('无法完成登录');

    const unknown = new URL(bad);
    unknown.searchParams.set('client_id', 'qm-unknown');
    unknown.searchParams.set('redirect_uri', REDIRECT);
    expect((await b.fetch(unknown.toString())).status).toBe(400);

    // PKCE is required
    const noPkce = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid' });
    const r = await b.follow(noPkce.toString(), (u) => u.toString().startsWith(REDIRECT));
    expect(new URL(r.url).searchParams.get('error')).toBe('invalid_request');
  });
});
