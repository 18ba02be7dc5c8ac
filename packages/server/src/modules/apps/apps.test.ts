import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let city: Client;
let d1: Client;
let d2: Client;
let aAdmin: Client;

const oidcApp = (over: Record<string, unknown> = {}) => ({
  name: '智慧阅读',
  description: '课外阅读打卡',
  category: 'teaching',
  homeUrl: 'http://127.0.0.1:4117/',
  protocol: 'oidc',
  oidc: { redirectUris: ['http://127.0.0.1:4117/cb'], grantTypes: ['authorization_code'] },
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  [city, d1, d2, aAdmin] = await Promise.all([t.as('city_admin'), t.as('d1_admin'), t.as('d2_admin'), t.as('a_admin')]);
});
afterAll(async () => {
  await t?.close();
});

describe('application registry', () => {
  it('401 without a session, 403 for roles that cannot register or enable', async () => {
    expect((await t.anon().get('/api/apps')).status).toBe(401);
    expect((await t.anon().post('/api/apps', oidcApp({ ownerScopeId: t.world.units.city }))).status).toBe(401);
    const teacher = await t.as('teacher_a1');
    expect((await teacher.get('/api/apps')).status).toBe(403);
    expect((await aAdmin.post('/api/apps', oidcApp({ ownerScopeId: t.world.units.schoolA }))).status).toBe(403);
  });

  it('400 lists every problem of a bad registration', async () => {
    const res = await city.post('/api/apps', {
      name: '',
      category: 'games',
      homeUrl: 'javascript:alert(1)',
      protocol: 'oidc',
      ownerScopeId: t.world.units.city,
      oidc: { redirectUris: ['not a url'], grantTypes: ['implicit'] },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.issues.map((i: { path: string[] }) => i.path.slice(1).join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'category', 'homeUrl', 'oidc.redirectUris.0', 'oidc.grantTypes.0']));
    const noRedirect = await city.post(
      '/api/apps',
      oidcApp({ ownerScopeId: t.world.units.city, oidc: { redirectUris: [], grantTypes: ['authorization_code'] } }),
    );
    expect(noRedirect.status).toBe(400);
    expect(JSON.stringify(noRedirect.body)).toContain('回调地址');
    expect(await t.ctx.db.selectFrom('apps').select('id').where('name', '=', '').execute()).toHaveLength(0);
  });

  it('404 when registering for a unit outside one’s region', async () => {
    expect((await d1.post('/api/apps', oidcApp({ ownerScopeId: t.world.units.d2 }))).status).toBe(404);
    expect((await d1.post('/api/apps', oidcApp({ ownerScopeId: t.world.foreign.city2 }))).status).toBe(404);
  });

  it('registers an OIDC client whose secret is shown once and stored encrypted', async () => {
    const res = await city.post('/api/apps', oidcApp({ ownerScopeId: t.world.units.city }));
    expect(res.status).toBe(201);
    expect(res.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.app.oidc.clientId).toMatch(/^qm-/);
    const row = await t.ctx.db.selectFrom('apps').selectAll().where('id', '=', res.body.app.id).executeTakeFirstOrThrow();
    expect(row.client_secret_enc).not.toContain(res.body.clientSecret);
    expect(t.ctx.cipher.decrypt(row.client_secret_enc!)).toBe(res.body.clientSecret);
    const again = await city.get(`/api/apps/${res.body.app.id}`);
    expect(JSON.stringify(again.body)).not.toContain(res.body.clientSecret);
    const rotated = await city.post(`/api/apps/${res.body.app.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).not.toBe(res.body.clientSecret);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', res.body.app.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['app.register', 'app.rotate_secret']));
  });

  it('a public client gets no secret and cannot use client credentials', async () => {
    const bad = await city.post(
      '/api/apps',
      oidcApp({
        ownerScopeId: t.world.units.city,
        oidc: { redirectUris: ['http://127.0.0.1:4117/cb'], grantTypes: ['client_credentials'], isPublic: true },
      }),
    );
    expect(bad.status).toBe(400);
    const ok = await city.post(
      '/api/apps',
      oidcApp({
        ownerScopeId: t.world.units.city,
        oidc: { redirectUris: ['http://127.0.0.1:4117/cb'], grantTypes: ['authorization_code'], isPublic: true },
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.clientSecret).toBeNull();
    expect((await city.post(`/api/apps/${ok.body.app.id}/secret`)).status).toBe(400);
  });

  it('districts and schools enable a city application for their own scope only; users see it on their home page', async () => {
    const created = await city.post('/api/apps', oidcApp({ name: '区域教研', category: 'research', ownerScopeId: t.world.units.city }));
    const id = created.body.app.id;
    const teacherA = await t.as('teacher_a1');
    const teacherX = await t.as('teacher_x1');
    expect((await teacherA.get('/api/me/apps')).body.items.map((a: { id: string }) => a.id)).not.toContain(id);

    // d1's admin cannot enable it for d2, nor a school admin for another school
    expect((await d1.put(`/api/apps/${id}/enablements/${t.world.units.d2}`)).status).toBe(404);
    expect((await aAdmin.put(`/api/apps/${id}/enablements/${t.world.units.schoolB}`)).status).toBe(404);
    const enabled = await aAdmin.put(`/api/apps/${id}/enablements/${t.world.units.schoolA}`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.enablements).toEqual([{ scopeId: t.world.units.schoolA, scopeName: '市南区实验小学' }]);

    const mine = (await teacherA.get('/api/me/apps')).body.items.find((a: { id: string }) => a.id === id);
    expect(mine.launchUrl).toBe(`http://127.0.0.1:4117/?iss=${encodeURIComponent(`${t.baseUrl}/oidc`)}`);
    expect((await teacherX.get('/api/me/apps')).body.items.map((a: { id: string }) => a.id)).not.toContain(id);
    // a parent of a pupil at school A sees it as well (home unit is the school)
    expect((await (await t.as('parent_a')).get('/api/me/apps')).body.items.map((a: { id: string }) => a.id)).toContain(id);

    // d2's admin sees the city's app (to enable it) but not school A's enablement
    const seen = (await d2.get(`/api/apps/${id}`)).body;
    expect(seen.enablements).toEqual([]);
    expect(seen.policies).toEqual({ canEdit: false, canEnable: true });
    expect((await d2.put(`/api/apps/${id}`, { ...oidcApp(), status: 'disabled' })).status).toBe(404);

    // the city disables it: it leaves every launcher
    const updated = await city.put(`/api/apps/${id}`, {
      name: '区域教研',
      description: '',
      category: 'research',
      homeUrl: 'http://127.0.0.1:4117/',
      isTrusted: false,
      status: 'disabled',
      oidc: {
        redirectUris: ['http://127.0.0.1:4117/cb'],
        postLogoutRedirectUris: [],
        backchannelLogoutUri: null,
        grantTypes: ['authorization_code'],
      },
    });
    expect(updated.status).toBe(200);
    expect((await teacherA.get('/api/me/apps')).body.items.map((a: { id: string }) => a.id)).not.toContain(id);

    expect((await aAdmin.del(`/api/apps/${id}/enablements/${t.world.units.schoolA}`)).status).toBe(200);
    const actions = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['app.enable', 'app.update', 'app.disable']));
  });

  it('a district’s own application cannot be enabled in another district, and is invisible there', async () => {
    const created = await d1.post('/api/apps', oidcApp({ name: '市南作业', ownerScopeId: t.world.units.d1 }));
    expect(created.status).toBe(201);
    expect((await d2.get(`/api/apps/${created.body.app.id}`)).status).toBe(404);
    expect((await d2.get('/api/apps')).body.items.map((a: { id: string }) => a.id)).not.toContain(created.body.app.id);
    expect((await d2.put(`/api/apps/${created.body.app.id}/enablements/${t.world.units.d2}`)).status).toBe(404);
    const x = await t.as('x_admin');
    expect((await x.put(`/api/apps/${created.body.app.id}/enablements/${t.world.units.schoolX}`)).status).toBe(404);
  });

  it('uploads a logo (PNG only, small) that anyone can fetch', async () => {
    const created = await city.post('/api/apps', oidcApp({ name: '带图标', ownerScopeId: t.world.units.city }));
    const id = created.body.app.id;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'logo.png');
    const up = await city.request('PUT', `/api/apps/${id}/logo`, form);
    expect(up.status).toBe(200);
    expect(up.body.logoUrl).toBe(`/api/apps/${id}/logo`);
    const got = await fetch(`${t.baseUrl}/api/apps/${id}/logo`);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);

    const svg = new FormData();
    svg.append('file', new Blob(['<svg onload="alert(1)"/>'], { type: 'image/svg+xml' }), 'x.svg');
    expect((await city.request('PUT', `/api/apps/${id}/logo`, svg)).status).toBe(400);
    expect((await fetch(`${t.baseUrl}/api/apps/${crypto.randomUUID()}/logo`)).status).toBe(404);
  });
});
