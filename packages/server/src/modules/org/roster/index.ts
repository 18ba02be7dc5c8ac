import { registerScopeResolver } from '../../../core/access/access.ts';

export { rosterRoutes } from './roster.routes.ts';
export { importRoster, getImportJob, MAX_IMPORT_ROWS, type ImportOptions } from './roster-import.ts';
export { commitImport, type CommitOptions, type CommitResult } from './roster-commit.ts';
export { exportRoster } from './roster-export.ts';
export { getRosterTemplate } from './roster-template.ts';

// an import job sits where its school sits
registerScopeResolver('import', async (db, id) => {
  const job = await db
    .selectFrom('import_jobs as j')
    .innerJoin('org_units as o', 'o.id', 'j.school_id')
    .select('o.path')
    .where('j.id', '=', id)
    .executeTakeFirst();
  return job ? { path: job.path } : null;
});
