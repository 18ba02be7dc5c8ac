import {
  generateTemporaryPassword,
  IMPORT_STATUSES,
  type TCommitImportRequest,
  type TImportJob,
  type TImportStatus,
  type TRosterKind,
} from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { withTransaction } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { hashPassword } from '../../identity/index.ts';
import type { WriteContext } from './roster-accounts.ts';
import { getImportJob, getRosterSchool, openRows, type JobLogger } from './roster-import.ts';
import { writeBatch } from './roster-write.ts';
import * as repo from './roster.repository.ts';

/** Jobs with up to this many rows to write are committed within the request; larger ones after responding. */
export const INLINE_COMMIT_ROWS = 5000;
/**
 * Imports of this many rows refresh the planner statistics of the tables they fill, at the end and
 * each time the rows written since the last refresh reach this many or as many as before (5k, 10k,
 * 20k, …): a bulk lookup planned on stale statistics scans the whole table.
 */
const ANALYZE_AFTER_ROWS = 5000;

export type CommitOptions = {
  /** true: respond once the job is importing and write after; 'auto': so above INLINE_COMMIT_ROWS rows. */
  background?: boolean | 'auto';
  log?: JobLogger;
};

/** The job, and for its creator the one temporary password of the accounts it creates. */
export type CommitResult = TImportJob & { temporaryPassword?: string };

const STATE_MESSAGES: Record<TImportStatus, string> = {
  validating: '文件仍在校验中，请稍候再导入',
  validated: '',
  importing: '该导入任务正在导入，不能重复提交',
  done: '该导入任务已经导入完成，不能重复提交',
  failed: '该导入任务已失败，请重新上传文件',
};

/**
 * Commits a validated import. The job row is locked and moved to `importing` first, so a second
 * commit of the same job is refused (IMPORT_STATE_INVALID) and cannot write twice. Then each
 * chunk of valid rows is written in its own transaction together with the job's counters: a
 * failure leaves no half-written batch, and the job says `failed` with the reason (batches before
 * it stay written; importing the same file again completes it, since existing people are updated).
 * Every new account of the job shares one temporary password, hashed once, that must be changed
 * at first sign-in; it is returned to the job's creator in this response only.
 */
export async function commitImport(
  ctx: AuthedContext,
  jobId: string,
  mode: TCommitImportRequest['mode'],
  opts: CommitOptions = {},
): Promise<CommitResult> {
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const { job, chunks } = await withTransaction(ctx.db, async (tx) => {
    const job = await repo.lockJob(tx, jobId);
    if (!job) throw new AppError('NOT_FOUND', { message: '未找到该导入任务，或您无权查看' });
    if (job.status !== 'validated') {
      const status = (IMPORT_STATUSES as readonly string[]).includes(job.status) ? (job.status as TImportStatus) : 'failed';
      throw new AppError('IMPORT_STATE_INVALID', { message: STATE_MESSAGES[status], details: { status: job.status } });
    }
    const errorCount = Number(job.error_count);
    if (mode === 'all' && errorCount > 0) {
      throw new AppError('IMPORT_HAS_ERRORS', {
        message: `文件中还有 ${errorCount} 处错误，请修正后重新上传，或选择只导入无误的行`,
        details: { errorCount },
      });
    }
    await repo.startCommit(tx, jobId, job.total_rows - job.valid_rows);
    return { job, chunks: await repo.listChunks(tx, jobId) };
  });
  const isCreator = job.created_by === ctx.actor.userId;
  const run = writeJob(ctx, { id: job.id, kind: job.kind as TRosterKind, schoolId: job.school_id, mode }, chunks, passwordHash);
  const background = opts.background === 'auto' ? job.valid_rows > INLINE_COMMIT_ROWS : !!opts.background;
  let createdAccounts: boolean;
  if (background) {
    run.catch((err: unknown) => opts.log?.error({ err, jobId }, 'roster import failed'));
    createdAccounts = chunks.some((c) => c.new_accounts > 0);
  } else {
    const outcome = await run;
    if (outcome.error) opts.log?.error({ err: outcome.error, jobId }, 'roster import failed');
    createdAccounts = outcome.accounts > 0;
  }
  const view = await getImportJob(ctx, jobId);
  return isCreator && createdAccounts ? { ...view, temporaryPassword } : view;
}

type JobRef = { id: string; kind: TRosterKind; schoolId: string; mode: string };

async function writeJob(
  ctx: AuthedContext,
  job: JobRef,
  chunks: { seq: number }[],
  passwordHash: string,
): Promise<{ accounts: number; error?: unknown }> {
  const totals = { created: 0, updated: 0, accounts: 0 };
  let batchRows = '';
  try {
    const school = await getRosterSchool(ctx.db, job.schoolId);
    const w: WriteContext = {
      ctx,
      schoolId: school.id,
      schoolCode: school.code ?? school.id.slice(0, 8),
      passwordHash,
      classes: new Map((await repo.listSchoolClasses(ctx.db, school)).map((c) => [c.id, { id: c.id, path: c.path }])),
    };
    let analyzedAt = 0;
    // what grows the tables: updates leave their statistics as they were
    const written = () => totals.created;
    for (const c of chunks) {
      if (written() - analyzedAt >= Math.max(ANALYZE_AFTER_ROWS, analyzedAt)) {
        await repo.analyzeRosterTables(ctx.db).catch(() => {});
        analyzedAt = written();
      }
      const { data } = await repo.readChunk(ctx.db, job.id, c.seq);
      const rows = openRows(ctx.cipher, data);
      batchRows = `第 ${rows[0].row}–${rows.at(-1)!.row} 行`;
      await withTransaction(ctx.db, async (tx) => {
        const r = await writeBatch(job.kind, tx, w, rows);
        await repo.addCommitProgress(tx, job.id, { processed: rows.length, created: r.created, updated: r.updated });
        totals.created += r.created;
        totals.updated += r.updated;
        totals.accounts += r.accounts;
      });
      batchRows = '';
    }
    await withTransaction(ctx.db, async (tx) => {
      await repo.deleteChunks(tx, job.id);
      await repo.finishJob(tx, job.id, { status: 'done' });
      await recordAudit(tx, ctx, {
        action: 'roster.import.commit',
        targetType: 'import_job',
        targetId: job.id,
        scopeId: job.schoolId,
        summary: { kind: job.kind, mode: job.mode, created: totals.created, updated: totals.updated, newAccounts: totals.accounts },
      });
    });
    if (written() >= ANALYZE_AFTER_ROWS) await repo.analyzeRosterTables(ctx.db).catch(() => {});
    return { accounts: totals.accounts };
  } catch (err) {
    const reason =
      err instanceof AppError
        ? err.message
        : (err as { code?: string }).code === '23505'
          ? '数据在校验之后被修改（学号、身份证号或用户名已被占用），请重新上传文件'
          : '写入数据库时出错';
    const failureMessage = `${batchRows ? `导入${batchRows}时失败，这一批未写入，之前的批次已导入` : '导入失败'}：${reason}`;
    await withTransaction(ctx.db, async (tx) => {
      await repo.deleteChunks(tx, job.id);
      await repo.finishJob(tx, job.id, { status: 'failed', failureMessage });
      await recordAudit(tx, ctx, {
        action: 'roster.import.commit',
        outcome: 'failure',
        targetType: 'import_job',
        targetId: job.id,
        scopeId: job.schoolId,
        summary: {
          kind: job.kind,
          mode: job.mode,
          created: totals.created,
          updated: totals.updated,
          newAccounts: totals.accounts,
          failureMessage,
        },
      });
    });
    return { accounts: totals.accounts, error: err };
  }
}
