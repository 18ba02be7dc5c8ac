import {
  checkResponseShape,
  gradeResponse,
  type TBank,
  type TCreateBankRequest,
  type TCreateItemRequest,
  type TItem,
  type TItemContent,
  type TItemSummary,
  type TKnowledgePoint,
  type TListItemsQuery,
} from '@qiming/shared';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { canManageOwned, memberPaths, overlaps, ownerOf } from './items.policy.ts';
import { presentBank, presentItem, presentItemSummary, presentKnowledgePoint } from './items.presenter.ts';
import * as repo from './items.repository.ts';

const OWNER_KINDS = ['school', 'teaching_point', 'district', 'city'];
const LEVEL: Record<string, number> = { school: 0, teaching_point: 0, district: 1, city: 2, public: 3 };

const invalid = (path: (string | number)[], message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path, message }] } });

/**
 * Where a bank is readable: the owner's school, its district or city, or everywhere. A bank can
 * be shared wider than its owner, never narrower (a district's bank is at least district-wide).
 */
async function visiblePathFor(db: DbOrTx, owner: { path: string; kind: string }, scope: string): Promise<string> {
  if (LEVEL[scope]! < LEVEL[owner.kind]!) throw invalid(['body', 'shareScope'], '共享范围不能小于题库所属单位');
  if (scope === 'public') return '/';
  if (LEVEL[scope] === LEVEL[owner.kind]) return owner.path;
  const path = await repo.ancestorPath(db, owner.path, scope);
  if (!path) throw invalid(['body', 'shareScope'], '所属单位没有上级区县或市，不能按此范围共享');
  return path;
}

// ---------------------------------------------------------------------------------------------
// banks

export async function listBanks(ctx: AuthedContext, filter: { subject?: string }): Promise<TBank[]> {
  const paths = await memberPaths(ctx);
  const rows = await repo.listBanks(ctx.db, paths, filter);
  return rows.map((r) => presentBank(r, canManageOwned(ctx, paths, { path: r.owner_path, kind: r.owner_kind })));
}

/** A bank the actor may read; NOT_FOUND otherwise (the same as one that does not exist). */
export async function getReadableBank(ctx: AuthedContext, id: string) {
  const bank = await repo.findBank(ctx.db, id);
  const paths = await memberPaths(ctx);
  if (!bank || !overlaps(paths, bank.visible_path)) throw new AppError('NOT_FOUND', { message: '未找到该题库，或您无权查看' });
  return { bank, paths, canEdit: canManageOwned(ctx, paths, { path: bank.owner_path, kind: bank.owner_kind }) };
}

async function getEditableBank(ctx: AuthedContext, id: string) {
  const r = await getReadableBank(ctx, id);
  if (!r.canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该题库，但不能修改' });
  return r.bank;
}

export async function getBank(ctx: AuthedContext, id: string): Promise<TBank> {
  const { bank, canEdit } = await getReadableBank(ctx, id);
  return presentBank(bank, canEdit);
}

export async function createBank(ctx: AuthedContext, input: TCreateBankRequest): Promise<TBank> {
  const owner = await ownerOf(ctx.db, input.ownerUnitId);
  const paths = await memberPaths(ctx);
  if (!owner || !overlaps(paths, owner.path)) throw new AppError('NOT_FOUND', { message: '未找到所属单位，或您无权查看' });
  if (!OWNER_KINDS.includes(owner.kind)) throw invalid(['body', 'ownerUnitId'], '题库只能属于学校、教学点、区县或市');
  if (!canManageOwned(ctx, paths, owner)) throw new AppError('FORBIDDEN', { message: '您不能为该单位建题库' });
  const visiblePath = await visiblePathFor(ctx.db, owner, input.shareScope);
  const id = await withTransaction(ctx.db, async (tx) => {
    const id = await repo.insertBank(tx, {
      name: input.name,
      description: input.description,
      subject: input.subject,
      ownerUnitId: owner.id,
      ownerPath: owner.path,
      shareScope: input.shareScope,
      visiblePath,
      createdBy: ctx.actor.userId,
    });
    await recordAudit(tx, ctx, {
      action: 'items.bank.create',
      targetType: 'item_bank',
      targetId: id,
      scopeId: owner.id,
      summary: { name: input.name, shareScope: input.shareScope },
    });
    return id;
  });
  return getBank(ctx, id);
}

export async function updateBank(ctx: AuthedContext, id: string, input: Partial<Omit<TCreateBankRequest, 'ownerUnitId'>>): Promise<TBank> {
  const bank = await getEditableBank(ctx, id);
  const visiblePath = input.shareScope
    ? await visiblePathFor(ctx.db, { path: bank.owner_path, kind: bank.owner_kind }, input.shareScope)
    : undefined;
  await withTransaction(ctx.db, async (tx) => {
    await repo.updateBank(tx, id, {
      name: input.name,
      description: input.description,
      subject: input.subject,
      share_scope: input.shareScope,
      visible_path: visiblePath,
    });
    await recordAudit(tx, ctx, {
      action: 'items.bank.update',
      targetType: 'item_bank',
      targetId: id,
      scopeId: bank.owner_unit_id,
      summary: { ...input },
    });
  });
  return getBank(ctx, id);
}

// ---------------------------------------------------------------------------------------------
// items

/** Knowledge points must exist and belong to the item's subject. */
async function checkKnowledgePoints(db: DbOrTx, content: TItemContent, at: (string | number)[]): Promise<void> {
  if (content.knowledgePointIds.length === 0) return;
  const found = await repo.knowledgePoints(db, content.knowledgePointIds);
  const issues = content.knowledgePointIds.flatMap((id, i) =>
    !found.has(id)
      ? [{ path: [...at, 'knowledgePointIds', i], message: '知识点不存在' }]
      : found.get(id)!.subject !== content.subject
        ? [{ path: [...at, 'knowledgePointIds', i], message: `该知识点不属于${content.subject}` }]
        : [],
  );
  if (issues.length) throw new AppError('VALIDATION_FAILED', { message: issues[0]!.message, details: { issues } });
}

async function kpNamesFor(db: DbOrTx, rows: { knowledge_point_ids: string[] }[]) {
  return repo.knowledgePointNames(
    db,
    rows.flatMap((r) => r.knowledge_point_ids),
  );
}

export async function listItems(
  ctx: AuthedContext,
  q: TListItemsQuery,
): Promise<{ items: TItemSummary[]; total: number; page: number; pageSize: number }> {
  if (q.bankId) await getReadableBank(ctx, q.bankId);
  const paths = await memberPaths(ctx);
  const { total, rows } = await repo.listItems(ctx.db, paths, q);
  const names = await kpNamesFor(ctx.db, rows);
  return { items: rows.map((r) => presentItemSummary(r, names)), total, page: q.page, pageSize: q.pageSize };
}

/** An item the actor may read, with whether it may edit it. */
async function readableItem(ctx: AuthedContext, id: string, db: DbOrTx = ctx.db, forUpdate = false) {
  const row = await repo.findItem(db, id, { forUpdate });
  const paths = await memberPaths(ctx, db);
  if (!row || !overlaps(paths, row.visible_path)) throw new AppError('NOT_FOUND', { message: '未找到该题目，或您无权查看' });
  return { row, canEdit: canManageOwned(ctx, paths, { path: row.owner_path, kind: row.owner_kind }) };
}

export async function getItem(ctx: AuthedContext, id: string): Promise<TItem> {
  const { row, canEdit } = await readableItem(ctx, id);
  return presentItem(row, await kpNamesFor(ctx.db, [row]), canEdit);
}

export async function createItem(ctx: AuthedContext, input: TCreateItemRequest): Promise<TItem> {
  await getEditableBank(ctx, input.bankId);
  await checkKnowledgePoints(ctx.db, input.content, ['body', 'content']);
  const { id } = await withTransaction(ctx.db, async (tx) => {
    const created = await repo.insertItem(tx, input.bankId, input.content, ctx.actor.userId);
    await recordAudit(tx, ctx, {
      action: 'items.item.create',
      targetType: 'item',
      targetId: created.id,
      summary: { bankId: input.bankId, type: input.content.type },
    });
    return created;
  });
  return getItem(ctx, id);
}

/**
 * Saves an edit as a new version. Papers keep the version they pinned, so pupils who already
 * took a paper are graded against what they saw. `baseVersion` guards against two editors.
 */
export async function updateItem(ctx: AuthedContext, id: string, input: { content: TItemContent; baseVersion: number }): Promise<TItem> {
  await checkKnowledgePoints(ctx.db, input.content, ['body', 'content']);
  await withTransaction(ctx.db, async (tx) => {
    const { row, canEdit } = await readableItem(ctx, id, tx, true);
    if (!canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该题目，但不能修改' });
    if (row.current_version !== input.baseVersion)
      throw new AppError('CONFLICT', { message: `题目已被他人修改（当前为第 ${row.current_version} 版），请刷新后再改` });
    await repo.addItemVersion(tx, id, row.current_version + 1, input.content, ctx.actor.userId);
    await recordAudit(tx, ctx, {
      action: 'items.item.update',
      targetType: 'item',
      targetId: id,
      summary: { version: row.current_version + 1, type: input.content.type },
    });
  });
  return getItem(ctx, id);
}

export async function archiveItem(ctx: AuthedContext, id: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const { canEdit } = await readableItem(ctx, id, tx, true);
    if (!canEdit) throw new AppError('FORBIDDEN', { message: '您可以查看该题目，但不能删除' });
    await repo.archiveItem(tx, id);
    await recordAudit(tx, ctx, { action: 'items.item.archive', targetType: 'item', targetId: id });
  });
}

/** Grades a response against an item as authored (the editor's “试做” preview); stores nothing. */
export function previewGrade(content: TItemContent, response: unknown) {
  const issues = checkResponseShape(content, response, ['body', 'response']);
  if (issues.length) throw new AppError('VALIDATION_FAILED', { message: issues[0]!.message, details: { issues } });
  return { result: gradeResponse(content, response) };
}

// ---------------------------------------------------------------------------------------------
// knowledge points

export async function listKnowledgePoints(
  ctx: AuthedContext,
  q: { subject: string; grade?: number; bankId?: string },
): Promise<TKnowledgePoint[]> {
  if (q.bankId) await getReadableBank(ctx, q.bankId);
  const paths = await memberPaths(ctx);
  const [points, counts] = await Promise.all([
    repo.listKnowledgePoints(ctx.db, q.subject, q.grade),
    repo.countItemsUnderKnowledgePoints(ctx.db, paths, q.subject, q.bankId),
  ]);
  return points.map((p) => presentKnowledgePoint(p, counts.get(p.id) ?? 0));
}
