import pg from 'pg';

/** The PostgreSQL server benchmarks create their databases on (trust auth, local only). */
export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Names benchmarks may create and drop: never `test` or a test template (`qiming_tpl_*`). */
const NAME = /^qiming_bench[a-z0-9_]*$/;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a bench database, closing whatever connections are still open on it. */
export async function dropBenchDatabase(name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`refusing to drop ${name}: benchmarks only drop qiming_bench* databases`);
  await withAdmin(async (c) => {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
  });
}

/** Creates an empty database (dropping a leftover of an earlier, interrupted run) and returns its URL. */
export async function createBenchDatabase(name: string): Promise<string> {
  await dropBenchDatabase(name);
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  return databaseUrl(name);
}

/** Whether a bench database exists (a run that keeps its data for the next one). */
export async function benchDatabaseExists(name: string): Promise<boolean> {
  return withAdmin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

/** Runs fn with a client on the bench database (for set-up the API cannot do, such as clearing must_change_password). */
export async function withDatabase<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function postgresVersion(): Promise<string> {
  return withAdmin(async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);
}
