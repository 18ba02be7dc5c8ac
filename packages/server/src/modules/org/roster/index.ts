import { registerScopeResolver } from '../../../core/access/access.ts';
import type { DbOrTx } from '../../../core/db/database.ts';
import { failStalledJobs } from './roster.repository.ts';

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

/** How long a running job may go without progress before it counts as interrupted. */
export const STALLED_IMPORT_MINUTES = 10;

/** Marks imports left running by a process that stopped as failed, so the uploader can retry. */
export async function failStalledImports(db: DbOrTx, staleMinutes = STALLED_IMPORT_MINUTES): Promise<number> {
  const failed = await failStalledJobs(
    db,
    staleMinutes,
    '导入在处理过程中中断（服务器重启或出错）。请重新上传同一文件：已导入的人员会被更新，不会重复。',
  );
  return failed.length;
}
