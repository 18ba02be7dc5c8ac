import type { Readable } from 'node:stream';
import type { RequestContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import type { ByteRange } from '../../core/storage/storage.ts';
import { reindexPopularity } from './indexing.ts';
import { findContributorUnit } from './resources.repository.ts';
import { readableResource } from './resources.service.ts';

export type FileResponse = {
  stream: Readable;
  size: number;
  total: number;
  mime: string;
  fileName: string;
  range: ByteRange | null;
};

/** Parses a single `bytes=a-b` range (what browsers send for media); anything else means the whole file. */
export function parseRange(header: string | undefined, total: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (!m[1] && !m[2])) return null;
  let start: number;
  let end: number;
  if (!m[1]) {
    start = Math.max(0, total - Number(m[2]));
    end = total - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), total - 1) : total - 1;
  }
  if (start > end || start >= total) return 'unsatisfiable';
  return { start, end };
}

/**
 * A resource's file for preview (inline) or download (attachment). A download, and a preview
 * that starts at the beginning (not each range a video player asks for), counts as one use.
 */
export async function openResourceFile(
  ctx: RequestContext,
  id: string,
  opts: { download: boolean; range?: string },
): Promise<FileResponse> {
  const { r } = await readableResource(ctx, id);
  if (!r.file_hash || !r.file_mime) throw new AppError('NOT_FOUND', { message: '该资源没有文件' });
  const total = Number(r.file_size);
  const range = parseRange(opts.range, total);
  if (range === 'unsatisfiable') throw new AppError('BAD_REQUEST', { message: '请求的范围超出文件大小', details: { size: total } });
  if (r.status === 'published' && (opts.download || !range || range.start === 0))
    await recordUse(ctx, r.id, opts.download ? 'download' : 'view');
  return {
    stream: ctx.storage.read(r.file_hash, range ?? undefined),
    size: range ? range.end - range.start + 1 : total,
    total,
    mime: r.file_mime,
    fileName: r.file_name ?? `${r.title}`,
    range,
  };
}

async function recordUse(ctx: RequestContext, resourceId: string, kind: 'view' | 'download') {
  const unit = ctx.actor ? await findContributorUnit(ctx.db, ctx.actor.userId) : null;
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto('resource_events')
      .values({ resource_id: resourceId, kind, user_id: ctx.actor?.userId ?? null, viewer_school_path: unit?.path ?? null, at: new Date() })
      .execute();
    await tx
      .updateTable('resources')
      .set((eb) => (kind === 'download' ? { download_count: eb('download_count', '+', 1) } : { view_count: eb('view_count', '+', 1) }))
      .where('id', '=', resourceId)
      .execute();
    if (kind === 'download') await reindexPopularity(tx, resourceId);
  });
}
