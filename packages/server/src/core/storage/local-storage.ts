import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { ByteRange, Storage } from './storage.ts';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9/_.-]*$/;

/**
 * Files in a local folder: objects under `objects/` (fanned out by the key's first characters so
 * no folder grows past a few thousand entries), uploads in progress under `parts/`.
 */
export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private objectPath(key: string): string {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key ${key}`);
    return path.join(this.root, 'objects', key.slice(0, 2), key.slice(2, 4), key);
  }

  private partPath(key: string): string {
    if (!SAFE_KEY.test(key) || key.includes('/') || key.includes('..')) throw new Error(`unsafe upload key ${key}`);
    return path.join(this.root, 'parts', `${key}.part`);
  }

  async writePart(uploadKey: string, offset: number, data: Buffer): Promise<number> {
    const file = this.partPath(uploadKey);
    await mkdir(path.dirname(file), { recursive: true });
    const held = await this.partSize(uploadKey);
    if (offset !== held) throw new AppError('UPLOAD_OFFSET_MISMATCH', { details: { received: held } });
    const fh = await open(file, held === 0 ? 'w' : 'r+');
    try {
      await fh.write(data, 0, data.length, offset);
    } finally {
      await fh.close();
    }
    return held + data.length;
  }

  async partSize(uploadKey: string): Promise<number> {
    try {
      return (await stat(this.partPath(uploadKey))).size;
    } catch {
      return 0;
    }
  }

  readPart(uploadKey: string): Readable {
    return createReadStream(this.partPath(uploadKey));
  }

  async commitPart(uploadKey: string, objectKey: string): Promise<void> {
    const target = this.objectPath(objectKey);
    if (existsSync(target)) return this.discardPart(uploadKey);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(this.partPath(uploadKey), target);
  }

  async discardPart(uploadKey: string): Promise<void> {
    await rm(this.partPath(uploadKey), { force: true });
  }

  async put(objectKey: string, data: Buffer): Promise<void> {
    const target = this.objectPath(objectKey);
    if (existsSync(target)) return;
    await mkdir(path.dirname(target), { recursive: true });
    // write then rename, so a reader never sees half an object
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }

  async has(objectKey: string): Promise<boolean> {
    return existsSync(this.objectPath(objectKey));
  }

  async size(objectKey: string): Promise<number | null> {
    try {
      return (await stat(this.objectPath(objectKey))).size;
    } catch {
      return null;
    }
  }

  read(objectKey: string, range?: ByteRange): Readable {
    return createReadStream(this.objectPath(objectKey), range ? { start: range.start, end: range.end } : {});
  }

  async delete(objectKey: string): Promise<void> {
    await rm(this.objectPath(objectKey), { force: true });
  }
}

const instances = new Map<string, Storage>();
/** The storage for a data folder (one instance per folder, shared by the modules). */
export function storageFor(dataDir: string): Storage {
  const root = path.join(dataDir, 'files');
  let s = instances.get(root);
  if (!s) instances.set(root, (s = new LocalStorage(root)));
  return s;
}
