import { randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { DbOrTx, Tx } from '../../../core/db/database.ts';
import type { DB } from '../../../core/db/schema.ts';

/** Rows per INSERT statement where rows go as parameters (tables with array columns). */
const INSERT_BATCH = 500;
/** Rows per INSERT … SELECT FROM unnest(…): one array parameter per column, however many rows. */
const UNNEST_BATCH = 5000;
/** Values per `= any(…)` lookup. */
const LOOKUP_BATCH = 5000;
/** How many errors a job view carries; the job keeps all of them and reports the full count. */
export const ERRORS_SHOWN = 1000;

/** Column types of the tables a commit fills in bulk, for unnest's typed arrays. */
const COLUMN_TYPES = {
  users: {
    id: 'uuid',
    username: 'text',
    display_name: 'text',
    gender: 'text',
    password_hash: 'text',
    must_change_password: 'boolean',
    id_card_enc: 'text',
    id_card_bidx: 'text',
    phone_enc: 'text',
    phone_bidx: 'text',
    home_org_id: 'uuid',
    password_changed_at: 'timestamptz',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  students: { user_id: 'uuid', school_id: 'uuid', class_id: 'uuid', student_no: 'text', birth_date: 'date' },
  role_grants: {
    id: 'uuid',
    user_id: 'uuid',
    role: 'text',
    scope_id: 'uuid',
    scope_path: 'text',
    subject: 'text',
    granted_by: 'uuid',
    created_at: 'timestamptz',
  },
  student_class_history: { id: 'uuid', student_id: 'uuid', class_id: 'uuid', started_at: 'timestamptz', reason: 'text' },
  guardianships: { parent_id: 'uuid', student_id: 'uuid', relation: 'text', is_primary: 'boolean', created_at: 'timestamptz' },
} as const;
type BulkTable = keyof typeof COLUMN_TYPES;

/**
 * Inserts many rows with one array parameter per column (`INSERT … SELECT * FROM unnest(…)`):
 * thousands of rows cost a handful of parameters instead of one per cell.
 */
export async function insertMany<T extends BulkTable>(
  tx: DbOrTx,
  table: T,
  rows: Insertable<DB[T]>[],
  opts: { ignoreDuplicates?: boolean } = {},
): Promise<void> {
  const columns = Object.entries(COLUMN_TYPES[table]) as [string, string][];
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    const batch = rows.slice(i, i + UNNEST_BATCH) as Record<string, unknown>[];
    const arrays = columns.map(([name, type]) => sql`${batch.map((r) => r[name] ?? null)}::${sql.raw(type)}[]`);
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))})
      SELECT * FROM unnest(${sql.join(arrays)}) ${opts.ignoreDuplicates ? sql`ON CONFLICT DO NOTHING` : sql``}`.execute(tx);
  }
}

async function lookupMany<T>(values: string[], fn: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(values)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += LOOKUP_BATCH) out.push(...(await fn(unique.slice(i, i + LOOKUP_BATCH))));
  return out;
}

/** `column = any($1)`: one array parameter, however many values. */
const anyOf = (values: string[]) => sql<string>`any(${values}::text[])`;

// ---- jobs

export const insertJob = (
  tx: Tx,
  job: { id: string; schoolId: string; kind: string; fileName: string; fileHash: string; createdBy: string },
) =>
  tx
    .insertInto('import_jobs')
    .values({
      id: job.id,
      school_id: job.schoolId,
      kind: job.kind,
      status: 'validating',
      file_name: job.fileName,
      file_hash: job.fileHash,
      created_by: job.createdBy,
      created_at: new Date(),
    })
    .execute();

/** A job as the API shows it: counts, and the first errors (all are kept in the row). */
export const findJobView = (db: DbOrTx, id: string) =>
  db
    .selectFrom('import_jobs')
    .select([
      'id',
      'school_id',
      'kind',
      'status',
      'file_name',
      'total_rows',
      'valid_rows',
      'processed_rows',
      'created_rows',
      'updated_rows',
      'failure_message',
      'created_by',
      'created_at',
      'finished_at',
      sql<number>`jsonb_array_length(errors)`.as('error_count'),
      sql<unknown[]>`jsonb_path_query_array(errors, ${`$[0 to ${ERRORS_SHOWN - 1}]`}::jsonpath)`.as('errors'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
export type JobView = NonNullable<Awaited<ReturnType<typeof findJobView>>>;

export const lockJob = (tx: Tx, id: string) =>
  tx
    .selectFrom('import_jobs')
    .select([
      'id',
      'school_id',
      'kind',
      'status',
      'total_rows',
      'valid_rows',
      'created_by',
      sql<number>`jsonb_array_length(errors)`.as('error_count'),
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export const setJobProgress = (db: DbOrTx, id: string, processedRows: number) =>
  db.updateTable('import_jobs').set({ processed_rows: processedRows, updated_at: new Date() }).where('id', '=', id).execute();

export const finishValidation = (db: DbOrTx, id: string, r: { totalRows: number; validRows: number; errors: unknown[] }) =>
  db
    .updateTable('import_jobs')
    .set({
      status: 'validated',
      total_rows: r.totalRows,
      valid_rows: r.validRows,
      processed_rows: r.totalRows,
      errors: JSON.stringify(r.errors),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'validating')
    .execute();

export const startCommit = (tx: Tx, id: string, skippedRows: number) =>
  tx
    .updateTable('import_jobs')
    .set({ status: 'importing', processed_rows: skippedRows, created_rows: 0, updated_rows: 0, updated_at: new Date() })
    .where('id', '=', id)
    .execute();

export const addCommitProgress = (tx: Tx, id: string, r: { processed: number; created: number; updated: number }) =>
  tx
    .updateTable('import_jobs')
    .set((eb) => ({
      processed_rows: eb('processed_rows', '+', r.processed),
      created_rows: eb('created_rows', '+', r.created),
      updated_rows: eb('updated_rows', '+', r.updated),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .execute();

export const finishJob = (db: DbOrTx, id: string, r: { status: 'done' | 'failed'; failureMessage?: string | null }) =>
  db
    .updateTable('import_jobs')
    .set({ status: r.status, failure_message: r.failureMessage ?? null, finished_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .returning(['processed_rows', 'created_rows', 'updated_rows', 'valid_rows', 'total_rows'])
    .executeTakeFirstOrThrow();

export const insertChunk = (db: DbOrTx, c: { jobId: string; seq: number; rowCount: number; newAccounts: number; data: string }) =>
  db
    .insertInto('import_job_chunks')
    .values({ job_id: c.jobId, seq: c.seq, row_count: c.rowCount, new_accounts: c.newAccounts, data: c.data })
    .execute();

export const listChunks = (db: DbOrTx, jobId: string) =>
  db.selectFrom('import_job_chunks').select(['seq', 'row_count', 'new_accounts']).where('job_id', '=', jobId).orderBy('seq').execute();

export const readChunk = (db: DbOrTx, jobId: string, seq: number) =>
  db.selectFrom('import_job_chunks').select('data').where('job_id', '=', jobId).where('seq', '=', seq).executeTakeFirstOrThrow();

export const deleteChunks = (db: DbOrTx, jobId: string) => db.deleteFrom('import_job_chunks').where('job_id', '=', jobId).execute();

// ---- the school and its people

/**
 * The classes of a school or teaching point: those under it, except classes of a teaching point
 * that hangs under a central school (they belong to the teaching point).
 */
export async function listSchoolClasses(db: DbOrTx, school: { id: string; path: string }) {
  const nested = await db
    .selectFrom('org_units')
    .select('path')
    .where('path', 'like', `${school.path}%`)
    .where('id', '!=', school.id)
    .where('kind', 'in', ['school', 'teaching_point'])
    .execute();
  const classes = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'grade_level', 'class_no'])
    .where('kind', '=', 'class')
    .where('archived_at', 'is', null)
    .where('path', 'like', `${school.path}%`)
    .execute();
  return classes.filter((c) => !nested.some((n) => c.path.startsWith(n.path)));
}

export const findStudentsByNo = (db: DbOrTx, schoolId: string, studentNos: string[]) =>
  lookupMany(studentNos, (chunk) =>
    db
      .selectFrom('students as st')
      .innerJoin('users as u', 'u.id', 'st.user_id')
      .select(['st.user_id', 'st.student_no', 'st.class_id', 'st.birth_date', 'u.display_name', 'u.gender', 'u.id_card_bidx'])
      .where('st.school_id', '=', schoolId)
      .where('st.student_no', '=', anyOf(chunk))
      .execute(),
  );

export const findTeachersByStaffNo = (db: DbOrTx, schoolId: string, staffNos: string[]) =>
  lookupMany(staffNos, (chunk) =>
    db
      .selectFrom('teachers as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.user_id', 't.staff_no', 't.subjects', 'u.display_name', 'u.gender', 'u.id_card_bidx', 'u.phone_bidx'])
      .where('t.school_id', '=', schoolId)
      .where('t.staff_no', '=', anyOf(chunk))
      .execute(),
  );

/** Accounts holding these 身份证号 (by blind index), with their 学号 when they are a pupil of the school. */
export const findUsersByIdCard = (db: DbOrTx, schoolId: string, bidxs: string[]) =>
  lookupMany(bidxs, (chunk) =>
    db
      .selectFrom('users as u')
      .leftJoin('students as st', (j) => j.onRef('st.user_id', '=', 'u.id').on('st.school_id', '=', schoolId))
      .select(['u.id', 'u.id_card_bidx', 'st.student_no'])
      .where('u.id_card_bidx', '=', anyOf(chunk))
      .execute(),
  );

/** Accounts with these phone numbers (by blind index), oldest first: a phone reuses the first account. */
export const findUsersByPhone = (db: DbOrTx, bidxs: string[]) =>
  lookupMany(bidxs, (chunk) =>
    db
      .selectFrom('users')
      .select(['id', 'phone_bidx', 'created_at'])
      .where('phone_bidx', '=', anyOf(chunk))
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );

export async function takenUsernames(db: DbOrTx, candidates: string[]): Promise<Set<string>> {
  if (!candidates.length) return new Set();
  const rows = await lookupMany(
    candidates.map((c) => c.toLowerCase()),
    (chunk) =>
      db
        .selectFrom('users')
        .select(sql<string>`lower(username)`.as('name'))
        .where(sql`lower(username)`, '=', anyOf(chunk))
        .execute(),
  );
  return new Set(rows.map((r) => r.name));
}

export const findGuardianships = (db: DbOrTx, studentIds: string[]) =>
  lookupMany(studentIds, (chunk) =>
    db
      .selectFrom('guardianships')
      .select(['parent_id', 'student_id', 'relation', 'is_primary'])
      .where('student_id', '=', sql<string>`any(${chunk}::uuid[])`)
      .execute(),
  );

// ---- bulk writes

/** `unnest(…) AS v(…)`: many rows as one typed array per column, to join an UPDATE against. */
function rowsOf(rows: Record<string, unknown>[], columns: [string, string][]) {
  const arrays = columns.map(([name, type]) => sql`${rows.map((r) => r[name] ?? null)}::${sql.raw(type)}[]`);
  return sql`unnest(${sql.join(arrays)}) AS v(${sql.join(columns.map(([name]) => sql.ref(name)))})`;
}

export type UserUpdate = {
  id: string;
  displayName: string;
  gender: string | null;
  idCardEnc: string | null;
  idCardBidx: string | null;
  phoneEnc: string | null;
  phoneBidx: string | null;
  homeOrgId: string | null;
};

/** Updates accounts in one statement; null in a nullable field means "keep what is there". */
export async function updateUsers(tx: Tx, rows: UserUpdate[]) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    const v = rowsOf(rows.slice(i, i + UNNEST_BATCH), [
      ['id', 'uuid'],
      ['displayName', 'text'],
      ['gender', 'text'],
      ['idCardEnc', 'text'],
      ['idCardBidx', 'text'],
      ['phoneEnc', 'text'],
      ['phoneBidx', 'text'],
      ['homeOrgId', 'uuid'],
    ]);
    await sql`
      UPDATE users AS u SET display_name = v."displayName", gender = v.gender,
        id_card_enc = coalesce(v."idCardEnc", u.id_card_enc), id_card_bidx = coalesce(v."idCardBidx", u.id_card_bidx),
        phone_enc = coalesce(v."phoneEnc", u.phone_enc), phone_bidx = coalesce(v."phoneBidx", u.phone_bidx),
        home_org_id = coalesce(v."homeOrgId", u.home_org_id), updated_at = now()
      FROM ${v} WHERE u.id = v.id`.execute(tx);
  }
}

/** Moves pupils to other classes: the student row, their student grant, and a new class-history entry. */
export async function moveStudents(tx: Tx, rows: { userId: string; classId: string; classPath: string }[], reason: string) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    const batch = rows.slice(i, i + UNNEST_BATCH);
    const cols: [string, string][] = [
      ['userId', 'uuid'],
      ['classId', 'uuid'],
      ['classPath', 'text'],
    ];
    await sql`UPDATE students AS s SET class_id = v."classId" FROM ${rowsOf(batch, cols)} WHERE s.user_id = v."userId"`.execute(tx);
    await sql`UPDATE role_grants AS g SET scope_id = v."classId", scope_path = v."classPath" FROM ${rowsOf(batch, cols)}
      WHERE g.user_id = v."userId" AND g.role = 'student'`.execute(tx);
    await tx
      .updateTable('student_class_history')
      .set({ ended_at: new Date() })
      .where('student_id', '=', sql<string>`any(${batch.map((r) => r.userId)}::uuid[])`)
      .where('ended_at', 'is', null)
      .execute();
    await insertMany(
      tx,
      'student_class_history',
      batch.map((r) => ({ id: randomUUID(), student_id: r.userId, class_id: r.classId, started_at: new Date(), reason })),
    );
  }
}

export async function setBirthDates(tx: Tx, rows: { userId: string; birthDate: string }[]) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    await sql`UPDATE students AS s SET birth_date = v."birthDate" FROM ${rowsOf(rows.slice(i, i + UNNEST_BATCH), [
      ['userId', 'uuid'],
      ['birthDate', 'date'],
    ])}
      WHERE s.user_id = v."userId"`.execute(tx);
  }
}

/** Teachers one statement per few hundred rows: subjects is an array column, which unnest would flatten. */
export async function insertTeachers(tx: Tx, rows: Insertable<DB['teachers']>[]) {
  for (let i = 0; i < rows.length; i += INSERT_BATCH)
    await tx
      .insertInto('teachers')
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
}

export async function setTeacherSubjects(tx: Tx, rows: { userId: string; subjects: string[] }[]) {
  for (const r of rows) await tx.updateTable('teachers').set({ subjects: r.subjects }).where('user_id', '=', r.userId).execute();
}

export const insertGrantsIgnoringDuplicates = (tx: Tx, rows: Insertable<DB['role_grants']>[]) =>
  insertMany(tx, 'role_grants', rows, { ignoreDuplicates: true });

export async function updateGuardianships(tx: Tx, rows: { parentId: string; studentId: string; relation: string; isPrimary: boolean }[]) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    const v = rowsOf(rows.slice(i, i + UNNEST_BATCH), [
      ['parentId', 'uuid'],
      ['studentId', 'uuid'],
      ['relation', 'text'],
      ['isPrimary', 'boolean'],
    ]);
    await sql`UPDATE guardianships AS g SET relation = v.relation, is_primary = v."isPrimary" FROM ${v}
      WHERE g.parent_id = v."parentId" AND g.student_id = v."studentId"`.execute(tx);
  }
}

/** Takes the primary-contact mark from every guardian of these pupils (before another is marked). */
export const clearPrimaryGuardians = (tx: Tx, studentIds: string[]) =>
  studentIds.length
    ? tx
        .updateTable('guardianships')
        .set({ is_primary: false })
        .where('student_id', '=', sql<string>`any(${studentIds}::uuid[])`)
        .where('is_primary', '=', true)
        .execute()
    : Promise.resolve([]);

/**
 * Refreshes the planner's statistics after a bulk import: without them a lookup of a thousand
 * phone numbers is planned as a scan of every account (PGlite has no autovacuum to do it).
 */
export const analyzeRosterTables = (db: DbOrTx) => sql`ANALYZE users, students, guardianships, role_grants`.execute(db);

// ---- export

const EXPORT_PAGE = 2000;

/** Pupils of a school in 学号 order, one page after another (keyset), each with their primary guardian. */
export async function* exportStudentRows(db: DbOrTx, schoolId: string) {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('students as st')
      .innerJoin('users as u', 'u.id', 'st.user_id')
      .leftJoin('org_units as c', 'c.id', 'st.class_id')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('guardianships as g')
            .innerJoin('users as p', 'p.id', 'g.parent_id')
            .select(['p.display_name as guardian_name', 'p.phone_enc as guardian_phone_enc', 'g.relation'])
            .whereRef('g.student_id', '=', 'st.user_id')
            .orderBy('g.is_primary', 'desc')
            .orderBy('g.created_at')
            .limit(1)
            .as('gd'),
        (j) => j.onTrue(),
      )
      .select([
        'st.student_no',
        'u.display_name',
        'u.gender',
        'u.id_card_enc',
        'c.grade_level',
        'c.class_no',
        'gd.guardian_name',
        'gd.guardian_phone_enc',
        'gd.relation',
      ])
      .where('st.school_id', '=', schoolId)
      .where('st.status', '=', 'enrolled')
      .where('st.student_no', '>', after)
      .orderBy('st.student_no')
      .limit(EXPORT_PAGE)
      .execute();
    yield rows;
    if (rows.length < EXPORT_PAGE) return;
    after = rows.at(-1)!.student_no;
  }
}

export async function* exportTeacherRows(db: DbOrTx, schoolId: string) {
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('teachers as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.staff_no', 't.subjects', 'u.display_name', 'u.gender', 'u.phone_enc', 'u.id_card_enc'])
      .where('t.school_id', '=', schoolId)
      .where('t.staff_no', '>', after)
      .orderBy('t.staff_no')
      .limit(EXPORT_PAGE)
      .execute();
    yield rows;
    if (rows.length < EXPORT_PAGE) return;
    after = rows.at(-1)!.staff_no;
  }
}

export async function* exportParentRows(db: DbOrTx, schoolId: string) {
  let after = { no: '', parent: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const rows = await db
      .selectFrom('guardianships as g')
      .innerJoin('students as st', 'st.user_id', 'g.student_id')
      .innerJoin('users as p', 'p.id', 'g.parent_id')
      .select(['st.student_no', 'g.parent_id', 'p.display_name', 'p.phone_enc', 'g.relation', 'g.is_primary'])
      .where('st.school_id', '=', schoolId)
      .where('st.status', '=', 'enrolled')
      .where((eb) =>
        eb.or([eb('st.student_no', '>', after.no), eb.and([eb('st.student_no', '=', after.no), eb('g.parent_id', '>', after.parent)])]),
      )
      .orderBy('st.student_no')
      .orderBy('g.parent_id')
      .limit(EXPORT_PAGE)
      .execute();
    yield rows;
    if (rows.length < EXPORT_PAGE) return;
    const last = rows.at(-1)!;
    after = { no: last.student_no, parent: last.parent_id };
  }
}

/**
 * Fails jobs whose process stopped mid-way (their heartbeat is older than `staleMinutes`): they
 * would otherwise show 'validating' or 'importing' for ever. Chunks already committed stay.
 */
export const failStalledJobs = (db: DbOrTx, staleMinutes: number, failureMessage: string) =>
  db
    .updateTable('import_jobs')
    .set({ status: 'failed', failure_message: failureMessage, finished_at: new Date(), updated_at: new Date() })
    .where('status', 'in', ['validating', 'importing'])
    .where('updated_at', '<', new Date(Date.now() - staleMinutes * 60_000))
    .returning('id')
    .execute();
