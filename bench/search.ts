import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROLE_PERMISSIONS, ZSearchQuery } from '@qiming/shared';
import { sql } from 'kysely';
import { loadConfig } from '../packages/server/src/core/config.ts';
import type { Actor, RequestContext } from '../packages/server/src/core/context.ts';
import { postgresDatabase, type Database } from '../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../packages/server/src/core/db/migrate.ts';
import { generateResources, type Place } from '../packages/server/src/modules/search/fixtures/generate.ts';
import { IndexHolder } from '../packages/server/src/modules/search/index-holder.ts';
import {
  bulkIndexDocuments,
  configureSearchSnapshots,
  indexDocuments,
  searchDocuments,
  snapshotSearchIndex,
  visibleTo,
  warmSearchIndex,
} from '../packages/server/src/modules/search/index.ts';
import { createAppContext } from '../packages/server/src/server.ts';
import { onCleanup, runBench } from './lib/cleanup.ts';
import { summarize } from './lib/load.ts';
import { teacherQueries } from './lib/search-queries.ts';
import { benchDatabaseExists, createBenchDatabase, databaseUrl, dropBenchDatabase, postgresVersion } from './lib/postgres.ts';
import { envNumber, writeResult } from './lib/report.ts';
import { scratchDir } from './lib/stack.ts';

/*
 * The search engine over N generated resources on PostgreSQL: bulk ingest through
 * bulkIndexDocuments (jieba segmentation in worker threads, unnested batch INSERTs), the
 * transactional path (indexDocuments, one publish at a time) on a sample, table size, the
 * in-process index built from the table (time, memory), then 200 realistic teacher queries
 * through searchDocuments (ranked hits + facet counts + highlights) at 1 and 8 concurrent
 * clients, and a naive ILIKE '%word%' search over the same rows for the ratio.
 *
 *   node --import tsx bench/search.ts          BENCH_SEARCH_ITEMS=1000000 (default 100000)
 *   BENCH_SEARCH_NAIVE=20    queries for the naive baseline (each is a full scan)
 *   BENCH_SEARCH_WORKERS=2   segmentation threads
 *   BENCH_SEARCH_KEEP=1      keeps the database qiming_bench_search_<items> for EXPLAIN
 *   BENCH_SEARCH_REUSE=1     keeps it, and a later run with the same count searches it again without
 *                            ingesting (10M items take long to load; the search figures can then be
 *                            measured again when the machine is quiet — the ingest figure is the first run's)
 *                            The index snapshot is kept beside it (.tmp/bench-search-<items>/), and a run that
 *                            finds both starts from the snapshot as a restarting server does, instead of building
 *                            from the table (5–12 min at 10M); the build figure is then the run's that wrote it
 *   BENCH_SEARCH_INGEST_ONLY=1  with REUSE: loads (or finds) the database and stops before measuring searches, so
 *                            the long load can run niced outside the heavy lock and the searches be measured under it
 */

const ITEMS = envNumber('BENCH_SEARCH_ITEMS', 100_000);
const NAIVE = envNumber('BENCH_SEARCH_NAIVE', 20);
const WORKERS = envNumber('BENCH_SEARCH_WORKERS', 2);
const REUSE = !!process.env.BENCH_SEARCH_REUSE;
const INGEST_ONLY = !!process.env.BENCH_SEARCH_INGEST_ONLY;
const QUERIES = 200;
const SAMPLE = 2000;

function places(): { rows: { id: string; kind: string; parent_id: string | null; path: string; name: string }[]; places: Place[] } {
  const rows: { id: string; kind: string; parent_id: string | null; path: string; name: string }[] = [];
  const unit = (kind: string, parent: (typeof rows)[number] | null, name: string) => {
    const id = randomUUID();
    const row = { id, kind, parent_id: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, name };
    rows.push(row);
    return row;
  };
  const province = unit('province', null, '山东省');
  const city = unit('city', province, '青岛市');
  const out: Place[] = [];
  const districts = ['市南区', '市北区', '李沧区', '崂山区', '城阳区', '黄岛区', '即墨区', '胶州市', '平度市', '莱西市'];
  for (const dn of districts) {
    const d = unit('district', city, dn);
    for (let i = 1; i <= 20; i++) {
      const s = unit('school', d, `${dn}第${i}小学`);
      out.push({ schoolId: s.id, schoolName: s.name, schoolPath: s.path, districtId: d.id, districtPath: d.path, cityPath: city.path });
    }
  }
  return { rows, places: out };
}

function teacher(place: Place): Actor {
  return {
    userId: randomUUID(),
    username: 'bench_teacher',
    displayName: '测试老师',
    sessionId: 'bench',
    role: 'teacher',
    roles: ['teacher'],
    grants: [{ grantId: randomUUID(), role: 'teacher', scopeId: place.schoolId, scopePath: null, subject: null }],
    permissions: new Set(ROLE_PERMISSIONS.teacher),
    mustChangePassword: false,
    mfaEnrollmentRequired: false,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/** Runs the jobs with `clients` in flight at a time; returns each job's latency. */
async function closedLoop(clients: number, jobs: (() => Promise<unknown>)[]): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        latencies.push((await timed(job))[0]);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const ms = (n: number) => `${n.toFixed(1)} ms`;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const stats = (xs: number[]) => ({ ...summarize(xs), p95: percentile(xs, 95) });
const fmt = (s: ReturnType<typeof stats>) => `p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`;

/** Loads ITEMS generated resources through the bulk path; its rate. */
async function bulkIngest(database: Database, place: Place[]): Promise<{ seconds: number; itemsPerSecond: number; workers: number }> {
  console.log(`search: ingesting ${ITEMS.toLocaleString()} resources (PostgreSQL ${await postgresVersion()}), ${WORKERS} workers`);
  const started = performance.now();
  let lastReport = performance.now();
  await bulkIndexDocuments(database.db, generateResources(ITEMS, 1, place, randomUUID), {
    workers: WORKERS,
    onProgress: (done) => {
      if (performance.now() - lastReport < 30_000) return;
      lastReport = performance.now();
      console.log(`  ${done.toLocaleString()} written, ${(done / ((lastReport - started) / 1000)).toFixed(0)} items/s, load ${loadavg()}`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`  bulk ingest: ${seconds.toFixed(1)} s, ${(ITEMS / seconds).toFixed(0)} items/s (load ${loadavg()})`);
  return { seconds, itemsPerSecond: ITEMS / seconds, workers: WORKERS };
}

/** The schools of a kept database, as the generator placed its documents. */
async function storedPlaces(database: Database): Promise<Place[]> {
  const { rows } = await sql<{ id: string; name: string; path: string; district_id: string; district_path: string; city_path: string }>`
    SELECT s.id, s.name, s.path, d.id AS district_id, d.path AS district_path, c.path AS city_path
    FROM org_units s JOIN org_units d ON d.id = s.parent_id JOIN org_units c ON c.id = d.parent_id
    WHERE s.kind = 'school' ORDER BY s.path`.execute(database.db);
  return rows.map((r) => ({
    schoolId: r.id,
    schoolName: r.name,
    schoolPath: r.path,
    districtId: r.district_id,
    districtPath: r.district_path,
    cityPath: r.city_path,
  }));
}

async function main() {
  const name = `qiming_bench_search_${ITEMS}`;
  const reused = REUSE && (await benchDatabaseExists(name));
  const url = reused ? databaseUrl(name) : await createBenchDatabase(name);
  if (!process.env.BENCH_SEARCH_KEEP && !REUSE) onCleanup(`drop database ${name}`, () => dropBenchDatabase(name));
  const database: Database = postgresDatabase(url, { max: 9 });
  onCleanup('close pool', () => database.close());
  await migrateToLatest(database.db);
  const app = createAppContext(database, { ...loadConfig({}, { dotEnv: false }), secretKey: 'x'.repeat(43), demo: false });

  let place: Place[];
  let ingest: { seconds: number; itemsPerSecond: number; workers: number } | null = null;
  if (reused) {
    place = await storedPlaces(database);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM search_documents`.execute(database.db);
    console.log(`search: reusing ${name} with ${rows[0]!.n.toLocaleString()} documents (PostgreSQL ${await postgresVersion()}); no ingest`);
  } else {
    const org = places();
    place = org.places;
    await database.db
      .insertInto('org_units')
      .values(org.rows.map((r) => ({ ...r, created_at: new Date(), updated_at: new Date() })))
      .execute();
    ingest = await bulkIngest(database, place);
  }
  // the publish path: indexDocuments in its own transaction, 20 documents at a time (not on a reused data set, which stays as loaded)
  let publishRate: number | null = null;
  if (!reused) {
    const sample = [...generateResources(SAMPLE, 2, place, randomUUID)];
    const [sampleMs] = await timed(async () => {
      for (let i = 0; i < sample.length; i += 20) {
        await database.db.transaction().execute((tx) => indexDocuments(tx, sample.slice(i, i + 20)));
      }
    });
    publishRate = SAMPLE / (sampleMs / 1000);
    console.log(`  transactional indexDocuments: ${SAMPLE} in ${(sampleMs / 1000).toFixed(1)} s, ${publishRate.toFixed(0)} items/s`);
  }
  const [vacuumMs] = await timed(() => sql`VACUUM ANALYZE search_documents`.execute(database.db));
  if (INGEST_ONLY) {
    if (ingest)
      writeResult(`search-${ITEMS}-ingest`, {
        items: ITEMS,
        ingest: { ...ingest, vacuumSeconds: vacuumMs / 1000 },
        publish: publishRate,
        loadAverage: os.loadavg(),
      });
    console.log(`search: ${name} is loaded; stopping before the searches (BENCH_SEARCH_INGEST_ONLY)`);
    return;
  }

  const { rows: sizes } = await sql<{ table_bytes: string; index_bytes: string; total_bytes: string }>`
    SELECT pg_table_size('search_documents') AS table_bytes, pg_indexes_size('search_documents') AS index_bytes,
      pg_total_relation_size('search_documents') AS total_bytes`.execute(database.db);
  const size = { table: Number(sizes[0]!.table_bytes), btree: Number(sizes[0]!.index_bytes), total: Number(sizes[0]!.total_bytes) };
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  console.log(
    `  PostgreSQL: table ${gib(size.table)}, primary key ${gib(size.btree)}, total ${gib(size.total)}; vacuum ${(vacuumMs / 1000).toFixed(1)} s`,
  );

  // the in-process index, built from the table as a starting server without a snapshot builds it;
  // a reused database's kept snapshot is read back instead (a restart), when there is one
  const kept = path.join(import.meta.dirname, '..', '.tmp', `bench-search-${ITEMS}`);
  if (!reused) rmSync(kept, { recursive: true, force: true });
  if (REUSE) mkdirSync(kept, { recursive: true });
  const snapshotFile = path.join(REUSE ? kept : scratchDir('search'), 'search-index.snapshot');
  configureSearchSnapshots(path.dirname(snapshotFile));
  const fromSnapshot = reused && existsSync(snapshotFile);
  const before = process.memoryUsage();
  const built = await warmSearchIndex(database.db, { rebuild: !fromSnapshot });
  global.gc?.();
  const after = process.memoryUsage();
  const memory = {
    indexBytes: built.memoryBytes,
    rss: after.rss,
    heapUsed: after.heapUsed,
    arrayBuffers: after.arrayBuffers,
    rssGrowth: after.rss - before.rss,
  };
  console.log(
    `  index: ${built.source === 'snapshot' ? 'read from the kept snapshot' : 'built from the table'} in ${((built.builtInMs ?? 0) / 1000).toFixed(1)} s; ${built.documents.toLocaleString()} documents, ` +
      `${built.words.toLocaleString()} words, ${built.postings.toLocaleString()} postings; typed arrays ${gib(built.memoryBytes)}, ` +
      `process RSS ${gib(after.rss)} (heap ${gib(after.heapUsed)}, array buffers ${gib(after.arrayBuffers)}) (load ${loadavg()})`,
  );

  // a restart: the snapshot the build wrote (in the background) read back by a new holder, as a starting server does
  const written = await snapshotSearchIndex(database.db);
  const reader = new IndexHolder(database.db, undefined, { file: snapshotFile, minSize: 0 });
  await reader.current();
  const restart = { snapshotBytes: written?.bytes ?? null, writeMs: written?.ms ?? null, readMs: reader.builtInMs, source: reader.source };
  reader.index = null;
  global.gc?.();
  console.log(
    `  snapshot: ${written ? `${gib(written.bytes)} written in ${(written.ms / 1000).toFixed(1)} s (in the background)` : 'not written'}; ` +
      `a new process reads it back and serves in ${((reader.builtInMs ?? 0) / 1000).toFixed(1)} s (from the ${reader.source}) (load ${loadavg()})`,
  );

  const qs = teacherQueries(QUERIES).map((q) => ZSearchQuery.parse(q));
  const actorFor = (i: number) => (i % 2 === 0 ? null : teacher(place[i % place.length]!));
  const ctxFor = (i: number): RequestContext => ({ ...app, actor: actorFor(i), ip: null, requestId: `bench-${i}` });

  // warm-up: one pass, as a running server's caches would be
  const totals: number[] = [];
  for (let i = 0; i < qs.length; i++) totals.push((await searchDocuments(ctxFor(i), qs[i]!)).total);

  const runs: Record<string, ReturnType<typeof stats> & { qps: number }> = {};
  for (const clients of [1, 8]) {
    const r = await closedLoop(
      clients,
      qs.map((q, i) => () => searchDocuments(ctxFor(i), q)),
    );
    runs[`${clients}`] = { ...stats(r.latencies), qps: qs.length / r.seconds };
    console.log(
      `  search with facets, ${clients} client(s): ${fmt(runs[`${clients}`]!)}  (${(qs.length / r.seconds).toFixed(1)} queries/s, load ${loadavg()})`,
    );
  }
  const matches = stats(totals);
  console.log(`  matches per query: median ${matches.p50.toFixed(0)}, p95 ${matches.p95.toFixed(0)}, max ${matches.max.toFixed(0)}`);

  // the naive baseline: each word as ILIKE '%word%' on title or body, newest first, with the count
  const naiveMs: number[] = [];
  const engineMs: number[] = [];
  for (let i = 0; i < Math.min(NAIVE, qs.length); i++) {
    const q = qs[i]!;
    const words = q.q.split(/\s+/).filter(Boolean);
    const where = sql.join(
      [visibleTo(actorFor(i)), ...words.map((w) => sql`(title ILIKE ${'%' + w + '%'} OR body ILIKE ${'%' + w + '%'})`)],
      sql` AND `,
    );
    const [naive] = await timed(async () => {
      await sql`SELECT count(*) FROM search_documents WHERE ${where}`.execute(database.db);
      await sql`SELECT ref_id, title FROM search_documents WHERE ${where} ORDER BY published_at DESC LIMIT 10`.execute(database.db);
    });
    const [engine] = await timed(() => searchDocuments(ctxFor(i), q));
    naiveMs.push(naive);
    engineMs.push(engine);
  }
  const naive = stats(naiveMs);
  const engineSame = stats(engineMs);
  const ratio = naive.p50 / engineSame.p50;
  console.log(
    `  naive ILIKE over ${naiveMs.length} of the queries: ${fmt(naive)}; engine on the same: p50 ${ms(engineSame.p50)} → ${ratio.toFixed(0)}× faster`,
  );

  const result = {
    items: ITEMS,
    postgres: await postgresVersion(),
    ingest: ingest && { ...ingest, vacuumSeconds: vacuumMs / 1000 },
    reused,
    size,
    queries: qs.length,
    matches,
    search: runs,
    publish: publishRate && { items: SAMPLE, itemsPerSecond: publishRate },
    index: built,
    restart,
    memory,
    loadAverage: os.loadavg(),
    naive: { queries: naiveMs.length, latency: naive, engineSameQueries: engineSame, ratioP50: ratio },
  };
  console.log(`  → ${writeResult(`search-${ITEMS}`, result)}`);
}

await runBench('search', main);
