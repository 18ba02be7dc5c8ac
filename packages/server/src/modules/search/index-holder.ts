import type { Db, DbOrTx } from '../../core/db/database.ts';
import { InvertedIndex, type IndexedDoc } from './inverted-index.ts';
import * as repo from './search.repository.ts';

/**
 * One in-process index per database, kept in step with `search_documents` through the
 * `search_changes` log: built from the table on first use (or at start-up: warm()), then before
 * every search the changes committed since are applied — each changed document is read back
 * from the table, so applying is idempotent and order does not matter. Several server processes
 * on one PostgreSQL database each hold their own and follow the same log; PGlite works the same.
 *
 * Sequence numbers are taken at insert but become visible at commit, so a later number can be
 * seen before an earlier one: the log is read from the lowest number not yet seen, and a gap
 * that stays open for GAP_MS (a rolled-back transaction) is given up on.
 */

/** How long a gap in the change log may stay open before it is taken to be a rollback. */
const GAP_MS = 30_000;
/** Changes read per poll; a longer backlog is cheaper to rebuild than to replay. */
const POLL_LIMIT = 20_000;
/** How far back of the last change a rebuild starts following (transactions still open when it started). */
const LOOKBACK = 1000;
/** Page ranges read per query while rebuilding (8 KiB pages). */
const PAGES_PER_READ = 2000;
/**
 * How long the change log keeps its rows (pruneChanges, hourly), and how long a holder may go
 * without reading it before it rebuilds instead of replaying: half of that, so every change since
 * its last read is still in the log when it replays.
 */
export const CHANGE_LOG_KEEP_MS = 24 * 3_600_000;
const REPLAY_WITHIN_MS = CHANGE_LOG_KEEP_MS / 2;
/** Below this size a rebuild announced by a bulk load is awaited; above it the old index keeps serving meanwhile. */
const INLINE_REBUILD = 100_000;

export function toIndexedDoc(r: repo.IndexRow): IndexedDoc {
  return {
    kind: r.kind,
    refId: r.ref_id,
    terms: r.terms,
    docLength: r.doc_length,
    facets: {
      kind: r.kind,
      subject: r.subject,
      grade: r.grade === null ? null : String(r.grade),
      term: r.term,
      edition: r.edition,
      unit: r.unit_id,
      type: r.type,
      level: r.level,
      school: r.school_id,
      district: r.district_id,
    },
    unitName: r.unit_name,
    schoolName: r.school_name,
    scope: r.visibility === 'scoped' ? r.visible_path : null,
    popularity: r.popularity,
    publishedAt: r.published_ms,
  };
}

export type IndexStats = { documents: number; words: number; postings: number; memoryBytes: number; builtInMs: number | null };

export class IndexHolder {
  index: InvertedIndex | null = null;
  private watermark = 0;
  private readonly seen = new Set<number>();
  private readonly gapSince = new Map<number, number>();
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private rebuilding: Promise<void> | null = null;
  /** When the change log was last read to its end. */
  private readAt = 0;
  builtInMs: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly gapMs = GAP_MS,
  ) {}

  /** The index with every change committed before the call applied (read-your-writes). */
  async current(): Promise<InvertedIndex> {
    await this.sync();
    return this.index!;
  }

  /** Coalesces concurrent callers; a caller arriving during a poll waits for the next one, which starts after it. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.poll().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.sync();
    });
    return this.queued;
  }

  /** Builds a new index from the table and swaps it in; the old one serves until then. */
  rebuild(): Promise<void> {
    this.rebuilding ??= this.build().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async build(): Promise<void> {
    const started = performance.now();
    const last = await repo.lastChange(this.db);
    const from = Math.max(0, last - LOOKBACK);
    const early = await repo.changesAfter(this.db, from, LOOKBACK + 1);
    const extent = await repo.tableExtent(this.db);
    const index = new InvertedIndex(Math.ceil(extent.rows * 1.05) + 1024);
    for (let page = 0; ; page += PAGES_PER_READ) {
      // the table may have grown since: read until a range past its end comes back empty
      if (page >= extent.pages) {
        const now = await repo.tableExtent(this.db);
        if (page >= now.pages) break;
        extent.pages = now.pages;
      }
      const rows = await repo.indexRowsInPages(this.db, page, page + PAGES_PER_READ);
      for (const r of rows) index.upsert(toIndexedDoc(r));
    }
    index.trim();
    this.index = index;
    this.watermark = from;
    this.seen.clear();
    this.gapSince.clear();
    for (const c of early) if (c.seq <= last) this.seen.add(c.seq);
    this.advance();
    this.readAt = Date.now();
    this.builtInMs = performance.now() - started;
  }

  private async poll(): Promise<void> {
    if (!this.index) {
      await this.rebuild();
    } else if (Date.now() - this.readAt > REPLAY_WITHIN_MS) {
      // changes since the last read may have been pruned from the log
      if (this.index.size < INLINE_REBUILD) await this.rebuild();
      else void this.rebuild();
    }
    for (;;) {
      const index = this.index!;
      const changes = await repo.changesAfter(this.db, this.watermark, POLL_LIMIT + 1);
      const fresh = changes.filter((c) => !this.seen.has(c.seq));
      if (fresh.length === 0) {
        this.advance();
        this.readAt = Date.now();
        return;
      }
      if (changes.length > POLL_LIMIT || fresh.some((c) => c.op === '*')) {
        // a bulk load, or too long a backlog to replay
        if (index.size < INLINE_REBUILD) await this.rebuild();
        else void this.rebuild();
        return;
      }
      await this.apply(index, fresh);
      // a rebuild swapped in meanwhile starts from its own place in the log: read again from there
      if (this.index !== index) continue;
      for (const c of fresh) this.seen.add(c.seq);
      this.advance();
      if (changes.length < POLL_LIMIT) {
        this.readAt = Date.now();
        return;
      }
    }
  }

  private async apply(index: InvertedIndex, changes: repo.ChangeRow[]): Promise<void> {
    // per document, the last word of the log: read back whole (upsert or delete), or only its popularity
    const whole = new Map<string, repo.DocumentKey>();
    const popularity = new Map<string, repo.DocumentKey>();
    for (const c of changes) {
      const key = `${c.kind}/${c.ref_id}`;
      (c.op === 'p' ? popularity : whole).set(key, { kind: c.kind!, refId: c.ref_id! });
    }
    for (const key of whole.keys()) popularity.delete(key);
    for (const keys of chunks([...whole.values()], 1000)) {
      const found = new Set<string>();
      for (const r of await repo.indexRowsByKey(this.db, keys)) {
        found.add(`${r.kind}/${r.ref_id}`);
        index.upsert(toIndexedDoc(r));
      }
      // not in the table any more: deleted, or unpublished since
      for (const k of keys) if (!found.has(`${k.kind}/${k.refId}`)) index.remove(k.kind, k.refId);
    }
    for (const keys of chunks([...popularity.values()], 1000)) {
      for (const r of await repo.popularityByKey(this.db, keys)) index.setPopularity(r.kind, r.ref_id, r.popularity);
    }
  }

  /** Moves the watermark over every number seen, and over gaps open longer than GAP_MS. */
  private advance(): void {
    const now = Date.now();
    for (;;) {
      const next = this.watermark + 1;
      if (this.seen.delete(next)) {
        this.gapSince.delete(next);
        this.watermark = next;
        continue;
      }
      if (this.seen.size === 0) return;
      const since = this.gapSince.get(next);
      if (since === undefined) {
        this.gapSince.set(next, now);
        return;
      }
      if (now - since < this.gapMs) return;
      this.gapSince.delete(next);
      this.watermark = next;
    }
  }

  stats(): IndexStats {
    const i = this.index;
    return {
      documents: i?.alive ?? 0,
      words: i?.wordCount ?? 0,
      postings: i?.postingCount() ?? 0,
      memoryBytes: i?.memoryBytes() ?? 0,
      builtInMs: this.builtInMs,
    };
  }
}

function* chunks<T>(xs: T[], n: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
}

const holders = new WeakMap<object, IndexHolder>();

/** The holder for a database; a transaction has none (the index holds what is committed). */
export function holderFor(db: DbOrTx): IndexHolder {
  if (db.isTransaction) {
    throw new Error('search reads the committed index: pass the database, not a transaction');
  }
  let h = holders.get(db);
  if (!h) {
    h = new IndexHolder(db as Db);
    holders.set(db, h);
  }
  return h;
}
