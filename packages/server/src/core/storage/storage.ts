import type { Readable } from 'node:stream';

/** A byte range, both ends inclusive (as in an HTTP Range header). */
export type ByteRange = { start: number; end: number };

/**
 * Where files live. Objects are immutable and named by the caller (resources use their content
 * hash). Uploads arrive in parts at increasing offsets and become an object when committed, so a
 * client can resume a large upload after a reload: the storage says how much it holds.
 *
 * `LocalStorage` keeps everything under a folder (the default, `QIMING_DATA_DIR/files`); the
 * S3-compatible design behind the same interface is in docs/storage.md.
 */
export type Storage = {
  readonly kind: 'local' | 's3';
  /** Writes `data` at `offset` of an upload in progress; the offset must equal what is held. Returns the bytes now held. */
  writePart(uploadKey: string, offset: number, data: Buffer): Promise<number>;
  /** Bytes held for an upload in progress (0 when none). */
  partSize(uploadKey: string): Promise<number>;
  /** Reads an upload in progress from the start (to hash it and extract its text before committing). */
  readPart(uploadKey: string): Readable;
  /** Turns an upload into the object `objectKey`; if that object already exists the upload is dropped (same content). */
  commitPart(uploadKey: string, objectKey: string): Promise<void>;
  discardPart(uploadKey: string): Promise<void>;
  /** Stores a whole object at once (seeded files, generated exports). */
  put(objectKey: string, data: Buffer): Promise<void>;
  has(objectKey: string): Promise<boolean>;
  size(objectKey: string): Promise<number | null>;
  read(objectKey: string, range?: ByteRange): Readable;
  delete(objectKey: string): Promise<void>;
};
