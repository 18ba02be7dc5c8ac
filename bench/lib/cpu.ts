import { readFileSync } from 'node:fs';
import { withDatabase } from './postgres.ts';

/*
 * CPU time actually spent by the processes of a benchmark, read from /proc. Unlike latency and
 * throughput it hardly depends on what else the machine runs, so "CPU milliseconds per request"
 * per component (servers, database, load generator) says where the time goes on a shared machine
 * and what a machine of N idle cores could serve at most: N × 1000 ms ÷ (CPU ms per request).
 */

const TICK_MS = 10; // CLK_TCK = 100 on Linux

/** User + system CPU of a process (all its threads) so far, in ms; 0 once it has gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) — utime and stime are the 14th and 15th
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU of this process so far, in ms. */
export const selfCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU so far per process of each named group ('self': this process). */
export type CpuSample = Record<string, Map<number, number>>;

export function sampleCpu(groups: Record<string, number[] | 'self'>): CpuSample {
  const out: CpuSample = {};
  for (const [name, pids] of Object.entries(groups))
    out[name] = pids === 'self' ? new Map([[process.pid, selfCpuMs()]]) : new Map(pids.map((p) => [p, processCpuMs(p)]));
  return out;
}

/** CPU ms each group spent between two samples; a process that appeared in between counts from its start. */
export function diffCpu(before: CpuSample, after: CpuSample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, procs] of Object.entries(after)) {
    let sum = 0;
    for (const [pid, ms] of procs) sum += ms - (before[name]?.get(pid) ?? 0);
    out[name] = sum;
  }
  return out;
}

/** The PostgreSQL backends serving a database (one per pooled connection). */
export const backendPids = (databaseUrl: string): Promise<number[]> =>
  withDatabase(databaseUrl, async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  });

/** CPU seconds of the server process, its PostgreSQL backends, and this process (the load generator). */
export type CpuSplit = { serverSeconds: number; postgresSeconds: number; clientSeconds: number };

/**
 * The CPU one server process, the database's backends and this process use while `run` runs.
 * Backends are listed before and after (the pool opens more under load).
 */
export async function measureCpu<T>(serverPid: number, databaseUrl: string, run: () => Promise<T>): Promise<{ result: T } & CpuSplit> {
  const groups = async () => ({ server: [serverPid], postgres: await backendPids(databaseUrl), client: 'self' as const });
  const before = sampleCpu(await groups());
  const result = await run();
  const after = sampleCpu(await groups());
  // a backend seen only before the run still counts up to its end
  for (const [pid] of before.postgres)
    if (!after.postgres.has(pid)) after.postgres.set(pid, processCpuMs(pid) || before.postgres.get(pid)!);
  const ms = diffCpu(before, after);
  return { result, serverSeconds: ms.server / 1000, postgresSeconds: ms.postgres / 1000, clientSeconds: ms.client / 1000 };
}
