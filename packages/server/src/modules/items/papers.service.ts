import {
  presentItemForPupil,
  richTextPreview,
  type ItemType,
  type Subject,
  type TAssemblyConstraints,
  type TAssemblyResult,
  type TItemContent,
  type TPaper,
  type TSavePaperRequest,
} from '@qiming/shared';
import { sql } from 'kysely';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { assemble, type AssemblyCandidate } from './assemble.ts';
import { getPaperForDelivery } from './delivery.ts';
import { canManageOwned, memberPaths, overlaps, overlapsPaths, ownerOf } from './items.policy.ts';
import { knowledgePointNames } from './items.repository.ts';
import { getReadableBank } from './items.service.ts';
import * as repo from './papers.repository.ts';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function presentPaperSummary(p: repo.PaperRow, canEdit: boolean): Omit<TPaper, 'sections'> {
  return {
    id: p.id,
    title: p.title,
    subject: p.subject as Subject,
    grade: p.grade,
    ownerUnitId: p.owner_unit_id,
    ownerUnitName: p.owner_name,
    durationMinutes: p.duration_minutes,
    totalScore: p.total_score,
    itemCount: p.item_count,
    createdByName: p.created_by_name ?? '',
    updatedAt: iso(p.updated_at),
    policies: { canEdit },
  };
}

/** A paper the actor may see (its owner unit overlaps the actor's place), with whether it may edit it. */
export async function getReadablePaper(ctx: AuthedContext, id: string, db: DbOrTx = ctx.db, forUpdate = false) {
  const paper = await repo.findPaper(db, id, { forUpdate });
  const paths = await memberPaths(ctx, db);
  if (!paper || !overlaps(paths, paper.owner_path)) throw new AppError('NOT_FOUND', { message: '未找到该试卷，或您无权查看' });
  return { paper, canEdit: canManageOwned(ctx, paths, { path: paper.owner_path, kind: paper.owner_kind }) };
}

export async function getPaper(ctx: AuthedContext, id: string): Promise<TPaper> {
  const { paper, canEdit } = await getReadablePaper(ctx, id);
  const { sections, items } = await repo.paperStructure(ctx.db, id);
  return {
    ...presentPaperSummary(paper, canEdit),
    sections: sections.map((s) => ({
      id: s.id,
      title: s.title,
      instructions: s.instructions,
      items: items
        .filter((it) => it.section_id === s.id)
        .map((it) => {
          const c = it.content as TItemContent;
          return {
            itemId: it.item_id,
            versionId: it.item_version_id,
            version: it.version,
            latestVersion: it.current_version,
            position: it.position,
            score: it.score,
            type: c.type,
            difficulty: c.difficulty,
            stemPreview: richTextPreview(c.stem, 120),
            knowledgePointIds: c.knowledgePointIds,
          };
        }),
    })),
  };
}

export async function listPapers(ctx: AuthedContext, q: { subject?: string; grade?: number; q?: string; page: number; pageSize: number }) {
  const paths = await memberPaths(ctx);
  const { total, rows } = await repo.listPapers(ctx.db, paths, { ...q, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return {
    items: rows.map((p) => presentPaperSummary(p, canManageOwned(ctx, paths, { path: p.owner_path, kind: p.owner_kind }))),
    total,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * Resolves the paper's items: each must be readable by the actor; an item keeps the version the
 * paper already pinned (unless `refresh`), a new one is pinned at its current version.
 */
async function resolveContent(
  ctx: AuthedContext,
  db: DbOrTx,
  input: Pick<TSavePaperRequest, 'sections'>,
  pinned: Map<string, string>,
  refresh: boolean,
): Promise<repo.PaperContentInput> {
  const ids = [...new Set(input.sections.flatMap((s) => s.items.map((i) => i.itemId)))];
  const paths = await memberPaths(ctx, db);
  const rows = ids.length
    ? await db
        .selectFrom('items as i')
        .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
        .select(['i.id', 'i.current_version_id', 'i.score'])
        .where('i.id', 'in', ids)
        .where('i.archived_at', 'is', null)
        .where('b.archived_at', 'is', null)
        .where(overlapsPaths(paths, 'b.visible_path'))
        .execute()
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const issues: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  input.sections.forEach((s, i) =>
    s.items.forEach((it, j) => {
      if (!byId.has(it.itemId)) issues.push({ path: ['body', 'sections', i, 'items', j, 'itemId'], message: '题目不存在或您无权使用' });
      if (seen.has(it.itemId)) issues.push({ path: ['body', 'sections', i, 'items', j, 'itemId'], message: '同一道题在试卷中出现了两次' });
      seen.add(it.itemId);
    }),
  );
  if (issues.length) throw new AppError('VALIDATION_FAILED', { message: issues[0]!.message, details: { issues } });
  return {
    sections: input.sections.map((s) => ({
      title: s.title,
      instructions: s.instructions,
      items: s.items.map((it) => {
        const row = byId.get(it.itemId)!;
        return {
          itemId: it.itemId,
          versionId: (!refresh && pinned.get(it.itemId)) || row.current_version_id,
          score: it.score ?? row.score,
        };
      }),
    })),
  };
}

export async function createPaper(ctx: AuthedContext, input: TSavePaperRequest): Promise<TPaper> {
  const owner = await ownerOf(ctx.db, input.ownerUnitId);
  const paths = await memberPaths(ctx);
  if (!owner || !overlaps(paths, owner.path)) throw new AppError('NOT_FOUND', { message: '未找到所属单位，或您无权查看' });
  if (!canManageOwned(ctx, paths, owner)) throw new AppError('FORBIDDEN', { message: '您不能为该单位建试卷' });
  const id = await withTransaction(ctx.db, async (tx) => {
    const content = await resolveContent(ctx, tx, input, new Map(), false);
    const id = await repo.insertPaper(tx, { ...input, ownerUnitId: owner.id, ownerPath: owner.path, createdBy: ctx.actor.userId });
    await repo.writePaperContent(tx, id, input, content);
    await recordAudit(tx, ctx, {
      action: 'items.paper.create',
      targetType: 'paper',
      targetId: id,
      scopeId: owner.id,
      summary: { title: input.title },
    });
    return id;
  });
  return getPaper(ctx, id);
}

export async function updatePaper(
  ctx: AuthedContext,
  id: string,
  input: Omit<TSavePaperRequest, 'ownerUnitId'> & { refreshVersions: boolean },
): Promise<TPaper> {
  await withTransaction(ctx.db, async (tx) => {
    const { canEdit } = await getReadablePaper(ctx, id, tx, true);
    if (!canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该试卷，但不能修改' });
    const old = await tx.selectFrom('paper_items').select(['item_id', 'item_version_id']).where('paper_id', '=', id).execute();
    const content = await resolveContent(ctx, tx, input, new Map(old.map((o) => [o.item_id, o.item_version_id])), input.refreshVersions);
    await repo.writePaperContent(tx, id, input, content);
    await recordAudit(tx, ctx, {
      action: 'items.paper.update',
      targetType: 'paper',
      targetId: id,
      summary: { title: input.title, refreshVersions: input.refreshVersions },
    });
  });
  return getPaper(ctx, id);
}

export async function archivePaper(ctx: AuthedContext, id: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { canEdit } = await getReadablePaper(ctx, id, tx, true);
    if (!canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该试卷，但不能删除' });
    await repo.archivePaper(tx, id);
    await recordAudit(tx, ctx, { action: 'items.paper.archive', targetType: 'paper', targetId: id });
  });
}

/** The paper as a pupil would see it (预览), shuffled by `seed`. */
export async function previewPaperForPupil(ctx: AuthedContext, id: string, seed: string) {
  await getReadablePaper(ctx, id);
  const p = await getPaperForDelivery(ctx.db, id);
  return {
    id: p.id,
    title: p.title,
    durationMinutes: p.durationMinutes,
    totalScore: p.totalScore,
    sections: p.sections.map((s) => ({
      id: s.id,
      title: s.title,
      instructions: s.instructions,
      items: s.items.map((it) => ({
        itemId: it.itemId,
        versionId: it.versionId,
        position: it.number,
        score: it.score,
        item: presentItemForPupil(it.content, { shuffleSeed: `${seed}:${it.itemId}` }),
      })),
    })),
  };
}

/**
 * Candidates for automatic assembly: every live item of the subject and grade, of the wanted
 * types, in the given banks (each must be readable) or in every bank the actor can see.
 */
export async function loadAssemblyCandidates(db: DbOrTx, paths: string[], c: TAssemblyConstraints): Promise<AssemblyCandidate[]> {
  let q = db
    .selectFrom('items as i')
    .innerJoin('item_banks as b', 'b.id', 'i.bank_id')
    .select(['i.id', 'i.type', 'i.difficulty', 'i.knowledge_point_ids'])
    .where('i.archived_at', 'is', null)
    .where('b.archived_at', 'is', null)
    .where('i.subject', '=', c.subject)
    .where('i.grade', '=', c.grade)
    .where('i.type', 'in', [...new Set(c.sections.map((s) => s.type))])
    .where(overlapsPaths(paths, 'b.visible_path'));
  if (c.bankIds.length) q = q.where('i.bank_id', 'in', c.bankIds);
  const rows = await q.orderBy('i.id').execute();
  return rows.map((r) => ({ id: r.id, type: r.type as ItemType, difficulty: r.difficulty, knowledgePointIds: r.knowledge_point_ids }));
}

/**
 * Automatic assembly (智能组卷): proposes a paper from the constraints; the teacher reviews it and
 * saves it as a paper. Knowledge points are expanded to the points beneath them.
 */
export async function assemblePaper(ctx: AuthedContext, c: TAssemblyConstraints): Promise<TAssemblyResult> {
  const started = performance.now();
  for (const b of c.bankIds) await getReadableBank(ctx, b);
  const paths = await memberPaths(ctx);
  const candidates = await loadAssemblyCandidates(ctx.db, paths, c);
  // an item tagged with a sub-point covers its parent too
  const kpRows = c.knowledgePointIds.length
    ? await ctx.db
        .selectFrom('knowledge_points as k')
        .innerJoin('knowledge_points as p', (j) => j.on(sql<boolean>`k.path LIKE p.path || '%'`))
        .select(['k.id as child', 'p.id as parent'])
        .where('p.id', 'in', c.knowledgePointIds)
        .execute()
    : [];
  const parentsOf = new Map<string, string[]>();
  for (const r of kpRows) parentsOf.set(r.child, [...(parentsOf.get(r.child) ?? []), r.parent]);
  const expanded = parentsOf.size
    ? candidates.map((x) => ({
        ...x,
        knowledgePointIds: [...new Set(x.knowledgePointIds.flatMap((k) => [k, ...(parentsOf.get(k) ?? [])]))],
      }))
    : candidates;
  const outcome = assemble(expanded, c);
  const names = await knowledgePointNames(ctx.db, c.knowledgePointIds);
  return {
    ...outcome,
    shortfalls: outcome.shortfalls.map((s) =>
      s.constraint === 'knowledge_point'
        ? { ...s, message: `知识点“${names.get(s.knowledgePointId!) ?? s.knowledgePointId}”没有可用的题目覆盖` }
        : s,
    ),
    candidates: candidates.length,
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
