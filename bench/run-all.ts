import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/*
 * Runs the benchmarks one after another, each in its own process (so one's servers, databases
 * and memory never overlap another's):
 *
 *   npm run bench                          all of them
 *   npm run bench -- sign-in class-roster  some of them
 */

const BENCHMARKS = [
  'sign-in',
  'class-roster',
  'roster-import',
  'rate-limit',
  'grading',
  'paper-assembly',
  'homework-peak',
  'oidc-token',
] as const;

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(BENCHMARKS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}. Choose from: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const chosen = asked.length ? BENCHMARKS.filter((b) => asked.includes(b)) : [...BENCHMARKS];

let current: ChildProcess | null = null;
let stopping = false;
// Ctrl-C reaches the benchmark too (same process group) and it cleans up; wait for it, run nothing more
process.on('SIGINT', () => {
  stopping = true;
});
process.on('SIGTERM', () => {
  stopping = true;
  current?.kill('SIGTERM');
});

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, `${name}.ts`)], { stdio: 'inherit' });
    current = child;
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

const failed: string[] = [];
for (const name of chosen) {
  if (stopping) break;
  console.log(`\n=== ${name} ${'='.repeat(Math.max(0, 72 - name.length))}`);
  const started = performance.now();
  const code = await run(name);
  console.log(`=== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (code !== 0) failed.push(name);
}
if (failed.length || stopping) {
  console.error(`\nbenchmarks failed or interrupted: ${failed.join(', ') || '(interrupted)'}`);
  process.exitCode = 1;
}
