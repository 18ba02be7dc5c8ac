import { withTransaction, type Db, type Tx } from './database.ts';

/*
 * Group commit in the process. Where many requests each write a little at the same moment (the
 * 停课不停学 morning: thousands of pupils starting and submitting homework), one transaction per
 * request spends the database on statement and commit overhead. A job joins a queue; while one
 * batch is being written the next gathers, so under load one transaction serves many jobs with
 * one statement per table, and on a quiet server a job is written at once, alone (no timer, no
 * added wait). Each job still gets its own result or its own error. A batch the database refuses
 * (a deadlock, a constraint) is retried one job per transaction, so one bad job never fails the
 * others.
 */

/** Per job: a value, or an error for that job alone (the batch's other jobs still commit). */
export type JobOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export type GroupCommitOptions<J, R> = (
  | {
      /** Writes a batch in one transaction; returns one outcome per job, in order. */
      write: (tx: Tx, jobs: J[]) => Promise<JobOutcome<R>[]>;
      transaction?: true;
    }
  | {
      /**
       * Writes a batch without a transaction around it: the writer keeps each of its writes atomic
       * itself (one statement each), which saves the BEGIN and COMMIT round trips.
       */
      write: (db: Db, jobs: J[]) => Promise<JobOutcome<R>[]>;
      transaction: false;
    }
) & {
  /** Jobs with the same key never share a batch (e.g. one person's two submits). */
  keysOf?: (job: J) => string[];
  maxBatch?: number;
  /** Batches written at once; the rest of the connection pool serves reads. */
  maxInFlight?: number;
};

type Queued<J, R> = { job: J; resolve: (v: R) => void; reject: (e: unknown) => void };

export class GroupCommit<J, R> {
  private queue: Queued<J, R>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Db,
    private readonly opts: GroupCommitOptions<J, R>,
  ) {
    this.maxBatch = opts.maxBatch ?? 64;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  run(job: J): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.take();
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Up to maxBatch jobs whose keys do not repeat, in arrival order; the rest wait for the next batch. */
  private take(): Queued<J, R>[] {
    const batch: Queued<J, R>[] = [];
    const rest: Queued<J, R>[] = [];
    const seen = new Set<string>();
    for (const q of this.queue) {
      const keys = this.opts.keysOf?.(q.job) ?? [];
      if (batch.length < this.maxBatch && !keys.some((k) => seen.has(k))) {
        batch.push(q);
        for (const k of keys) seen.add(k);
      } else rest.push(q);
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: Queued<J, R>[]): Promise<void> {
    let outcomes: JobOutcome<R>[];
    try {
      const jobs = batch.map((q) => q.job);
      const opts = this.opts;
      outcomes =
        opts.transaction === false ? await opts.write(this.db, jobs) : await withTransaction(this.db, (tx) => opts.write(tx, jobs));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((q) => this.write([q])));
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }
}

/** One queue per database and purpose, made on first use. */
export function groupCommitFor<J, R>(registry: WeakMap<Db, GroupCommit<J, R>>, db: Db, opts: GroupCommitOptions<J, R>): GroupCommit<J, R> {
  let queue = registry.get(db);
  if (!queue) registry.set(db, (queue = new GroupCommit(db, opts)));
  return queue;
}
