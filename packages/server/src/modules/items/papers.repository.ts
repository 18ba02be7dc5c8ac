import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../../core/db/database.ts';
import { overlapsPaths } from './items.policy.ts';

export type PaperContentInput = {
  sections: { title: string; instructions: string; items: { itemId: string; versionId: string; score: number }[] }[];
};

export async function insertPaper(
  db: DbOrTx,
  p: {
    title: string;
    subject: string;
    grade: number;
    ownerUnitId: string;
    ownerPath: string;
    durationMinutes: number;
    createdBy: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('papers')
    .values({
      id,
      title: p.title,
      subject: p.subject,
      grade: p.grade,
      owner_unit_id: p.ownerUnitId,
      owner_path: p.ownerPath,
      duration_minutes: p.durationMinutes,
      created_by: p.createdBy,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  return id;
}

/** Replaces a paper's sections and items, and its totals; bumps the revision. */
export async function writePaperContent(
  db: DbOrTx,
  paperId: string,
  meta: { title: string; subject: string; grade: number; durationMinutes: number },
  content: PaperContentInput,
): Promise<void> {
  await db.deleteFrom('paper_sections').where('paper_id', '=', paperId).execute();
  const sections = content.sections.map((s, i) => ({
    id: randomUUID(),
    paper_id: paperId,
    position: i,
    title: s.title,
    instructions: s.instructions,
  }));
  if (sections.length) await db.insertInto('paper_sections').values(sections).execute();
  const items = content.sections.flatMap((s, i) =>
    s.items.map((it, j) => ({
      section_id: sections[i]!.id,
      paper_id: paperId,
      position: j,
      item_id: it.itemId,
      item_version_id: it.versionId,
      score: it.score,
    })),
  );
  for (let i = 0; i < items.length; i += 500)
    await db
      .insertInto('paper_items')
      .values(items.slice(i, i + 500))
      .execute();
  const total = Math.round(items.reduce((s, it) => s + it.score, 0) * 100) / 100;
  await db
    .updateTable('papers')
    .set((eb) => ({
      title: meta.title,
      subject: meta.subject,
      grade: meta.grade,
      duration_minutes: meta.durationMinutes,
      total_score: total,
      item_count: items.length,
      revision: eb('revision', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', paperId)
    .execute();
}

const paperColumns = [
  'p.id',
  'p.title',
  'p.subject',
  'p.grade',
  'p.owner_unit_id',
  'p.owner_path',
  'p.duration_minutes',
  'p.total_score',
  'p.item_count',
  'p.revision',
  'p.updated_at',
  'o.name as owner_name',
  'o.kind as owner_kind',
  'u.display_name as created_by_name',
] as const;

export async function findPaper(db: DbOrTx, id: string, { forUpdate = false } = {}) {
  let q = db
    .selectFrom('papers as p')
    .innerJoin('org_units as o', 'o.id', 'p.owner_unit_id')
    .leftJoin('users as u', 'u.id', 'p.created_by')
    .select([...paperColumns])
    .where('p.id', '=', id)
    .where('p.archived_at', 'is', null);
  if (forUpdate) q = q.forUpdate('p');
  return q.executeTakeFirst();
}
export type PaperRow = NonNullable<Awaited<ReturnType<typeof findPaper>>>;

export async function listPapers(
  db: DbOrTx,
  paths: string[],
  q: { subject?: string; grade?: number; q?: string; limit: number; offset: number },
) {
  let base = db
    .selectFrom('papers as p')
    .innerJoin('org_units as o', 'o.id', 'p.owner_unit_id')
    .leftJoin('users as u', 'u.id', 'p.created_by')
    .where('p.archived_at', 'is', null)
    .where(overlapsPaths(paths, 'p.owner_path'));
  if (q.subject) base = base.where('p.subject', '=', q.subject);
  if (q.grade) base = base.where('p.grade', '=', q.grade);
  if (q.q) base = base.where('p.title', 'ilike', `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const [{ total }] = (await base.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  const rows = await base
    .select([...paperColumns])
    .orderBy('p.updated_at', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return { total: Number(total), rows };
}

/** Sections and their items in order, with the pinned version and the item's latest version. */
export async function paperStructure(db: DbOrTx, paperId: string) {
  const sections = await db
    .selectFrom('paper_sections')
    .select(['id', 'title', 'instructions', 'position'])
    .where('paper_id', '=', paperId)
    .orderBy('position')
    .execute();
  const items = await db
    .selectFrom('paper_items as pi')
    .innerJoin('item_versions as v', 'v.id', 'pi.item_version_id')
    .innerJoin('items as i', 'i.id', 'pi.item_id')
    .select(['pi.section_id', 'pi.position', 'pi.item_id', 'pi.item_version_id', 'pi.score', 'v.version', 'v.content', 'i.current_version'])
    .where('pi.paper_id', '=', paperId)
    .orderBy('pi.section_id')
    .orderBy('pi.position')
    .execute();
  return { sections, items };
}

export async function archivePaper(db: DbOrTx, id: string): Promise<void> {
  await db.updateTable('papers').set({ archived_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
}
