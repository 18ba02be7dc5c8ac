import { randomUUID } from 'node:crypto';
import { checkResponseShape, withScore, type TAttempt, type TSaveResponsesResult } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type Db, type DbOrTx, type Tx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { buildStatement, type XapiStatement } from '../lrs/index.ts';
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

type StartJob = { ctx: AuthedContext; a: repo.AssignmentRow; now: Date };

/** What a batch decided for one start: a new attempt, the open one to resume, or what the caller must do first. */
type Started =
  | { kind: 'created'; row: repo.AttemptRow }
  | { kind: 'open'; attempt: repo.AttemptRow }
  /** Another tab or server inserted the open attempt at the same moment: read it back. */
  | { kind: 'raced' }
  /** An open attempt past its deadline: it is closed first (graded with what was saved), then start again. */
  | { kind: 'expired' };

/** A new attempt for one start (its item order, and for assessments its own draw), with its xAPI statement. */
async function newAttempt(
  db: DbOrTx,
  { ctx, a, now }: StartJob,
  recipient: { class_id: string | null; school_id: string | null },
  attemptsUsed: number,
): Promise<{ row: repo.AttemptRow; statement: XapiStatement }> {
  const window = { opensAt: a.opens_at, closesAt: a.closes_at, timeLimitMinutes: a.time_limit_minutes, maxAttempts: a.max_attempts };
  const refusal = startRefusal(window, attemptsUsed, now);
  if (refusal) throw new AppError(refusal);
  const attemptNo = attemptsUsed + 1;
  // 31 bits: the column is a signed integer
  const seed = hashSeed(`${a.id}:${ctx.actor.userId}:${attemptNo}`) & 0x7fffffff;
  let drawn: SnapshotItem[] | null = null;
  if (a.kind === 'assessment') {
    const found = await drawRandomItems(db, {
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
  const id = randomUUID();
  const row: repo.AttemptRow = {
    id,
    assignment_id: a.id,
    user_id: ctx.actor.userId,
    attempt_no: attemptNo,
    status: 'in_progress',
    seed,
    item_order: a.shuffle_items ? seededShuffle(keys, seed) : keys,
    drawn_items: drawn,
    started_at: now,
    deadline_at: deadlineFor(window, now),
    submitted_at: null,
    graded_at: null,
    submit_key: null,
    auto_score: null,
    score: null,
    max_score: drawn ? round2(drawn.reduce((s, i) => s + i.score, 0)) : a.max_score,
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
  return { row, statement };
}

/**
 * Decides the starts arriving together from one read of their recipients and attempts, and writes
 * the new attempts with their statements in one statement (group commit): two round trips per
 * batch, no transaction. The read takes no lock: a start that another tab or server made in
 * between makes the insert skip (one open attempt per person, unique attempt numbers), and that
 * start reads the winner's attempt.
 */
async function startBatch(db: Db, jobs: StartJob[]): Promise<JobOutcome<Started>[]> {
  const found = await repo.listRecipientsWithAttempts(
    db,
    jobs.map((j) => ({ assignmentId: j.a.id, userId: j.ctx.actor.userId })),
  );
  const outcomes: JobOutcome<Started>[] = [];
  const fresh: { index: number; row: repo.AttemptRow; statement: XapiStatement }[] = [];
  for (const [index, job] of jobs.entries()) {
    try {
      const f = found.get(`${job.a.id}:${job.ctx.actor.userId}`);
      if (!f) throw notFound();
      const open = f.open;
      if (open && isPastDeadline(open.deadline_at, job.now, SUBMIT_GRACE_MS)) outcomes[index] = { ok: true, value: { kind: 'expired' } };
      else if (open) outcomes[index] = { ok: true, value: { kind: 'open', attempt: open } };
      else fresh.push({ index, ...(await newAttempt(db, job, f.recipient, f.attemptsUsed)) });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  const inserted = await repo.insertAttemptsIfNoneWithStatements(
    db,
    fresh.map((f) => f.row),
    fresh.map((f) => f.statement),
  );
  for (const f of fresh)
    outcomes[f.index] = { ok: true, value: inserted.has(f.row.id) ? { kind: 'created', row: f.row } : { kind: 'raced' } };
  return outcomes;
}

const starts = new WeakMap<Db, GroupCommit<StartJob, Started>>();

/**
 * Starts an attempt, or resumes the open one. Two tabs, a double click or a retried request all
 * end on the same attempt: one person's starts never share a batch, the partial unique index
 * allows one open attempt per person, and an insert that loses the race reads the winner's.
 * Starts arriving together are decided and written together (group commit): under load a
 * start costs no round trip of its own.
 */
export async function startAttempt(ctx: AuthedContext, assignmentId: string, retried = false): Promise<TAttempt & { resumed: boolean }> {
  const a = await cachedAssignment(ctx.db, assignmentId);
  const takes = a && (a.kind === 'assessment' ? ctx.actor.permissions.has('assessment.take') : ctx.actor.permissions.has('homework.take'));
  if (!a || !takes) throw notFound();
  const queue = groupCommitFor(starts, ctx.db, {
    transaction: false,
    maxInFlight: 1,
    write: startBatch,
    keysOf: (j) => [j.ctx.actor.userId],
  });
  const started = await queue.run({ ctx, a, now: new Date() });
  const self = { id: ctx.actor.userId, name: ctx.actor.displayName };
  switch (started.kind) {
    case 'created':
      // a new attempt has no answers yet
      return { ...presentAttempt(a, started.row, attemptItems(a, started.row), [], self, 'self'), resumed: false };
    case 'open':
      return { ...(await loadAttemptView(ctx, a, started.attempt, 'self')), resumed: true };
    case 'expired':
      await finalizeExpiredAttempts(ctx, { assignmentIds: [assignmentId], userId: ctx.actor.userId });
      if (retried) throw new AppError('CONFLICT', { message: '上一次作答正在结束，请稍后再试' });
      return startAttempt(ctx, assignmentId, true);
    case 'raced': {
      const attempt = await repo.findOpenAttempt(ctx.db, a.id, ctx.actor.userId);
      if (!attempt) throw new AppError('CONFLICT', { message: '作答刚刚在另一个窗口提交，请刷新后查看' });
      return { ...(await loadAttemptView(ctx, a, attempt, 'self')), resumed: true };
    }
  }
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
