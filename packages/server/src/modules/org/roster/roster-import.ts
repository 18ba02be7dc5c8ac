import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { TImportJob, TImportRowError, TRosterKind } from '@qiming/shared';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { hash, type FieldCipher } from '../../../core/crypto/crypto.ts';
import { withTransaction, type DbOrTx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { findOrgUnit } from '../org.repository.ts';
import { CLASS_NAME_COLUMN, ROSTER_COLUMNS } from './roster-columns.ts';
import { assertXlsx, openRoster, type OpenedRoster } from './roster-parse.ts';
import { classIndex, createValidator, type RosterRecord } from './roster-validate.ts';
import { presentImportJob } from './roster.presenter.ts';
import * as repo from './roster.repository.ts';

/** Never more rows than this in one file. */
export const MAX_IMPORT_ROWS = 200_000;
/** Rows validated, stored and later committed together (one transaction per chunk at commit). */
export const CHUNK_ROWS = 1000;
/** Files up to this size are validated within the upload request; larger ones after responding. */
export const INLINE_VALIDATE_BYTES = 512 * 1024;

export type JobLogger = { error: (obj: object, msg?: string) => void };

export type ImportOptions = {
  fileName?: string;
  /** true: respond once the job exists and validate after; 'auto': so for files over INLINE_VALIDATE_BYTES. */
  background?: boolean | 'auto';
  maxRows?: number;
  chunkRows?: number;
  log?: JobLogger;
};

/** The school or teaching point a roster belongs to; anything else is not a roster's home. */
export async function getRosterSchool(db: DbOrTx, schoolId: string) {
  const school = await findOrgUnit(db, schoolId);
  if (!school || !['school', 'teaching_point'].includes(school.kind) || school.archived_at)
    throw new AppError('NOT_FOUND', { message: '未找到该学校，或您无权查看' });
  return school;
}

export async function getImportJob(ctx: Pick<AuthedContext, 'db'>, jobId: string): Promise<TImportJob> {
  const row = await repo.findJobView(ctx.db, jobId);
  if (!row) throw new AppError('NOT_FOUND', { message: '未找到该导入任务，或您无权查看' });
  return presentImportJob(row);
}

/** A chunk of validated rows as stored: compressed, then encrypted (it holds 身份证号 and phones). */
export const sealRows = (cipher: FieldCipher, rows: RosterRecord[]): string =>
  cipher.encrypt(gzipSync(JSON.stringify(rows)).toString('base64'));
export const openRows = (cipher: FieldCipher, data: string): RosterRecord[] =>
  JSON.parse(gunzipSync(Buffer.from(cipher.decrypt(data), 'base64')).toString('utf8')) as RosterRecord[];

const columnHeader = (kind: TRosterKind, headers: Record<string, string>, key: string) =>
  headers[key] ?? [...ROSTER_COLUMNS[kind], CLASS_NAME_COLUMN].find((c) => c.key === key)?.header ?? key;

/**
 * Uploads a roster file: checks it is a readable .xlsx with the right header (FILE_INVALID
 * otherwise, nothing written), creates the import job, then parses and validates every row,
 * storing the valid rows (encrypted, in chunks) and every error with its row and column.
 * Validation runs within the call, or after it returns when `background` says so; either way
 * `processedRows` shows the progress.
 */
export async function importRoster(
  ctx: AuthedContext,
  schoolId: string,
  kind: TRosterKind,
  file: Buffer,
  opts: ImportOptions = {},
): Promise<TImportJob> {
  const fileName = (opts.fileName ?? `${kind}.xlsx`).slice(0, 200);
  const school = await getRosterSchool(ctx.db, schoolId);
  assertXlsx(file, fileName);
  const opened = await openRoster(file, kind);
  const jobId = randomUUID();
  await withTransaction(ctx.db, async (tx) => {
    await repo.insertJob(tx, { id: jobId, schoolId: school.id, kind, fileName, fileHash: hash(file), createdBy: ctx.actor.userId });
    await recordAudit(tx, ctx, {
      action: 'roster.import.upload',
      targetType: 'import_job',
      targetId: jobId,
      scopeId: school.id,
      summary: { kind, fileName, bytes: file.length },
    });
  });
  const run = validateJob(ctx, school, kind, jobId, opened, opts);
  const background = opts.background === 'auto' ? file.length > INLINE_VALIDATE_BYTES : !!opts.background;
  if (background) {
    run.catch((err: unknown) => opts.log?.error({ err, jobId }, 'roster validation failed'));
  } else {
    await run;
  }
  return getImportJob(ctx, jobId);
}

async function validateJob(
  ctx: AuthedContext,
  school: { id: string; path: string },
  kind: TRosterKind,
  jobId: string,
  opened: OpenedRoster,
  opts: ImportOptions,
): Promise<void> {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS;
  const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
  try {
    const errors: TImportRowError[] = [];
    let chunkErrors: TImportRowError[] = [];
    const errored = new Set<number>();
    const validator = createValidator(kind, {
      db: ctx.db,
      cipher: ctx.cipher,
      school,
      classes: kind === 'students' ? classIndex(await repo.listSchoolClasses(ctx.db, school)) : new Map(),
      report: (row, column, code, message) => {
        errored.add(row);
        chunkErrors.push({ row, column: columnHeader(kind, opened.headers, column), code, message });
      },
      isValid: (row) => !errored.has(row),
    });
    let chunk: RosterRecord[] = [];
    let seq = 0;
    let total = 0;
    let valid = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const newAccounts = await validator.checkChunk(chunk);
      const good = chunk.filter((r) => !errored.has(r.row));
      if (good.length) {
        await repo.insertChunk(ctx.db, { jobId, seq: seq++, rowCount: good.length, newAccounts, data: sealRows(ctx.cipher, good) });
      }
      valid += good.length;
      errors.push(...chunkErrors.sort((a, b) => a.row - b.row));
      for (const r of chunk) errored.delete(r.row);
      chunk = [];
      chunkErrors = [];
      await repo.setJobProgress(ctx.db, jobId, total);
    };
    for await (const raw of opened.rows) {
      if (++total > maxRows) throw new AppError('FILE_TOO_LARGE', { message: `一个文件最多 ${maxRows} 行，请拆分后分批导入` });
      chunk.push(validator.checkRow(raw));
      if (chunk.length >= chunkRows) await flush();
    }
    await flush();
    await repo.finishValidation(ctx.db, jobId, { totalRows: total, validRows: valid, errors });
  } catch (err) {
    const message = err instanceof AppError ? err.message : '校验文件时出错，请检查文件后重新上传';
    // best effort: the original error is the one worth reporting
    await repo.deleteChunks(ctx.db, jobId).catch(() => {});
    await repo.finishJob(ctx.db, jobId, { status: 'failed', failureMessage: message }).catch(() => {});
    throw err;
  }
}
