import { ZItemContent, type TItemContent, type TItemContentInput } from '@qiming/shared';
import type { DbOrTx } from '../../core/db/database.ts';
import type { OrgUnitRow } from '../../core/db/schema.ts';
import * as repo from './items.repository.ts';
import * as papers from './papers.repository.ts';

/** Test and benchmark factories for banks, items and papers (no actor, no audit). */
type F = { db: DbOrTx };

let seq = 0;

export async function buildBank(
  f: F,
  o: {
    owner: Pick<OrgUnitRow, 'id' | 'path'>;
    name?: string;
    subject?: string | null;
    shareScope?: 'school' | 'district' | 'city' | 'public';
    visiblePath?: string;
  },
) {
  const name = o.name ?? `题库-${++seq}`;
  const id = await repo.insertBank(f.db, {
    name,
    description: '',
    subject: o.subject ?? '数学',
    ownerUnitId: o.owner.id,
    ownerPath: o.owner.path,
    shareScope: o.shareScope ?? 'school',
    visiblePath: o.visiblePath ?? (o.shareScope === 'public' ? '/' : o.owner.path),
    createdBy: null,
  });
  return { id, name };
}

/** A valid item: a numeric 3rd-grade maths question unless `content` says otherwise. */
export function sampleItem(overrides: Partial<TItemContentInput> & Record<string, unknown> = {}): TItemContent {
  return ZItemContent.parse({
    type: 'numeric',
    subject: '数学',
    grade: 3,
    score: 5,
    stem: `小明有 ${++seq} 个苹果，又买了 3 个，现在有多少个？`,
    answer: String(seq + 3),
    ...overrides,
  });
}

export async function buildItem(f: F, o: { bankId: string; content?: TItemContent }) {
  const content = o.content ?? sampleItem();
  const { id, versionId } = await repo.insertItem(f.db, o.bankId, content, null);
  return { id, versionId, content };
}

export async function buildPaper(
  f: F,
  o: {
    owner: Pick<OrgUnitRow, 'id' | 'path'>;
    title?: string;
    items: { id: string; versionId: string; score?: number }[];
    /** The section each item goes in (by position in `items`); one section 一、计算题 when left out. */
    sectionOf?: (index: number) => string;
    subject?: string;
    grade?: number;
  },
) {
  const title = o.title ?? `试卷-${++seq}`;
  const meta = { title, subject: o.subject ?? '数学', grade: o.grade ?? 3, durationMinutes: 40 };
  const id = await papers.insertPaper(f.db, { ...meta, ownerUnitId: o.owner.id, ownerPath: o.owner.path, createdBy: null });
  const sections = new Map<string, { itemId: string; versionId: string; score: number }[]>();
  o.items.forEach((i, n) => {
    const section = o.sectionOf?.(n) ?? '一、计算题';
    sections.set(section, [...(sections.get(section) ?? []), { itemId: i.id, versionId: i.versionId, score: i.score ?? 5 }]);
  });
  await papers.writePaperContent(f.db, id, meta, {
    sections: [...sections].map(([sectionTitle, items]) => ({ title: sectionTitle, instructions: '', items })),
  });
  return { id, title };
}
