import { SECURITY_DEFAULTS } from '@qiming/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Instance, type TestApp } from '../../testing/test-app.ts';
import { WORLD_PASSWORD } from '../../testing/world.ts';

let t: TestApp;
let b: Instance;
beforeAll(async () => {
  t = await createTestApp();
  b = await t.secondInstance();
});
afterAll(async () => {
  await t?.close();
});

const auditRows = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('sign-in rate limits', () => {
  it('failures for one username are counted across two servers on one database, then 429 with Retry-After', async () => {
    const limit = SECURITY_DEFAULTS.signInFailuresPerUsername;
    for (let i = 0; i < limit; i++) {
      const server = i % 2 === 0 ? t : b;
      const res = await server.anon().post('/api/auth/login', { username: 'ghost_user', password: `wrong${i}` });
      expect(res.status).toBe(401);
    }
    const audits = await auditRows();
    for (const server of [t, b]) {
      const res = await server.anon().post('/api/auth/login', { username: 'Ghost_User', password: 'wrong' });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(res.body.error.message).toMatch(/操作过于频繁，请 \d+ (秒|分钟)后再试/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.body.error.details.retryAfterSeconds).toBe(Number(res.headers.get('retry-after')));
    }
    // a refused attempt changes nothing: no audit record, no password check
    expect(await auditRows()).toBe(audits);
    // other usernames are not affected
    expect((await b.anon().post('/api/auth/login', { username: 'teacher_a2', password: WORLD_PASSWORD })).status).toBe(200);
  });

  it('a good sign-in does not count: a school behind one address can sign in all day', async () => {
    for (let i = 0; i < SECURITY_DEFAULTS.signInFailuresPerUsername + 2; i++) {
      const res = await (i % 2 ? b : t).anon().post('/api/auth/login', { username: 'student_a2', password: WORLD_PASSWORD });
      expect(res.status).toBe(200);
    }
  });

  it('failures per IP address are limited by the security policy, on every server', async () => {
    const admin = await t.as('sec_admin');
    const policy = (await admin.get('/api/security/policy')).body;
    expect((await admin.put('/api/security/policy', { ...policy, signInFailuresPerIp: 12 })).status).toBe(200);
    // every test client is 127.0.0.1: count what this file already spent from that address
    const spent = Number(
      (
        await t.ctx.db
          .selectFrom('rate_limit_counters')
          .select((eb) => eb.fn.sum<number>('hits').as('n'))
          .where('bucket', '=', 'login:ip')
          .where('expires_at', '>', new Date())
          .executeTakeFirst()
      )?.n ?? 0,
    );
    let status = 0;
    let tries = 0;
    for (; tries < 20 && status !== 429; tries++) {
      status = (await (tries % 2 ? b : t).anon().post('/api/auth/login', { username: `nobody${tries}`, password: 'x' })).status;
    }
    expect(status).toBe(429);
    expect(spent + tries).toBe(13);
    await admin.put('/api/security/policy', policy);
  });
});

describe('password change rate limit', () => {
  it('wrong current passwords are limited per account', async () => {
    const c = await t.as('teacher_b1');
    for (let i = 0; i < SECURITY_DEFAULTS.codeFailuresPerUser; i++) {
      const res = await c.post('/api/me/password', { currentPassword: `wrong${i}`, newPassword: 'Good#Passw0rd' });
      expect(res.body.error.code).toBe('PASSWORD_INCORRECT');
    }
    const limited = await c.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'Good#Passw0rd' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // nothing changed: the old password still works
    expect((await t.anon().post('/api/auth/login', { username: 'teacher_b1', password: WORLD_PASSWORD })).status).toBe(200);
  });
});
