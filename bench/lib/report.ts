import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './server-process.ts';

/** Where each benchmark leaves its figures as JSON (git-ignored), for the README. */
export const OUT_DIR = path.join(ROOT, 'bench', 'out');

export function machine(): Record<string, string | number> {
  let distro = os.type();
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch {
    // not Linux: the OS type will do
  }
  return {
    os: distro,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

/** The machine as the benchmark found it (the load average before our own work). */
const atStart = machine();

export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), machine: atStart, ...result }, null, 2)}\n`);
  return file;
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A number from the environment (to shorten or reshape a run), else the default. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
}

export function envNumbers(name: string, fallback: number[]): number[] {
  const v = process.env[name]
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n) && n > 0);
  return v?.length ? v : fallback;
}

/** Other work on the machine skews every figure: say so before measuring. */
export function warnIfBusy(name: string): void {
  const [load1] = os.loadavg();
  if (load1 > os.cpus().length / 2) {
    console.warn(
      `${name}: the machine is busy (load average ${load1.toFixed(1)} on ${os.cpus().length} cores): figures will be low and noisy`,
    );
  }
}
