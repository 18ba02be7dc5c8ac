import type { AppContext } from '../../core/context.ts';

/** Unfinished uploads untouched for this long are given up: a teacher resumes within days, not weeks. */
export const STALE_UPLOAD_DAYS = 7;

/**
 * Removes unfinished uploads nobody has sent a chunk to for `days`: their partial bytes in
 * storage and their rows. Completed uploads are kept (their file may be used by a resource).
 * Returns how many were removed.
 */
export async function sweepStaleUploads(
  app: Pick<AppContext, 'db' | 'storage'>,
  days = STALE_UPLOAD_DAYS,
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const stale = await app.db
    .selectFrom('resource_uploads')
    .select('id')
    .where('status', '=', 'open')
    .where('updated_at', '<', cutoff)
    .limit(1000)
    .execute();
  for (const u of stale) {
    await app.storage.discardPart(u.id);
    await app.db.deleteFrom('resource_uploads').where('id', '=', u.id).where('status', '=', 'open').execute();
  }
  return stale.length;
}
