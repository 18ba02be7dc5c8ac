import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('role grants (security administrator)', () => {
  it('only the security administrator grants roles', async () => {
    for (const who of ['sys_admin', 'audit_admin', 'city_admin', 'a_admin']) {
      const c = await t.as(who);
      expect(
        (await c.post('/api/grants', { userId: t.world.users.teacherB1, role: 'school_admin', scopeId: t.world.units.schoolB })).status,
      ).toBe(403);
    }
  });

  it('grants a role on a fitting unit, and the user can switch to it', async () => {
    const sec = await t.as('sec_admin');
    const wrongKind = await sec.post('/api/grants', { userId: t.world.users.teacherB1, role: 'school_admin', scopeId: t.world.units.d1 });
    expect(wrongKind.status).toBe(400);
    const res = await sec.post('/api/grants', { userId: t.world.users.teacherB1, role: 'school_admin', scopeId: t.world.units.schoolB });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'school_admin', scopeName: '市南区第二小学' });
    expect(
      (await sec.post('/api/grants', { userId: t.world.users.teacherB1, role: 'school_admin', scopeId: t.world.units.schoolB })).status,
    ).toBe(409);
    const teacher = await t.as('teacher_b1');
    expect((await teacher.get('/api/me')).body.roles).toContain('school_admin');
    expect((await teacher.post('/api/me/active-role', { role: 'school_admin' })).body.permissions).toContain('roster.manage');
    const list = await sec.get(`/api/grants?userId=${t.world.users.teacherB1}`);
    expect(list.body.map((g: { role: string }) => g.role)).toEqual(expect.arrayContaining(['teacher', 'school_admin']));
    expect((await sec.del(`/api/grants/${res.body.id}`)).status).toBe(204);
    expect((await teacher.get('/api/me')).body.roles).not.toContain('school_admin');
  });

  it('三员分立: one person cannot hold two of the three administrator roles', async () => {
    const sec = await t.as('sec_admin');
    const res = await sec.post('/api/grants', { userId: t.world.users.sysAdmin, role: 'audit_admin', scopeId: t.world.units.province });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/三员分立/);
  });

  it('lists users for granting without exposing the audit log', async () => {
    const sec = await t.as('sec_admin');
    const res = await sec.get('/api/users?q=teacher_a&pageSize=50');
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['teacher_a1', 'teacher_a2']);
    expect((await sec.get('/api/audit')).status).toBe(403);
  });

  it('a school admin lists only the accounts of its own school', async () => {
    const a = await t.as('b_admin');
    const names = (await a.get('/api/users?pageSize=200')).body.items.map((u: { username: string }) => u.username);
    expect(names).toContain('teacher_b1');
    expect(names).not.toContain('teacher_a1');
    expect(names).not.toContain('sys_admin');
  });
});
