import { runBench } from './lib/cleanup.ts';
import { DEMO_PASSWORD, listUsernames } from './lib/demo.ts';
import { formatLoad, runLoad, type LoadResult } from './lib/load.ts';
import { postgresVersion } from './lib/postgres.ts';
import { envNumber, envNumbers, mib, seconds, warnIfBusy, writeResult } from './lib/report.ts';
import { startDemoStack } from './lib/stack.ts';

/*
 * Sign-in throughput. One real server on PostgreSQL with the demo region; clients POST
 * /api/auth/login with the demo accounts in turn, each request for a different account. A sign-in
 * costs one argon2id verification (the bound), a few reads, and one transaction that writes the
 * session and an audit record (appends to the audit chain are serialised).
 *
 *   npm run bench -- sign-in        or   node --import tsx bench/sign-in.ts
 *   BENCH_SIGN_IN_CONNECTIONS=4,8,16  BENCH_SIGN_IN_SECONDS=10
 */

const CONNECTIONS = envNumbers('BENCH_SIGN_IN_CONNECTIONS', [4, 8, 16]);
const DURATION_MS = envNumber('BENCH_SIGN_IN_SECONDS', 10) * 1000;
const WARMUP_MS = 1000;

/** A fixed shuffle, so that consecutive requests sign in to unrelated accounts of every role. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let s = 20261123;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

await runBench('sign-in', async () => {
  warnIfBusy('sign-in');
  console.log('sign-in: starting a server on PostgreSQL and seeding the demo region…');
  const stack = await startDemoStack('sign_in');
  const [server] = stack.servers;
  const usernames = shuffled(
    await listUsernames(stack.databaseUrl, ['student', 'parent', 'teacher', 'head_teacher', 'school_admin', 'researcher', 'bureau_admin']),
  );
  console.log(
    `sign-in: server ready in ${seconds(stack.firstStartMs)} (demo seed included), ${usernames.length} accounts; ` +
      `${DURATION_MS / 1000} s per step after ${WARMUP_MS / 1000} s warm-up\n`,
  );

  let next = 0;
  const runs: LoadResult[] = [];
  for (const connections of CONNECTIONS) {
    const r = await runLoad({
      connections,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      request: () => ({
        method: 'POST',
        url: `${server.url}/api/auth/login`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: usernames[next++ % usernames.length], password: DEMO_PASSWORD }),
      }),
    });
    runs.push(r);
    console.log(formatLoad(`${connections} clients`, r));
  }
  const memory = server.memory();
  console.log(`\nserver RSS ${mib(memory.rss)} (peak ${mib(memory.peakRss)})`);

  const file = writeResult('sign-in', {
    postgres: await postgresVersion(),
    accounts: usernames.length,
    serverStartSeconds: stack.firstStartMs / 1000,
    runs,
    serverRss: memory.rss,
    serverPeakRss: memory.peakRss,
  });
  console.log(`figures written to ${file}`);
});
