import { runBench } from './lib/cleanup.ts';
import { DEMO_PASSWORD, listHeadTeacherClasses } from './lib/demo.ts';
import { formatLoad, runLoad, signIn } from './lib/load.ts';
import { postgresVersion } from './lib/postgres.ts';
import { envNumber, mib, seconds, warnIfBusy, writeResult } from './lib/report.ts';
import { startDemoStack } from './lib/stack.ts';

/*
 * Authenticated class-roster reads (GET /api/classes/:id/students) from two server processes on
 * one PostgreSQL database. Each client is a head teacher signed in once (on either server: the
 * session lives in the database) reading their own class, alternating server A and B request by
 * request over one keep-alive connection to each. Every request resolves the session, the
 * actor's grants and the class's scope before the query: this is the cost of an ordinary read.
 *
 *   npm run bench -- class-roster     or   node --import tsx bench/class-roster.ts
 *   BENCH_ROSTER_CONNECTIONS=50  BENCH_ROSTER_SECONDS=20
 */

const CONNECTIONS = envNumber('BENCH_ROSTER_CONNECTIONS', 50);
const DURATION_MS = envNumber('BENCH_ROSTER_SECONDS', 20) * 1000;
const WARMUP_MS = 2000;
const SAMPLE_EVERY_MS = 250;

await runBench('class-roster', async () => {
  warnIfBusy('class-roster');
  console.log('class-roster: starting two servers on one PostgreSQL database, seeding the demo region…');
  const stack = await startDemoStack('class_roster', 2);
  const [a, b] = stack.servers;

  const classes = (await listHeadTeacherClasses(stack.databaseUrl)).slice(0, CONNECTIONS);
  if (classes.length < CONNECTIONS) throw new Error(`only ${classes.length} head teachers in the demo region`);
  const cookies: string[] = [];
  for (const [i, c] of classes.entries()) cookies.push(await signIn(stack.servers[i % 2].url, c.username, DEMO_PASSWORD));

  // a cookie from one server works on the other, and the answer is the class's roster
  for (const [i, server] of [
    [0, a],
    [1, b],
  ] as const) {
    const res = await fetch(`${server.url}/api/classes/${classes[i].classId}/students`, { headers: { cookie: cookies[i] } });
    const body = (await res.json()) as unknown[];
    if (!res.ok || body.length !== classes[i].students) {
      throw new Error(`roster check on ${server.url} failed: HTTP ${res.status}, ${body.length} pupils, expected ${classes[i].students}`);
    }
  }
  const pupils = classes.reduce((n, c) => n + c.students, 0) / classes.length;
  console.log(
    `class-roster: servers ready (first start ${seconds(stack.firstStartMs)} with demo seed), ${classes.length} head teachers signed in, ` +
      `${pupils.toFixed(1)} pupils per class; ${CONNECTIONS} clients for ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up\n`,
  );

  const peak = [0, 0];
  const sampler = setInterval(() => {
    stack.servers.forEach((s, i) => {
      peak[i] = Math.max(peak[i], s.memory().rss);
    });
  }, SAMPLE_EVERY_MS);
  const sent = [0, 0];
  const r = await runLoad({
    connections: CONNECTIONS,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    request: (client, seq) => {
      const target = (client + seq) % 2;
      sent[target]++;
      return {
        method: 'GET',
        url: `${stack.servers[target].url}/api/classes/${classes[client].classId}/students`,
        headers: { cookie: cookies[client] },
      };
    },
  }).finally(() => clearInterval(sampler));

  console.log(formatLoad(`${CONNECTIONS} clients`, r));
  console.log(`mean answer ${(r.meanBodyBytes / 1024).toFixed(1)} KiB; requests sent to A ${sent[0]}, to B ${sent[1]}`);
  const memory = stack.servers.map((s, i) => {
    const m = s.memory();
    return { server: 'AB'[i], ...m, peakDuringLoad: Math.max(peak[i], m.rss) };
  });
  for (const m of memory)
    console.log(
      `server ${m.server}: RSS ${mib(m.rss)} after the run, peak ${mib(m.peakDuringLoad)} during it (process peak ${mib(m.peakRss)})`,
    );

  const file = writeResult('class-roster', {
    postgres: await postgresVersion(),
    servers: 2,
    pupilsPerClass: pupils,
    result: r,
    sentPerServer: sent,
    memory,
  });
  console.log(`figures written to ${file}`);
});
