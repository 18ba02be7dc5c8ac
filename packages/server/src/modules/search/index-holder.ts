import path from 'node:path';
import type { Db, DbOrTx } from '../../core/db/database.ts';
import { readSnapshot, writeSnapshot } from './index-snapshot.ts';
import { InvertedIndex, type IndexedDoc, type IndexHeader } from './inverted-index.ts';
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
 *
 * With a snapshot file, a large index is also written to disk after each build and hourly when it
 * changed (saveSnapshot), with its place in the log; a starting process reads it back (seconds
 * rather than minutes for millions of documents) and applies the changes logged since, provided
 * the log still holds its place (the same row, so the same database) and it is no older than
 * REPLAY_WITHIN_MS. Otherwise it rebuilds from the table as before.
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
/** Indexes smaller than this are rebuilt at start rather than written to disk (a rebuild takes seconds). */
const SNAPSHOT_MIN = 100_000;
// 2: facet values as filter words; 3: only title postings are "high" (HIGH_FIELDS)
const SNAPSHOT_VERSION = 3;

type SnapshotHeader = {
  version: number;
  /** When the holder had last read the log to its end (ms). */
  readAt: number;
  watermark: number;
  seen: number[];
  /** The last logged change at or before the watermark, as the database has it (identifies the database and the place). */
  anchor: repo.ChangeAnchor;
  index: IndexHeader;
};

/** The folder holding the snapshot files of the processes' indexes (null: none are written). */
let snapshotDir: string | null = null;
/** Sets the folder for index snapshots (start-up: inside QIMING_DATA_DIR); null switches them off. */
export function configureSearchSnapshots(dir: string | null): void {
  snapshotDir = dir;
}

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

export type IndexStats = {
  documents: number;
  words: number;
  postings: number;
  memoryBytes: number;
  builtInMs: number | null;
  source: 'table' | 'snapshot' | null;
};
export type SnapshotStats = { bytes: number; ms: number };

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
  /** How the index was made: built from the table, or read from a snapshot. */
  source: 'table' | 'snapshot' | null = null;
  private saving: Promise<SnapshotStats | null> | null = null;
  private changedSinceSnapshot = false;

  constructor(
    private readonly db: Db,
    private readonly gapMs = GAP_MS,
    private readonly snapshot: { file: string; minSize?: number } | null = snapshotDir
      ? { file: path.join(snapshotDir, 'search-index.snapshot') }
      : null,
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
    this.source = 'table';
    this.changedSinceSnapshot = true;
    if (this.snapshot) void this.saveSnapshot().catch(() => undefined);
  }

  /**
   * Writes the index to the snapshot file (when it is large enough and changed since the last
   * one); searches and changes go on meanwhile. Resolves with the file's size and the time taken.
   */
  saveSnapshot(): Promise<SnapshotStats | null> {
    this.saving ??= this.writeSnapshot().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  private async writeSnapshot(): Promise<SnapshotStats | null> {
    const index = this.index;
    const file = this.snapshot?.file;
    if (!file || !index || !this.changedSinceSnapshot || index.size < (this.snapshot?.minSize ?? SNAPSHOT_MIN)) return null;
    const started = performance.now();
    const anchor = await repo.changeAtOrBefore(this.db, this.watermark);
    if (!anchor || this.index !== index) return null;
    // taken in one go, between two changes: the holder's place in the log and the index's arrays
    const { header: indexHeader, arrays, release } = index.snapshot();
    const header: SnapshotHeader = {
      version: SNAPSHOT_VERSION,
      readAt: this.readAt,
      watermark: this.watermark,
      seen: [...this.seen],
      anchor,
      index: indexHeader,
    };
    this.changedSinceSnapshot = false;
    try {
      const bytes = await writeSnapshot(file, header, arrays);
      return { bytes, ms: performance.now() - started };
    } catch (err) {
      this.changedSinceSnapshot = true;
      throw err;
    } finally {
      release();
    }
  }

  /** Reads the snapshot file if it fits this database and is recent enough; whether it did. */
  private async loadSnapshot(): Promise<boolean> {
    const file = this.snapshot?.file;
    if (!file) return false;
    const started = performance.now();
    let snap: Awaited<ReturnType<typeof readSnapshot<SnapshotHeader>>>;
    try {
      snap = await readSnapshot<SnapshotHeader>(file);
    } catch {
      return false; // none yet, or damaged: built from the table
    }
    const h = snap.header;
    if (h.version !== SNAPSHOT_VERSION || Date.now() - h.readAt > REPLAY_WITHIN_MS) return false;
    const anchor = await repo.changeAtOrBefore(this.db, h.anchor.seq);
    if (!anchor || JSON.stringify(anchor) !== JSON.stringify(h.anchor)) return false;
    const index = InvertedIndex.restore(h.index, snap.next);
    if (snap.remaining() !== 0) return false;
    this.index = index;
    this.watermark = h.watermark;
    this.seen.clear();
    for (const seq of h.seen) this.seen.add(seq);
    this.gapSince.clear();
    this.readAt = h.readAt;
    this.builtInMs = performance.now() - started;
    this.source = 'snapshot';
    return true;
  }

  private async poll(): Promise<void> {
    if (!this.index) {
      if (!(await this.loadSnapshot())) await this.rebuild();
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
      this.changedSinceSnapshot = true;
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
      source: this.source,
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
