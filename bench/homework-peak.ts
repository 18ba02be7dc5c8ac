import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../packages/server/src/core/config.ts';
import { createSession } from '../packages/server/src/core/auth/session.ts';
import type { AuthedContext } from '../packages/server/src/core/context.ts';
import { openPgliteDir, postgresDatabase, type Database } from '../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../packages/server/src/core/db/migrate.ts';
import { loadActor } from '../packages/server/src/core/auth/session.ts';
import { startAttempt } from '../packages/server/src/modules/homework/attempts.service.ts';
import { submitAttempt } from '../packages/server/src/modules/homework/submit-attempts.ts';
import * as repo from '../packages/server/src/modules/homework/homework.repository.ts';
import { item } from '../packages/server/src/modules/homework/homework.factory.ts';
import { snapshotFromDelivery } from '../packages/server/src/modules/homework/snapshot-cache.ts';
import { buildBank, buildItem, buildPaper, getPaperForDelivery, syncKnowledgePoints } from '../packages/server/src/modules/items/index.ts';
import { seedDemo } from '../packages/server/src/modules/org/index.ts';
import { createAppContext } from '../packages/server/src/server.ts';
import { onCleanup, runBench } from './lib/cleanup.ts';
import { DEMO_PASSWORD } from './lib/demo.ts';
import { formatLoad, runLoad, summarize, type LatencySummary, type LoadResult } from './lib/load.ts';
import { createBenchDatabase, databaseUrl, dropBenchDatabase, postgresVersion, withDatabase } from './lib/postgres.ts';
import { diffCpu, sampleCpu } from './lib/cpu.ts';
import { createQueryTimer } from './lib/query-timer.ts';
import { envNumber, mib, warnIfBusy, writeResult } from './lib/report.ts';
import { startServer, type ServerProcess } from './lib/server-process.ts';
import { scratchDir } from './lib/stack.ts';

/*
 * The 停课不停学 morning peak: every pupil of the demo region opens the day's homework (one paper of
 * 10 objective items, assigned to every class) and submits it, graded at once. Each virtual pupil
 * (a client) fetches the homework — POST /api/my/assignments/:id/attempts, which starts the attempt
 * and answers its 10 items — then submits its answers (POST /api/attempts/:id/submit), then moves
 * on to the next pupil of its share. Sessions are made in the database beforehand (the sign-in
 * benchmark measures sign-in). PostgreSQL with two server processes, then PGlite with one.
 * Finally the submit path runs in this process with the query timer, to show where its time goes.
 *
 *   npm run bench -- homework-peak      or   node --import tsx bench/homework-peak.ts
 *   BENCH_PEAK_CONNECTIONS=256  BENCH_PEAK_SECONDS=15  BENCH_PEAK_WARMUP_SECONDS=3  BENCH_PEAK_DATABASES=postgres,pglite
 */

/**
 * Pupils in flight at once (closed-loop clients). A city's morning has thousands; 256 is enough for
 * the servers' group commit to write batches of the size such a morning makes (64 clients made
 * batches of ~10 and measured the per-batch costs more than the per-submission ones).
 */
const CONNECTIONS = envNumber('BENCH_PEAK_CONNECTIONS', 256);
const DURATION_MS = envNumber('BENCH_PEAK_SECONDS', 15) * 1000;
/**
 * Not counted: connections open, the JIT warms, and each server meets each pupil's session once
 * (a morning's pupils have signed in and opened the app before they start). 3 s by default.
 */
const WARMUP_MS = envNumber('BENCH_PEAK_WARMUP_SECONDS', 3) * 1000;
const DATABASES = (process.env.BENCH_PEAK_DATABASES ?? 'postgres,pglite').split(',').filter((k) => k === 'postgres' || k === 'pglite');
const GOAL = { rps: 2000, p99: 200 };
/** The load generator's HTTP client: `raw` (bench/lib/raw-http.ts, the default) or `node` (node:http). */
const CLIENT = process.env.BENCH_PEAK_CLIENT === 'node' ? 'node' : 'raw';
/**
 * BENCH_PEAK_REUSE=1 keeps the PostgreSQL database and what was prepared in it for the next run,
 * which then only empties the attempts, answers and learning records and freshens the pupils'
 * sessions (a fresh morning) instead of filling a new database: for repeated runs while working on the path.
 */
const REUSE = process.env.BENCH_PEAK_REUSE === '1';
/** BENCH_PEAK_PROFILE=0 skips the in-process profile after the HTTP run. */
const PROFILE = process.env.BENCH_PEAK_PROFILE !== '0';
/**
 * BENCH_PEAK_FLOOR=0 skips the request floor: after the PostgreSQL run, the same clients send the
 * least request the servers answer — a pupil's session read from the cache, routed, refused by
 * the permission check (403), no database — to show what any request costs before homework work.
 */
const FLOOR = process.env.BENCH_PEAK_FLOOR !== '0';
/** Server ports (this branch's range); BENCH_PEAK_PORTS=3162,3163,3164 to move them. */
const PORTS = (process.env.BENCH_PEAK_PORTS ?? '3162,3163,3164').split(',').map(Number);

type Setup = { assignmentId: string; pupils: { userId: string; cookie: string }[]; right: Map<string, Record<string, unknown>> };

const ITEMS = [
  ...Array.from({ length: 4 }, (_, i) => ({
    content: item({
      type: 'single_choice',
      stem: `${100 + i} + ${23 + i} = ?`,
      options: [String(123 + 2 * i), String(120 + 2 * i), String(133 + 2 * i), String(113 + 2 * i)].map((text, j) => ({
        id: 'ABCD'[j],
        text,
      })),
      answer: 'A',
    }),
    right: { choice: 'A' },
  })),
  ...Array.from({ length: 2 }, (_, i) => ({
    content: item({ type: 'true_false', stem: `${i + 2} × 5 = ${(i + 2) * 5}`, answer: true }),
    right: { value: true },
  })),
  ...Array.from({ length: 2 }, (_, i) => ({
    content: item({ type: 'numeric', stem: `${i + 1}/2 = ?（写成小数）`, answer: String((i + 1) / 2) }),
    right: { value: String((i + 1) / 2) },
  })),
  ...Array.from({ length: 2 }, (_, i) => ({
    content: item({ type: 'fill_blank', stem: `1 米 = {{1}} 厘米（第 ${i + 1} 题）`, blanks: [{ id: 'b1', accepted: ['100'] }] }),
    right: { blanks: ['100'] },
  })),
];

/** Fills a fresh database: migrations, knowledge points, demo region, the day's homework for every class, and a session per pupil. */
async function prepare(database: Database, secretKey: string): Promise<Setup> {
  const db = database.db;
  await migrateToLatest(db);
  await syncKnowledgePoints(db);
  const app = createAppContext(database, { ...loadConfig({}, { dotEnv: false }), secretKey, demo: false });
  await seedDemo(app, DEMO_PASSWORD);
  await db.updateTable('users').set({ must_change_password: false }).execute();
  const city = await db.selectFrom('org_units').select(['id', 'path']).where('kind', '=', 'city').executeTakeFirstOrThrow();
  const bank = await buildBank({ db }, { owner: city, name: '停课不停学 每日作业', shareScope: 'public' });
  const built = [];
  for (const it of ITEMS) built.push(await buildItem({ db }, { bankId: bank.id, content: it.content }));
  const paper = await buildPaper(
    { db },
    { owner: city, title: '今日作业', items: built.map((b) => ({ id: b.id, versionId: b.versionId, score: 10 })) },
  );
  const snapshot = snapshotFromDelivery(await getPaperForDelivery(db, paper.id));
  const classes = await db.selectFrom('org_units').select(['id', 'path']).where('kind', '=', 'class').execute();
  const teacher = await db.selectFrom('users').select('id').where('username', '=', 't11005').executeTakeFirstOrThrow();
  const assignmentId = randomUUID();
  const now = Date.now();
  await repo.insertAssignment(db, {
    id: assignmentId,
    kind: 'homework',
    title: '今日作业（全市）',
    owner_unit_id: city.id,
    owner_path: city.path,
    subject: '数学',
    paper_id: paper.id,
    bank_id: null,
    draw_count: null,
    draw_filters: null,
    paper: snapshot,
    max_score: snapshot.maxScore,
    opens_at: new Date(now - 3600_000),
    closes_at: new Date(now + 86_400_000),
    time_limit_minutes: null,
    // every pupil may submit several times, so a short benchmark does not run out of pupils
    max_attempts: 20,
    shuffle_items: true,
    shuffle_options: true,
    show_answers: 'immediately',
    pass_score: null,
    instructions: '',
    created_by: teacher.id,
    created_at: new Date(now - 3600_000),
  });
  await repo.insertAssignmentClasses(
    db,
    classes.map((c) => ({ assignment_id: assignmentId, class_id: c.id, class_path: c.path, whole_class: true, group_name: null })),
  );
  const students = await db
    .selectFrom('students')
    .select(['user_id', 'class_id', 'school_id'])
    .where('status', '=', 'enrolled')
    .orderBy('user_id')
    .execute();
  await repo.insertRecipients(
    db,
    students.map((s) => ({ assignment_id: assignmentId, user_id: s.user_id, class_id: s.class_id, school_id: s.school_id })),
  );
  const pupils = [];
  for (const s of students) {
    const { token } = await createSession(app, db, { userId: s.user_id, activeRole: 'student', ip: '127.0.0.1', userAgent: 'bench' });
    pupils.push({ userId: s.user_id, cookie: `qm_session=${token}` });
  }
  const right = new Map(built.map((b, i) => [b.id, ITEMS[i].right]));
  return { assignmentId, pupils, right };
}

const KEPT = path.join(import.meta.dirname, '..', '.tmp', 'bench-homework-peak-kept.json');

function keepPrepared(url: string, setup: Setup, secretKey: string) {
  mkdirSync(path.dirname(KEPT), { recursive: true });
  writeFileSync(KEPT, JSON.stringify({ url, secretKey, assignmentId: setup.assignmentId, pupils: setup.pupils, right: [...setup.right] }));
}

/** The database kept by an earlier BENCH_PEAK_REUSE=1 run, emptied of that run's attempts; null if there is none. */
async function reusePrepared(name: string): Promise<{ url: string; secretKey: string; setup: Setup } | null> {
  if (!existsSync(KEPT)) return null;
  const k = JSON.parse(readFileSync(KEPT, 'utf8')) as {
    url: string;
    secretKey: string;
    assignmentId: string;
    pupils: Setup['pupils'];
    right: [string, Record<string, unknown>][];
  };
  // the same database, reached the way this run asks (TCP or the Unix socket: BENCH_POSTGRES_URL)
  if (new URL(k.url).pathname !== `/${name}`) return null;
  const url = databaseUrl(name);
  try {
    await withDatabase(url, async (c) => {
      await c.query('TRUNCATE hw_responses, hw_attempts, lrs_records, hw_mastery, hw_wrong_items');
      // the pupils have just signed in: sessions idle since an earlier run (past the idle timeout) are fresh again
      await c.query("UPDATE sessions SET last_seen_at = now(), revoked_at = NULL WHERE user_agent = 'bench'");
    });
  } catch {
    return null;
  }
  return { url, secretKey: k.secretKey, setup: { assignmentId: k.assignmentId, pupils: k.pupils, right: new Map(k.right) } };
}

type Run = {
  database: string;
  servers: number;
  pupils: number;
  combined: LoadResult;
  submits: { perSecond: number; latency: LatencySummary; count: number };
  fetches: { perSecond: number; latency: LatencySummary; count: number };
  memory: { server: string; rss: number; peakRss: number }[];
  /** CPU ms per graded submission (with its fetch), by process group, after the warm-up. */
  cpuPerSubmit: Record<string, number>;
  /** The machine's 1-minute load average before and after the run. */
  load: [number, number];
  client: string;
};

/**
 * CPU time of each process group from the end of the warm-up (JIT compilation, pools filling) on,
 * per unit done since (`done()` read at both ends). Call the returned function when the load ends.
 */
async function cpuAfterWarmup(
  groups: () => Promise<Record<string, number[] | 'self'>>,
  done: () => number,
): Promise<() => Promise<Record<string, number>>> {
  let before = sampleCpu(await groups());
  let from = done();
  const mark = setTimeout(() => {
    void groups().then((g) => {
      before = sampleCpu(g);
      from = done();
    });
  }, WARMUP_MS);
  return async () => {
    clearTimeout(mark);
    const cpu = diffCpu(before, sampleCpu(await groups()));
    const n = Math.max(1, done() - from);
    return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / n]));
  };
}

async function drive(database: string, servers: ServerProcess[], setup: Setup, dbPids?: () => Promise<number[]>): Promise<Run> {
  const share = (c: number) => setup.pupils.filter((_, i) => i % CONNECTIONS === c);
  const state = Array.from({ length: CONNECTIONS }, (_, c) => ({
    pupils: share(c),
    next: 0,
    attempt: null as null | { id: string; body: string },
  }));
  const loadBefore = os.loadavg()[0];
  const submitMs: number[] = [];
  const fetchMs: number[] = [];
  let allSubmits = 0;
  const groups = async () => ({
    servers: servers.map((s) => s.pid),
    ...(dbPids ? { postgres: await dbPids() } : {}),
    'load generator': 'self' as const,
  });
  const cpuPerSubmit = await cpuAfterWarmup(groups, () => allSubmits);
  const r = await runLoad({
    raw: CLIENT === 'raw',
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    request: (c, seq) => {
      const s = state[c];
      const pupil = s.pupils[s.next % s.pupils.length];
      const server = servers[(c + seq) % servers.length];
      const headers = { cookie: pupil.cookie, 'content-type': 'application/json', 'x-requested-with': 'bench' };
      if (!s.attempt)
        return { method: 'POST', url: `${server.url}/api/my/assignments/${setup.assignmentId}/attempts`, headers, body: '{}' };
      return { method: 'POST', url: `${server.url}/api/attempts/${s.attempt.id}/submit`, headers, body: s.attempt.body };
    },
    onAnswer: (c, _seq, a) => {
      const s = state[c];
      if (!s.attempt) {
        if (a.status !== 200) return;
        const attempt = JSON.parse(a.body) as { id: string; items: { key: string; itemId: string }[] };
        const responses = Object.fromEntries(attempt.items.map((i) => [i.key, setup.right.get(i.itemId)]));
        s.attempt = { id: attempt.id, body: JSON.stringify({ submitKey: randomUUID().replace(/-/g, ''), responses }) };
        if (a.counted) fetchMs.push(a.ms);
      } else {
        s.attempt = null;
        s.next++;
        if (a.status === 200) allSubmits++;
        if (a.status === 200 && a.counted) submitMs.push(a.ms);
      }
    },
  });
  const memory = servers.map((s, i) => ({ server: 'AB'[i], ...s.memory() }));
  return {
    database,
    servers: servers.length,
    pupils: setup.pupils.length,
    combined: r,
    submits: { perSecond: submitMs.length / (DURATION_MS / 1000), latency: summarize(submitMs), count: submitMs.length },
    fetches: { perSecond: fetchMs.length / (DURATION_MS / 1000), latency: summarize(fetchMs), count: fetchMs.length },
    memory,
    cpuPerSubmit: await cpuPerSubmit(),
    load: [loadBefore, os.loadavg()[0]],
    client: CLIENT,
  };
}

type Floor = { rps: number; latency: LatencySummary; cpuPerRequest: Record<string, number>; load: [number, number] };

/** The least request: authenticated from the session cache, refused by the route's permission (no database, no handler). */
async function requestFloor(servers: ServerProcess[], setup: Setup): Promise<Floor> {
  const loadBefore = os.loadavg()[0];
  let answered = 0;
  const cpuPerRequest = await cpuAfterWarmup(
    async () => ({ servers: servers.map((s) => s.pid), 'load generator': 'self' as const }),
    () => answered,
  );
  const r = await runLoad({
    raw: CLIENT === 'raw',
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    expectStatus: 403,
    request: (c, seq) => ({
      method: 'GET',
      url: `${servers[(c + seq) % servers.length].url}/api/audit`,
      headers: { cookie: setup.pupils[(c + seq * CONNECTIONS) % setup.pupils.length].cookie, 'x-requested-with': 'bench' },
    }),
    onAnswer: () => void answered++,
  });
  return {
    rps: r.rps,
    latency: r.latency,
    cpuPerRequest: await cpuPerRequest(),
    load: [loadBefore, os.loadavg()[0]],
  };
}

function reportFloor(f: Floor) {
  const total = Object.values(f.cpuPerRequest).reduce((a, b) => a + b, 0);
  console.log(
    `\nrequest floor (GET /api/audit as a pupil → 403: session from the cache, routing, permission check, no database; load ${f.load[0].toFixed(1)} → ${f.load[1].toFixed(1)}): ` +
      `${f.rps.toFixed(0)} requests/s, p50 ${ms(f.latency.p50)}, p99 ${ms(f.latency.p99)}; CPU per request ${Object.entries(f.cpuPerRequest)
        .map(([k, v]) => `${k} ${(v * 1000).toFixed(0)} µs`)
        .join(', ')}; two such requests per submission: ${(2 * total).toFixed(2)} ms of the 1.0 ms that ${GOAL.rps}/s on 2 cores allows`,
  );
}

const ms = (v: number) => `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
function report(run: Run) {
  console.log(
    `\n${run.database}: ${run.servers} server process(es), ${run.pupils} pupils, ${CONNECTIONS} clients (${run.client} HTTP), ${DURATION_MS / 1000} s, ` +
      `load average ${run.load[0].toFixed(1)} before, ${run.load[1].toFixed(1)} after`,
  );
  console.log(formatLoad('all requests', run.combined));
  console.log(
    `graded submissions ${run.submits.perSecond.toFixed(1)}/s  p50 ${ms(run.submits.latency.p50)}  p99 ${ms(run.submits.latency.p99)}  (${run.submits.count})`,
  );
  console.log(
    `homework fetches   ${run.fetches.perSecond.toFixed(1)}/s  p50 ${ms(run.fetches.latency.p50)}  p99 ${ms(run.fetches.latency.p99)}  (${run.fetches.count})`,
  );
  for (const m of run.memory) console.log(`server ${m.server}: RSS ${mib(m.rss)}, peak ${mib(m.peakRss)}`);
  const total = Object.values(run.cpuPerSubmit).reduce((a, b) => a + b, 0);
  console.log(
    `CPU per graded submission (fetch + submit): ${Object.entries(run.cpuPerSubmit)
      .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
      .join(', ')}; total ${total.toFixed(2)} ms → at most ${Math.round(2000 / total)} submissions/s on 2 idle cores`,
  );
}

/** The submit path in this process with the query timer: statements per submit, database against JavaScript time. */
async function profile(database: Database, setup: Setup, secretKey: string, dbPids: () => Promise<number[]>, n = 300) {
  const timer = createQueryTimer();
  const db = database.db.withPlugin(timer);
  const app = createAppContext({ ...database, db }, { ...loadConfig({}, { dotEnv: false }), secretKey, demo: false });
  let total = 0;
  let submitTotal = 0;
  let submitDb = 0;
  let submitStatements = 0;
  const statementCount = () => timer.totals().reduce((sum, x) => sum + x.count, 0);
  const subset = setup.pupils.slice(-n);
  const groups = async () => ({ postgres: await dbPids(), 'this process': 'self' as const });
  const cycleCpuBefore = sampleCpu(await groups());
  for (const p of subset) {
    const actor = await loadActor(app, p.cookie.slice('qm_session='.length));
    const ctx = { ...app, actor: actor!, ip: null, requestId: 'bench' } as AuthedContext;
    const t0 = performance.now();
    const a = await startAttempt(ctx, setup.assignmentId);
    const responses = Object.fromEntries(a.items.map((i) => [i.key, setup.right.get(i.itemId) as Record<string, unknown>]));
    const before = timer.totalMs();
    const countBefore = statementCount();
    const t1 = performance.now();
    await submitAttempt(ctx, a.id, { submitKey: randomUUID().replace(/-/g, ''), responses });
    submitTotal += performance.now() - t1;
    submitDb += timer.totalMs() - before;
    submitStatements += statementCount() - countBefore;
    total += performance.now() - t0;
  }
  const cycleCpu = diffCpu(cycleCpuBefore, sampleCpu(await groups()));
  const statements = timer.totals();
  console.log(
    `\nin-process profile (${subset.length} fetch + submit cycles one at a time, no HTTP): ${(total / subset.length).toFixed(1)} ms per cycle; CPU per cycle: ${Object.entries(
      cycleCpu,
    )
      .map(([k, v]) => `${k} ${(v / subset.length).toFixed(2)} ms`)
      .join(', ')}`,
  );
  console.log(
    `  submit alone ${(submitTotal / subset.length).toFixed(2)} ms, of which database ${(submitDb / subset.length).toFixed(2)} ms`,
  );
  for (const s of statements.slice(0, 14))
    console.log(`  ${s.statement.padEnd(34)} ${String(s.count).padStart(6)}×  ${(s.ms / subset.length).toFixed(2)} ms/cycle`);

  // the same submits arriving together, as on the morning peak: they are written in shared batches (group commit)
  const together = setup.pupils.slice(-2 * n, -n);
  const ready = [];
  for (const p of together) {
    const actor = await loadActor(app, p.cookie.slice('qm_session='.length));
    const ctx = { ...app, actor: actor!, ip: null, requestId: 'bench' } as AuthedContext;
    const a = await startAttempt(ctx, setup.assignmentId);
    ready.push({
      ctx,
      id: a.id,
      responses: Object.fromEntries(a.items.map((i) => [i.key, setup.right.get(i.itemId) as Record<string, unknown>])),
    });
  }
  const countBefore = statementCount();
  const cpuBefore = sampleCpu(await groups());
  const t2 = performance.now();
  await Promise.all(ready.map((r) => submitAttempt(r.ctx, r.id, { submitKey: randomUUID().replace(/-/g, ''), responses: r.responses })));
  const togetherMs = performance.now() - t2;
  const cpu = diffCpu(cpuBefore, sampleCpu(await groups()));
  const togetherStatements = statementCount() - countBefore;
  const batched = {
    submits: ready.length,
    perSecond: ready.length / (togetherMs / 1000),
    statementsPerSubmit: togetherStatements / ready.length,
    cpuPerSubmit: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / ready.length])),
  };
  console.log(
    `  ${ready.length} submits arriving together: ${batched.perSecond.toFixed(0)}/s in one process, ` +
      `${batched.statementsPerSubmit.toFixed(2)} statements per submit (one at a time: ${(submitStatements / subset.length).toFixed(1)}); ` +
      `CPU per submit: ${Object.entries(batched.cpuPerSubmit)
        .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
        .join(', ')}`,
  );
  return {
    cycles: subset.length,
    msPerCycle: total / subset.length,
    submitMs: submitTotal / subset.length,
    submitDbMs: submitDb / subset.length,
    statements,
    batched,
  };
}

await runBench('homework-peak', async () => {
  warnIfBusy('homework-peak');
  const runs: Run[] = [];
  let prof: Awaited<ReturnType<typeof profile>> | null = null;
  let floor: Floor | null = null;
  let secretKey = randomBytes(32).toString('base64url');

  if (DATABASES.includes('postgres')) {
    const name = 'qiming_bench_homework_peak';
    const kept = REUSE ? await reusePrepared(name) : null;
    const url = kept?.url ?? (await createBenchDatabase(name));
    if (!REUSE) onCleanup(`drop database ${name}`, () => dropBenchDatabase(name));
    const database = postgresDatabase(url, { max: 4 });
    let setup: Setup;
    if (kept) {
      console.log('homework-peak: reusing the prepared PostgreSQL database (attempts, answers and records emptied)…');
      setup = kept.setup;
      secretKey = kept.secretKey;
    } else {
      console.log("homework-peak: preparing PostgreSQL (demo region, the day's homework for every class, a session per pupil)…");
      setup = await prepare(database, secretKey);
      if (REUSE) keepPrepared(url, setup, secretKey);
    }
    const dir = scratchDir('homework-peak-pg');
    const servers = [];
    for (let i = 0; i < 2; i++)
      servers.push(
        await startServer({
          name: `homework-peak-${'AB'[i]}`,
          port: PORTS[i],
          env: { DATABASE_URL: url, QIMING_SECRET_KEY: secretKey, QIMING_DATA_DIR: path.join(dir, `s${i}`), QIMING_DEMO: '0' },
        }),
      );
    // the database's backends (the servers' pools open more under load: read again at the end)
    const dbPids = () =>
      withDatabase(url, async (c) =>
        (
          await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
        ).rows.map((r) => r.pid),
      );
    const run = await drive('postgres', servers, setup, dbPids);
    report(run);
    runs.push(run);
    if (FLOOR) reportFloor((floor = await requestFloor(servers, setup)));
    for (const s of servers) await s.stop();
    if (PROFILE) prof = await profile(database, setup, secretKey, dbPids);
    await database.close();
  }

  if (DATABASES.includes('pglite')) {
    const dir = scratchDir('homework-peak-pglite');
    console.log('\nhomework-peak: preparing PGlite…');
    const database = await openPgliteDir(dir);
    const setup = await prepare(database, secretKey);
    await database.close();
    const server = await startServer({
      name: 'homework-peak-pglite',
      port: PORTS[2],
      env: { QIMING_SECRET_KEY: secretKey, QIMING_DATA_DIR: dir, QIMING_DEMO: '0' },
    });
    const run = await drive('pglite', [server], setup);
    report(run);
    runs.push(run);
    await server.stop();
  }

  const pg = runs.find((r) => r.database === 'postgres');
  if (pg)
    console.log(
      `\ngoal on PostgreSQL: ≥ ${GOAL.rps} graded submissions/s with p99 ≤ ${GOAL.p99} ms — ` +
        `${pg.submits.perSecond >= GOAL.rps && pg.submits.latency.p99 <= GOAL.p99 ? 'met' : 'not met'}`,
    );
  const file = writeResult('homework-peak', {
    postgres: DATABASES.includes('postgres') ? await postgresVersion() : null,
    connections: CONNECTIONS,
    seconds: DURATION_MS / 1000,
    runs: runs.map((r) => ({ ...r, combined: { ...r.combined } })),
    floor,
    profile: prof,
  });
  console.log(`figures written to ${file}`);
});
