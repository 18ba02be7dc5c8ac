import { performance } from 'node:perf_hooks';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { base32Decode, totp } from '../packages/server/src/modules/identity/mfa/totp.ts';
import { createBrowser } from '../packages/server/src/testing/browser.ts';
import { runBench } from './lib/cleanup.ts';
import { measureCpu } from './lib/cpu.ts';
import { DEMO_PASSWORD } from './lib/demo.ts';
import { formatLoad, runLoad, signIn, type LoadResult } from './lib/load.ts';
import { postgresVersion, withDatabase } from './lib/postgres.ts';
import { envNumber, envNumbers, mib, seconds, warnIfBusy, writeResult } from './lib/report.ts';
import { startDemoStack } from './lib/stack.ts';

/*
 * Token endpoint throughput of the OpenID provider on PostgreSQL. One real server with the demo
 * region; a trusted application is registered through the API. Authorization codes are obtained
 * through the real /oidc/auth (a signed-in teacher, one request per code) just before each run and
 * exchanged by closed-loop clients; client-credentials tokens are asked for the same way. Each
 * answer is a database read and write of the provider's artefacts, a signature and an audit record.
 * Last, ID-token verification per second with jose against the published JWKS (in this process).
 * Each step also reports the CPU time per token of the server process and of its PostgreSQL
 * backends (from /proc): on a shared machine that is the figure that does not depend on the load.
 *
 *   npm run bench -- oidc-token      or   node --import tsx bench/oidc-token.ts
 *   BENCH_OIDC_CONNECTIONS=8,16  BENCH_OIDC_SECONDS=8  BENCH_OIDC_CODES=10000  BENCH_OIDC_ID_TOKEN_ALGS=RS256,ES256
 */

const CONNECTIONS = envNumbers('BENCH_OIDC_CONNECTIONS', [8, 16]);
const DURATION_MS = envNumber('BENCH_OIDC_SECONDS', 8) * 1000;
const CODES = envNumber('BENCH_OIDC_CODES', 10000);
type IdTokenAlg = 'RS256' | 'ES256';
/** ID-token signatures to measure exchanges with, one registered application each (RS256 is the default). */
const ALGS = (process.env.BENCH_OIDC_ID_TOKEN_ALGS ?? 'RS256,ES256').split(',').map((a) => a.trim() as IdTokenAlg);
const REDIRECT = 'http://127.0.0.1:3399/callback';
const VERIFIER = 'bench-pkce-verifier-0123456789-0123456789-0123456789';
const CHALLENGE = 'r5jY8jiPXVxGGwVmUD8WR0AiwNarMdcdu0hC7CICP7U';

type Cpu = { serverSeconds: number; postgresSeconds: number; clientSeconds: number };
/** CPU milliseconds per answer (warm-up included on both sides): what a token costs, whatever the load. */
const cpuPerRequest = (cpu: Cpu, answers: number) => ({
  server: (cpu.serverSeconds * 1000) / Math.max(1, answers),
  postgres: (cpu.postgresSeconds * 1000) / Math.max(1, answers),
  loadGenerator: (cpu.clientSeconds * 1000) / Math.max(1, answers),
});
const formatCpu = (cpu: Cpu, answers: number) => {
  const per = cpuPerRequest(cpu, answers);
  // the 2 cores are shared by the server and PostgreSQL; the load generator (this process) takes its share too
  return (
    `                   CPU per token: server ${per.server.toFixed(2)} ms + PostgreSQL ${per.postgres.toFixed(2)} ms` +
    ` (+ load generator ${per.loadGenerator.toFixed(2)} ms) → server and database alone: at most` +
    ` ${(2000 / (per.server + per.postgres)).toFixed(0)}/s on 2 idle cores`
  );
};

await runBench('oidc-token', async () => {
  warnIfBusy('oidc-token');
  console.log('oidc-token: starting a server on PostgreSQL and seeding the demo region…');
  const stack = await startDemoStack('oidc_token', 1, { env: { QIMING_SSO_RATE_LIMIT: '100000000' } });
  const [server] = stack.servers;
  const issuer = `${server.url}/oidc`;

  const admin = await signIn(server.url, 'city_admin', DEMO_PASSWORD);
  // a bureau administrator must bind an authenticator before anything else: done through the API
  {
    const headers = { cookie: admin, 'x-requested-with': 'bench', 'content-type': 'application/json' };
    const enrol = await fetch(`${server.url}/api/me/mfa/enrollment`, { method: 'POST', headers, body: '{}' });
    const { secret } = (await enrol.json()) as { secret: string };
    const confirm = await fetch(`${server.url}/api/me/mfa/enrollment/confirm`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ code: totp(base32Decode(secret), Date.now()) }),
    });
    if (!confirm.ok) throw new Error(`MFA enrolment of city_admin: HTTP ${confirm.status} ${await confirm.text()}`);
  }
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie: admin, 'x-requested-with': 'bench', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const [city] = (await api('GET', '/api/org/units')) as { id: string }[];
  type BenchApp = { alg: IdTokenAlg; clientId: string; basic: string; authUrl: string };
  /** A trusted application enabled for the whole city, whose ID tokens are signed with `alg`. */
  async function registerApp(alg: IdTokenAlg): Promise<BenchApp> {
    const created = await api('POST', '/api/apps', {
      name: `压测应用 ${alg}`,
      category: 'other',
      homeUrl: 'http://127.0.0.1:3399/',
      protocol: 'oidc',
      isTrusted: true,
      ownerScopeId: city.id,
      oidc: { redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'client_credentials'], idTokenSigningAlg: alg },
    });
    await api('PUT', `/api/apps/${created.app.id}/enablements/${city.id}`, {});
    const clientId: string = created.app.oidc.clientId;
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(created.clientSecret)}`).toString('base64')}`;
    const authUrl = `${issuer}/auth?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid profile roles org',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    })}`;
    return { alg, clientId, basic, authUrl };
  }
  const apps = await Promise.all(ALGS.map(registerApp));
  const [{ basic }] = apps;

  // a teacher's browser signed in to Qiming and to the provider
  const browser = createBrowser(await signIn(server.url, 't11005', DEMO_PASSWORD));
  for (const app of apps) {
    const first = await browser.follow(app.authUrl, (u) => u.toString().startsWith(REDIRECT));
    if (!new URL(first.url).searchParams.get('code')) throw new Error(`no code from the first authorization: ${first.url}`);
  }

  /*
   * This machine's PostgreSQL runs with autovacuum off (a production server must not). Minting
   * codes re-saves the teacher's one provider session thousands of times a minute, and without
   * vacuum every later lookup of it wades through the dead versions: a step measured after another
   * was up to 40 % slower for that alone. Each step starts from a vacuumed database, as under
   * autovacuum; set BENCH_OIDC_VACUUM=0 to see the difference.
   */
  async function vacuum() {
    if (process.env.BENCH_OIDC_VACUUM === '0') return;
    await withDatabase(stack.databaseUrl, (c) =>
      c.query('VACUUM (ANALYZE) oidc_payloads, audit_log, audit_chain, rate_limit_counters, sessions'),
    );
  }

  /** Codes through the real authorization endpoint: one request each for a signed-in user. */
  async function mintCodes(app: BenchApp, n: number): Promise<string[]> {
    const codes: string[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (codes.length < n) {
          const res = await browser.fetch(app.authUrl);
          const code = new URL(res.headers.get('location') ?? '', server.url).searchParams.get('code');
          if (!code) throw new Error(`authorization answered ${res.status} without a code`);
          codes.push(code);
        }
      }),
    );
    console.log(`  ${codes.length} codes from /oidc/auth in ${seconds(performance.now() - started)}`);
    return codes;
  }

  type Step = LoadResult & { cpuPerRequestMs: { server: number; postgres: number } };
  const exchanges: (Step & { idTokenAlg: IdTokenAlg })[] = [];
  console.log(`\nauthorization-code exchanges (${DURATION_MS / 1000} s per step):`);
  for (const app of apps) {
    for (const connections of CONNECTIONS) {
      await vacuum();
      const codes = await mintCodes(app, CODES);
      let next = 0;
      let answers = 0;
      const { result: r, ...cpu } = await measureCpu(server.pid, stack.databaseUrl, () =>
        runLoad({
          connections,
          durationMs: DURATION_MS,
          warmupMs: 500,
          expectStatus: 200,
          onAnswer: () => void answers++,
          request: () => ({
            method: 'POST',
            url: `${issuer}/token`,
            headers: { authorization: app.basic, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              code: codes[next++] ?? 'exhausted',
              redirect_uri: REDIRECT,
              code_verifier: VERIFIER,
            }).toString(),
          }),
        }),
      );
      exchanges.push({ ...r, idTokenAlg: app.alg, cpuPerRequestMs: cpuPerRequest(cpu, answers) });
      console.log(formatLoad(`${connections} clients, ${app.alg}`, r));
      console.log(formatCpu(cpu, answers));
      if (next >= codes.length) console.log('  (ran out of codes: raise BENCH_OIDC_CODES)');
    }
  }
  /** One ID token of an application, for the verification step. */
  async function idTokenOf(app: BenchApp): Promise<string> {
    const [code] = await mintCodes(app, 1);
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: app.basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER }),
    });
    return ((await res.json()) as { id_token: string }).id_token;
  }
  const idTokens = await Promise.all(apps.map(async (app) => ({ app, token: await idTokenOf(app) })));

  console.log(`\nclient-credentials tokens (${DURATION_MS / 1000} s per step):`);
  const credentials: Step[] = [];
  for (const connections of CONNECTIONS) {
    await vacuum();
    let answers = 0;
    const { result: r, ...cpu } = await measureCpu(server.pid, stack.databaseUrl, () =>
      runLoad({
        connections,
        durationMs: DURATION_MS,
        warmupMs: 500,
        expectStatus: 200,
        onAnswer: () => void answers++,
        request: () => ({
          method: 'POST',
          url: `${issuer}/token`,
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&scope=api',
        }),
      }),
    );
    credentials.push({ ...r, cpuPerRequestMs: cpuPerRequest(cpu, answers) });
    console.log(formatLoad(`${connections} clients`, r));
    console.log(formatCpu(cpu, answers));
  }

  // ID-token verification as an application does it: signature and claims, keys cached
  const jwks = createLocalJWKSet((await (await fetch(`${issuer}/jwks`)).json()) as JSONWebKeySet);
  const verifications: Record<string, number> = {};
  console.log('');
  for (const { app, token } of idTokens) {
    let verified = 0;
    const vStart = performance.now();
    while (performance.now() - vStart < 3000) {
      await jwtVerify(token, jwks, { issuer, audience: app.clientId });
      verified++;
    }
    verifications[app.alg] = verified / ((performance.now() - vStart) / 1000);
    console.log(`ID-token verification (${app.alg}, jose, one thread): ${verifications[app.alg].toFixed(0)}/s`);
  }

  const memory = server.memory();
  console.log(`server RSS ${mib(memory.rss)} (peak ${mib(memory.peakRss)})`);
  const file = writeResult('oidc-token', {
    postgres: await postgresVersion(),
    exchanges,
    credentials,
    idTokenVerificationsPerSecond: verifications,
    serverRss: memory.rss,
    serverPeakRss: memory.peakRss,
  });
  console.log(`figures written to ${file}`);
});
