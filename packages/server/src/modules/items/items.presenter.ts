import type { BankShareScope, ItemType, Subject, TBank, TItem, TItemContent, TItemSummary, TKnowledgePoint } from '@qiming/shared';
import type { BankRow, ItemDetailRow, ItemListRow, listKnowledgePoints } from './items.repository.ts';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export const presentBank = (r: BankRow, canEdit: boolean): TBank => ({
  id: r.id,
  name: r.name,
  description: r.description,
  subject: r.subject as Subject | null,
  shareScope: r.share_scope as BankShareScope,
  ownerUnitId: r.owner_unit_id,
  ownerUnitName: r.owner_name,
  itemCount: Number(r.item_count ?? 0),
  createdAt: iso(r.created_at),
  policies: { canEdit },
});

export const stemPreview = (text: string): string => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

export const presentItemSummary = (r: ItemListRow, kpNames: Map<string, string>): TItemSummary => ({
  id: r.id,
  bankId: r.bank_id,
  bankName: r.bank_name,
  type: r.type as ItemType,
  subject: r.subject as Subject,
  grade: r.grade,
  difficulty: r.difficulty,
  score: r.score,
  stemPreview: stemPreview(r.stem_text),
  knowledgePoints: r.knowledge_point_ids.filter((id) => kpNames.has(id)).map((id) => ({ id, name: kpNames.get(id)! })),
  version: r.current_version,
  versionId: r.current_version_id,
  updatedAt: iso(r.updated_at),
});

export const presentItem = (r: ItemDetailRow, kpNames: Map<string, string>, canEdit: boolean): TItem => ({
  ...presentItemSummary(r, kpNames),
  content: r.content as TItemContent,
  createdByName: r.created_by_name ?? '',
  policies: { canEdit },
});

type KpRow = Awaited<ReturnType<typeof listKnowledgePoints>>[number];
export const presentKnowledgePoint = (r: KpRow, itemCount: number): TKnowledgePoint => ({
  id: r.id,
  subject: r.subject as Subject,
  grade: r.grade,
  code: r.code,
  name: r.name,
  parentId: r.parent_id,
  strand: r.strand,
  itemCount,
});
