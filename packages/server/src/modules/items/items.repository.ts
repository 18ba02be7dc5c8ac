import { randomUUID } from 'node:crypto';
import { richTextToPlain, type TItemContent, type TListItemsQuery } from '@qiming/shared';
import { sql } from 'kysely';
import { escapeLike } from '../../core/access/access.ts';
import type { DbOrTx } from '../../core/db/database.ts';
import { overlapsPaths } from './items.policy.ts';

// ---------------------------------------------------------------------------------------------
// banks

export type BankRow = Awaited<ReturnType<typeof findBank>> & {};

/** Banks that are not archived, with their owner's name and kind and their live item count: one shape for one bank and for lists. */
const banksQuery = (db: DbOrTx) =>
  db
    .selectFrom('item_banks as b')
    .innerJoin('org_units as o', 'o.id', 'b.owner_unit_id')
    .select([
      'b.id',
      'b.name',
      'b.description',
      'b.subject',
      'b.share_scope',
      'b.owner_unit_id',
      'b.owner_path',
      'b.visible_path',
      'b.created_at',
      'o.name as owner_name',
      'o.kind as owner_kind',
      (eb) =>
        eb
          .selectFrom('items')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('items.bank_id', '=', 'b.id')
          .where('items.archived_at', 'is', null)
          .as('item_count'),
    ])
    .where('b.archived_at', 'is', null);

export async function findBank(db: DbOrTx, id: string) {
  return banksQuery(db).where('b.id', '=', id).executeTakeFirst();
}

export async function listBanks(db: DbOrTx, paths: string[], filter: { subject?: string }) {
  let q = banksQuery(db).where(overlapsPaths(paths, 'b.visible_path'));
  if (filter.subject) q = q.where((eb) => eb.or([eb('b.subject', '=', filter.subject!), eb('b.subject', 'is', null)]));
  return q.orderBy('b.owner_path').orderBy('b.name').limit(500).execute();
}

export async function insertBank(
  db: DbOrTx,
  b: {
    name: string;
    description: string;
    subject: string | null;
    ownerUnitId: string;
    ownerPath: string;
    shareScope: string;
    visiblePath: string;
    createdBy: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('item_banks')
    .values({
      id,
      name: b.name,
      description: b.description,
      subject: b.subject,
      owner_unit_id: b.ownerUnitId,
      owner_path: b.ownerPath,
      share_scope: b.shareScope,
      visible_path: b.visiblePath,
      created_by: b.createdBy,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

export async function updateBank(
  db: DbOrTx,
  id: string,
  set: { name?: string; description?: string; subject?: string | null; share_scope?: string; visible_path?: string },
) {
  await db
    .updateTable('item_banks')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** The path of the owner's ancestor of a kind (its district, its city), or null. */
export async function ancestorPath(db: DbOrTx, ownerPath: string, kind: string): Promise<string | null> {
  const ids = ownerPath.split('/').filter(Boolean);
  const row = await db.selectFrom('org_units').select('path').where('id', 'in', ids).where('kind', '=', kind).executeTakeFirst();
  return row?.path ?? null;
}

// ---------------------------------------------------------------------------------------------
// items and their versions

export const stemText = (c: TItemContent): string => richTextToPlain(c.stem).slice(0, 4000);

const itemColumns = [
  'i.id',
  'i.bank_id',
  'i.type',
  'i.subject',
  'i.grade',
  'i.difficulty',
  'i.score',
  'i.knowledge_point_ids',
  'i.stem_text',
  'i.current_version',
  'i.current_version_id',
  'i.updated_at',
  'b.name as bank_name',
  'b.owner_path',
  'b.owner_unit_id',
  'b.visible_path',
] as const;

export async function insertItem(
  db: DbOrTx,
  bankId: string,
  content: TItemContent,
  createdBy: string | null,
): Promise<{ id: string; versionId: string }> {
  const id = randomUUID();
  const versionId = randomUUID();
  const now = new Date();
  await db
    .insertInto('items')
    .values({
      id,
      bank_id: bankId,
      type: content.type,
      subject: content.subject,
      grade: content.grade,
      difficulty: content.difficulty,
      score: content.score,
      knowledge_point_ids: content.knowledgePointIds,
      stem_text: stemText(content),
      current_version: 1,
      current_version_id: versionId,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('item_versions')
    .values({ id: versionId, item_id: id, version: 1, content: JSON.stringify(content), created_by: createdBy, created_at: now })
    .execute();
  return { id, versionId };
}

/** Many items at once (imports, the demo seed): two statements per batch. */
export async function insertItems(db: DbOrTx, bankId: string, contents: TItemContent[], createdBy: string | null): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  for (let i = 0; i < contents.length; i += 300) {
    const batch = contents.slice(i, i + 300).map((c) => ({ c, id: randomUUID(), versionId: randomUUID() }));
    await db
      .insertInto('items')
      .values(
        batch.map(({ c, id, versionId }) => ({
          id,
          bank_id: bankId,
          type: c.type,
          subject: c.subject,
          grade: c.grade,
          difficulty: c.difficulty,
          score: c.score,
          knowledge_point_ids: c.knowledgePointIds,
          stem_text: stemText(c),
          current_version: 1,
          current_version_id: versionId,
          created_by: createdBy,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await db
      .insertInto('item_versions')
      .values(
        batch.map(({ c, id, versionId }) => ({
          id: versionId,
          item_id: id,
          version: 1,
          content: JSON.stringify(c),
          created_by: createdBy,
          created_at: now,
        })),
      )
      .execute();
    ids.push(...batch.map((b) => b.id));
  }
  return ids;
}

/** A new immutable version becomes the current one; older versions stay for papers that pinned them. */
export async function addItemVersion(
  db: DbOrTx,
  itemId: string,
  version: number,
  content: TItemContent,
  createdBy: string | null,
): Promise<string> {
  const versionId = randomUUID();
  const now = new Date();
  await db
    .insertInto('item_versions')
    .values({ id: versionId, item_id: itemId, version, content: JSON.stringify(content), created_by: createdBy, created_at: now })
    .execute();
  await db
    .updateTable('items')
    .set({
      type: content.type,
      subject: content.subject,
      grade: content.grade,
      difficulty: content.difficulty,
      score: content.score,
      knowledge_point_ids: content.knowledgePointIds,
      stem_text: stemText(content),
      current_version: version,
      current_version_id: versionId,
      updated_at: now,
    })
    .where('id', '=', itemId)
    .execute();
  return versionId;
}

export async function archiveItem(db: DbOrTx, itemId: string): Promise<void> {
  await db.updateTable('items').set({ archived_at: new Date(), updated_at: new Date() }).where('id', '=', itemId).execute();
}

export async function findItem(db: DbOrTx, id: string, { forUpdate = false } = {}) {
  let q = db
    .selectFrom('items as i')
    .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
    .innerJoin('org_units as o', 'o.id', 'b.owner_unit_id')
    .innerJoin('item_versions as v', 'v.id', 'i.current_version_id')
    .leftJoin('users as u', 'u.id', 'i.created_by')
    .select([...itemColumns, 'v.content', 'u.display_name as created_by_name', 'o.kind as owner_kind'])
    .where('i.id', '=', id)
    .where('i.archived_at', 'is', null)
    .where('b.archived_at', 'is', null);
  if (forUpdate) q = q.forUpdate('i');
  return q.executeTakeFirst();
}
export type ItemDetailRow = NonNullable<Awaited<ReturnType<typeof findItem>>>;

export async function listItems(db: DbOrTx, paths: string[], q: TListItemsQuery) {
  let base = db
    .selectFrom('items as i')
    .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
    .where('i.archived_at', 'is', null)
    .where('b.archived_at', 'is', null)
    .where(overlapsPaths(paths, 'b.visible_path'));
  if (q.bankId) base = base.where('i.bank_id', '=', q.bankId);
  if (q.subject) base = base.where('i.subject', '=', q.subject);
  if (q.grade) base = base.where('i.grade', '=', q.grade);
  if (q.type) base = base.where('i.type', '=', q.type);
  if (q.difficulty) base = base.where('i.difficulty', '=', q.difficulty);
  if (q.knowledgePointId) {
    // a point and everything under it
    const kpId = q.knowledgePointId;
    base = base.where(
      sql<boolean>`i.knowledge_point_ids && ARRAY(SELECT k.id FROM knowledge_points k WHERE k.path LIKE (SELECT p.path FROM knowledge_points p WHERE p.id = ${kpId}) || '%')`,
    );
  }
  if (q.q) base = base.where('i.stem_text', 'ilike', `%${escapeLike(q.q)}%`);
  if (q.excludeIds?.length) base = base.where('i.id', 'not in', q.excludeIds);
  if (q.ids) base = q.ids.length ? base.where('i.id', 'in', q.ids) : base.where(sql<boolean>`false`);
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  const rows = await base
    .select([...itemColumns])
    .orderBy('i.updated_at', 'desc')
    .orderBy('i.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { total: Number(total), rows };
}
export type ItemListRow = Awaited<ReturnType<typeof listItems>>['rows'][number];

export async function knowledgePointNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('knowledge_points')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Knowledge points by id with their name and subject (missing ids are left out). */
export async function knowledgePoints(db: DbOrTx, ids: string[]): Promise<Map<string, { name: string; subject: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('knowledge_points')
    .select(['id', 'name', 'subject'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, subject: r.subject }]));
}

/** The first `n` knowledge points of a subject's tree below its strands, in tree order. */
export async function firstKnowledgePoints(db: DbOrTx, subject: string, n: number): Promise<string[]> {
  const rows = await db
    .selectFrom('knowledge_points')
    .select('id')
    .where('subject', '=', subject)
    .where('grade', 'is not', null)
    .orderBy('sort_order')
    .limit(n)
    .execute();
  return rows.map((r) => r.id);
}

export async function existingKnowledgePoints(db: DbOrTx, ids: string[]): Promise<Set<string>> {
  return new Set((await knowledgePointNames(db, ids)).keys());
}

export async function getVersions(db: DbOrTx, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db
    .selectFrom('item_versions')
    .select(['id', 'item_id', 'version', 'content'])
    .where('id', 'in', [...new Set(versionIds)])
    .execute();
}

export async function listKnowledgePoints(db: DbOrTx, subject: string, grade: number | undefined) {
  let q = db
    .selectFrom('knowledge_points as k')
    .select(['k.id', 'k.subject', 'k.grade', 'k.code', 'k.name', 'k.parent_id', 'k.strand'])
    .where('k.subject', '=', subject);
  if (grade) q = q.where((eb) => eb.or([eb('k.grade', '=', grade), eb('k.grade', 'is', null)]));
  return q.orderBy('k.sort_order').execute();
}

/**
 * How many visible items sit under each knowledge point of a subject: an item tagged with a point
 * counts for it and every ancestor (the ids in its path), once per point however many of its tags
 * fall below it. One pass over the items rather than one query per point.
 */
export async function countItemsUnderKnowledgePoints(
  db: DbOrTx,
  paths: string[],
  subject: string,
  bankId: string | undefined,
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('items as i')
    .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
    .innerJoin('knowledge_points as k', (j) => j.on(sql<boolean>`k.id = ANY(i.knowledge_point_ids)`))
    .innerJoin('knowledge_points as anc', (j) => j.on(sql<boolean>`anc.id = ANY(string_to_array(trim(both '/' from k.path), '/')::uuid[])`))
    .select(['anc.id', sql<number>`count(DISTINCT i.id)`.as('n')])
    .where('k.subject', '=', subject)
    .where('i.archived_at', 'is', null)
    .where('b.archived_at', 'is', null)
    .where(overlapsPaths(paths, 'b.visible_path'));
  if (bankId) q = q.where('i.bank_id', '=', bankId);
  const rows = await q.groupBy('anc.id').execute();
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}
