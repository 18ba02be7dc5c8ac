import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { onCleanup } from './cleanup.ts';
import { clearMustChangePassword, DEMO_PASSWORD } from './demo.ts';
import { createBenchDatabase, dropBenchDatabase } from './postgres.ts';
import { ROOT, startServer, type ServerProcess } from './server-process.ts';

/** A scratch folder under .tmp/, removed at cleanup. */
export function scratchDir(name: string): string {
  const dir = path.join(ROOT, '.tmp', `bench-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export type DemoStack = {
  databaseUrl: string;
  servers: ServerProcess[];
  /** How long the first server took from spawn to healthy, demo seeding included. */
  firstStartMs: number;
  clearedAccounts: number;
};

/**
 * A fresh PostgreSQL database with the demo region, served by `count` server processes that
 * share it and one QIMING_SECRET_KEY (so a session cookie from one works on the others). The
 * first process migrates and seeds; the others start on the filled database. Demo accounts have
 * must_change_password cleared. Everything is undone at cleanup.
 */
export async function startDemoStack(
  name: string,
  count = 1,
  opts: { env?: Record<string, string>; port?: number } = {},
): Promise<DemoStack> {
  // servers listen on PORT, PORT+1, … when a port is given (or BENCH_PORT is set), else on free ports
  const basePort = opts.port ?? (process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined);
  const dbName = `qiming_bench_${name.replace(/[^a-z0-9]/g, '_')}`;
  const databaseUrl = await createBenchDatabase(dbName);
  onCleanup(`drop database ${dbName}`, () => dropBenchDatabase(dbName));
  const dataDir = scratchDir(name);
  const secretKey = randomBytes(32).toString('base64url');

  const servers: ServerProcess[] = [];
  let firstStartMs = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    servers.push(
      await startServer({
        name: `${name}-${String.fromCharCode(65 + i)}`,
        env: {
          DATABASE_URL: databaseUrl,
          QIMING_SECRET_KEY: secretKey,
          QIMING_DATA_DIR: path.join(dataDir, `server-${i}`),
          QIMING_DEMO: i === 0 ? '1' : '0',
          QIMING_DEMO_PASSWORD: DEMO_PASSWORD,
          ...opts.env,
        },
        port: basePort === undefined ? undefined : basePort + i,
      }),
    );
    if (i === 0) firstStartMs = performance.now() - started;
  }
  const clearedAccounts = await clearMustChangePassword(databaseUrl);
  if (clearedAccounts === 0) throw new Error('no demo accounts found: did the demo seed run?');
  return { databaseUrl, servers, firstStartMs, clearedAccounts };
}
