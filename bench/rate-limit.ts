import { performance } from 'node:perf_hooks';
import { postgresDatabase } from '../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../packages/server/src/core/db/migrate.ts';
import { rateLimit } from '../packages/server/src/core/rate-limit/index.ts';
import { onCleanup, runBench } from './lib/cleanup.ts';
import { createBenchDatabase, dropBenchDatabase } from './lib/postgres.ts';
import { envNumber, envNumbers, warnIfBusy, writeResult } from './lib/report.ts';

/*
 * What a rate-limit check costs a request: `rateLimit()` (one upsert on rate_limit_counters,
 * returning the count) against PostgreSQL, from N concurrent callers for a fixed time — once with
 * every caller on its own key (many users) and once all on one key (one hot row: an attack from
 * one address, or a whole school behind one NAT address), plus the hit-then-refund pattern that
 * sign-in uses (two statements).
 *
 *   node --import tsx bench/rate-limit.ts      BENCH_RATE_LIMIT_CONNECTIONS=1,8,32  BENCH_RATE_LIMIT_SECONDS=5
 */

const CONNECTIONS = envNumbers('BENCH_RATE_LIMIT_CONNECTIONS', [1, 8, 32]);
const DURATION_MS = envNumber('BENCH_RATE_LIMIT_SECONDS', 5) * 1000;
const NAME = 'qiming_bench_rate_limit';

type Row = { mode: string; connections: number; perSecond: number; p50Ms: number; p99Ms: number };

await runBench('rate-limit', async () => {
  warnIfBusy('rate-limit');
  const url = await createBenchDatabase(NAME);
  onCleanup('drop database', () => dropBenchDatabase(NAME));
  const database = postgresDatabase(url, { max: Math.max(...CONNECTIONS) });
  onCleanup('close pool', () => database.close());
  await migrateToLatest(database.db);
  const ctx = { db: database.db };

  const modes: Record<string, (client: number, i: number) => Promise<void>> = {
    'own key': async (client) => void (await rateLimit(ctx, { bucket: 'bench', key: `k${client}`, limit: 1e9, windowSeconds: 900 })),
    'one hot key': async () => void (await rateLimit(ctx, { bucket: 'bench', key: 'hot', limit: 1e9, windowSeconds: 900 })),
    'hit + refund': async (client) => {
      const hit = await rateLimit(ctx, { bucket: 'bench-refund', key: `k${client}`, limit: 1e9, windowSeconds: 900 });
      await hit.refund();
    },
  };

  const rows: Row[] = [];
  for (const [mode, call] of Object.entries(modes)) {
    for (const connections of CONNECTIONS) {
      const latencies: number[] = [];
      const end = performance.now() + DURATION_MS;
      await Promise.all(
        Array.from({ length: connections }, async (_, client) => {
          for (let i = 0; performance.now() < end; i++) {
            const t0 = performance.now();
            await call(client, i);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      const row = {
        mode,
        connections,
        perSecond: Math.round(latencies.length / (DURATION_MS / 1000)),
        p50Ms: Number(latencies[Math.floor(latencies.length * 0.5)].toFixed(2)),
        p99Ms: Number(latencies[Math.floor(latencies.length * 0.99)].toFixed(2)),
      };
      rows.push(row);
      console.log(
        `rate-limit: ${mode.padEnd(12)} ${String(connections).padStart(3)} callers  ${String(row.perSecond).padStart(6)} checks/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms`,
      );
    }
  }
  console.log(`\nrate-limit: results in ${writeResult('rate-limit', { durationMs: DURATION_MS, rows })}`);
});
