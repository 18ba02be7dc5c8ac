import { RECOVERY_CODE_COUNT } from '@qiming/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, cookieFrom, type Client, type Res, type TestApp } from '../../../testing/test-app.ts';
import { WORLD_PASSWORD } from '../../../testing/world.ts';
import { buildGrant, buildUser, type FactoryCtx } from '../../org/org.factory.ts';
import { hashPassword } from '../passwords.ts';
import { MFA_PENDING_COOKIE } from '../sign-in.ts';
import { WORLD_RECOVERY_CODES, WORLD_TOTP_SECRET } from './mfa.factory.ts';
import { base32Decode, timeStep, totp } from './totp.ts';

let t: TestApp;
let f: FactoryCtx;
beforeAll(async () => {
  t = await createTestApp();
  f = { db: t.ctx.db, cipher: t.ctx.cipher, passwordHash: await hashPassword(WORLD_PASSWORD) };
});
afterAll(async () => {
  await t?.close();
});

const codeFor = (secret: string, offsetSteps = 0) => totp(base32Decode(secret), Date.now() + offsetSteps * 30_000);
const userId = async (username: string) =>
  (await t.ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
const audits = async (action: string, outcome = 'success', targetId?: string) =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', action)
        .where('outcome', '=', outcome)
        .$if(!!targetId, (q) => q.where('target_id', '=', targetId!))
        .executeTakeFirstOrThrow()
    ).n,
  );
/** Password step only: the response and a client holding just the pending cookie. */
async function passwordStep(username: string): Promise<{ res: Res; pending: Client }> {
  const pending = t.anon();
  const res = await pending.post('/api/auth/login', { username, password: WORLD_PASSWORD });
  if (res.body.status === 'mfa_required') pending.cookie = cookieFrom(res, MFA_PENDING_COOKIE);
  return { res, pending };
}
/** Clears the replay mark, so a test can use the current code again (fixtures do the same). */
const forgetLastStep = async (username: string) =>
  t.ctx.db
    .updateTable('user_mfa')
    .set({ last_used_step: null })
    .where('user_id', '=', await userId(username))
    .execute();

/** Enrols a signed-in user through the API; returns the secret and the recovery codes. */
async function enrol(c: Client): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await c.post('/api/me/mfa/enrollment');
  expect(start.status).toBe(200);
  const confirm = await c.post('/api/me/mfa/enrollment/confirm', { code: codeFor(start.body.secret) });
  expect(confirm.status).toBe(200);
  return { secret: start.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

describe('enrolment (optional for a teacher)', () => {
  it('scan, confirm with a code, get ten recovery codes once; the secret is stored encrypted', async () => {
    const c = await t.as('teacher_a1');
    expect((await c.get('/api/me/mfa')).body).toEqual({ enabled: false, required: false, enabledAt: null, recoveryCodesLeft: 0 });
    const start = await c.post('/api/me/mfa/enrollment');
    expect(start.status).toBe(200);
    expect(start.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(start.body.account).toBe('teacher_a1');
    expect(start.body.otpauthUri).toContain(`secret=${start.body.secret}`);
    const row = await t.ctx.db.selectFrom('user_mfa').selectAll().where('user_id', '=', t.world.users.teacherA1).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(start.body.secret);
    expect(t.ctx.cipher.decrypt(row.secret_enc)).toBe(start.body.secret);
    expect(row.enabled_at).toBeNull();

    // a wrong code: audited, nothing enabled
    const failuresBefore = await audits('mfa.enroll', 'failure', t.world.users.teacherA1);
    const wrong = await c.post('/api/me/mfa/enrollment/confirm', {
      code: String((Number(codeFor(start.body.secret)) + 1) % 1e6).padStart(6, '0'),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('MFA_CODE_INVALID');
    expect(wrong.body.error.message).toMatch(/验证码不正确/);
    expect(await audits('mfa.enroll', 'failure', t.world.users.teacherA1)).toBe(failuresBefore + 1);
    expect((await c.get('/api/me/mfa')).body.enabled).toBe(false);
    // malformed: every issue named, nothing counted against the user
    const malformed = await c.post('/api/me/mfa/enrollment/confirm', { code: '12ab' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    expect(malformed.body.error.details.issues[0].message).toMatch(/6 位数字/);

    const confirm = await c.post('/api/me/mfa/enrollment/confirm', { code: codeFor(start.body.secret) });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    for (const code of confirm.body.recoveryCodes) expect(code).toMatch(/^[2-9a-z]{5}-[2-9a-z]{5}$/);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    const stored = await t.ctx.db
      .selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', t.world.users.teacherA1)
      .execute();
    expect(stored.map((s) => s.code_hash).some((h) => confirm.body.recoveryCodes.some((c: string) => h.includes(c.replace('-', ''))))).toBe(
      false,
    );
    expect(await audits('mfa.enroll', 'success', t.world.users.teacherA1)).toBe(1);
    const status = (await c.get('/api/me/mfa')).body;
    expect(status).toMatchObject({ enabled: true, required: false, recoveryCodesLeft: 10 });
    expect((await c.get('/api/me')).body).toMatchObject({ mfaEnabled: true, mfaEnrollmentRequired: false });

    // already on: no second enrolment over it
    const again = await c.post('/api/me/mfa/enrollment');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('MFA_ALREADY_ENABLED');
    const confirmAgain = await c.post('/api/me/mfa/enrollment/confirm', { code: codeFor(start.body.secret) });
    expect(confirmAgain.body.error.code).toBe('MFA_ALREADY_ENABLED');
  });

  it('confirming before starting says to start', async () => {
    const c = await t.as('teacher_a2');
    const res = await c.post('/api/me/mfa/enrollment/confirm', { code: '123456' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MFA_ENROLLMENT_NOT_STARTED');
  });

  it('401 without a session', async () => {
    for (const [method, path] of [
      ['GET', '/api/me/mfa'],
      ['POST', '/api/me/mfa/enrollment'],
      ['POST', '/api/me/mfa/disable'],
      ['POST', '/api/me/mfa/recovery-codes'],
    ])
      expect((await t.anon().request(method, path, method === 'POST' ? {} : undefined)).status).toBe(401);
  });
});

describe('two-step sign-in', () => {
  it('password gives a pending state, not a session; the code gives the session', async () => {
    const { res, pending } = await passwordStep('city_admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'mfa_required', methods: ['totp', 'recovery_code'] });
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('qm_session='))).toBe(false);
    const pendingCookie = cookies.find((c) => c.startsWith(`${MFA_PENDING_COOKIE}=`))!;
    expect(pendingCookie).toMatch(/HttpOnly/i);
    expect(pendingCookie).toMatch(/SameSite=Strict/i);
    expect(pendingCookie).toMatch(/Path=\/api\/auth/i);

    // the pending state cannot be used as a session, not even under the session cookie's name
    expect((await pending.get('/api/me')).status).toBe(401);
    const disguised = t.anon();
    disguised.cookie = `qm_session=${pending.cookie!.split('=')[1]}`;
    expect((await disguised.get('/api/me')).status).toBe(401);

    await forgetLastStep('city_admin');
    const ok = await pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) });
    expect(ok.status).toBe(200);
    expect(ok.body.username).toBe('city_admin');
    expect(ok.body.mfaEnabled).toBe(true);
    const session = t.anon();
    session.cookie = cookieFrom(ok, 'qm_session');
    expect((await session.get('/api/me')).status).toBe(200);
    const login = await t.ctx.db
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'auth.login')
      .where('target_id', '=', t.world.users.cityAdmin)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(login.summary).toMatchObject({ firstFactor: 'password', secondFactor: 'totp' });

    // the pending cookie is used up
    const reuse = await pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET, 1) });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('MFA_CHALLENGE_EXPIRED');
  });

  it('the same code is refused a second time (replay), also with a fresh password step', async () => {
    await forgetLastStep('d1_admin');
    const code = codeFor(WORLD_TOTP_SECRET);
    const first = await passwordStep('d1_admin');
    expect((await first.pending.post('/api/auth/mfa', { method: 'totp', code })).status).toBe(200);
    const second = await passwordStep('d1_admin');
    const failures = await audits('mfa.verify', 'failure', t.world.users.d1Admin);
    const replay = await second.pending.post('/api/auth/mfa', { method: 'totp', code });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('MFA_CODE_REUSED');
    expect(await audits('mfa.verify', 'failure', t.world.users.d1Admin)).toBe(failures + 1);
    // an older code (one step back) is a replay too once a newer one was used
    expect((await second.pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET, -1) })).body.error.code).toBe(
      'MFA_CODE_REUSED',
    );
    // the next step's code (clock drift allowance) still works
    expect((await second.pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET, 1) })).status).toBe(200);
  });

  it('wrong, malformed, missing and expired: a clear error each, no session', async () => {
    const { pending } = await passwordStep('d2_admin');
    const wrong = await pending.post('/api/auth/mfa', {
      method: 'totp',
      code: String((Number(codeFor(WORLD_TOTP_SECRET)) + 7) % 1e6).padStart(6, '0'),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('MFA_CODE_INVALID');
    expect(wrong.body.error.details.remainingAttempts).toBe(4);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith('qm_session='))).toBe(false);

    const malformed = await pending.post('/api/auth/mfa', { method: 'totp', code: '12 34' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    const badMethod = await pending.post('/api/auth/mfa', { method: 'sms', code: '123456' });
    expect(badMethod.body.error.code).toBe('VALIDATION_FAILED');
    const badRecovery = await pending.post('/api/auth/mfa', { method: 'recovery_code', code: 'short' });
    expect(badRecovery.body.error.details.issues[0].message).toMatch(/恢复码/);

    const none = await t.anon().post('/api/auth/mfa', { method: 'totp', code: '123456' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('MFA_CHALLENGE_EXPIRED');

    await sql`UPDATE login_challenges SET expires_at = now() - interval '1 second'`.execute(t.ctx.db);
    await forgetLastStep('d2_admin');
    const expired = await pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('MFA_CHALLENGE_EXPIRED');
  });

  it('the second step needs the CSRF header or a same-origin Origin, like every cookie mutation', async () => {
    const { pending } = await passwordStep('d2_admin');
    await forgetLastStep('d2_admin');
    const body = { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) };
    const crossSite = await pending.request('POST', '/api/auth/mfa', body, { 'x-requested-with': '', origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('CSRF_REJECTED');
    const nullOrigin = await pending.request('POST', '/api/auth/mfa', body, { 'x-requested-with': '', origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect((await pending.post('/api/auth/mfa', body)).status).toBe(200);
  });

  it('wrong codes are rate limited per account: the sixth answer is 429 even with the right code', async () => {
    const { pending } = await passwordStep('audit_admin');
    for (let i = 0; i < 5; i++) {
      const res = await pending.post('/api/auth/mfa', {
        method: 'totp',
        code: String((Number(codeFor(WORLD_TOTP_SECRET)) + 11 + i) % 1e6).padStart(6, '0'),
      });
      expect(res.body.error.code).toBe('MFA_CODE_INVALID');
    }
    await forgetLastStep('audit_admin');
    const limited = await pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // the limit is shared by every server on the database
    const b = await t.secondInstance();
    const viaB = b.anon();
    viaB.cookie = pending.cookie;
    expect((await viaB.post('/api/auth/mfa', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) })).status).toBe(429);
    await b.close();
    await t.ctx.db.deleteFrom('rate_limit_counters').where('bucket', '=', 'mfa:user').execute();
  });
});

describe('recovery codes', () => {
  it('sign in with a recovery code once; it is spent; the rest still count', async () => {
    const id = t.world.users.secAdmin;
    const used = await audits('mfa.recovery_code_used', 'success', id);
    const { pending } = await passwordStep('sec_admin');
    const ok = await pending.post('/api/auth/mfa', {
      method: 'recovery_code',
      code: WORLD_RECOVERY_CODES[0].toUpperCase().replace('-', ' '),
    });
    expect(ok.status).toBe(200);
    expect(await audits('mfa.recovery_code_used', 'success', id)).toBe(used + 1);
    const again = await passwordStep('sec_admin');
    const spent = await again.pending.post('/api/auth/mfa', { method: 'recovery_code', code: WORLD_RECOVERY_CODES[0] });
    expect(spent.status).toBe(400);
    expect(spent.body.error.code).toBe('MFA_RECOVERY_CODE_INVALID');
    const c = t.anon();
    c.cookie = cookieFrom(ok, 'qm_session');
    expect((await c.get('/api/me/mfa')).body.recoveryCodesLeft).toBe(WORLD_RECOVERY_CODES.length - 1);
  });

  it('regenerating needs a code, replaces every old code, and is audited', async () => {
    const c = await t.as('sys_admin');
    const bad = await c.post('/api/me/mfa/recovery-codes', { method: 'totp', code: '000000' });
    expect(bad.body.error.code).toMatch(/MFA_CODE_INVALID|MFA_CODE_REUSED/);
    await forgetLastStep('sys_admin');
    const res = await c.post('/api/me/mfa/recovery-codes', { method: 'totp', code: codeFor(WORLD_TOTP_SECRET) });
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(await audits('mfa.recovery_codes_regenerated', 'success', t.world.users.sysAdmin)).toBe(1);
    const old = await passwordStep('sys_admin');
    expect((await old.pending.post('/api/auth/mfa', { method: 'recovery_code', code: WORLD_RECOVERY_CODES[1] })).body.error.code).toBe(
      'MFA_RECOVERY_CODE_INVALID',
    );
    expect((await old.pending.post('/api/auth/mfa', { method: 'recovery_code', code: res.body.recoveryCodes[3] })).status).toBe(200);
  });
});

const unit = (id: string) => t.ctx.db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
/** A new account with one grant, signed in by password (no MFA yet). */
async function freshUser(username: string, role: string, scopeId: string): Promise<{ id: string; client: Client }> {
  const scope = await unit(scopeId);
  const u = await buildUser(f, { username, name: username, home: scope });
  await buildGrant(f, u.id, role, scope);
  const client = t.anon();
  const res = await client.post('/api/auth/login', { username, password: WORLD_PASSWORD });
  expect(res.status).toBe(200);
  client.cookie = cookieFrom(res, 'qm_session');
  return { id: u.id, client };
}

describe('disable', () => {
  it('a wrong code changes nothing; a right one turns it off, ends other sessions, and sign-in is one step again', async () => {
    const { id, client } = await freshUser('mfa_teacher', 'teacher', t.world.units.classA2);
    const { secret } = await enrol(client);
    const other = await passwordStep('mfa_teacher');
    await forgetLastStep('mfa_teacher');
    const otherOk = await other.pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(secret) });
    const otherSession = t.anon();
    otherSession.cookie = cookieFrom(otherOk, 'qm_session');

    const wrong = await client.post('/api/me/mfa/disable', {
      method: 'totp',
      code: String((Number(codeFor(secret)) + 3) % 1e6).padStart(6, '0'),
    });
    expect(wrong.status).toBe(400);
    expect((await client.get('/api/me/mfa')).body.enabled).toBe(true);
    const empty = await client.post('/api/me/mfa/disable', {});
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');

    await forgetLastStep('mfa_teacher');
    expect((await client.post('/api/me/mfa/disable', { method: 'totp', code: codeFor(secret) })).status).toBe(204);
    expect(await audits('mfa.disable', 'success', id)).toBe(1);
    expect((await client.get('/api/me/mfa')).body).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await otherSession.get('/api/me')).status).toBe(401);
    const again = await t.anon().post('/api/auth/login', { username: 'mfa_teacher', password: WORLD_PASSWORD });
    expect(again.body.username).toBe('mfa_teacher');
    const off = await client.post('/api/me/mfa/disable', { method: 'totp', code: codeFor(secret, 1) });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('MFA_NOT_ENABLED');
  });

  it('another user cannot touch my MFA: /api/me/mfa acts on the caller only', async () => {
    // teacher_a1 enrolled above; teacher_a2 (no MFA) tries to use a1's secret and codes
    const a2 = await t.as('teacher_a2');
    const res = await a2.post('/api/me/mfa/disable', { method: 'totp', code: '123456' });
    expect(res.body.error.code).toBe('MFA_NOT_ENABLED');
    expect(
      await t.ctx.db.selectFrom('user_mfa').select('enabled_at').where('user_id', '=', t.world.users.teacherA1).executeTakeFirstOrThrow(),
    ).toMatchObject({ enabled_at: expect.anything() });
  });
});

describe('mandatory for bureau administrators and the three security administrators', () => {
  const cases: [string, string, () => string][] = [
    ['bureau_admin', 'mfa_bureau', () => t.world.units.d1],
    ['sys_admin', 'mfa_sys', () => t.world.units.province],
    ['sec_admin', 'mfa_sec', () => t.world.units.province],
    ['audit_admin', 'mfa_audit', () => t.world.units.province],
  ];
  for (const [role, username, scope] of cases) {
    it(`${role}: after the password, nothing but enrolment until enrolled`, async () => {
      const { client } = await freshUser(username, role, scope());
      const me = (await client.get('/api/me')).body;
      expect(me).toMatchObject({ mfaRequired: true, mfaEnabled: false, mfaEnrollmentRequired: true });
      // every route that is not about the session or enrolment is refused with the same stable code
      const refused: string[] = [];
      for (const r of t.routes) {
        const access = r.access as { public?: boolean; allowMfaEnrollment?: boolean };
        if (access.public || access.allowMfaEnrollment) continue;
        const path = r.url.replace(/:(\w+)/g, () => crypto.randomUUID());
        const res = await client.request(r.method, path, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
        if (res.status !== 403 || res.body.error?.code !== 'MFA_ENROLLMENT_REQUIRED') refused.push(`${r.method} ${r.url} → ${res.status}`);
      }
      expect(refused).toEqual([]);
      expect((await client.get('/api/me/mfa')).body).toMatchObject({ enabled: false, required: true });

      const { secret } = await enrol(client);
      expect((await client.get('/api/me')).body.mfaEnrollmentRequired).toBe(false);
      expect((await client.get('/api/me/home')).status).toBe(200);
      // from now on, sign-in takes two steps
      const next = await passwordStep(username);
      expect(next.res.body.status).toBe('mfa_required');
      expect((await next.pending.post('/api/auth/mfa', { method: 'totp', code: codeFor(secret, 1) })).status).toBe(200);
    });
  }

  it('a user who must also change the password does that first, then enrols', async () => {
    const scope = await unit(t.world.units.d2);
    const u = await buildUser(f, { username: 'mfa_new_admin', name: '新管理员', home: scope, mustChangePassword: true });
    await buildGrant(f, u.id, 'bureau_admin', scope);
    const c = t.anon();
    const res = await c.post('/api/auth/login', { username: 'mfa_new_admin', password: WORLD_PASSWORD });
    c.cookie = cookieFrom(res, 'qm_session');
    expect(res.body).toMatchObject({ mustChangePassword: true, mfaEnrollmentRequired: true });
    expect((await c.post('/api/me/mfa/enrollment')).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await c.post('/api/me/password', { currentPassword: WORLD_PASSWORD, newPassword: 'Good#Passw0rd' })).status).toBe(204);
    expect((await c.get('/api/me/home')).body.error.code).toBe('MFA_ENROLLMENT_REQUIRED');
    expect((await c.post('/api/me/mfa/enrollment')).status).toBe(200);
  });
});

describe('administrator reset (lost phone)', () => {
  it('401 without a session, 403 without the permission, 404 for an account of another school', async () => {
    const target = t.world.users.teacherA1;
    expect((await t.anon().post(`/api/users/${target}/mfa/reset`)).status).toBe(401);
    expect((await (await t.as('teacher_a2')).post(`/api/users/${target}/mfa/reset`)).status).toBe(403);
    expect((await (await t.as('x_admin')).post(`/api/users/${target}/mfa/reset`)).status).toBe(404);
    expect(await t.ctx.db.selectFrom('user_mfa').select('user_id').where('user_id', '=', target).executeTakeFirst()).toBeTruthy();
  });

  it('the school administrator resets it: sessions end, audited, next sign-in by password; not twice, not oneself', async () => {
    const target = t.world.users.teacherA1;
    const admin = await t.as('a_admin');
    const users = await admin.get('/api/users?q=teacher_a1');
    expect(users.body.items[0]).toMatchObject({ username: 'teacher_a1', mfaEnabled: true });
    const sessionsBefore = await t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', target)
      .where('revoked_at', 'is', null)
      .execute();
    expect(sessionsBefore.length).toBeGreaterThan(0);
    expect((await admin.post(`/api/users/${target}/mfa/reset`)).status).toBe(204);
    expect(await audits('mfa.reset', 'success', target)).toBe(1);
    expect(
      await t.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', target).where('revoked_at', 'is', null).execute(),
    ).toEqual([]);
    expect(await t.ctx.db.selectFrom('mfa_recovery_codes').select('user_id').where('user_id', '=', target).execute()).toEqual([]);
    const login = await t.anon().post('/api/auth/login', { username: 'teacher_a1', password: WORLD_PASSWORD });
    expect(login.body.username).toBe('teacher_a1');
    expect((await admin.get('/api/users?q=teacher_a1')).body.items[0].mfaEnabled).toBe(false);

    const twice = await admin.post(`/api/users/${target}/mfa/reset`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('MFA_NOT_ENABLED');
    const sec = await t.as('sec_admin');
    const self = await sec.post(`/api/users/${t.world.users.secAdmin}/mfa/reset`);
    expect(self.status).toBe(403);
  });
});

describe('time steps', () => {
  it('the replay mark is the step of the last accepted code', async () => {
    // sign in here, so the check does not depend on how long the file's earlier tests took
    const before = Date.now();
    await t.as('d1_admin');
    const after = Date.now();
    const row = await t.ctx.db
      .selectFrom('user_mfa')
      .select('last_used_step')
      .where('user_id', '=', t.world.users.d1Admin)
      .executeTakeFirstOrThrow();
    expect(Number(row.last_used_step)).toBeGreaterThanOrEqual(timeStep(before));
    expect(Number(row.last_used_step)).toBeLessThanOrEqual(timeStep(after));
  });
});
