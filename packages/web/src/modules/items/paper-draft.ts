import type { ItemType, TAssemblyResult, TItemSummary, TPaper, TSavePaperRequest } from '@qiming/shared';

/** One item on the paper being built: what the row shows, and the score it carries on this paper. */
export type TPaperRow = {
  itemId: string;
  score: number;
  type: ItemType;
  difficulty: number;
  stemPreview: string;
  knowledgePoints: string[];
  /** The version the paper pins, and the item's latest (a newer one can be taken on save). */
  version?: number;
  latestVersion?: number;
};
export type TPaperSectionDraft = { key: string; title: string; instructions: string; rows: TPaperRow[] };

let counter = 0;
export const sectionKey = () => `s${Date.now().toString(36)}${(counter++).toString(36)}`;

export const rowOf = (it: TItemSummary, score = it.score): TPaperRow => ({
  itemId: it.id,
  score,
  type: it.type,
  difficulty: it.difficulty,
  stemPreview: it.stemPreview,
  knowledgePoints: it.knowledgePoints.map((k) => k.name),
  version: it.version,
  latestVersion: it.version,
});

export const round = (n: number) => Math.round(n * 100) / 100;
export const totalOf = (sections: readonly TPaperSectionDraft[]) =>
  round(sections.reduce((s, x) => s + x.rows.reduce((a, r) => a + (r.score || 0), 0), 0));
export const countOf = (sections: readonly TPaperSectionDraft[]) => sections.reduce((s, x) => s + x.rows.length, 0);
export const idsOf = (sections: readonly TPaperSectionDraft[]) => sections.flatMap((s) => s.rows.map((r) => r.itemId));

/** A saved paper's sections as rows to edit. */
export const sectionsOfPaper = (p: TPaper): TPaperSectionDraft[] =>
  p.sections.map((s) => ({
    key: s.id,
    title: s.title,
    instructions: s.instructions,
    rows: s.items.map((i) => ({
      itemId: i.itemId,
      score: i.score,
      type: i.type,
      difficulty: i.difficulty,
      stemPreview: i.stemPreview,
      knowledgePoints: [],
      version: i.version,
      latestVersion: i.latestVersion,
    })),
  }));

/** An assembly's proposal as sections, with each item's row from the list endpoint (items it could not fetch are left out). */
export function sectionsOfAssembly(r: TAssemblyResult, summaries: readonly TItemSummary[]): TPaperSectionDraft[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  return r.sections.map((s) => ({
    key: sectionKey(),
    title: s.title,
    instructions: '',
    rows: s.items.flatMap((i) => (byId.has(i.itemId) ? [rowOf(byId.get(i.itemId)!, i.score)] : [])),
  }));
}

/** Moves the row at `from` to `to` within a list (drag and drop, or the arrow buttons). */
export function moveWithin<T>(list: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return list.slice();
  const next = list.slice();
  const [x] = next.splice(from, 1);
  next.splice(to, 0, x!);
  return next;
}

/** What is sent to save the paper. */
export function paperRequest(meta: Omit<TSavePaperRequest, 'sections'>, sections: readonly TPaperSectionDraft[]): TSavePaperRequest {
  return {
    ...meta,
    sections: sections.map((s) => ({
      title: s.title,
      instructions: s.instructions,
      items: s.rows.map((r) => ({ itemId: r.itemId, score: r.score })),
    })),
  };
}
