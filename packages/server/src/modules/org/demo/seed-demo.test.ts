import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.ts';
import { pgliteDatabase, type Database } from '../../../core/db/database.ts';
import { migrateToLatest } from '../../../core/db/migrate.ts';
import { verifyAuditChain } from '../../../core/audit/audit.ts';
import { verifyPassword } from '../../identity/index.ts';
import { createAppContext } from '../../../server.ts';
import { seedDemo } from './seed-demo.ts';

const KEY = 'demo-seed-test-key-0123456789';
let database: Database;
let ctx: ReturnType<typeof createAppContext>;
let result: Awaited<ReturnType<typeof seedDemo>>;

beforeAll(async () => {
  database = pgliteDatabase(await PGlite.create());
  await migrateToLatest(database.db);
  ctx = createAppContext(database, { ...loadConfig({}, { dotEnv: false }), secretKey: KEY });
  result = await seedDemo(ctx, 'Demo#Pass2026');
}, 60_000);
afterAll(async () => {
  await database?.close();
});

describe('demo region seed', () => {
  it('fills an empty database with the demo region, and is audited', async () => {
    expect(result!.users).toBeGreaterThan(6000);
    const count = async (kind: string) =>
      Number(
        (
          await database.db
            .selectFrom('org_units')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('kind', '=', kind)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('district')).toBe(3);
    expect(await count('school')).toBe(12);
    expect(await count('teaching_point')).toBe(6);
    const central = await database.db
      .selectFrom('org_units')
      .select('id')
      .where('kind', '=', 'school')
      .where('is_central', '=', true)
      .execute();
    expect(central).toHaveLength(3);
    expect((await verifyAuditChain(database.db, KEY)).ok).toBe(true);
  });

  it('gives every highlighted account its role, the demo password, and a forced change', async () => {
    for (const a of result!.accounts) {
      const u = await database.db
        .selectFrom('users')
        .select(['id', 'password_hash', 'must_change_password'])
        .where('username', '=', a.username)
        .executeTakeFirstOrThrow();
      const roles = (await database.db.selectFrom('role_grants').select('role').where('user_id', '=', u.id).execute()).map((g) => g.role);
      expect(roles, a.username).toContain(a.role);
      expect(u.must_change_password).toBe(true);
    }
    const one = await database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'city_admin')
      .executeTakeFirstOrThrow();
    expect(await verifyPassword(one.password_hash, 'Demo#Pass2026')).toBe(true);
  });

  it('stores 身份证号 encrypted, readable with the key', async () => {
    const s = await database.db
      .selectFrom('users as u')
      .innerJoin('students as st', 'st.user_id', 'u.id')
      .select(['u.id_card_enc', 'st.birth_date'])
      .limit(1)
      .executeTakeFirstOrThrow();
    const idCard = ctx.cipher.decrypt(s.id_card_enc!);
    expect(idCard).toMatch(/^\d{17}[\dX]$/);
    expect(idCard.slice(6, 14)).toBe(s.birth_date!.replaceAll('-', ''));
  });

  it('does nothing on a database that already has data', async () => {
    expect(await seedDemo(ctx, 'x')).toBeNull();
  });
});
