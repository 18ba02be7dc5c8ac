import { richTextToPlain } from '@qiming/shared';
import { sql, type Kysely } from 'kysely';

/**
 * `items.stem_text` (item search, list previews, QTI titles) held formulas as their TeX source
 * (`\frac{1}{2} + \frac{1}{3}`); the plain text of a stem now writes them as a reader would
 * (`1/2 + 1/3`). This rewrites the column of every item from its current version, a thousand
 * items a statement. The stem itself is untouched: `down` has nothing to restore.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; stem: string }>`
      SELECT i.id, v.content->>'stem' AS stem
      FROM items i JOIN item_versions v ON v.id = i.current_version_id
      WHERE i.id > ${after}::uuid ORDER BY i.id LIMIT 1000`.execute(db);
    if (!rows.length) return;
    const texts = rows.map((r) => richTextToPlain(r.stem ?? '').slice(0, 4000));
    await sql`
      UPDATE items i SET stem_text = t.stem_text
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${texts}::text[]) AS t(id, stem_text)
      WHERE i.id = t.id AND i.stem_text IS DISTINCT FROM t.stem_text`.execute(db);
    after = rows.at(-1)!.id;
  }
}

export async function down(): Promise<void> {}
