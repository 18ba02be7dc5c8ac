import { sql } from 'kysely';
import { escapeLike } from '../../core/access/access.ts';
import type { Actor } from '../../core/context.ts';
import { prepared, type DbOrTx } from '../../core/db/database.ts';
import { statementsInsert, type SerializedStatement, type XapiStatement } from '../lrs/index.ts';
import type { PaperSnapshot } from './paper-snapshot.ts';

/** Every SQL query of the homework module. */

export type AssignmentRow = {
  id: string;
  kind: 'homework' | 'test' | 'assessment';
  title: string;
  owner_unit_id: string;
  owner_path: string;
  subject: string | null;
  paper_id: string | null;
  bank_id: string | null;
  draw_count: number | null;
  draw_filters: unknown;
  paper: PaperSnapshot;
  max_score: number;
  opens_at: Date;
  closes_at: Date;
  time_limit_minutes: number | null;
  max_attempts: number;
  shuffle_items: boolean;
  shuffle_options: boolean;
  show_answers: 'immediately' | 'after_close' | 'never';
  pass_score: number | null;
  instructions: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
};

export async function findAssignment(db: DbOrTx, id: string): Promise<AssignmentRow | null> {
  const row = await db.selectFrom('hw_assignments').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  return (row as unknown as AssignmentRow) ?? null;
}

/** The mutable settings of an assignment (the paper itself never changes). */
export async function findAssignmentWindow(db: DbOrTx, id: string) {
  return db
    .selectFrom('hw_assignments')
    .select(['closes_at', 'opens_at', 'title', 'instructions', 'updated_at', 'archived_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertAssignment(
  db: DbOrTx,
  row: Omit<AssignmentRow, 'paper' | 'draw_filters' | 'updated_at' | 'archived_at'> & { paper: PaperSnapshot; draw_filters: unknown },
) {
  await db
    .insertInto('hw_assignments')
    .values({
      ...row,
      paper: JSON.stringify(row.paper),
      draw_filters: row.draw_filters === null ? null : JSON.stringify(row.draw_filters),
      updated_at: row.created_at,
    })
    .execute();
}

export async function insertAssignmentClasses(
  db: DbOrTx,
  rows: { assignment_id: string; class_id: string; class_path: string; whole_class: boolean; group_name: string | null }[],
) {
  if (rows.length) await db.insertInto('hw_assignment_classes').values(rows).execute();
}

export async function insertRecipients(
  db: DbOrTx,
  rows: { assignment_id: string; user_id: string; class_id: string | null; school_id: string | null }[],
) {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('hw_recipients')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['assignment_id', 'user_id']).doNothing())
      .execute();
}

export const listAssignmentClasses = (db: DbOrTx, assignmentIds: string[]) =>
  assignmentIds.length
    ? db
        .selectFrom('hw_assignment_classes as ac')
        .innerJoin('org_units as c', 'c.id', 'ac.class_id')
        .select(['ac.assignment_id', 'ac.class_id', 'ac.class_path', 'ac.whole_class', 'ac.group_name', 'c.name'])
        .where('ac.assignment_id', 'in', assignmentIds)
        .orderBy('c.grade_level')
        .orderBy('c.class_no')
        .execute()
    : Promise.resolve([]);

/** Prefix tests of class paths against the actor's grant paths. */
function classPathInScope(actor: Actor) {
  const prefixes = actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p);
  if (!prefixes.length) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(
    prefixes.map((p) => sql`ac.class_path LIKE ${escapeLike(p) + '%'}`),
    sql` OR `,
  )})`;
}

/** Assignments that went to a class the actor teaches (or, for assessments, owned within the actor's units). */
export async function listAssignmentsForTeacher(
  db: DbOrTx,
  actor: Actor,
  q: { classId?: string; kind?: string; state?: string; page: number; pageSize: number },
) {
  const now = new Date();
  let base = db
    .selectFrom('hw_assignments as a')
    .where('a.archived_at', 'is', null)
    .where('a.kind', '!=', 'assessment')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('hw_assignment_classes as ac')
          .select(sql`1`.as('one'))
          .whereRef('ac.assignment_id', '=', 'a.id')
          .where(classPathInScope(actor))
          .$if(!!q.classId, (w) => w.where('ac.class_id', '=', q.classId!)),
      ),
    );
  if (q.kind) base = base.where('a.kind', '=', q.kind);
  if (q.state === 'not_open') base = base.where('a.opens_at', '>', now);
  if (q.state === 'open') base = base.where('a.opens_at', '<=', now).where('a.closes_at', '>', now);
  if (q.state === 'closed') base = base.where('a.closes_at', '<=', now);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('a')
    .orderBy('a.opens_at', 'desc')
    .orderBy('a.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { total: Number(total.n), rows: rows as unknown as AssignmentRow[] };
}

export async function listAssessmentsInScope(db: DbOrTx, actor: Actor, q: { page: number; pageSize: number }) {
  const prefixes = actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p);
  if (!prefixes.length) return { total: 0, rows: [] as AssignmentRow[] };
  const inScope = sql<boolean>`(${sql.join(
    prefixes.map((p) => sql`a.owner_path LIKE ${escapeLike(p) + '%'}`),
    sql` OR `,
  )})`;
  const base = db.selectFrom('hw_assignments as a').where('a.archived_at', 'is', null).where('a.kind', '=', 'assessment').where(inScope);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll('a')
    .orderBy('a.opens_at', 'desc')
    .orderBy('a.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { total: Number(total.n), rows: rows as unknown as AssignmentRow[] };
}

/** Per assignment: recipients, finished attempts (best per person), pending manual grades, mean of best scores. */
export async function assignmentProgress(db: DbOrTx, assignmentIds: string[]) {
  if (!assignmentIds.length) return new Map<string, { recipients: number; submitted: number; pending: number; average: number | null }>();
  const { rows } = await sql<{ assignment_id: string; recipients: number; submitted: number; pending: number; average: number | null }>`
    SELECT r.assignment_id,
           count(*)::int AS recipients,
           count(best.user_id)::int AS submitted,
           coalesce(sum(best.pending), 0)::int AS pending,
           avg(best.score) AS average
      FROM hw_recipients r
      LEFT JOIN LATERAL (
        SELECT t.user_id, t.score, t.pending_manual AS pending
          FROM hw_attempts t
         WHERE t.assignment_id = r.assignment_id AND t.user_id = r.user_id AND t.status <> 'in_progress'
         ORDER BY t.score DESC NULLS LAST, t.attempt_no DESC
         LIMIT 1
      ) best ON true
     WHERE r.assignment_id = ANY(${assignmentIds}::uuid[])
     GROUP BY r.assignment_id`.execute(db);
  return new Map(rows.map((r) => [r.assignment_id, { ...r, average: r.average === null ? null : Number(r.average) }]));
}

export const userNames = async (db: DbOrTx, ids: string[]) => {
  if (!ids.length) return new Map<string, string>();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
};

export const findRecipient = (db: DbOrTx, assignmentId: string, userId: string) =>
  db
    .selectFrom('hw_recipients')
    .select(['class_id', 'school_id'])
    .where('assignment_id', '=', assignmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

/** Whether a parent is the guardian of one of the assignment's recipients. */
export async function guardianOfRecipient(db: DbOrTx, assignmentId: string, parentId: string, studentId?: string): Promise<boolean> {
  const r = await db
    .selectFrom('hw_recipients as r')
    .innerJoin('guardianships as g', 'g.student_id', 'r.user_id')
    .select('r.user_id')
    .where('r.assignment_id', '=', assignmentId)
    .where('g.parent_id', '=', parentId)
    .$if(!!studentId, (q) => q.where('r.user_id', '=', studentId!))
    .executeTakeFirst();
  return !!r;
}

export type AttemptRow = {
  id: string;
  assignment_id: string;
  user_id: string;
  attempt_no: number;
  status: 'in_progress' | 'submitted' | 'graded';
  seed: number;
  item_order: string[];
  drawn_items: unknown;
  started_at: Date;
  deadline_at: Date;
  submitted_at: Date | null;
  graded_at: Date | null;
  submit_key: string | null;
  auto_score: number | null;
  score: number | null;
  max_score: number;
  pending_manual: number;
  revision: number;
};

export const listAttemptsOf = (db: DbOrTx, assignmentId: string, userId: string) =>
  db
    .selectFrom('hw_attempts')
    .selectAll()
    .where('assignment_id', '=', assignmentId)
    .where('user_id', '=', userId)
    .orderBy('attempt_no')
    .execute() as unknown as Promise<AttemptRow[]>;

/**
 * What starting attempts needs, for many people at once in one round trip: whether each is a
 * recipient (with class and school), how many attempts they have made, and their open attempt if
 * any. Keyed `assignment:user`; a person who is not a recipient is missing. Only the open attempt
 * is read whole, so the read does not grow with a pupil's finished attempts (practice, retries).
 */
export async function listRecipientsWithAttempts(
  db: DbOrTx,
  pairs: readonly { assignmentId: string; userId: string }[],
): Promise<
  Map<string, { recipient: { class_id: string | null; school_id: string | null }; attemptsUsed: number; open: AttemptRow | null }>
> {
  if (!pairs.length) return new Map();
  const keys = JSON.stringify(pairs.map((p) => ({ assignment_id: p.assignmentId, user_id: p.userId })));
  const { rows } = await prepared(
    sql<{
      assignment_id: string;
      user_id: string;
      class_id: string | null;
      school_id: string | null;
      used: number;
      open: AttemptRow | null;
    }>`
    SELECT r.assignment_id, r.user_id, r.class_id, r.school_id,
      (SELECT count(*)::int FROM hw_attempts t WHERE t.assignment_id = r.assignment_id AND t.user_id = r.user_id) AS used,
      (SELECT to_jsonb(t) FROM hw_attempts t
        WHERE t.assignment_id = r.assignment_id AND t.user_id = r.user_id AND t.status = 'in_progress') AS open
    FROM jsonb_to_recordset(${keys}::jsonb) AS k(assignment_id uuid, user_id uuid)
    JOIN hw_recipients r ON r.assignment_id = k.assignment_id AND r.user_id = k.user_id`,
    db,
  ).execute(db);
  return new Map(
    rows.map((r) => [
      `${r.assignment_id}:${r.user_id}`,
      {
        recipient: { class_id: r.class_id, school_id: r.school_id },
        attemptsUsed: r.used,
        open: r.open ? attemptFromJson(r.open) : null,
      },
    ]),
  );
}

/** An attempt read as JSON (to_jsonb): timestamps back to Dates, numerics to numbers, as the row reader gives them. */
function attemptFromJson(j: AttemptRow): AttemptRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...j,
    started_at: date(j.started_at)!,
    deadline_at: date(j.deadline_at)!,
    submitted_at: date(j.submitted_at),
    graded_at: date(j.graded_at),
    auto_score: num(j.auto_score),
    score: num(j.score),
    max_score: num(j.max_score)!,
  };
}

export async function findAttempt(db: DbOrTx, id: string, { forUpdate = false } = {}): Promise<AttemptRow | null> {
  let q = db.selectFrom('hw_attempts').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return ((await q.executeTakeFirst()) as unknown as AttemptRow) ?? null;
}

/**
 * Inserts attempts, except for people who already have an open one (another tab, a retry) or an
 * attempt of the same number (another server's start), with each inserted attempt's xAPI
 * statement (by its registration), in one statement: the attempt and its record exist together
 * or not at all, without a transaction of their own. Returns the ids inserted.
 */
export async function insertAttemptsIfNoneWithStatements(
  db: DbOrTx,
  rows: readonly AttemptRow[],
  statements: readonly XapiStatement[],
): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const { rows: inserted } = await prepared(
    sql<{ id: string }>`
    WITH ins AS (
      INSERT INTO hw_attempts (id, assignment_id, user_id, attempt_no, status, seed, item_order, drawn_items, started_at,
        deadline_at, submitted_at, graded_at, submit_key, auto_score, score, max_score, pending_manual, revision)
      SELECT id, assignment_id, user_id, attempt_no, status, seed, item_order, drawn_items, started_at,
        deadline_at, submitted_at, graded_at, submit_key, auto_score, score, max_score, pending_manual, revision
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(
        id uuid, assignment_id uuid, user_id uuid, attempt_no integer, status text, seed integer, item_order jsonb,
        drawn_items jsonb, started_at timestamptz, deadline_at timestamptz, submitted_at timestamptz, graded_at timestamptz,
        submit_key text, auto_score double precision, score double precision, max_score double precision,
        pending_manual integer, revision integer)
      ON CONFLICT DO NOTHING
      RETURNING id),
    records AS (${statementsInsert(statements, sql`SELECT id FROM ins`)})
    SELECT id FROM ins`,
    db,
  ).execute(db);
  return new Set(inserted.map((r) => r.id));
}

export const findOpenAttempt = (db: DbOrTx, assignmentId: string, userId: string) =>
  db
    .selectFrom('hw_attempts')
    .selectAll()
    .where('assignment_id', '=', assignmentId)
    .where('user_id', '=', userId)
    .where('status', '=', 'in_progress')
    .executeTakeFirst() as unknown as Promise<AttemptRow | undefined>;

export type ResponseRow = {
  attempt_id: string;
  item_key: string;
  item_id: string;
  response: unknown;
  saved_at: Date;
  score: number | null;
  max_score: number;
  is_correct: boolean | null;
  needs_manual: boolean;
  detail: unknown;
  comment: string | null;
  rubric_scores: Record<string, number> | null;
  graded_by: string | null;
  graded_at: Date | null;
};

export const listResponses = (db: DbOrTx, attemptIds: string[]) =>
  attemptIds.length
    ? (db.selectFrom('hw_responses').selectAll().where('attempt_id', 'in', attemptIds).execute() as unknown as Promise<ResponseRow[]>)
    : Promise.resolve([] as ResponseRow[]);

/** Autosave: upserts the given answers (not graded yet) in one statement. */
export async function upsertSavedResponses(
  db: DbOrTx,
  attemptId: string,
  rows: { item_key: string; item_id: string; response: unknown; max_score: number }[],
  savedAt: Date,
) {
  if (!rows.length) return;
  await db
    .insertInto('hw_responses')
    .values(
      rows.map((r) => ({
        attempt_id: attemptId,
        item_key: r.item_key,
        item_id: r.item_id,
        response: r.response === null ? null : JSON.stringify(r.response),
        saved_at: savedAt,
        max_score: r.max_score,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['attempt_id', 'item_key'])
        .doUpdateSet((eb) => ({ response: eb.ref('excluded.response'), saved_at: eb.ref('excluded.saved_at') })),
    )
    .execute();
}

/** Submit: writes every answer with its grade in one statement. */
/**
 * Graded answers of many attempts in one upsert; the rows travel as one JSON parameter
 * (`jsonb_to_recordset`), so a batch of submits costs one string rather than ten parameters per answer.
 */
export async function upsertGradedResponses(
  db: DbOrTx,
  rows: Omit<ResponseRow, 'comment' | 'rubric_scores' | 'graded_by' | 'graded_at'>[],
) {
  if (!rows.length) return;
  const values = JSON.stringify(rows.map((r) => ({ ...r, response: r.response ?? null, detail: r.detail ?? null })));
  await sql`
    INSERT INTO hw_responses (attempt_id, item_key, item_id, response, saved_at, score, max_score, is_correct, needs_manual, detail)
    SELECT attempt_id, item_key, item_id, response, saved_at, score, max_score, is_correct, needs_manual, detail
    FROM jsonb_to_recordset(${values}::jsonb) AS v(
      attempt_id uuid, item_key text, item_id uuid, response jsonb, saved_at timestamptz, score double precision,
      max_score double precision, is_correct boolean, needs_manual boolean, detail jsonb)
    ON CONFLICT (attempt_id, item_key) DO UPDATE SET
      response = excluded.response, saved_at = excluded.saved_at, score = excluded.score,
      is_correct = excluded.is_correct, needs_manual = excluded.needs_manual, detail = excluded.detail`.execute(db);
}

export async function bumpRevision(db: DbOrTx, attemptId: string): Promise<number> {
  const r = await db
    .updateTable('hw_attempts')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', attemptId)
    .returning('revision')
    .executeTakeFirstOrThrow();
  return r.revision;
}

export type AttemptFinish = {
  id: string;
  status: AttemptRow['status'];
  submitted_at: Date;
  graded_at: Date | null;
  submit_key: string | null;
  auto_score: number;
  score: number;
  pending_manual: number;
};

/** Closes graded attempts in one statement, bumping each one's revision. */
export async function finishAttempts(db: DbOrTx, rows: readonly AttemptFinish[]) {
  if (!rows.length) return;
  const values = JSON.stringify(rows);
  await sql`
    UPDATE hw_attempts AS t
    SET status = v.status, submitted_at = v.submitted_at, graded_at = v.graded_at, submit_key = v.submit_key,
        auto_score = v.auto_score, score = v.score, pending_manual = v.pending_manual, revision = t.revision + 1
    FROM jsonb_to_recordset(${values}::jsonb) AS v(
      id uuid, status text, submitted_at timestamptz, graded_at timestamptz, submit_key text,
      auto_score double precision, score double precision, pending_manual integer)
    WHERE t.id = v.id`.execute(db);
}

/**
 * What closing a batch of attempts writes, each row tagged with its attempt: the attempts'
 * closing (with the revision they were read at), the graded answers, the learning records.
 */
export type CloseWrites = {
  finishes: readonly (AttemptFinish & { revision: number })[];
  responses: readonly Omit<ResponseRow, 'comment' | 'rubric_scores' | 'graded_by' | 'graded_at'>[];
  statements: readonly (XapiStatement | SerializedStatement)[];
  mastery: readonly {
    attempt_id: string;
    user_id: string;
    knowledge_point_id: string;
    p_mastery: number;
    observations: number;
    correct: number;
  }[];
  wrong: readonly (WrongItemInput & { attempt_id: string })[];
};

/**
 * Closes attempts that were read without a lock, in one statement (atomic without a transaction
 * of its own): an attempt closes only if it is still open at the revision it was read at, and
 * its answers, statements, mastery and 错题本 rows are written only if it closed. Returns the
 * ids closed; the others changed meanwhile (an autosave, another tab's submit, a deadline close).
 */
export async function closeAttemptsIfUnchanged(db: DbOrTx, w: CloseWrites): Promise<Set<string>> {
  if (!w.finishes.length) return new Set();
  const now = new Date();
  const responses = JSON.stringify(w.responses.map((r) => ({ ...r, response: r.response ?? null, detail: r.detail ?? null })));
  const wrong = JSON.stringify(
    w.wrong.map((r) => ({
      attempt_id: r.attempt_id,
      user_id: r.user_id,
      item_id: r.item_id,
      item: r.item,
      knowledge_point_ids: r.knowledge_point_ids,
      subject: r.subject,
      last_response: r.last_response ?? null,
      assignment_id: r.assignment_id,
      at: r.at,
    })),
  );
  const { rows } = await prepared(
    sql<{ id: string }>`
    WITH done AS (
      UPDATE hw_attempts AS t
      SET status = v.status, submitted_at = v.submitted_at, graded_at = v.graded_at, submit_key = v.submit_key,
          auto_score = v.auto_score, score = v.score, pending_manual = v.pending_manual, revision = t.revision + 1
      FROM jsonb_to_recordset(${JSON.stringify(w.finishes)}::jsonb) AS v(
        id uuid, revision integer, status text, submitted_at timestamptz, graded_at timestamptz, submit_key text,
        auto_score double precision, score double precision, pending_manual integer)
      WHERE t.id = v.id AND t.status = 'in_progress' AND t.revision = v.revision
      RETURNING t.id),
    answers AS (
      INSERT INTO hw_responses (attempt_id, item_key, item_id, response, saved_at, score, max_score, is_correct, needs_manual, detail)
      SELECT attempt_id, item_key, item_id, response, saved_at, score, max_score, is_correct, needs_manual, detail
      FROM jsonb_to_recordset(${responses}::jsonb) AS v(
        attempt_id uuid, item_key text, item_id uuid, response jsonb, saved_at timestamptz, score double precision,
        max_score double precision, is_correct boolean, needs_manual boolean, detail jsonb)
      WHERE attempt_id IN (SELECT id FROM done)
      ON CONFLICT (attempt_id, item_key) DO UPDATE SET
        response = excluded.response, saved_at = excluded.saved_at, score = excluded.score,
        is_correct = excluded.is_correct, needs_manual = excluded.needs_manual, detail = excluded.detail),
    records AS (${statementsInsert(w.statements, sql`SELECT id FROM done`)}),
    mastery AS (
      INSERT INTO hw_mastery (user_id, knowledge_point_id, p_mastery, observations, correct, updated_at)
      SELECT user_id, knowledge_point_id, p_mastery, observations, correct, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(w.mastery)}::jsonb) AS v(
        attempt_id uuid, user_id uuid, knowledge_point_id uuid, p_mastery double precision, observations integer, correct integer)
      WHERE attempt_id IN (SELECT id FROM done)
      ON CONFLICT (user_id, knowledge_point_id) DO UPDATE SET
        p_mastery = excluded.p_mastery, observations = hw_mastery.observations + excluded.observations,
        correct = hw_mastery.correct + excluded.correct, updated_at = excluded.updated_at),
    wrong AS (
      INSERT INTO hw_wrong_items (user_id, item_id, item, knowledge_point_ids, subject, last_response, assignment_id, first_wrong_at, last_wrong_at)
      SELECT user_id, item_id, item, knowledge_point_ids, subject, last_response, assignment_id, at, at
      FROM jsonb_to_recordset(${wrong}::jsonb) AS v(
        attempt_id uuid, user_id uuid, item_id uuid, item jsonb, knowledge_point_ids uuid[], subject text, last_response jsonb,
        assignment_id uuid, at timestamptz)
      WHERE attempt_id IN (SELECT id FROM done)
      ON CONFLICT (user_id, item_id) DO UPDATE SET
        wrong_count = hw_wrong_items.wrong_count + 1, practice_correct = 0, last_response = excluded.last_response,
        last_wrong_at = excluded.last_wrong_at, assignment_id = coalesce(excluded.assignment_id, hw_wrong_items.assignment_id),
        mastered_at = NULL)
    SELECT id FROM done`,
    db,
  ).execute(db);
  return new Set(rows.map((r) => r.id));
}

export type MasteryRow = { user_id: string; knowledge_point_id: string; p_mastery: number };

export async function listMastery(db: DbOrTx, userIds: string[], kpIds?: string[]) {
  if (!userIds.length || (kpIds && !kpIds.length)) return [];
  let q = db.selectFrom('hw_mastery').selectAll().where('user_id', 'in', userIds);
  if (kpIds) q = q.where('knowledge_point_id', 'in', kpIds);
  return q.execute();
}

/** A person's mastery of every knowledge point they have been traced on, weakest first. */
export const listMasteryOfUser = (db: DbOrTx, userId: string) =>
  db
    .selectFrom('hw_mastery')
    .select(['knowledge_point_id', 'p_mastery', 'observations', 'correct', 'updated_at'])
    .where('user_id', '=', userId)
    .orderBy('p_mastery')
    .execute();

export async function upsertMastery(
  db: DbOrTx,
  rows: { user_id: string; knowledge_point_id: string; p_mastery: number; observations: number; correct: number }[],
) {
  if (!rows.length) return;
  const now = new Date();
  await db
    .insertInto('hw_mastery')
    .values(
      rows.map((r) => ({
        user_id: r.user_id,
        knowledge_point_id: r.knowledge_point_id,
        p_mastery: r.p_mastery,
        observations: r.observations,
        correct: r.correct,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['user_id', 'knowledge_point_id']).doUpdateSet((eb) => ({
        p_mastery: eb.ref('excluded.p_mastery'),
        observations: sql<number>`hw_mastery.observations + excluded.observations`,
        correct: sql<number>`hw_mastery.correct + excluded.correct`,
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export type WrongItemInput = {
  user_id: string;
  item_id: string;
  item: unknown;
  knowledge_point_ids: string[];
  subject: string | null;
  last_response: unknown;
  assignment_id: string | null;
  at: Date;
};

/** Adds wrong answers to the 错题本: a new row, or one more wrong answer on an existing one (re-opened if it was cleared). */
export async function upsertWrongItems(db: DbOrTx, rows: WrongItemInput[]) {
  if (!rows.length) return;
  await db
    .insertInto('hw_wrong_items')
    .values(
      rows.map((r) => ({
        user_id: r.user_id,
        item_id: r.item_id,
        item: JSON.stringify(r.item),
        knowledge_point_ids: r.knowledge_point_ids,
        subject: r.subject,
        last_response: r.last_response === null || r.last_response === undefined ? null : JSON.stringify(r.last_response),
        assignment_id: r.assignment_id,
        first_wrong_at: r.at,
        last_wrong_at: r.at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['user_id', 'item_id']).doUpdateSet((eb) => ({
        wrong_count: sql<number>`hw_wrong_items.wrong_count + 1`,
        practice_correct: 0,
        last_response: eb.ref('excluded.last_response'),
        last_wrong_at: eb.ref('excluded.last_wrong_at'),
        assignment_id: sql<string>`coalesce(excluded.assignment_id, hw_wrong_items.assignment_id)`,
        mastered_at: null,
      })),
    )
    .execute();
}

/**
 * The submit path's one read: the attempt locked for update, with its pupil's class and school and
 * the answers saved so far — one round trip instead of three.
 */
/**
 * Locks attempts for a change (in id order, so two batches never wait on each other in a cycle)
 * with what submitting them needs: the recipient's class and school and the answers saved so far.
 * With `lock: false` the same read without the lock (the writer then checks the revision it read).
 */
export async function lockAttemptsWithContext(db: DbOrTx, ids: readonly string[], { lock = true } = {}) {
  if (!ids.length) return new Map<string, LockedAttempt>();
  const q = db
    .selectFrom('hw_attempts as t')
    .leftJoin('hw_recipients as r', (j) => j.onRef('r.assignment_id', '=', 't.assignment_id').onRef('r.user_id', '=', 't.user_id'))
    .selectAll('t')
    .select([
      'r.class_id',
      'r.school_id',
      sql<Record<
        string,
        unknown
      > | null>`(SELECT jsonb_object_agg(s.item_key, s.response) FROM hw_responses s WHERE s.attempt_id = t.id)`.as('saved'),
    ])
    // one parameter whatever the number of ids: one prepared statement serves every batch size
    .where(sql<boolean>`t.id = ANY(${[...ids]}::uuid[])`)
    .orderBy('t.id');
  const rows = await prepared(lock ? q.forUpdate('t') : q, db).execute();
  return new Map(
    rows.map(({ class_id, school_id, saved, ...attempt }) => [
      attempt.id,
      {
        attempt: attempt as unknown as AttemptRow,
        recipient: { class_id, school_id },
        saved: new Map(Object.entries(saved ?? {})),
      },
    ]),
  );
}

export type LockedAttempt = {
  attempt: AttemptRow;
  recipient: { class_id: string | null; school_id: string | null };
  saved: Map<string, unknown>;
};
