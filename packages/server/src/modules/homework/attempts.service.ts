import { randomUUID } from 'node:crypto';
import { checkResponseShape, withScore, type TAttempt, type TSaveResponsesResult } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type Db, type DbOrTx, type Tx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { buildStatement, insertStatements, type XapiStatement } from '../lrs/index.ts';
import { GroupCommit, groupCommitFor, type JobOutcome } from '../../core/db/group-commit.ts';
import { drawRandomItems } from '../items/index.ts';
import { deadlineFor, isPastDeadline, startRefusal, SUBMIT_GRACE_MS } from './attempt-lifecycle.ts';
import { attemptItems, gradeAndCloseMany, round2, type Responses } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { notFound, teacherClassPaths } from './homework.policy.ts';
import { presentAttempt, type AttemptView } from './homework.presenter.ts';
import type { SnapshotItem } from './paper-snapshot.ts';
import { hashSeed, seededShuffle } from './seeded-random.ts';
import { cachedAssignment } from './snapshot-cache.ts';

/** Checks every answer's shape against its item; RESPONSE_INVALID lists each problem, and nothing is saved. */
export function validateResponses(items: SnapshotItem[], responses: Responses) {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const [key, response] of Object.entries(responses)) {
    const item = byKey.get(key);
    if (!item) issues.push({ path: ['body', 'responses', key], message: '本次作答中没有这道题' });
    else issues.push(...checkResponseShape(item.content, response, ['body', 'responses', key]));
  }
  if (issues.length) {
    const first = issues
      .slice(0, 3)
      .map((i) => `${i.path.slice(2).join('.')}：${i.message}`)
      .join('；');
    throw new AppError('RESPONSE_INVALID', { message: `答案格式与题目不符（${first}）`, details: { issues } });
  }
  return byKey;
}

async function userName(db: DbOrTx, id: string): Promise<string> {
  const u = await db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst();
  return u?.display_name ?? '';
}

export async function loadAttemptView(ctx: AuthedContext, a: repo.AssignmentRow, t: repo.AttemptRow, view: AttemptView): Promise<TAttempt> {
  const [responses, name] = await Promise.all([
    repo.listResponses(ctx.db, [t.id]),
    t.user_id === ctx.actor.userId ? ctx.actor.displayName : userName(ctx.db, t.user_id),
  ]);
  return presentAttempt(a, t, attemptItems(a, t), responses, { id: t.user_id, name }, view);
}

type NewAttempt = { row: repo.AttemptRow; statement: XapiStatement };

/** Writes the attempts started at the same moment together (group commit); each learns whether it was inserted. */
async function insertNewAttempts(tx: Tx, jobs: NewAttempt[]): Promise<JobOutcome<boolean>[]> {
  const inserted = await repo.insertAttemptsIfNone(
    tx,
    jobs.map((j) => j.row),
  );
  await insertStatements(
    tx,
    jobs.filter((j) => inserted.has(j.row.id)).map((j) => j.statement),
  );
  return jobs.map((j) => ({ ok: true, value: inserted.has(j.row.id) }));
}

const starts = new WeakMap<Db, GroupCommit<NewAttempt, boolean>>();

/**
 * Starts an attempt, or resumes the open one. Two tabs, a double click or a retried request all
 * end on the same attempt: the partial unique index allows one open attempt per person, and an
 * insert that loses the race reads the winner's.
 */
export async function startAttempt(ctx: AuthedContext, assignmentId: string): Promise<TAttempt & { resumed: boolean }> {
  const a = await cachedAssignment(ctx.db, assignmentId);
  const takes = a && (a.kind === 'assessment' ? ctx.actor.permissions.has('assessment.take') : ctx.actor.permissions.has('homework.take'));
  const found = takes ? await repo.findRecipientWithAttempts(ctx.db, assignmentId, ctx.actor.userId) : null;
  if (!a || !found) throw notFound();
  const { recipient } = found;
  let { attempts } = found;
  // an open attempt past its deadline is closed first (graded with what was saved)
  if (attempts.some((t) => t.status === 'in_progress' && isPastDeadline(t.deadline_at, new Date(), SUBMIT_GRACE_MS))) {
    await finalizeExpiredAttempts(ctx, { assignmentIds: [assignmentId], userId: ctx.actor.userId });
    attempts = await repo.listAttemptsOf(ctx.db, assignmentId, ctx.actor.userId);
  }
  const open = attempts.find((t) => t.status === 'in_progress');
  if (open) return { ...(await loadAttemptView(ctx, a, open, 'self')), resumed: true };
  const now = new Date();
  const window = { opensAt: a.opens_at, closesAt: a.closes_at, timeLimitMinutes: a.time_limit_minutes, maxAttempts: a.max_attempts };
  const refusal = startRefusal(window, attempts.length, now);
  if (refusal) throw new AppError(refusal);

  const attemptNo = attempts.length + 1;
  // 31 bits: the column is a signed integer
  const seed = hashSeed(`${a.id}:${ctx.actor.userId}:${attemptNo}`) & 0x7fffffff;
  let drawn: SnapshotItem[] | null = null;
  if (a.kind === 'assessment') {
    const found = await drawRandomItems(ctx.db, {
      bankId: a.bank_id!,
      count: a.draw_count!,
      seed,
      filters: (a.draw_filters ?? undefined) as never,
    });
    if (!found.length) throw new AppError('PAPER_EMPTY', { message: '考核题库中没有可抽取的题目' });
    const each = round2(100 / found.length);
    drawn = found.map((f, i) => ({
      key: f.itemId,
      itemId: f.itemId,
      versionId: f.versionId,
      position: i + 1,
      sectionTitle: '考核题目',
      score: each,
      content: withScore(f.content, each),
    }));
  }
  const keys = (drawn ?? a.paper.items).map((i) => i.key);
  const order = a.shuffle_items ? seededShuffle(keys, seed) : keys;
  const maxScore = drawn ? round2(drawn.reduce((s, i) => s + i.score, 0)) : a.max_score;
  const id = randomUUID();
  const row: repo.AttemptRow = {
    id,
    assignment_id: a.id,
    user_id: ctx.actor.userId,
    attempt_no: attemptNo,
    status: 'in_progress',
    seed,
    item_order: order,
    drawn_items: drawn,
    started_at: now,
    deadline_at: deadlineFor(window, now),
    submitted_at: null,
    graded_at: null,
    submit_key: null,
    auto_score: null,
    score: null,
    max_score: maxScore,
    pending_manual: 0,
    revision: 0,
  };
  const statement = buildStatement({
    verb: 'attempted',
    actor: { userId: ctx.actor.userId, name: ctx.actor.displayName },
    object: { kind: 'assignment', id: a.id, name: a.title },
    registration: id,
    assignmentId: a.id,
    classId: recipient.class_id,
    schoolId: recipient.school_id,
    extensions: { 'urn:qiming:ext:attempt-no': attemptNo },
    timestamp: now,
  });
  const created = await groupCommitFor(starts, ctx.db, { write: insertNewAttempts, keysOf: (j) => [j.row.user_id] }).run({
    row,
    statement,
  });
  // a new attempt has no answers yet; one that lost the race to another tab is read back
  if (created)
    return {
      ...presentAttempt(a, row, attemptItems(a, row), [], { id: ctx.actor.userId, name: ctx.actor.displayName }, 'self'),
      resumed: false,
    };
  const attempt = await repo.findOpenAttempt(ctx.db, a.id, ctx.actor.userId);
  if (!attempt) throw new AppError('CONFLICT', { message: '作答刚刚在另一个窗口提交，请刷新后查看' });
  return { ...(await loadAttemptView(ctx, a, attempt, 'self')), resumed: true };
}

/** An attempt as its person, a teacher of its class, or a parent of its pupil sees it. */
export async function getAttempt(ctx: AuthedContext, attemptId: string): Promise<TAttempt> {
  let t = await repo.findAttempt(ctx.db, attemptId);
  if (!t) throw notFound();
  const a = await cachedAssignment(ctx.db, t.assignment_id);
  if (!a) throw notFound();
  const view = await attemptViewFor(ctx, a, t);
  if (t.status === 'in_progress' && isPastDeadline(t.deadline_at, new Date(), SUBMIT_GRACE_MS)) {
    await finalizeExpiredAttempts(ctx, { assignmentIds: [a.id], userId: t.user_id });
    t = (await repo.findAttempt(ctx.db, attemptId))!;
  }
  return loadAttemptView(ctx, a, t, view);
}

async function attemptViewFor(ctx: AuthedContext, a: repo.AssignmentRow, t: repo.AttemptRow): Promise<AttemptView> {
  const p = ctx.actor.permissions;
  if (t.user_id === ctx.actor.userId && (p.has('homework.take') || p.has('assessment.take'))) return 'self';
  if (ctx.actor.role === 'parent' && (await repo.guardianOfRecipient(ctx.db, a.id, ctx.actor.userId, t.user_id))) return 'guardian';
  if (a.kind === 'assessment') {
    if (p.has('assessment.manage') && ctx.actor.grants.some((g) => g.scopePath && a.owner_path.startsWith(g.scopePath))) return 'teacher';
  } else if (p.has('homework.manage')) {
    const recipient = await repo.findRecipient(ctx.db, a.id, t.user_id);
    const classes = await teacherClassPaths(ctx, a.id);
    if (recipient?.class_id && classes.includes(recipient.class_id)) return 'teacher';
  }
  throw notFound();
}

/** Locks the person's own attempt for a change; refuses when it is finished or past its deadline. */
async function lockOwnOpenAttempt(ctx: AuthedContext, tx: Tx, attemptId: string, now: Date, graceMs: number) {
  const locked = (await repo.lockAttemptsWithContext(tx, [attemptId])).get(attemptId);
  if (!locked || locked.attempt.user_id !== ctx.actor.userId) throw notFound();
  const t = locked.attempt;
  const a = await cachedAssignment(tx, t.assignment_id);
  if (!a) throw notFound();
  return { t, a, late: isPastDeadline(t.deadline_at, now, graceMs) };
}

export const deadlineError = (a: repo.AssignmentRow, now: Date) =>
  now >= a.closes_at
    ? new AppError('HOMEWORK_CLOSED', { message: '作业已截止，不能再修改或提交；截止前保存的答案已自动提交' })
    : new AppError('ATTEMPT_DEADLINE_PASSED', { message: '答题时间已到，不能再修改或提交；时间到之前保存的答案已自动提交' });

/** Autosave: stores the changed answers (not graded), bumps the revision the client reads back. */
export async function saveResponses(ctx: AuthedContext, attemptId: string, responses: Responses): Promise<TSaveResponsesResult> {
  const now = new Date();
  return withTransaction(ctx.db, async (tx) => {
    const { t, a, late } = await lockOwnOpenAttempt(ctx, tx, attemptId, now, 0);
    if (t.status !== 'in_progress') throw new AppError('ATTEMPT_NOT_OPEN', { details: { attemptId: t.id, status: t.status } });
    if (late) throw deadlineError(a, now);
    const byKey = validateResponses(attemptItems(a, t), responses);
    const rows = Object.entries(responses).map(([key, response]) => ({
      item_key: key,
      item_id: byKey.get(key)!.itemId,
      response,
      max_score: byKey.get(key)!.score,
    }));
    await repo.upsertSavedResponses(tx, t.id, rows, now);
    const revision = await repo.bumpRevision(tx, t.id);
    return { revision, savedAt: now.toISOString(), saved: rows.length };
  });
}

/**
 * Closes attempts whose deadline (plus the grace) has passed, grading what was saved before it —
 * the pupil who closed the browser at the bell still gets their work counted. Runs lazily where
 * attempts are read (lists, analysis, grading), so no timer is needed on any server.
 */
export async function finalizeExpiredAttempts(
  ctx: Pick<AuthedContext, 'db'>,
  where: { assignmentIds: string[]; userId?: string },
): Promise<number> {
  if (!where.assignmentIds.length) return 0;
  const cutoff = new Date(Date.now() - SUBMIT_GRACE_MS);
  let q = ctx.db
    .selectFrom('hw_attempts')
    .select('id')
    .where('assignment_id', 'in', where.assignmentIds)
    .where('status', '=', 'in_progress')
    .where('deadline_at', '<', cutoff);
  if (where.userId) q = q.where('user_id', '=', where.userId);
  const expired = await q.execute();
  for (const { id } of expired) {
    await withTransaction(ctx.db, async (tx) => {
      const locked = (await repo.lockAttemptsWithContext(tx, [id])).get(id);
      if (!locked || locked.attempt.status !== 'in_progress') return;
      const t = locked.attempt;
      const a = await cachedAssignment(tx, t.assignment_id);
      if (!a) return;
      const user = { id: t.user_id, name: await userName(tx, t.user_id) };
      const now = new Date(Math.min(Date.now(), t.deadline_at.getTime()));
      await gradeAndCloseMany(tx, [{ a, locked, user, latest: {}, submitKey: null, now }]);
    });
  }
  return expired.length;
}
