import type { TAttempt } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import type { Db, Tx } from '../../core/db/database.ts';
import { GroupCommit, groupCommitFor, type JobOutcome } from '../../core/db/group-commit.ts';
import { AppError } from '../../core/errors.ts';
import { isPastDeadline, SUBMIT_GRACE_MS } from './attempt-lifecycle.ts';
import { attemptItems, gradeAndCloseMany, type Closed, type Closing, type Responses } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { notFound } from './homework.policy.ts';
import { presentAttempt } from './homework.presenter.ts';
import { cachedAssignment } from './snapshot-cache.ts';
import { deadlineError, loadAttemptView, validateResponses } from './attempts.service.ts';

type Job = { ctx: AuthedContext; attemptId: string; input: { responses: Responses; submitKey: string }; now: Date };

/** What the batch decided for one submit: closed now, or closed earlier by this same submit (a retry). */
type Decided = { kind: 'closed'; a: repo.AssignmentRow; closed: Closed } | { kind: 'replay'; a: repo.AssignmentRow; t: repo.AttemptRow };

/** Locks the batch's attempts, decides each submit, and grades and closes the open ones together. */
async function submitBatch(tx: Tx, batch: Job[]): Promise<JobOutcome<Decided>[]> {
  const locked = await repo.lockAttemptsWithContext(
    tx,
    batch.map((j) => j.attemptId),
  );
  const outcomes: JobOutcome<Decided>[] = [];
  const closing: { index: number; c: Closing }[] = [];
  for (const [index, job] of batch.entries()) {
    try {
      const l = locked.get(job.attemptId);
      if (!l || l.attempt.user_id !== job.ctx.actor.userId) throw notFound();
      const t = l.attempt;
      const a = await cachedAssignment(tx, t.assignment_id);
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
  const closed = await gradeAndCloseMany(
    tx,
    closing.map((x) => x.c),
  );
  closing.forEach((x, i) => (outcomes[x.index] = { ok: true, value: { kind: 'closed', a: x.c.a, closed: closed[i] } }));
  return outcomes;
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
  const queue = groupCommitFor(queues, ctx.db, { write: submitBatch, keysOf: (j) => [j.ctx.actor.userId, j.attemptId] });
  const d = await queue.run({ ctx, attemptId, input, now: new Date() });
  // the graded answers are at hand: no need to read them back (a retried submit reads them)
  if (d.kind === 'closed')
    return presentAttempt(
      d.a,
      d.closed.attempt,
      attemptItems(d.a, d.closed.attempt),
      d.closed.responses,
      { id: ctx.actor.userId, name: ctx.actor.displayName },
      'self',
    );
  return loadAttemptView(ctx, d.a, d.t, 'self');
}
