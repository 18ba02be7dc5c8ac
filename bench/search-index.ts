import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SEARCH_FACETS, ZSearchQuery } from '@qiming/shared';
import { documentRow } from '../packages/server/src/modules/search/document.ts';
import { generateResources, type Place } from '../packages/server/src/modules/search/fixtures/generate.ts';
import { toIndexedDoc } from '../packages/server/src/modules/search/index-holder.ts';
import { InvertedIndex, type IndexedDoc, type SearchPlan } from '../packages/server/src/modules/search/inverted-index.ts';
import { parseQuery } from '../packages/server/src/modules/search/query.ts';
import { teacherQueries } from './lib/search-queries.ts';
import { envNumber, writeResult } from './lib/report.ts';

/*
 * The in-process index alone — no database, no HTTP: N documents (BENCH_INDEX_BASE generated and
 * segmented ones, indexed again and again under new ids until there are BENCH_INDEX_ITEMS), then
 * the 200 queries of bench/search.ts, alternately anonymous and as a teacher of one school, timed
 * one by one in CPU time (best of BENCH_INDEX_REPEAT). For working on the index's evaluation: bench/search.ts
 * is the end-to-end figure.
 *
 *   BENCH_INDEX_ITEMS=1000000 BENCH_INDEX_BASE=40000 node --import tsx --expose-gc bench/search-index.ts
 *
 * BENCH_INDEX_PROFILE=file.cpuprofile writes a CPU profile of the queries alone (not the build);
 * BENCH_INDEX_ONLY=3,17 runs only those of the 200 queries (by position), e.g. the slowest again.
 */

const ITEMS = envNumber('BENCH_INDEX_ITEMS', 1_000_000);
const BASE = envNumber('BENCH_INDEX_BASE', 40_000);
const REPEAT = envNumber('BENCH_INDEX_REPEAT', 3);
const PROFILE = process.env.BENCH_INDEX_PROFILE;
const ONLY = process.env.BENCH_INDEX_ONLY?.split(',').map(Number);

function places(): Place[] {
  const out: Place[] = [];
  for (let d = 0; d < 10; d++) {
    for (let s = 0; s < 20; s++) {
      out.push({
        schoolId: randomUUID(),
        schoolName: `第${d}区第${s + 1}小学`,
        schoolPath: `/p/c/d${d}/s${s}/`,
        districtId: randomUUID(),
        districtPath: `/p/c/d${d}/`,
        cityPath: '/p/c/',
      });
    }
  }
  return out;
}

/** The base documents, segmented once and cached in the system's temporary folder (segmentation is the slow part). */
function baseDocuments(place: Place[]): IndexedDoc[] {
  const file = path.join(os.tmpdir(), `qiming-search-index-base-${BASE}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as IndexedDoc[];
  const started = performance.now();
  const out: IndexedDoc[] = [];
  for (const d of generateResources(BASE, 1, place, randomUUID)) {
    const r = documentRow(d);
    out.push(
      toIndexedDoc({
        kind: r.kind,
        ref_id: r.refId,
        terms: r.terms,
        doc_length: r.docLength,
        subject: r.subject,
        grade: r.grade,
        term: r.term,
        edition: r.edition,
        unit_id: r.unitId,
        unit_name: r.unitName,
        type: r.type,
        level: r.level,
        school_id: r.schoolId,
        school_name: r.schoolName,
        district_id: r.districtId,
        visibility: r.visibility,
        visible_path: r.visiblePath,
        popularity: r.popularity,
        published_ms: r.publishedAt.getTime(),
      }),
    );
  }
  fs.writeFileSync(file, JSON.stringify(out));
  console.log(`segmented ${BASE.toLocaleString()} documents in ${((performance.now() - started) / 1000).toFixed(1)} s → ${file}`);
  return out;
}

const place = places();
const base = baseDocuments(place);
const started = performance.now();
const index = new InvertedIndex(ITEMS + 1024);
for (let i = 0; i < ITEMS; i++) index.upsert({ ...base[i % base.length]!, refId: randomUUID() });
index.trim();
global.gc?.();
const buildMs = performance.now() - started;
console.log(
  `index: ${index.alive.toLocaleString()} documents in ${(buildMs / 1000).toFixed(1)} s, ${index.postingCount().toLocaleString()} postings, ` +
    `${(index.memoryBytes() / 2 ** 20).toFixed(0)} MiB typed arrays, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
);

// the teacher of the first school: public, its school, its district and its city
const school = base.find((d) => d.scope?.split('/').length === 6)!.scope!;
const member = new Set<string>();
for (let i = school.indexOf('/', 1); i !== -1; i = school.indexOf('/', i + 1)) member.add(school.slice(0, i + 1));
const teacherVisible = index.visibleScopes((p) => member.has(p));

const queries = teacherQueries(200).map((q) => ZSearchQuery.parse(q));
const plans = queries.map((q, i): SearchPlan => {
  const terms = parseQuery(q.q);
  return {
    clauses: terms.map((t) => [{ words: [t.term] }, ...t.alternatives.map((words) => ({ words }))]),
    mode: 'all',
    filters: { subject: q.subject, grade: q.grade === undefined ? undefined : String(q.grade), type: q.type },
    visible: i % 2 === 0 ? null : teacherVisible,
    order: q.sort === 'relevance' && terms.length === 0 ? 'newest' : q.sort,
    k: 10 + 40,
    facets: SEARCH_FACETS,
    facetLimit: 30,
    now: Date.now(),
  };
});

// as search.service.ts asks: every word, else the most of them
const run = (plan: SearchPlan) => index.search({ ...plan, mode: 'any' });
const times: { i: number; q: string; ms: number; total: number }[] = [];
const profiler = PROFILE ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
for (let i = 0; i < plans.length; i++) {
  if (ONLY && !ONLY.includes(i)) continue;
  let best = Infinity;
  let total = 0;
  for (let r = 0; r < REPEAT; r++) {
    // CPU time of this thread's process (the machine is shared: wall-clock time would include waiting for a core)
    const t = process.cpuUsage();
    total = run(plans[i]!).total;
    const used = process.cpuUsage(t);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  times.push({ i, q: `${queries[i]!.q}${i % 2 ? ' (teacher)' : ''}`, ms: best, total });
}
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  fs.writeFileSync(PROFILE!, JSON.stringify(profile));
  console.log(`profile of the queries → ${PROFILE}`);
}
const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
console.log(
  `queries: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms ` +
    `(load ${os.loadavg()[0]!.toFixed(1)})`,
);
for (const t of [...times].sort((a, b) => b.ms - a.ms).slice(0, 12))
  console.log(`  ${t.ms.toFixed(1).padStart(7)} ms  ${t.total.toLocaleString().padStart(10)}  #${t.i} ${t.q}`);
writeResult(`search-index-${ITEMS}`, {
  items: ITEMS,
  base: BASE,
  buildMs,
  p50: pct(50),
  p95: pct(95),
  p99: pct(99),
  max: sorted.at(-1),
  times,
});
