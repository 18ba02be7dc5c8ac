import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROLE_PERMISSIONS, type GradeLevel, type TImportJob } from '@qiming/shared';
import { loadConfig } from '../packages/server/src/core/config.ts';
import type { AuthedContext } from '../packages/server/src/core/context.ts';
import { createFieldCipher } from '../packages/server/src/core/crypto/crypto.ts';
import { openPgliteDir, postgresDatabase, withTransaction, type Database } from '../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../packages/server/src/core/db/migrate.ts';
import { hashPassword } from '../packages/server/src/modules/identity/index.ts';
import { commitImport, importRoster } from '../packages/server/src/modules/org/index.ts';
import { buildClass, buildGrant, buildSchool, buildUser, type FactoryCtx } from '../packages/server/src/modules/org/org.factory.ts';
import { CHUNK_ROWS } from '../packages/server/src/modules/org/roster/roster-import.ts';
import { openRoster, type ParsedRow } from '../packages/server/src/modules/org/roster/roster-parse.ts';
import { createValidator } from '../packages/server/src/modules/org/roster/roster-validate.ts';
import { createAppContext } from '../packages/server/src/server.ts';
import { onCleanup, runBench } from './lib/cleanup.ts';
import { createBenchDatabase, dropBenchDatabase, postgresVersion } from './lib/postgres.ts';
import { createQueryTimer } from './lib/query-timer.ts';
import { envNumber, mib, writeResult } from './lib/report.ts';
import { planRoster, writeStudentWorkbook, type RosterPlan } from './lib/roster-workbook.ts';
import { ROOT } from './lib/server-process.ts';
import { scratchDir } from './lib/stack.ts';

/*
 * Roster import of a 100,000-pupil students workbook into one school, timed in its two phases
 * through the roster module's own service functions: importRoster (parse + validate, valid rows
 * stored encrypted in chunks) and commitImport (accounts, student records, grants, class history,
 * guardians). Each database runs in its own process, so its memory peak is its own: PGlite in a
 * fresh data folder under .tmp/, then PostgreSQL in a fresh database. A Kysely plugin adds up
 * the time of every query, which separates database time from JavaScript time.
 *
 *   npm run bench -- roster-import    or   node --import tsx bench/roster-import.ts
 *   BENCH_IMPORT_ROWS=100000  BENCH_IMPORT_DATABASES=pglite,postgres
 *   BENCH_IMPORT_KEEP_DATABASE=1   leaves the PostgreSQL database qiming_bench_import for EXPLAIN
 */

type Kind = 'pglite' | 'postgres';
const GOALS_S: Record<Kind, number> = { pglite: 60, postgres: 30 };
const ROWS = envNumber('BENCH_IMPORT_ROWS', 100_000);
const DATABASES = (process.env.BENCH_IMPORT_DATABASES ?? 'pglite,postgres')
  .split(',')
  .filter((k): k is Kind => k === 'pglite' || k === 'postgres');
const RESULT_PREFIX = 'BENCH_RESULT ';

type Phase = { seconds: number; dbSeconds: number; peakRss: number; queries: { statement: string; count: number; ms: number }[] };
type WorkerResult = {
  database: Kind;
  rows: number;
  classes: number;
  setupSeconds: number;
  validate: Phase;
  commit: Phase;
  totalSeconds: number;
  rowsPerSecond: number;
  processPeakRss: number;
  job: Pick<TImportJob, 'status' | 'totalRows' | 'validRows' | 'errorCount' | 'createdRows' | 'updatedRows'>;
  written: { students: number; studentAccounts: number; parentAccounts: number; guardianships: number; classHistory: number };
};

const s = (ms: number) => ms / 1000;

/** Samples this process's RSS until stopped; returns the highest. */
function rssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const vmHwm = () => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

// ------------------------------------------------------------------------------------------------
// Worker: one database, one import

async function openBenchDatabase(kind: Kind, dataDir: string): Promise<Database> {
  if (kind === 'pglite') {
    const db = await openPgliteDir(dataDir);
    onCleanup('close PGlite', () => db.close());
    return db;
  }
  const name = 'qiming_bench_import';
  const url = await createBenchDatabase(name);
  if (process.env.BENCH_IMPORT_KEEP_DATABASE === '1') console.error(`  [postgres] keeping ${url} for inspection: drop it yourself`);
  else onCleanup(`drop database ${name}`, () => dropBenchDatabase(name));
  const db = postgresDatabase(url);
  onCleanup('close PostgreSQL pool', () => db.close());
  return db;
}

async function worker(kind: Kind, file: string, plan: RosterPlan): Promise<WorkerResult> {
  const dataDir = scratchDir(`import-${kind}`);
  const database = await openBenchDatabase(kind, dataDir);
  const setupStart = performance.now();
  await migrateToLatest(database.db);
  const config = loadConfig({ QIMING_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { dotEnv: false });
  const app = createAppContext(database, { ...config, secretKey: randomBytes(32).toString('base64url') });

  // the school: one campus, grades 1–6, class numbers 1…classesPerGrade, and its administrator
  const { school, admin } = await withTransaction(app.db, async (tx) => {
    const f: FactoryCtx = { db: tx, cipher: app.cipher, passwordHash: await hashPassword('Bench@2026pw') };
    const { school, campus } = await buildSchool(f, { name: '青岛市市南区启明实验小学' });
    for (let g = 1; g <= 6; g++) {
      for (let n = 1; n <= plan.classesPerGrade; n++) await buildClass(f, { host: campus, gradeLevel: g as GradeLevel, classNo: n });
    }
    const admin = await buildUser(f, { username: 'bench_school_admin', name: '导入管理员', home: school });
    await buildGrant(f, admin.id, 'school_admin', school);
    return { school, admin };
  });
  const setupSeconds = s(performance.now() - setupStart);

  const timer = createQueryTimer();
  const ctx: AuthedContext = {
    ...app,
    db: app.db.withPlugin(timer),
    ip: '127.0.0.1',
    requestId: randomUUID(),
    actor: {
      userId: admin.id,
      username: admin.username,
      displayName: '导入管理员',
      sessionId: 'bench',
      role: 'school_admin',
      roles: ['school_admin'],
      grants: [{ grantId: 'bench', role: 'school_admin', scopeId: school.id, scopePath: school.path, subject: null }],
      permissions: new Set(ROLE_PERMISSIONS.school_admin),
      mustChangePassword: false,
      mfaEnrollmentRequired: false,
    },
  };
  const buffer = readFileSync(file);
  const phase = async <T>(fn: () => Promise<T>): Promise<[T, Phase]> => {
    timer.reset();
    const peak = rssSampler();
    const start = performance.now();
    const value = await fn();
    const seconds = s(performance.now() - start);
    return [value, { seconds, dbSeconds: s(timer.totalMs()), peakRss: peak(), queries: timer.totals().slice(0, 12) }];
  };

  console.error(`  [${kind}] school with ${plan.classesPerGrade * 6} classes ready in ${setupSeconds.toFixed(1)} s; validating…`);
  const [validated, validate] = await phase(() =>
    importRoster(ctx, school.id, 'students', buffer, { fileName: path.basename(file), background: false }),
  );
  if (validated.status !== 'validated' || validated.errorCount > 0) {
    throw new Error(
      `validation: status ${validated.status}, ${validated.errorCount} errors, e.g. ${JSON.stringify(validated.errors.slice(0, 3))} ${validated.failureMessage ?? ''}`,
    );
  }
  console.error(`  [${kind}] validated ${validated.validRows} rows in ${validate.seconds.toFixed(1)} s; committing…`);
  const [committed, commit] = await phase(() => commitImport(ctx, validated.id, 'all', { background: false }));
  if (committed.status !== 'done' || committed.createdRows !== plan.rows) {
    throw new Error(
      `commit: status ${committed.status}, ${committed.createdRows} created of ${plan.rows}: ${committed.failureMessage ?? ''}`,
    );
  }
  console.error(`  [${kind}] committed in ${commit.seconds.toFixed(1)} s`);

  const written = await countWritten(database, school.id);
  if (written.students !== plan.rows) throw new Error(`${written.students} pupils in the school after the import, expected ${plan.rows}`);
  const totalSeconds = validate.seconds + commit.seconds;
  return {
    database: kind,
    rows: plan.rows,
    classes: plan.classesPerGrade * 6,
    setupSeconds,
    validate,
    commit,
    totalSeconds,
    rowsPerSecond: plan.rows / totalSeconds,
    processPeakRss: vmHwm(),
    job: {
      status: committed.status,
      totalRows: committed.totalRows,
      validRows: committed.validRows,
      errorCount: committed.errorCount,
      createdRows: committed.createdRows,
      updatedRows: committed.updatedRows,
    },
    written,
  };
}

async function countWritten(database: Database, schoolId: string): Promise<WorkerResult['written']> {
  const db = database.db;
  const n = (v: unknown) => Number(v);
  const students = await db
    .selectFrom('students')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('school_id', '=', schoolId)
    .executeTakeFirstOrThrow();
  const studentAccounts = await db
    .selectFrom('role_grants as g')
    .innerJoin('students as st', 'st.user_id', 'g.user_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('st.school_id', '=', schoolId)
    .where('g.role', '=', 'student')
    .executeTakeFirstOrThrow();
  const parentAccounts = await db
    .selectFrom('role_grants')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('scope_id', '=', schoolId)
    .where('role', '=', 'parent')
    .executeTakeFirstOrThrow();
  const guardianships = await db
    .selectFrom('guardianships as g')
    .innerJoin('students as st', 'st.user_id', 'g.student_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('st.school_id', '=', schoolId)
    .executeTakeFirstOrThrow();
  const classHistory = await db
    .selectFrom('student_class_history')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    students: n(students.n),
    studentAccounts: n(studentAccounts.n),
    parentAccounts: n(parentAccounts.n),
    guardianships: n(guardianships.n),
    classHistory: n(classHistory.n),
  };
}

// ------------------------------------------------------------------------------------------------
// CPU-only breakdown of validation: parsing, per-row checks, chunk encryption (no database)

type CpuProfile = { parseSeconds: number; rowCheckSeconds: number; chunkEncryptSeconds: number };

async function profileValidationCpu(file: string, plan: RosterPlan): Promise<CpuProfile> {
  const buffer = readFileSync(file);
  let start = performance.now();
  const parsed: ParsedRow[] = [];
  for await (const row of (await openRoster(buffer, 'students')).rows) parsed.push(row);
  const parseSeconds = s(performance.now() - start);

  const cipher = createFieldCipher(randomBytes(32).toString('base64url'));
  const classes = new Map<string, { id: string; path: string }[]>();
  for (let g = 1; g <= 6; g++)
    for (let n = 1; n <= plan.classesPerGrade; n++) classes.set(`${g}:${n}`, [{ id: randomUUID(), path: `/x/${g}/${n}/` }]);
  let errors = 0;
  const validator = createValidator('students', {
    db: undefined as never,
    cipher,
    school: { id: randomUUID(), path: '/x/' },
    classes,
    report: () => {
      errors++;
    },
    isValid: () => true,
  });
  start = performance.now();
  const records = parsed.map((raw) => validator.checkRow(raw));
  const rowCheckSeconds = s(performance.now() - start);
  if (errors) throw new Error(`the generated workbook has ${errors} row errors`);

  start = performance.now();
  for (let i = 0; i < records.length; i += CHUNK_ROWS) cipher.encrypt(JSON.stringify(records.slice(i, i + CHUNK_ROWS)));
  const chunkEncryptSeconds = s(performance.now() - start);
  return { parseSeconds, rowCheckSeconds, chunkEncryptSeconds };
}

// ------------------------------------------------------------------------------------------------
// Orchestrator

function runWorker(kind: Kind, file: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--worker', kind, file], {
      cwd: ROOT,
      env: { ...process.env, BENCH_IMPORT_ROWS: String(ROWS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // the worker cleans up after itself on SIGTERM (drops its database, removes its folder): wait for it
    onCleanup(
      `stop ${kind} worker`,
      () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('exit', () => {
            clearTimeout(force);
            done();
          });
          child.kill('SIGTERM');
        }),
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult);
      else reject(new Error(`${kind} worker exited with ${code ?? signal}\n${out.slice(-4000)}`));
    });
  });
}

function printResult(r: WorkerResult): void {
  const goal = GOALS_S[r.database];
  const verdict = r.totalSeconds <= goal ? `meets the ${goal} s goal` : `MISSES the ${goal} s goal`;
  console.log(
    `\n${r.database === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${r.rows} rows in ${r.totalSeconds.toFixed(1)} s (${r.rowsPerSecond.toFixed(0)} rows/s) — ${verdict}`,
  );
  for (const [name, p] of [
    ['parse + validate', r.validate],
    ['commit', r.commit],
  ] as const) {
    console.log(
      `  ${name.padEnd(17)} ${p.seconds.toFixed(1).padStart(6)} s  (database ${p.dbSeconds.toFixed(1)} s, JavaScript ${(p.seconds - p.dbSeconds).toFixed(1)} s)  peak RSS ${mib(p.peakRss)}`,
    );
    for (const q of p.queries.slice(0, 8))
      console.log(
        `      ${q.statement.padEnd(56)} ${String(q.count).padStart(6)} × ${(q.ms / q.count).toFixed(1).padStart(7)} ms = ${(q.ms / 1000).toFixed(1).padStart(5)} s`,
      );
  }
  console.log(
    `  process peak RSS (VmHWM) ${mib(r.processPeakRss)}; written: ${r.written.students} pupils, ${r.written.parentAccounts} parent accounts, ${r.written.guardianships} guardianships`,
  );
}

async function orchestrate(): Promise<void> {
  const plan = planRoster(ROWS);
  const dir = scratchDir('roster-import');
  const file = path.join(dir, `学生名单-${ROWS}.xlsx`);
  let start = performance.now();
  const rows = await writeStudentWorkbook(file, plan);
  console.log(
    `roster-import: wrote ${rows} rows (${plan.classesPerGrade * 6} classes) to ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB of .xlsx in ${s(performance.now() - start).toFixed(1)} s`,
  );

  start = performance.now();
  const cpu = await profileValidationCpu(file, plan);
  console.log(
    `roster-import: without a database, parsing takes ${cpu.parseSeconds.toFixed(1)} s, the row checks ${cpu.rowCheckSeconds.toFixed(1)} s, ` +
      `encrypting the valid rows in chunks ${cpu.chunkEncryptSeconds.toFixed(1)} s`,
  );

  const results: WorkerResult[] = [];
  for (const kind of DATABASES) {
    console.log(`roster-import: importing into ${kind}…`);
    const r = await runWorker(kind, file);
    results.push(r);
    printResult(r);
  }
  const out = writeResult('roster-import', {
    rows: ROWS,
    classes: plan.classesPerGrade * 6,
    fileBytes: statSync(file).size,
    goalsSeconds: GOALS_S,
    postgres: DATABASES.includes('postgres') ? await postgresVersion() : null,
    cpuOnly: cpu,
    results,
  });
  console.log(`\nfigures written to ${out}`);
}

const [mode, kind, file] = process.argv.slice(2);
if (mode === '--worker') {
  await runBench(`roster-import (${kind})`, async () => {
    const result = await worker(kind as Kind, file, planRoster(ROWS));
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  });
} else {
  await runBench('roster-import', orchestrate);
}
