import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { postgresChangeFeed, type ChangeFeed } from './change-feed.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Repositories take either the database or a transaction. */
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: DatabaseKind;
  close: () => Promise<void>;
  /** PGlite only: the whole data folder as a tarball (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
  /**
   * PostgreSQL only: change notices between the processes on this database (caches use it).
   * PGlite has no other process, so a change made here is all there is to know.
   */
  changes?: ChangeFeed;
};

// Dates as ISO strings for `date` columns; bigint counts as numbers when they fit.
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/*
 * Named prepared statements for the few hot queries that ask for it. PostgreSQL plans an unnamed
 * statement afresh each time it runs; for a query with several joins the planning costs more than
 * running it (the account claims of an OIDC exchange: 1.1 ms to plan, 0.4 ms to run). A query
 * marked with `prepared(query)` is parsed and planned once per connection instead. Only queries
 * whose plan does not depend on their parameters (lookups by key) should be marked: after a few
 * runs PostgreSQL may keep one generic plan for every parameter value.
 */
const preparedTexts = new Map<string, string>();

/** Marks a query (builder or raw `sql`) to run as a named prepared statement on PostgreSQL; returns it. */
export function prepared<Q extends { compile(db: Db): { sql: string } }>(query: Q, db: Db | Tx): Q {
  const text = query.compile(db as Db).sql;
  if (!preparedTexts.has(text)) preparedTexts.set(text, `qm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
  return query;
}

/** A pg client that sends the marked query texts as named statements (each connection prepares them once). */
class PreparingClient extends pg.Client {
  // the overloads of pg.Client.query are many; the pool and Kysely call it as query(text, values)
  override query(config: any, values?: any, callback?: any): any {
    const name = typeof config === 'string' ? preparedTexts.get(config) : undefined;
    return super.query(name ? { name, text: config } : config, values, callback);
  }
}

export function postgresDatabase(url: string, { max = 10 } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max, Client: PreparingClient });
  // an idle connection the server drops (restart, failover) must not take the process down
  pool.on('error', (err) => console.warn(`PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const changes = postgresChangeFeed(url);
  return {
    db,
    kind: 'postgres',
    changes,
    close: async () => {
      await changes.close();
      await db.destroy();
    },
  };
}

/** Wraps an open PGlite in the same pg-based Kysely dialect the server database uses. */
export function pgliteDatabase(pglite: PGlite, onClose: () => Promise<void> = async () => {}): Database {
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pglite',
    dump: async () => pglite.dumpDataDir('gzip'),
    close: async () => {
      await db.destroy();
      await pglite.close();
      await onClose();
    },
  };
}

/**
 * PGlite holds no lock on its folder, and two processes writing it corrupt it. Take a lock file
 * holding our pid; refuse while another live process holds it; take over a stale one.
 */
export function acquireDataDirLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, 'qiming.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `数据目录 ${dir} 正被另一个启明进程（PID ${pid}）使用。内嵌数据库只能由一个进程打开；` +
            `请先停止该进程，或设置 DATABASE_URL 使用 PostgreSQL 运行多个进程。\n` +
            `The data folder ${dir} is in use by another Qiming process (pid ${pid}). ` +
            'The embedded database allows one process; stop it, or use PostgreSQL (DATABASE_URL) for several.',
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not take the lock on ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openPgliteDir(dir: string): Promise<Database> {
  const release = acquireDataDirLock(dir);
  try {
    const dbDir = path.join(dir, 'pglite');
    if (!existsSync(dbDir)) mkdirSync(dbDir, { recursive: true });
    const pglite = await PGlite.create(dbDir);
    return pgliteDatabase(pglite, async () => release());
  } catch (err) {
    release();
    throw err;
  }
}

export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? postgresDatabase(opts.databaseUrl) : openPgliteDir(opts.dataDir);
}

/** Runs fn in a transaction; services own transactions and hand `tx` to repositories. */
export const withTransaction = <T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> => db.transaction().execute(fn);
