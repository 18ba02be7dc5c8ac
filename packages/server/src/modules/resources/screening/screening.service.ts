import { randomUUID } from 'node:crypto';
import {
  REVIEW_LEVELS,
  ZReviewSettings,
  type TDuplicateMatch,
  type TReviewSettings,
  type TSafetyHit,
  type TScreening,
} from '@qiming/shared';
import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../../core/db/database.ts';
import { getMatcher, scanText } from './sensitive.ts';
import { simhash } from './simhash.ts';

const SETTINGS_KEY = 'resources.review';
export const DEFAULT_REVIEW_SETTINGS: TReviewSettings = { levels: [...REVIEW_LEVELS], duplicateThreshold: 0.85 };
/** Matches below this are not shown at all: random fingerprints agree on ~50% of bits, and 0.75 is four deviations above. */
export const SHOWN_SIMILARITY = 0.75;
const SHOWN_MATCHES = 5;

export async function getReviewSettings(db: DbOrTx): Promise<TReviewSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  const parsed = ZReviewSettings.safeParse({ ...DEFAULT_REVIEW_SETTINGS, ...(row?.value as object | undefined) });
  return parsed.success ? parsed.data : DEFAULT_REVIEW_SETTINGS;
}

export async function saveReviewSettings(db: DbOrTx, s: TReviewSettings): Promise<void> {
  const value = JSON.stringify(s);
  await db
    .insertInto('settings')
    .values({ key: SETTINGS_KEY, value, updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
    .execute();
}

type Screened = { id: string; title: string; description: string; keywords: string[]; file_hash: string | null };

/** The text a resource is judged by: title, description, keywords and its file's extracted text. */
export async function screeningText(db: DbOrTx, r: Screened) {
  const file = r.file_hash
    ? await db.selectFrom('stored_files').select('text_content').where('hash', '=', r.file_hash).executeTakeFirst()
    : null;
  return { title: r.title, description: r.description, keywords: r.keywords.join('，'), text: file?.text_content ?? '' };
}

/**
 * The closest resources already in the catalogue (published or in review) by SimHash distance,
 * and any with the very same file. PostgreSQL counts the differing bits (`bit_count` of the XOR).
 */
export async function findNearDuplicates(
  db: DbOrTx,
  r: { id: string; file_hash: string | null },
  fingerprint: bigint,
): Promise<TDuplicateMatch[]> {
  const fp = fingerprint.toString();
  const rows = await db
    .selectFrom('resources as o')
    .innerJoin('org_units as s', 's.id', 'o.school_id')
    .select([
      'o.id',
      'o.title',
      'o.status',
      's.name as school_name',
      sql<number>`bit_count(int8send(o.simhash # ${fp}::bigint))`.as('distance'),
      sql<boolean>`(o.file_hash IS NOT DISTINCT FROM ${r.file_hash}::text AND o.file_hash IS NOT NULL)`.as('same_file'),
    ])
    .where('o.id', '!=', r.id)
    .where('o.deleted_at', 'is', null)
    .where('o.status', 'in', ['published', 'in_review'])
    .where((eb) => eb.or([eb('o.simhash', 'is not', null), ...(r.file_hash ? [eb('o.file_hash', '=', r.file_hash)] : [])]))
    .orderBy(sql`(o.file_hash IS NOT DISTINCT FROM ${r.file_hash}::text AND o.file_hash IS NOT NULL)`, 'desc')
    .orderBy('distance')
    .limit(SHOWN_MATCHES)
    .execute();
  return rows
    .map((o) => ({
      resourceId: o.id,
      title: o.title,
      schoolName: o.school_name,
      status: o.status as TDuplicateMatch['status'],
      similarity: o.same_file ? 1 : Math.round((1 - Number(o.distance ?? 64) / 64) * 1000) / 1000,
      sameFile: !!o.same_file,
    }))
    .filter((m) => m.sameFile || m.similarity >= SHOWN_SIMILARITY);
}

/**
 * Automatic screening at submission: (1) content safety — every listed word in the title,
 * description, keywords and file text, with context; (2) originality — the closest resources
 * already in the catalogue. The report is kept for the reviewer; it is flagged when a word was
 * found or a match reaches the configured threshold.
 */
export async function screenResource(tx: Tx, r: Screened): Promise<TScreening> {
  const settings = await getReviewSettings(tx);
  const matcher = await getMatcher(tx);
  const text = await screeningText(tx, r);
  const safetyHits: TSafetyHit[] = [
    ...scanText(matcher, 'title', text.title),
    ...scanText(matcher, 'description', text.description),
    ...scanText(matcher, 'keywords', text.keywords),
    ...scanText(matcher, 'text', text.text),
  ];
  const fingerprint = simhash([text.title, text.description, text.keywords, text.text].join('\n'));
  await tx.updateTable('resources').set({ simhash: fingerprint.toString() }).where('id', '=', r.id).execute();
  const duplicates = await findNearDuplicates(tx, r, fingerprint);
  const isFlagged = safetyHits.length > 0 || duplicates.some((d) => d.sameFile || d.similarity >= settings.duplicateThreshold);
  const screening = {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    safetyHits,
    duplicates,
    isFlagged,
    textLength: text.text.length,
  };
  await tx
    .insertInto('resource_screenings')
    .values({
      id: screening.id,
      resource_id: r.id,
      safety_hits: JSON.stringify(safetyHits),
      duplicates: JSON.stringify(duplicates),
      is_flagged: isFlagged,
      text_length: text.text.length,
      created_at: new Date(screening.createdAt),
    })
    .execute();
  return screening;
}

export async function latestScreening(db: DbOrTx, resourceId: string): Promise<TScreening | null> {
  const s = await db
    .selectFrom('resource_screenings')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!s) return null;
  return {
    id: s.id,
    createdAt: new Date(s.created_at).toISOString(),
    safetyHits: s.safety_hits as TSafetyHit[],
    duplicates: s.duplicates as TDuplicateMatch[],
    isFlagged: s.is_flagged,
    textLength: s.text_length,
  };
}
