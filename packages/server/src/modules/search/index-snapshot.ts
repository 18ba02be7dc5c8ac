import fs from 'node:fs/promises';
import path from 'node:path';
import type { NextArray, SnapshotArray } from './inverted-index.ts';

/*
 * A snapshot file: "QMSIDX01", the header's length (uint32 LE) and four zero bytes, the header
 * (JSON, with the list of arrays: type and length), zero padding to 8 bytes, then each array's
 * bytes padded to 8, and "QMSIDXOK" last (a file cut short is refused). Written to a temporary
 * name and renamed, so a reader never sees half a file.
 */

const MAGIC = Buffer.from('QMSIDX01');
const TRAILER = Buffer.from('QMSIDXOK');
/** Small arrays are gathered into runs of this many bytes per read or write. */
const RUN = 64 * 2 ** 20;

const TYPES = { Int32Array, Uint32Array, Uint16Array, Uint8Array, Float32Array } as const;
type TypeName = keyof typeof TYPES;

const pad8 = (n: number) => (8 - (n % 8)) % 8;
const bytesOf = (a: SnapshotArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes the header and arrays; returns the file's size. */
export async function writeSnapshot(file: string, header: object, arrays: SnapshotArray[]): Promise<number> {
  const list = arrays.map((a) => [a.constructor.name as TypeName, a.length] as const);
  const json = Buffer.from(JSON.stringify({ header, arrays: list }));
  const head = Buffer.alloc(16 + json.length + pad8(json.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 16);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await fs.open(tmp, 'w');
  let size = 0;
  try {
    const write = async (b: Uint8Array) => {
      await fh.write(b, 0, b.length, size);
      size += b.length;
    };
    await write(head);
    let run: Uint8Array[] = [];
    let runBytes = 0;
    const flush = async () => {
      if (runBytes === 0) return;
      const buf = Buffer.alloc(runBytes);
      let at = 0;
      for (const b of run) {
        buf.set(b, at);
        at += b.length + pad8(b.length);
      }
      await write(buf);
      run = [];
      runBytes = 0;
    };
    for (const a of arrays) {
      const b = bytesOf(a);
      const padded = b.length + pad8(b.length);
      if (padded > RUN) {
        await flush();
        await write(b);
        if (pad8(b.length)) await write(new Uint8Array(pad8(b.length)));
        continue;
      }
      if (runBytes + padded > RUN) await flush();
      run.push(b);
      runBytes += padded;
    }
    await flush();
    await write(TRAILER);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  return size;
}

/** Reads a snapshot: its header, and its arrays handed out in order by `next`. Throws on a damaged file. */
export async function readSnapshot<H>(file: string): Promise<{ header: H; next: NextArray; remaining: () => number }> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(16);
    await fh.read(head, 0, 16, 0);
    if (!head.subarray(0, 8).equals(MAGIC)) throw new Error('search index snapshot: not a snapshot file');
    const length = head.readUInt32LE(8);
    const json = Buffer.alloc(length);
    await fh.read(json, 0, length, 16);
    const { header, arrays: list } = JSON.parse(json.toString('utf8')) as { header: H; arrays: [TypeName, number][] };
    let at = 16 + length + pad8(length);
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    if (!tail.equals(TRAILER)) throw new Error('search index snapshot: the file is cut short');
    const arrays: SnapshotArray[] = [];
    // runs of small arrays read at once, large ones straight into their own memory
    for (let i = 0; i < list.length;) {
      const [type, n] = list[i]!;
      const bytes = n * TYPES[type].BYTES_PER_ELEMENT;
      if (bytes + pad8(bytes) > RUN) {
        const a = new TYPES[type](n);
        await fh.read(bytesOf(a), 0, bytes, at);
        arrays.push(a);
        at += bytes + pad8(bytes);
        i++;
        continue;
      }
      let j = i;
      let runBytes = 0;
      while (j < list.length) {
        const b = list[j]![1] * TYPES[list[j]![0]].BYTES_PER_ELEMENT;
        if (b + pad8(b) > RUN || runBytes + b + pad8(b) > RUN) break;
        runBytes += b + pad8(b);
        j++;
      }
      const buf = new Uint8Array(runBytes);
      await fh.read(buf, 0, runBytes, at);
      let off = 0;
      for (; i < j; i++) {
        const [t, m] = list[i]!;
        const b = m * TYPES[t].BYTES_PER_ELEMENT;
        const a = new TYPES[t](m);
        bytesOf(a).set(buf.subarray(off, off + b));
        arrays.push(a);
        off += b + pad8(b);
      }
      at += runBytes;
    }
    if (at + TRAILER.length !== size) throw new Error('search index snapshot: the arrays do not fill the file');
    let k = 0;
    const next = (<T extends SnapshotArray>(type: new (n: number) => T): T => {
      const a = arrays[k];
      if (!a || a.constructor !== type) throw new Error(`search index snapshot: expected ${type.name} at array ${k}`);
      arrays[k++] = undefined as unknown as SnapshotArray;
      return a as T;
    }) as NextArray;
    return { header, next, remaining: () => arrays.length - k };
  } finally {
    await fh.close();
  }
}
