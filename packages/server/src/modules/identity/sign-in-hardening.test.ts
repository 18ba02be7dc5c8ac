import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server.ts';
import { cookieFrom, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { WORLD_PASSWORD } from '../../testing/world.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('session cookie flags', () => {
  it('over plain http: HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
    const res = await t.anon().post('/api/auth/login', { username: 'teacher_a2', password: WORLD_PASSWORD });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('qm_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('behind a trusted proxy that says https: Secure, on both the session and the pending cookie', async () => {
    const { server } = await createServer({ ...t.ctx, config: { ...t.ctx.config, trustProxy: true } });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
      const login = (username: string, proto: string) =>
        fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
          body: JSON.stringify({ username, password: WORLD_PASSWORD }),
        });
      const session = (await login('teacher_a2', 'https')).headers.getSetCookie().find((c) => c.startsWith('qm_session='));
      expect(session).toMatch(/; Secure/i);
      const pending = (await login('city_admin', 'https')).headers.getSetCookie().find((c) => c.startsWith('qm_mfa_pending='));
      expect(pending).toMatch(/; Secure/i);
      expect((await login('teacher_a2', 'http')).headers.getSetCookie().find((c) => c.startsWith('qm_session='))).not.toMatch(/Secure/i);
    } finally {
      await server.close();
    }
  });

  it('an untrusted client cannot claim https to change anything (the proxy header is ignored)', async () => {
    const res = await t
      .anon()
      .request('POST', '/api/auth/login', { username: 'teacher_a2', password: WORLD_PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(res.headers.getSetCookie().find((c) => c.startsWith('qm_session='))).not.toMatch(/Secure/i);
  });
});

describe('sessions after sign-in and password change', () => {
  it('signing in again from the same browser ends the session it held', async () => {
    const c = await t.as('student_a1');
    const old = c.cookie;
    const res = await c.post('/api/auth/login', { username: 'student_a1', password: WORLD_PASSWORD });
    expect(res.status).toBe(200);
    const stale = t.anon();
    stale.cookie = old;
    expect((await stale.get('/api/me')).status).toBe(401);
    c.cookie = cookieFrom(res, 'qm_session');
    expect((await c.get('/api/me')).status).toBe(200);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const here = await t.as('parent_a');
    const elsewhere = await t.as('parent_a');
    expect((await here.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'Other#Passw0rd' })).status).toBe(204);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
  });
});

describe('CSRF on cookie sessions', () => {
  it('a malformed or null Origin is a refusal (403), not a server error', async () => {
    const c = await t.as('teacher_b1');
    for (const origin of ['null', 'not a url', 'https://evil.example']) {
      const res = await c.request('POST', '/api/me/active-role', { role: 'teacher' }, { 'x-requested-with': '', origin });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('CSRF_REJECTED');
    }
  });

  it('every mutating route with a session cookie refuses a request without the header or a same-origin Origin', async () => {
    const c = await t.as('sec_admin');
    const failures: string[] = [];
    for (const r of t.routes) {
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) || (r.access as { public?: boolean }).public) continue;
      const path = r.url.replace(/:(\w+)/g, () => crypto.randomUUID());
      const res = await c.request(r.method, path, {}, { 'x-requested-with': '' });
      if (res.status !== 403 || res.body.error?.code !== 'CSRF_REJECTED') failures.push(`${r.method} ${r.url} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
