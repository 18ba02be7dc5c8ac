import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { RawHttpConnection } from './raw-http.ts';

/*
 * A small closed-loop load generator: `connections` clients, each with one request in flight at a
 * time over its own keep-alive connection(s), sending the next request as soon as the previous
 * answer has been read. Latency is measured from sending to the last byte of the answer.
 */

export type LoadRequest = {
  method: 'GET' | 'POST';
  /** Absolute URL on 127.0.0.1. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
};

export type LoadOptions = {
  connections: number;
  durationMs: number;
  /** Requests sent in this first stretch are not counted (connections opened, JIT warm). */
  warmupMs?: number;
  /** The request client `client` sends as its `seq`-th (0-based). */
  request: (client: number, seq: number) => LoadRequest;
  /** Status that counts as success; anything else (or a socket error) is an error. */
  expectStatus?: number;
  timeoutMs?: number;
  /**
   * Called with every answer counted or not (status, body text, latency in ms), so a client can
   * send a request built from the previous answer. Only when given are bodies kept.
   */
  onAnswer?: (client: number, seq: number, answer: { status: number; body: string; ms: number; counted: boolean }) => void;
  /**
   * Send through the minimal keep-alive client (raw-http.ts) rather than node:http: a fraction of
   * the CPU per request, for benchmarks where the load generator's own cost on the shared cores
   * matters. Bodies are always read then.
   */
  raw?: boolean;
};

export type LatencySummary = { mean: number; p50: number; p90: number; p99: number; max: number };

export type LoadResult = {
  connections: number;
  /** The measured window (after warm-up), in seconds. */
  seconds: number;
  requests: number;
  ok: number;
  errors: number;
  /** Errors by kind: `HTTP 429 RATE_LIMITED`, `ECONNRESET`, … */
  errorKinds: Record<string, number>;
  /** Successful requests per second. */
  rps: number;
  /** Latency of successful requests, in milliseconds. */
  latency: LatencySummary;
  /** Mean size of a successful answer body, in bytes. */
  meanBodyBytes: number;
};

type Answer = { status: number; bytes: number; errorBody: string; body: string };

const ERROR_BODY_CHARS = 400;

function send(agent: http.Agent, req: LoadRequest, timeoutMs: number, keepBody = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = http.request(req.url, { method: req.method, headers, agent }, (res) => {
      let bytes = 0;
      let errorBody = '';
      const chunks: Buffer[] = [];
      const status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody) chunks.push(chunk);
        if (status >= 400 && errorBody.length < ERROR_BODY_CHARS) errorBody += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status, bytes, errorBody, body: keepBody ? Buffer.concat(chunks).toString('utf8') : '' }));
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error('ETIMEDOUT')));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** The same request through one client's raw connections (one per origin). */
async function sendRaw(conns: Map<string, RawHttpConnection>, req: LoadRequest): Promise<Answer> {
  const slash = req.url.indexOf('/', req.url.indexOf('//') + 2);
  const origin = req.url.slice(0, slash);
  let conn = conns.get(origin);
  if (!conn) {
    const u = new URL(origin);
    conns.set(origin, (conn = new RawHttpConnection(u.hostname, Number(u.port))));
  }
  const a = await conn.request(req.method, req.url.slice(slash), req.headers ?? {}, req.body);
  return { status: a.status, bytes: a.bytes, errorBody: a.status >= 400 ? a.body.slice(0, ERROR_BODY_CHARS) : '', body: a.body };
}

function errorKind(a: Answer): string {
  try {
    const code = (JSON.parse(a.errorBody) as { error?: { code?: string } }).error?.code;
    if (code) return `HTTP ${a.status} ${code}`;
  } catch {
    // not JSON (or cut short): the status alone
  }
  return `HTTP ${a.status}`;
}

export function summarize(samples: number[]): LatencySummary {
  if (!samples.length) return { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  // nearest-rank percentile
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { mean: sum / sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1] };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const warmupMs = opts.warmupMs ?? 0;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const expect = opts.expectStatus ?? 200;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const deadline = measureFrom + opts.durationMs;

  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let bodyBytes = 0;

  const client = async (c: number) => {
    // one socket per origin for this client: with two servers a client holds one connection to each
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const conns = new Map<string, RawHttpConnection>();
    try {
      for (let seq = 0; performance.now() < deadline; seq++) {
        const req = opts.request(c, seq);
        const sent = performance.now();
        const counted = sent >= measureFrom;
        try {
          const a = opts.raw ? await sendRaw(conns, req) : await send(agent, req, timeoutMs, !!opts.onAnswer);
          opts.onAnswer?.(c, seq, { status: a.status, body: a.body, ms: performance.now() - sent, counted });
          if (!counted) continue;
          if (a.status === expect) {
            latencies.push(performance.now() - sent);
            bodyBytes += a.bytes;
          } else {
            errors++;
            const kind = errorKind(a);
            errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
          }
        } catch (err) {
          if (!counted) continue;
          errors++;
          const kind = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        }
      }
    } finally {
      agent.destroy();
      for (const c of conns.values()) c.close();
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, (_, c) => client(c)));

  const seconds = opts.durationMs / 1000;
  return {
    connections: opts.connections,
    seconds,
    requests: latencies.length + errors,
    ok: latencies.length,
    errors,
    errorKinds,
    rps: latencies.length / seconds,
    latency: summarize(latencies),
    meanBodyBytes: latencies.length ? bodyBytes / latencies.length : 0,
  };
}

/** Signs in through the API and returns the session cookie (`qm_session=…`). */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`sign-in of ${username} failed: HTTP ${res.status} ${body.slice(0, 300)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('qm_session='));
  if (!cookie) throw new Error(`sign-in of ${username} set no qm_session cookie`);
  return cookie.split(';')[0];
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** One line of a result table: rate, latency, errors. */
export function formatLoad(label: string, r: LoadResult): string {
  const kinds = Object.entries(r.errorKinds)
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
  return (
    `${label.padEnd(14)} ${r.rps.toFixed(1).padStart(9)}/s   p50 ${ms(r.latency.p50).padStart(6)} ms   p99 ${ms(r.latency.p99).padStart(6)} ms   ` +
    `max ${ms(r.latency.max).padStart(6)} ms   ok ${String(r.ok).padStart(6)}   errors ${r.errors}${kinds ? ` (${kinds})` : ''}`
  );
}
