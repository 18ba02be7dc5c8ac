import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DbOrTx } from '../../core/db/database.ts';
import { checkDocument, documentRow, type SearchDocumentInput } from './document.ts';
import * as repo from './search.repository.ts';

export type BulkOptions = {
  /** Segmentation threads; 0 segments in this thread. Default: one per core, at most 4. */
  workers?: number;
  /** Documents per statement. */
  batchSize?: number;
  onProgress?: (indexed: number) => void;
};

/** A worker running TypeScript sources: registers tsx's loader in the thread, then imports the file. */
function tsWorker(url: URL): Worker {
  // the ESM entry of tsx/esm/api (require.resolve names the CommonJS one beside it)
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true, execArgv: [] });
}

type Job = { resolve: (docs: repo.EncodedDocuments) => void; reject: (err: Error) => void };

/** Segmentation threads: jieba and pinyin are the costly part of indexing, and one thread uses one core. */
class SegmenterPool {
  private readonly workers: Worker[];
  private readonly jobs = new Map<number, Job>();
  private next = 0;
  private turn = 0;

  constructor(size: number) {
    const url = new URL(`./segment.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    this.workers = Array.from({ length: size }, () => {
      const w = url.pathname.endsWith('.ts') ? tsWorker(url) : new Worker(url, { execArgv: [] });
      w.on('message', (msg: { id: number; encoded?: repo.EncodedDocuments; error?: string }) => {
        const job = this.jobs.get(msg.id);
        this.jobs.delete(msg.id);
        if (msg.error) job?.reject(new Error(msg.error));
        else job?.resolve(msg.encoded!);
      });
      w.on('error', (err) => {
        for (const job of this.jobs.values()) job.reject(err);
        this.jobs.clear();
      });
      return w;
    });
  }

  /** The documents segmented and encoded for the bulk statement. */
  segment(docs: SearchDocumentInput[]): Promise<repo.EncodedDocuments> {
    const id = this.next++;
    const worker = this.workers[this.turn++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, docs });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Loads many documents at once (an import, a re-index, the benchmark): segmented in worker
 * threads while the database writes the previous batches, one unnested INSERT … ON CONFLICT per
 * batch, and no change logged per document — at the end one reload is announced and every
 * process rebuilds its index from the table. Not transactional as a whole: each batch commits
 * on its own. For what a module publishes one at a time, use indexDocuments in its transaction.
 */
export async function bulkIndexDocuments(
  db: DbOrTx,
  docs: Iterable<SearchDocumentInput> | AsyncIterable<SearchDocumentInput>,
  options: BulkOptions = {},
): Promise<number> {
  const workers = options.workers ?? Math.min(4, availableParallelism());
  const batchSize = options.batchSize ?? 2000;
  const pool = workers > 0 ? new SegmenterPool(workers) : null;
  // batches being segmented (at most workers + 1) and the write of the last one, which runs while
  // the next batches are read and segmented: one statement in flight at a time
  const inFlight: { length: number; encoded: Promise<repo.EncodedDocuments> }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let indexed = 0;
  const write = (encoded: repo.EncodedDocuments, batchLength: number) => {
    writing = writing.then(async () => {
      await repo.bulkWriteDocuments(db, encoded);
      indexed += batchLength;
      options.onProgress?.(indexed);
    });
    // a failure surfaces where the write is awaited (the next batch, or the end), not as an unhandled rejection meanwhile
    writing.catch(() => {});
  };
  const next = async () => {
    const { length, encoded } = inFlight.shift()!;
    const ready = await encoded;
    await writing;
    write(ready, length);
  };
  const submit = async (batch: SearchDocumentInput[]) => {
    batch.forEach(checkDocument);
    const encoded = pool ? pool.segment(batch) : Promise.resolve(repo.encodeDocuments(batch.map(documentRow)));
    inFlight.push({ length: batch.length, encoded });
    if (inFlight.length > Math.max(1, workers)) await next();
  };
  try {
    let batch: SearchDocumentInput[] = [];
    for await (const doc of docs) {
      batch.push(doc);
      if (batch.length === batchSize) {
        await submit(batch);
        batch = [];
      }
    }
    if (batch.length) await submit(batch);
    while (inFlight.length) await next();
    await writing;
    await repo.announceReload(db);
    return indexed;
  } finally {
    // settle what is still in flight after an error, then stop the threads
    await Promise.allSettled([...inFlight.map((b) => b.encoded), writing]);
    await pool?.close();
  }
}
