import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAudit } from '../../core/audit/audit.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // some activity to audit
  const a = await t.as('a_admin');
  await a.post(`/api/schools/${t.world.units.schoolA}/classes`, { gradeLevel: 1, classNo: 7, entryYear: 2026 });
  await t.anon().post('/api/auth/login', { username: 'a_admin', password: 'wrong-password' });
});
afterAll(async () => {
  await t?.close();
});

describe('audit log (三员分立)', () => {
  it('only the audit administrator reads it: the system and security administrators get 403', async () => {
    for (const who of ['sys_admin', 'sec_admin', 'a_admin']) {
      const c = await t.as(who);
      expect((await c.get('/api/audit')).status).toBe(403);
      expect((await c.post('/api/audit/verify')).status).toBe(403);
    }
  });

  it('the audit administrator cannot manage accounts, grants or policy', async () => {
    const c = await t.as('audit_admin');
    expect((await c.get('/api/users')).status).toBe(403);
    expect((await c.put('/api/security/policy', {})).status).toBe(403);
    expect((await c.post(`/api/users/${t.world.users.teacherA1}/reset-password`)).status).toBe(403);
  });

  it('searches by action and outcome: sign-in failures carry the username, IP and reason', async () => {
    const c = await t.as('audit_admin');
    const res = await c.get('/api/audit?action=auth.login&outcome=failure');
    expect(res.status).toBe(200);
    const rec = res.body.items.find((r: { summary: { username?: string } }) => r.summary.username === 'a_admin');
    expect(rec).toMatchObject({ outcome: 'failure', ip: '127.0.0.1', targetId: t.world.users.aAdmin });
    expect(rec.summary.reason).toBe('bad_password');
    const created = await c.get('/api/audit?action=org.class.create');
    expect(created.body.items[0]).toMatchObject({ actorName: 'a_admin', actorRole: 'school_admin', scopeId: t.world.units.schoolA });
    expect(created.body.items[0].summary).toMatchObject({ name: '一年级(7)班' });
    expect((await c.get('/api/audit?from=not-a-date')).status).toBe(400);
  });

  it('exports the log to .xlsx with Chinese headers, and audits the export', async () => {
    const c = await t.as('audit_admin');
    const res = await c.get('/api/audit/export?action=org.');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('审计日志')!;
    expect(ws.getRow(1).getCell(6).value).toBe('操作');
    expect(ws.getRow(2).getCell(6).value).toBe('org.class.create');
    const exported = await c.get('/api/audit?action=audit.export');
    expect(exported.body.total).toBe(1);
  });

  it('verifies an intact chain', async () => {
    const c = await t.as('audit_admin');
    const res = await c.post('/api/audit/verify');
    expect(res.body).toMatchObject({ ok: true, algorithm: 'hmac-sm3', firstBrokenId: null });
    expect(res.body.checked).toBeGreaterThan(5);
  });

  it('the table is append-only: UPDATE and DELETE are refused by the database', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });

  it('detects an edited record, a deleted record and a truncated tail', async () => {
    const c = await t.as('audit_admin');
    const tamper = async (stmt: ReturnType<typeof sql>) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(t.ctx.db);
      try {
        await stmt.execute(t.ctx.db);
      } finally {
        await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(t.ctx.db);
      }
    };
    const victim = await t.ctx.db
      .selectFrom('audit_log')
      .select(['id', 'seq', 'summary'])
      .where('action', '=', 'org.class.create')
      .executeTakeFirstOrThrow();

    await tamper(sql`UPDATE audit_log SET summary = '{"name":"篡改"}'::jsonb WHERE id = ${victim.id}`);
    let res = await c.post('/api/audit/verify');
    expect(res.body).toMatchObject({ ok: false, firstBrokenId: victim.id, reason: '记录内容被修改' });
    await tamper(sql`UPDATE audit_log SET summary = ${JSON.stringify(victim.summary)}::jsonb WHERE id = ${victim.id}`);
    expect((await c.post('/api/audit/verify')).body.ok).toBe(true);

    const saved = await t.ctx.db.selectFrom('audit_log').selectAll().where('id', '=', victim.id).executeTakeFirstOrThrow();
    await tamper(sql`DELETE FROM audit_log WHERE id = ${victim.id}`);
    res = await c.post('/api/audit/verify');
    expect(res.body.ok).toBe(false);
    expect(res.body.reason).toMatch(/删除/);
    await tamper(
      sql`INSERT INTO audit_log SELECT ${saved.seq}, ${saved.id}::uuid, ${saved.at}, ${saved.actor_id}::uuid, ${saved.actor_name}, ${saved.actor_role}, ${saved.scope_id}::uuid, ${saved.ip}, ${saved.action}, ${saved.outcome}, ${saved.target_type}, ${saved.target_id}, ${JSON.stringify(saved.summary)}::jsonb, ${saved.prev_hash}, ${saved.hash}`,
    );
    expect((await c.post('/api/audit/verify')).body.ok).toBe(true);

    const last = await t.ctx.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await tamper(sql`DELETE FROM audit_log WHERE seq = ${last.seq}`);
    res = await c.post('/api/audit/verify');
    expect(res.body.ok).toBe(false);
    expect(res.body.reason).toMatch(/链尾/);
  });
});

describe('retention', () => {
  it('never purges records younger than 180 days, whatever is asked', async () => {
    const before = await t.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(await purgeAudit(t.ctx.db, 1)).toBe(0);
    const after = await t.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('the security administrator cannot set retention under 180 days', async () => {
    const c = await t.as('sec_admin');
    const policy = (await c.get('/api/security/policy')).body;
    const res = await c.put('/api/security/policy', { ...policy, auditRetentionDays: 30 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].message).toMatch(/180/);
    const ok = await c.put('/api/security/policy', { ...policy, auditRetentionDays: 365, lockoutThreshold: 3 });
    expect(ok.status).toBe(200);
    expect((await c.get('/api/security/policy')).body).toMatchObject({ auditRetentionDays: 365, lockoutThreshold: 3 });
  });
});
