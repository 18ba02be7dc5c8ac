import type { TAttempt } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type Db, type Tx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { isPastDeadline, SUBMIT_GRACE_MS } from './attempt-lifecycle.ts';
import { attemptItems, gradeAndCloseMany, type Closed, type Closing, type Responses } from './grade-and-close.ts';
import * as repo from './homework.repository.ts';
import { notFound } from './homework.policy.ts';
import { presentAttempt } from './homework.presenter.ts';
import { cachedAssignment } from './snapshot-cache.ts';
import { deadlineError, loadAttemptView, validateResponses } from './attempts.service.ts';

/*
 * Group commit of submissions. On the 停课不停学 morning thousands of pupils submit in the same
 * minute; one transaction per submit spends the database on statement and commit overhead (ten
 * statements and a WAL flush for a few kilobytes). Here a submit joins a queue; while a batch is
 * being written the next one gathers, so under load each transaction closes many attempts with
 * one statement per table, and when the server is quiet a submit is written at once, alone.
 * Every submit still gets its own answer: its own error (not open, past the deadline, wrong
 * shape, not yours) or its own graded attempt. A batch the database refuses is retried one
 * submit per transaction, so one bad submit never fails the others.
 */

type Job = {
  ctx: AuthedContext;
  attemptId: string;
  input: { responses: Responses; submitKey: string };
  now: Date;
  resolve: (v: TAttempt) => void;
  reject: (e: unknown) => void;
};

/** What a batch decided for one submit. */
type Outcome =
  | { kind: 'closed'; a: repo.AssignmentRow; closed: Closed }
  | { kind: 'replay'; a: repo.AssignmentRow; t: repo.AttemptRow }
  | { kind: 'error'; error: unknown };

/** Largest batch, and batches written at once per database pool (the rest of the pool serves reads). */
const MAX_BATCH = 64;
const MAX_IN_FLIGHT = 2;

class SubmitQueue {
  private queue: Job[] = [];
  private inFlight = 0;

  constructor(private readonly db: Db) {}

  push(job: Job) {
    this.queue.push(job);
    this.pump();
  }

  private pump() {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Up to MAX_BATCH jobs of different people and attempts, in arrival order; the rest wait. */
  private take(): Job[] {
    const batch: Job[] = [];
    const rest: Job[] = [];
    const people = new Set<string>();
    const attempts = new Set<string>();
    for (const job of this.queue) {
      if (batch.length < MAX_BATCH && !people.has(job.ctx.actor.userId) && !attempts.has(job.attemptId)) {
        batch.push(job);
        people.add(job.ctx.actor.userId);
        attempts.add(job.attemptId);
      } else rest.push(job);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Job[]) {
    let outcomes: Outcome[];
    try {
      outcomes = await withTransaction(this.db, (tx) => submitBatch(tx, batch));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // the database refused the batch (a deadlock, a constraint): each submit alone, so only the bad one fails
      await Promise.all(batch.map((job) => this.run([job])));
      return;
    }
    await Promise.all(batch.map((job, i) => answer(job, outcomes[i])));
  }
}

async function answer(job: Job, o: Outcome) {
  try {
    if (o.kind === 'error') throw o.error;
    const user = { id: job.ctx.actor.userId, name: job.ctx.actor.displayName };
    // the graded answers are at hand: no need to read them back (a retried submit reads them)
    if (o.kind === 'closed')
      job.resolve(presentAttempt(o.a, o.closed.attempt, attemptItems(o.a, o.closed.attempt), o.closed.responses, user, 'self'));
    else job.resolve(await loadAttemptView(job.ctx, o.a, o.t, 'self'));
  } catch (error) {
    job.reject(error);
  }
}

/** Locks the batch's attempts, decides each submit, and grades and closes the open ones together. */
async function submitBatch(tx: Tx, batch: Job[]): Promise<Outcome[]> {
  const locked = await repo.lockAttemptsWithContext(
    tx,
    batch.map((j) => j.attemptId),
  );
  const outcomes: Outcome[] = [];
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
          outcomes[index] = { kind: 'replay', a, t };
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
      outcomes[index] = { kind: 'error', error };
    }
  }
  const closed = await gradeAndCloseMany(
    tx,
    closing.map((x) => x.c),
  );
  closing.forEach((x, i) => (outcomes[x.index] = { kind: 'closed', a: x.c.a, closed: closed[i] }));
  return outcomes;
}

const queues = new WeakMap<Db, SubmitQueue>();

/**
 * Submits an attempt: applies the last answers, grades, closes. Idempotent by `submitKey`: a
 * retry of the same submit (lost answer, double click) gets the same result; a submit from
 * another tab after this one finished gets ATTEMPT_NOT_OPEN with the attempt's id. Written
 * together with the other submits arriving at the same moment (group commit).
 */
export function submitAttempt(
  ctx: AuthedContext,
  attemptId: string,
  input: { responses: Responses; submitKey: string },
): Promise<TAttempt> {
  let queue = queues.get(ctx.db);
  if (!queue) queues.set(ctx.db, (queue = new SubmitQueue(ctx.db)));
  const q = queue;
  return new Promise((resolve, reject) => q.push({ ctx, attemptId, input, now: new Date(), resolve, reject }));
}
