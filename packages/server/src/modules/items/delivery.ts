import { seededRandom, seededShuffle, withScore, type ItemType, type TItemContent } from '@qiming/shared';
import { sql } from 'kysely';
import type { DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { getVersions } from './items.repository.ts';
import { findPaper, paperStructure } from './papers.repository.ts';

export type TDeliveryItem = {
  itemId: string;
  versionId: string;
  version: number;
  /** 1-based number of the item in the whole paper (题号). */
  number: number;
  score: number;
  /** The pinned version's content, scaled to the paper's score for the item: grade against this. */
  content: TItemContent;
};
export type TDeliveryPaper = {
  id: string;
  title: string;
  subject: string;
  grade: number;
  durationMinutes: number;
  totalScore: number;
  /** Bumped on every save of the paper: record it with an assignment. */
  revision: number;
  ownerUnitId: string;
  ownerPath: string;
  sections: { id: string; title: string; instructions: string; items: TDeliveryItem[] }[];
};

/**
 * A paper exactly as it will be delivered and graded: every item at the version the paper pinned
 * (a later edit of the item does not change it), with the paper's per-item scores. No access
 * check: the caller (homework) decides who may assign or take it. NOT_FOUND when archived or absent.
 */
export async function getPaperForDelivery(db: DbOrTx, paperId: string): Promise<TDeliveryPaper> {
  const paper = await findPaper(db, paperId);
  if (!paper) throw new AppError('NOT_FOUND', { message: '未找到该试卷' });
  const { sections, items } = await paperStructure(db, paperId);
  let n = 0;
  return {
    id: paper.id,
    title: paper.title,
    subject: paper.subject,
    grade: paper.grade,
    durationMinutes: paper.duration_minutes,
    totalScore: paper.total_score,
    revision: paper.revision,
    ownerUnitId: paper.owner_unit_id,
    ownerPath: paper.owner_path,
    sections: sections.map((s) => ({
      id: s.id,
      title: s.title,
      instructions: s.instructions,
      items: items
        .filter((it) => it.section_id === s.id)
        .map((it) => ({
          itemId: it.item_id,
          versionId: it.item_version_id,
          version: it.version,
          number: ++n,
          score: it.score,
          content: withScore(it.content as TItemContent, it.score),
        })),
    })),
  };
}

/** Item versions by id (for grading stored attempts against exactly what was delivered). */
export async function getItemVersions(
  db: DbOrTx,
  versionIds: string[],
): Promise<Map<string, { itemId: string; version: number; content: TItemContent }>> {
  const rows = await getVersions(db, versionIds);
  return new Map(rows.map((r) => [r.id, { itemId: r.item_id, version: r.version, content: r.content as TItemContent }]));
}

export type TFoundItem = {
  itemId: string;
  versionId: string;
  version: number;
  type: ItemType;
  difficulty: number;
  knowledgePointIds: string[];
  /** How many of the asked knowledge points the item touches. */
  sharedKnowledgePoints: number;
  content: TItemContent;
};

/**
 * Items that practise the same knowledge points (错题本 “再练一题”): most shared points first,
 * then nearest in difficulty. Only items in banks that pupils at `audiencePath` (their class's
 * org path) are allowed to see, never the excluded ones (already done or wrong).
 */
export async function findSimilarItems(
  db: DbOrTx,
  opts: {
    knowledgePointIds: string[];
    audiencePath: string;
    excludeItemIds?: string[];
    difficulty?: number;
    subject?: string;
    grade?: number;
    limit?: number;
  },
): Promise<TFoundItem[]> {
  if (opts.knowledgePointIds.length === 0) return [];
  const kps = sql`ARRAY[${sql.join(opts.knowledgePointIds.map((k) => sql`${k}::uuid`))}]`;
  let q = db
    .selectFrom('items as i')
    .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
    .innerJoin('item_versions as v', 'v.id', 'i.current_version_id')
    .select([
      'i.id',
      'i.current_version_id',
      'i.current_version',
      'i.type',
      'i.difficulty',
      'i.knowledge_point_ids',
      'v.content',
      sql<number>`cardinality(ARRAY(SELECT unnest(i.knowledge_point_ids) INTERSECT SELECT unnest(${kps})))`.as('shared'),
    ])
    .where('i.archived_at', 'is', null)
    .where('b.archived_at', 'is', null)
    .where(sql<boolean>`${opts.audiencePath} LIKE b.visible_path || '%'`)
    .where(sql<boolean>`i.knowledge_point_ids && ${kps}`);
  if (opts.excludeItemIds?.length) q = q.where('i.id', 'not in', opts.excludeItemIds);
  if (opts.subject) q = q.where('i.subject', '=', opts.subject);
  if (opts.grade) q = q.where('i.grade', '=', opts.grade);
  const d = opts.difficulty ?? 3;
  const rows = await q
    .orderBy(sql`shared`, 'desc')
    .orderBy(sql`abs(i.difficulty - ${d})`)
    .orderBy('i.id')
    .limit(Math.min(opts.limit ?? 5, 100))
    .execute();
  return rows.map((r) => ({
    itemId: r.id,
    versionId: r.current_version_id,
    version: r.current_version,
    type: r.type as ItemType,
    difficulty: r.difficulty,
    knowledgePointIds: r.knowledge_point_ids,
    sharedKnowledgePoints: Number(r.shared),
    content: r.content as TItemContent,
  }));
}

/**
 * `count` items drawn at random from a bank, the same ones for the same seed and bank contents
 * (随机抽题: each pupil its own variant, reproducible from the attempt's seed).
 */
export async function drawRandomItems(
  db: DbOrTx,
  opts: {
    bankId: string;
    count: number;
    seed: string | number;
    filters?: { type?: ItemType; difficulty?: number; grade?: number; knowledgePointIds?: string[]; excludeItemIds?: string[] };
  },
): Promise<TFoundItem[]> {
  const f = opts.filters ?? {};
  let q = db.selectFrom('items as i').select(['i.id']).where('i.bank_id', '=', opts.bankId).where('i.archived_at', 'is', null);
  if (f.type) q = q.where('i.type', '=', f.type);
  if (f.difficulty) q = q.where('i.difficulty', '=', f.difficulty);
  if (f.grade) q = q.where('i.grade', '=', f.grade);
  if (f.knowledgePointIds?.length)
    q = q.where(sql<boolean>`i.knowledge_point_ids && ARRAY[${sql.join(f.knowledgePointIds.map((k) => sql`${k}::uuid`))}]`);
  if (f.excludeItemIds?.length) q = q.where('i.id', 'not in', f.excludeItemIds);
  const ids = (await q.orderBy('i.id').execute()).map((r) => r.id);
  const picked = seededShuffle(ids, seededRandom(opts.seed)).slice(0, Math.max(0, opts.count));
  if (picked.length === 0) return [];
  const rows = await db
    .selectFrom('items as i')
    .innerJoin('item_versions as v', 'v.id', 'i.current_version_id')
    .select(['i.id', 'i.current_version_id', 'i.current_version', 'i.type', 'i.difficulty', 'i.knowledge_point_ids', 'v.content'])
    .where('i.id', 'in', picked)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const wanted = new Set(f.knowledgePointIds ?? []);
  return picked.map((id) => {
    const r = byId.get(id)!;
    return {
      itemId: r.id,
      versionId: r.current_version_id,
      version: r.current_version,
      type: r.type as ItemType,
      difficulty: r.difficulty,
      knowledgePointIds: r.knowledge_point_ids,
      sharedKnowledgePoints: r.knowledge_point_ids.filter((k) => wanted.has(k)).length,
      content: r.content as TItemContent,
    };
  });
}
