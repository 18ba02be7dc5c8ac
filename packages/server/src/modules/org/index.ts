import { registerScopeResolver } from '../../core/access/access.ts';

export { orgRoutes } from './org.routes.ts';
export { seedDemo } from './demo/seed-demo.ts';
export { commitImport, exportRoster, failStalledImports, getImportJob, importRoster } from './roster/index.ts';

registerScopeResolver('org', async (db, id) => {
  const u = await db.selectFrom('org_units').select('path').where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  return u ? { path: u.path } : null;
});

registerScopeResolver('student', async (db, id) => {
  const st = await db
    .selectFrom('students as st')
    .leftJoin('org_units as c', 'c.id', 'st.class_id')
    .innerJoin('org_units as s', 's.id', 'st.school_id')
    .select(['st.user_id', 'c.path as class_path', 's.path as school_path'])
    .where('st.user_id', '=', id)
    .executeTakeFirst();
  if (!st) return null;
  const guardians = await db.selectFrom('guardianships').select('parent_id').where('student_id', '=', id).execute();
  return { path: st.class_path ?? st.school_path, studentId: st.user_id, guardianIds: guardians.map((g) => g.parent_id) };
});

registerScopeResolver('user', async (db, id) => {
  const u = await db
    .selectFrom('users as u')
    .leftJoin('org_units as o', 'o.id', 'u.home_org_id')
    .select(['u.id', 'o.path'])
    .where('u.id', '=', id)
    .executeTakeFirst();
  // an account with no home unit (platform administrators) sits at the root: only whole-platform grants reach it
  return u ? { path: u.path ?? '/', userId: u.id } : null;
});
