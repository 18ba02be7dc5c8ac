import { readFileSync } from 'node:fs';
import { withDatabase } from './postgres.ts';

/*
 * CPU time spent by processes, read from /proc (Linux): what one request costs in CPU, which
 * holds on a shared machine where requests per second depend on everyone else's load.
 */

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** User + system CPU seconds of a process so far; 0 once it has gone. */
export function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // fields after the command name (which may hold spaces) start at state: utime and stime are 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
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
 * Measures the CPU the server process, the database's backends and this process use while `run` runs. Backends
 * that close during the run are missed (the pool keeps them open while it is busy).
 */
export async function measureCpu<T>(serverPid: number, databaseUrl: string, run: () => Promise<T>): Promise<{ result: T } & CpuSplit> {
  const before = new Map((await backendPids(databaseUrl)).map((pid) => [pid, processCpuSeconds(pid)]));
  const serverBefore = processCpuSeconds(serverPid);
  const clientBefore = process.cpuUsage();
  const result = await run();
  const serverSeconds = processCpuSeconds(serverPid) - serverBefore;
  const client = process.cpuUsage(clientBefore);
  const clientSeconds = (client.user + client.system) / 1e6;
  let postgresSeconds = 0;
  for (const pid of new Set([...before.keys(), ...(await backendPids(databaseUrl))]))
    postgresSeconds += processCpuSeconds(pid) - (before.get(pid) ?? 0);
  return { result, serverSeconds, postgresSeconds, clientSeconds };
}
