import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from './database.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'qiming-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('embedded database lock', () => {
  it('refuses a second process with a clear message while the first is alive', () => {
    const dir = tempDir();
    // the parent process (vitest) stands in for another live Qiming process holding the folder
    writeFileSync(path.join(dir, 'qiming.lock'), String(process.ppid));
    expect(() => acquireDataDirLock(dir)).toThrow(/正被另一个启明进程.*使用[\s\S]*in use by another Qiming process/);
  });

  it('takes over the lock of a process that has died, and releases it', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'qiming.lock'), '999999');
    const release = acquireDataDirLock(dir);
    expect(() => release()).not.toThrow();
    expect(() => acquireDataDirLock(dir)()).not.toThrow();
  });
});
