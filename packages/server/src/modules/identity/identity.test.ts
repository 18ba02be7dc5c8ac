import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SESSION_COOKIE } from '../../core/auth/session.ts';
import { cookieFrom, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { WORLD_PASSWORD } from '../../testing/world.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const auditCount = async (action: string, outcome = 'success') =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', action)
        .where('outcome', '=', outcome)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('sign-in', () => {
  it('400 lists every validation issue', async () => {
    const res = await t.anon().post('/api/auth/login', { username: '', password: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual(['password', 'username']);
    expect(res.body.error.details.issues[0].message).toMatch(/请输入/);
  });

  it('signs in, sets an httpOnly cookie, and audits it', async () => {
    const before = await auditCount('auth.login');
    const res = await t.anon().post('/api/auth/login', { username: 'teacher_a1', password: WORLD_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/qm_session=.*HttpOnly/i);
    expect(res.body.roles).toEqual(['teacher', 'head_teacher']);
    expect(res.body.activeRole).toBe('head_teacher');
    expect(await auditCount('auth.login')).toBe(before + 1);
  });

  it('a wrong password is 401 with remaining attempts, and audited as a failure', async () => {
    const before = await auditCount('auth.login', 'failure');
    const res = await t.anon().post('/api/auth/login', { username: 'teacher_b1', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(res.body.error.details.remainingAttempts).toBe(4);
    expect(await auditCount('auth.login', 'failure')).toBe(before + 1);
  });

  it('an unknown user gets the same answer as a wrong password', async () => {
    const res = await t.anon().post('/api/auth/login', { username: 'nobody_here', password: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('locks after 5 failures for 15 minutes, even with the right password, and says why', async () => {
    for (let i = 0; i < 4; i++)
      expect((await t.anon().post('/api/auth/login', { username: 'teacher_x1', password: `bad${i}` })).status).toBe(401);
    const fifth = await t.anon().post('/api/auth/login', { username: 'teacher_x1', password: 'bad5' });
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('AUTH_ACCOUNT_LOCKED');
    expect(fifth.body.error.message).toMatch(/锁定/);
    const until = new Date(fifth.body.error.details.lockedUntil).getTime();
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    const right = await t.anon().post('/api/auth/login', { username: 'teacher_x1', password: WORLD_PASSWORD });
    expect(right.status).toBe(423);
    // an administrator unlocks it
    const admin = await t.as('x_admin');
    expect((await admin.post(`/api/users/${t.world.users.teacherX1}/unlock`)).status).toBe(204);
    expect((await t.anon().post('/api/auth/login', { username: 'teacher_x1', password: WORLD_PASSWORD })).status).toBe(200);
  });

  it('a disabled account cannot sign in', async () => {
    const admin = await t.as('b_admin');
    expect((await admin.post(`/api/users/${t.world.users.parentB}/active`, { isActive: false })).status).toBe(204);
    const res = await t.anon().post('/api/auth/login', { username: 'parent_b', password: WORLD_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_ACCOUNT_DISABLED');
    await admin.post(`/api/users/${t.world.users.parentB}/active`, { isActive: true });
  });
});

describe('session', () => {
  it('401 without a session', async () => {
    const res = await t.anon().get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('a mutation without the CSRF header is refused', async () => {
    const c = await t.as('teacher_a2');
    const res = await c.request('POST', '/api/me/active-role', { role: 'parent' }, { 'x-requested-with': '' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_REJECTED');
  });

  it('switches role between teacher and parent, and permissions follow', async () => {
    const c = await t.as('teacher_a2');
    expect((await c.get('/api/me')).body.roles).toEqual(['teacher', 'parent']);
    const sw = await c.post('/api/me/active-role', { role: 'parent' });
    expect(sw.status).toBe(200);
    expect(sw.body.activeRole).toBe('parent');
    expect(sw.body.permissions).toEqual(['student.read_own', 'homework.view_child']);
    const home = await c.get('/api/me/home');
    expect(home.body.children.map((x: { name: string }) => x.name)).toEqual(['陈小红']);
    const bad = await c.post('/api/me/active-role', { role: 'sys_admin' });
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('ROLE_NOT_HELD');
  });

  it('expires after the idle timeout', async () => {
    const c = await t.as('teacher_a1');
    await sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE revoked_at IS NULL AND user_id = ${t.world.users.teacherA1}`.execute(
      t.ctx.db,
    );
    const res = await c.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('SESSION_EXPIRED');
    expect((await c.get('/api/me')).status).toBe(401);
  });

  it('signs in again at once with the expired session cookie still in the browser', async () => {
    const c = await t.as('teacher_a1');
    await sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE revoked_at IS NULL AND user_id = ${t.world.users.teacherA1}`.execute(
      t.ctx.db,
    );
    const login = await c.post('/api/auth/login', { username: 'teacher_a1', password: WORLD_PASSWORD });
    expect(login.status).toBe(200);
    c.cookie = cookieFrom(login, SESSION_COOKIE);
    expect((await c.get('/api/me')).status).toBe(200);
  });

  it('logout ends this session; logout-all ends every session of the user', async () => {
    const a = await t.as('a_admin');
    const b = await t.as('a_admin');
    expect((await a.post('/api/auth/logout')).status).toBe(204);
    expect((await a.get('/api/me')).status).toBe(401);
    expect((await b.get('/api/me')).status).toBe(200);
    const c = await t.as('a_admin');
    expect((await c.post('/api/auth/logout-all')).status).toBe(204);
    expect((await b.get('/api/me')).status).toBe(401);
  });
});

describe('password', () => {
  it('a user who must change their password can do nothing else until they do', async () => {
    const c = await t.as('new_teacher');
    expect((await c.get('/api/me')).body.mustChangePassword).toBe(true);
    const blocked = await c.get('/api/me/home');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const weak = await c.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('PASSWORD_POLICY_VIOLATION');
    expect(weak.body.error.details.violations).toContain('too_short');
    const withName = await c.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'New_teacher2026' });
    expect(withName.body.error.details.violations).toContain('contains_username');
    const wrong = await c.post('/api/me/password', { currentPassword: 'wrong', newPassword: 'Good#Passw0rd' });
    expect(wrong.body.error.code).toBe('PASSWORD_INCORRECT');

    expect((await c.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'Good#Passw0rd' })).status).toBe(204);
    expect((await c.get('/api/me/home')).status).toBe(200);
    const again = await t.anon().post('/api/auth/login', { username: 'new_teacher', password: 'Good#Passw0rd' });
    expect(again.body.mustChangePassword).toBe(false);
  });

  it('an expired password forces a change', async () => {
    await sql`UPDATE users SET password_changed_at = now() - interval '91 days' WHERE username = 'student_x1'`.execute(t.ctx.db);
    const res = await t.anon().post('/api/auth/login', { username: 'student_x1', password: WORLD_PASSWORD });
    expect(res.body.mustChangePassword).toBe(true);
  });

  it('an administrator resets a password: old sessions end, the temporary one works once', async () => {
    const victim = await t.as('teacher_b1');
    const admin = await t.as('b_admin');
    const res = await admin.post(`/api/users/${t.world.users.teacherB1}/reset-password`);
    expect(res.status).toBe(200);
    expect(res.body.temporaryPassword).toHaveLength(12);
    expect((await victim.get('/api/me')).status).toBe(401);
    const login = await t.anon().post('/api/auth/login', { username: 'teacher_b1', password: res.body.temporaryPassword });
    expect(login.body.mustChangePassword).toBe(true);
  });

  it('an administrator of another school cannot reset the password (404)', async () => {
    const admin = await t.as('x_admin');
    const res = await admin.post(`/api/users/${t.world.users.teacherA1}/reset-password`);
    expect(res.status).toBe(404);
    const ok = await t.anon().post('/api/auth/login', { username: 'teacher_a1', password: WORLD_PASSWORD });
    expect(ok.status).toBe(200);
  });
});
