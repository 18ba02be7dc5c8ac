import { createHash, randomUUID } from 'node:crypto';
import { RESOURCE_LIMITS, type TUpload } from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AppContext, AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { contentMatches, extensionOf, extractDocumentText, MAX_EXTRACT_BYTES, mimeOf, previewKind } from './files.ts';

type UploadRow = Awaited<ReturnType<typeof findUpload>>;

const findUpload = (db: DbOrTx, id: string) =>
  db
    .selectFrom('resource_uploads as u')
    .leftJoin('stored_files as f', 'f.hash', 'u.file_hash')
    .select([
      'u.id',
      'u.owner_id',
      'u.file_name',
      'u.mime',
      'u.size',
      'u.received',
      'u.status',
      'u.file_hash',
      'u.deduplicated',
      'f.mime as file_mime',
    ])
    .where('u.id', '=', id)
    .executeTakeFirst();

const present = (u: NonNullable<UploadRow>): TUpload => ({
  id: u.id,
  fileName: u.file_name,
  size: Number(u.size),
  received: Number(u.received),
  chunkSize: RESOURCE_LIMITS.chunkBytes,
  status: u.status as TUpload['status'],
  file: u.file_hash
    ? {
        name: u.file_name,
        size: Number(u.size),
        mime: u.file_mime ?? u.mime,
        hash: u.file_hash,
        preview: previewKind(u.file_mime ?? u.mime),
      }
    : null,
  deduplicated: u.deduplicated,
});

/** One's own upload, or 404: nobody learns of another person's uploads. */
async function getOwnUpload(ctx: AuthedContext, id: string) {
  const u = await findUpload(ctx.db, id);
  if (!u || u.owner_id !== ctx.actor.userId) throw new AppError('NOT_FOUND', { message: '未找到该上传任务' });
  return u;
}

export async function createUpload(ctx: AuthedContext, input: { fileName: string; size: number }): Promise<TUpload> {
  const id = randomUUID();
  await ctx.db
    .insertInto('resource_uploads')
    .values({
      id,
      owner_id: ctx.actor.userId,
      file_name: input.fileName,
      mime: mimeOf(input.fileName),
      size: input.size,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return present((await findUpload(ctx.db, id))!);
}

export async function getUpload(ctx: AuthedContext, id: string): Promise<TUpload> {
  return present(await getOwnUpload(ctx, id));
}

/**
 * Appends one chunk at `offset`. The offset must be what the server holds, so a client that
 * reloads asks for the upload, learns `received`, and sends from there; a repeated or skipped
 * chunk is refused with the position to resume from.
 */
export async function writeChunk(ctx: AuthedContext, id: string, offset: number, data: Buffer): Promise<TUpload> {
  const u = await getOwnUpload(ctx, id);
  if (u.status !== 'open') throw new AppError('RESOURCE_STATE_INVALID', { message: '该文件已上传完成' });
  if (!data.length) throw new AppError('BAD_REQUEST', { message: '分片为空' });
  if (data.length > RESOURCE_LIMITS.chunkBytes)
    throw new AppError('FILE_TOO_LARGE', { message: `每个分片不超过 ${RESOURCE_LIMITS.chunkBytes / 1024 / 1024} MB` });
  const held = await ctx.storage.partSize(id);
  if (offset !== held) throw new AppError('UPLOAD_OFFSET_MISMATCH', { details: { received: held } });
  if (offset + data.length > Number(u.size)) throw new AppError('BAD_REQUEST', { message: '分片超出了声明的文件大小' });
  const received = await ctx.storage.writePart(id, offset, data);
  await ctx.db.updateTable('resource_uploads').set({ received, updated_at: new Date() }).where('id', '=', id).execute();
  return { ...present(u), received };
}

/**
 * Finishes an upload: hashes it (SHA-256), checks that the content is what its extension says,
 * and keeps it under its hash — if the same content is already stored, the new copy is dropped
 * and the upload points at the stored one. Document text is extracted once per content.
 */
export async function completeUpload(ctx: AuthedContext, id: string): Promise<TUpload> {
  const u = await getOwnUpload(ctx, id);
  if (u.status === 'complete') return present(u);
  const held = await ctx.storage.partSize(id);
  if (held !== Number(u.size)) throw new AppError('UPLOAD_INCOMPLETE', { details: { received: held, size: Number(u.size) } });
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  for await (const chunk of ctx.storage.readPart(id)) {
    hash.update(chunk as Buffer);
    if (head.length < 16) head = Buffer.concat([head, chunk as Buffer]).subarray(0, 16);
  }
  const ext = extensionOf(u.file_name);
  if (!contentMatches(ext, head)) {
    await ctx.storage.discardPart(id);
    await ctx.db.updateTable('resource_uploads').set({ received: 0, updated_at: new Date() }).where('id', '=', id).execute();
    throw new AppError('FILE_INVALID', { message: `文件内容与扩展名 .${ext} 不符，请检查文件后重新上传` });
  }
  const fileHash = hash.digest('hex');
  const existing = await ctx.db.selectFrom('stored_files').select('hash').where('hash', '=', fileHash).executeTakeFirst();
  if (existing) await ctx.storage.discardPart(id);
  else await storeNewFile(ctx, id, fileHash, u.file_name, Number(u.size));
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .updateTable('resource_uploads')
      .set({ status: 'complete', file_hash: fileHash, deduplicated: !!existing, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'resource.file.upload',
      targetType: 'stored_file',
      targetId: fileHash,
      summary: { fileName: u.file_name, size: Number(u.size), deduplicated: !!existing },
    });
  });
  return present((await findUpload(ctx.db, id))!);
}

async function storeNewFile(ctx: AuthedContext, uploadId: string, fileHash: string, fileName: string, size: number) {
  const ext = extensionOf(fileName);
  let text = '';
  if (size <= MAX_EXTRACT_BYTES && ['pdf', 'docx', 'pptx', 'txt'].includes(ext)) {
    const chunks: Buffer[] = [];
    for await (const c of ctx.storage.readPart(uploadId)) chunks.push(c as Buffer);
    text = await extractDocumentText(Buffer.concat(chunks), ext);
  }
  await ctx.storage.commitPart(uploadId, fileHash);
  await ctx.db
    .insertInto('stored_files')
    .values({ hash: fileHash, size, mime: mimeOf(fileName), storage_key: fileHash, text_content: text, created_at: new Date() })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

/** Stores a whole file at once (demo data, tests): the same hashing, de-duplication and extraction. */
export async function storeFile(app: AppContext, fileName: string, data: Buffer): Promise<string> {
  const fileHash = createHash('sha256').update(data).digest('hex');
  const existing = await app.db.selectFrom('stored_files').select('hash').where('hash', '=', fileHash).executeTakeFirst();
  if (existing) return fileHash;
  const ext = extensionOf(fileName);
  const text = ['pdf', 'docx', 'pptx', 'txt'].includes(ext) ? await extractDocumentText(data, ext) : '';
  await app.storage.put(fileHash, data);
  await app.db
    .insertInto('stored_files')
    .values({
      hash: fileHash,
      size: data.length,
      mime: mimeOf(fileName),
      storage_key: fileHash,
      text_content: text,
      created_at: new Date(),
    })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
  return fileHash;
}
