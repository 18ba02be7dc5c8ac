import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { TableWrites } from './table-writes.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Repositories take either the database or a transaction. */
export type DbOrTx = Db | Tx;

/**
 * LISTEN on a channel: `message` gets each payload once the notifying transaction committed;
 * `state(false)` says notifications may be missed from now on (connection lost), `state(true)`
 * that they flow (again). Returns a function that stops listening.
 */
export type Listen = (
  channel: string,
  on: { message: (payload: string) => void; state: (listening: boolean) => void },
) => Promise<() => Promise<void>>;

/** What a process learns of changes to the database: notifications, and its own writes as they are sent. */
export type DbChanges = { listen: Listen; writes: TableWrites };

export type Database = {
  db: Db;
  kind: DatabaseKind;
  changes: DbChanges;
  close: () => Promise<void>;
  /** PGlite only: the whole data folder as a tarball (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
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
 * running it (the account claims of an OIDC exchange: 0.46 ms of backend CPU unprepared, 0.13 ms
 * prepared). A query marked with `prepared(query, db)` is parsed and planned once per connection
 * instead. Only queries whose plan does not depend on their parameters (lookups by key) should be
 * marked: after a few runs PostgreSQL may keep one generic plan for every parameter value.
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
  const writes = new TableWrites();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [writes] });
  const listeners = new Set<() => Promise<void>>();
  const listen: Listen = async (channel, on) => {
    const stop = listenOnPostgres(url, channel, on);
    listeners.add(stop);
    return async () => {
      listeners.delete(stop);
      await stop();
    };
  };
  return {
    db,
    kind: 'postgres',
    changes: { listen, writes },
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await db.destroy();
    },
  };
}

const RELISTEN_MS = 1_000;

/** A connection of its own that LISTENs, and connects again (after saying so) when it is lost. */
function listenOnPostgres(url: string, channel: string, on: Parameters<Listen>[1]): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, RELISTEN_MS);
    timer.unref();
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) on.message(n.payload ?? '');
    });
    c.on('error', () => {
      // reported through 'end'
    });
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      on.state(false);
      retry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    } catch {
      await c.end().catch(() => {});
      retry();
      return;
    }
    if (stopped) return void (await c.end().catch(() => {}));
    client = c;
    on.state(true);
  };
  void connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    if (c) {
      on.state(false);
      await c.end().catch(() => {});
    }
  };
}

/** Wraps an open PGlite in the same pg-based Kysely dialect the server database uses. */
export function pgliteDatabase(pglite: PGlite, onClose: () => Promise<void> = async () => {}): Database {
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  const writes = new TableWrites();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [writes] });
  // one backend in this process: a notification arrives as the committing statement's answer is read
  const listen: Listen = async (channel, on) => {
    const unlisten = await pglite.listen(channel, (payload) => on.message(payload));
    on.state(true);
    return async () => {
      on.state(false);
      await unlisten();
    };
  };
  return {
    db,
    kind: 'pglite',
    changes: { listen, writes },
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

/**
 * A one-row FROM item that lets the statement's own transaction commit without waiting for its
 * WAL to reach the disk (`synchronous_commit = off` for that transaction alone, as PostgreSQL
 * documents: the setting in force at commit decides). On this project's virtual machines a flush
 * costs ~0.2 ms of database CPU and ~3 ms of waiting per commit. Only for writes that a later
 * synchronous commit always follows before anyone is told of them — PostgreSQL flushes the WAL in
 * order, so that commit makes them durable too — or that may be lost in a crash (rate-limit
 * counters). Other transactions see the write at once either way.
 */
export const flushLater = sql`(SELECT set_config('synchronous_commit', 'off', true))`;
