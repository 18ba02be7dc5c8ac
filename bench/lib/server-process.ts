import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { onCleanup } from './cleanup.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = 'packages/server/src/main.ts';
/** The V8 flags `npm start` gives the server (package.json is the one place they are written): benchmarks run it the same way. */
const SERVER_NODE_FLAGS = ((): string[] => {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /\bnode((?: --\S+)*) --import tsx /.exec(start);
  if (!m) throw new Error(`package.json's start script no longer reads "node [flags] --import tsx …": ${start}`);
  return m[1].split(' ').filter(Boolean);
})();
/** Output kept from a server, shown when it fails to start. */
const TAIL_CHARS = 16_000;

export type ServerProcess = {
  url: string;
  port: number;
  pid: number;
  /** Resident memory now and its peak (VmRSS, VmHWM from /proc), in bytes. */
  memory: () => { rss: number; peakRss: number };
  stop: () => Promise<void>;
};

/** A port nobody listens on right now (asked of the kernel). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Zero once the process has gone (a sampler may still be running while the benchmark stops). */
export function processMemory(pid: number): { rss: number; peakRss: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: 0, peakRss: 0 };
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts the real server as `node --import tsx packages/server/src/main.ts` and waits until
 * GET /api/health answers. The first start on an empty database seeds the demo region when
 * QIMING_DEMO is on, which takes a while: `startTimeoutMs` allows for it.
 */
export async function startServer(opts: {
  name: string;
  env: Record<string, string>;
  port?: number;
  startTimeoutMs?: number;
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };
  onCleanup(`stop server ${opts.name}`, stop);

  const deadline = Date.now() + (opts.startTimeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server ${opts.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server ${opts.name} did not answer /api/health in time:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, pid: child.pid!, memory: () => processMemory(child.pid!), stop };
}
