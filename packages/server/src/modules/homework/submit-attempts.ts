import type { TAttempt } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type Db, type DbOrTx } from '../../core/db/database.ts';
import { GroupCommit, groupCommitFor, type JobOutcome } from '../../core/db/group-commit.ts';
import { AppError } from '../../core/errors.ts';
import { isPastDeadline, SUBMIT_GRACE_MS } from './attempt-lifecycle.ts';
import { attemptItems, gradeAndCloseIfUnchanged, gradeAndCloseMany, type Closed, type Closing, type Responses } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { notFound } from './homework.policy.ts';
import { presentAttempt } from './homework.presenter.ts';
import { cachedAssignment } from './snapshot-cache.ts';
import { deadlineError, loadAttemptView, validateResponses } from './attempts.service.ts';

type Job = { ctx: AuthedContext; attemptId: string; input: { responses: Responses; submitKey: string }; now: Date };

/**
 * What was decided for one submit: closed now, closed earlier by this same submit (a retry), or —
 * for a submit read without the lock — changed meanwhile, to be submitted again under the lock.
 */
type Decided =
  | { kind: 'closed'; a: repo.AssignmentRow; closed: Closed }
  | { kind: 'replay'; a: repo.AssignmentRow; t: repo.AttemptRow }
  | { kind: 'changed' };

/** Decides each submit from its attempt as read; the open ones come back to be graded and closed. */
async function decide(db: DbOrTx, batch: readonly Job[], found: Map<string, repo.LockedAttempt>) {
  const outcomes: JobOutcome<Decided>[] = [];
  const closing: { index: number; c: Closing }[] = [];
  for (const [index, job] of batch.entries()) {
    try {
      const l = found.get(job.attemptId);
      if (!l || l.attempt.user_id !== job.ctx.actor.userId) throw notFound();
      const t = l.attempt;
      const a = await cachedAssignment(db, t.assignment_id);
      if (!a) throw notFound();
      if (t.status !== 'in_progress') {
        if (t.submit_key === job.input.submitKey) {
          outcomes[index] = { ok: true, value: { kind: 'replay', a, t } };
          continue;
        }
        throw new AppError('ATTEMPT_NOT_OPEN', {
          message: '本次作答已在其他窗口或设备上提交',
          details: { attemptId: t.id, status: t.status },
        });
      }
      if (isPastDeadline(t.deadline_at, job.now, SUBMIT_GRACE_MS)) throw deadlineError(a, job.now);
      validateResponses(attemptItems(a, t), job.input.responses);
      const user = { id: job.ctx.actor.userId, name: job.ctx.actor.displayName };
      closing.push({ index, c: { a, locked: l, user, latest: job.input.responses, submitKey: job.input.submitKey, now: job.now } });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  return { outcomes, closing };
}

/**
 * A batch of submits in two round trips and no transaction: one read of the attempts (no lock),
 * then one statement that closes those still open at the revision read and writes their answers
 * and learning records. A submit whose attempt changed in between (an autosave, another tab) is
 * answered `changed` and submitted again under the row lock.
 */
async function submitBatch(db: Db, batch: Job[]): Promise<JobOutcome<Decided>[]> {
  const found = await repo.lockAttemptsWithContext(
    db,
    batch.map((j) => j.attemptId),
    { lock: false },
  );
  const { outcomes, closing } = await decide(db, batch, found);
  const closed = await gradeAndCloseIfUnchanged(
    db,
    closing.map((x) => x.c),
  );
  closing.forEach((x, i) => {
    const c = closed[i];
    outcomes[x.index] = { ok: true, value: c ? { kind: 'closed', a: x.c.a, closed: c } : { kind: 'changed' } };
  });
  return outcomes;
}

/** One submit under the attempt's row lock, in its own transaction: the path when a batch found its attempt changed. */
function submitLocked(job: Job): Promise<Decided> {
  return withTransaction(job.ctx.db, async (tx) => {
    const found = await repo.lockAttemptsWithContext(tx, [job.attemptId]);
    const { outcomes, closing } = await decide(tx, [job], found);
    if (closing.length) {
      const [closed] = await gradeAndCloseMany(tx, [closing[0].c]);
      return { kind: 'closed', a: closing[0].c.a, closed };
    }
    const o = outcomes[0];
    if (!o.ok) throw o.error;
    return o.value;
  });
}

const queues = new WeakMap<Db, GroupCommit<Job, Decided>>();

/**
 * Submits an attempt: applies the last answers, grades, closes. Idempotent by `submitKey`: a
 * retry of the same submit (lost answer, double click) gets the same result; a submit from
 * another tab after this one finished gets ATTEMPT_NOT_OPEN with the attempt's id. Written
 * together with the other submits arriving at the same moment (group commit); one person's
 * submits never share a batch.
 */
export async function submitAttempt(
  ctx: AuthedContext,
  attemptId: string,
  input: { responses: Responses; submitKey: string },
): Promise<TAttempt> {
  const queue = groupCommitFor(queues, ctx.db, {
    transaction: false,
    // one batch at a time: the next gathers meanwhile, so under load batches are larger and
    // round trips per submit fewer (a quiet server still writes each submit at once)
    maxInFlight: 1,
    write: submitBatch,
    keysOf: (j) => [j.ctx.actor.userId, j.attemptId],
  });
  const job = { ctx, attemptId, input, now: new Date() };
  let d = await queue.run(job);
  if (d.kind === 'changed') d = await submitLocked(job);
  // the graded answers are at hand: no need to read them back (a retried submit reads them)
  switch (d.kind) {
    case 'closed':
      return presentAttempt(
        d.a,
        d.closed.attempt,
        attemptItems(d.a, d.closed.attempt),
        d.closed.responses,
        { id: ctx.actor.userId, name: ctx.actor.displayName },
        'self',
      );
    case 'replay':
      return loadAttemptView(ctx, d.a, d.t, 'self');
    case 'changed':
      throw new AppError('CONFLICT', { message: '作答刚刚被修改，请重新提交' });
  }
}
