import { richTextPreview, type TItemContent } from '@qiming/shared';

/**
 * The items of an assignment as they were when it was assigned: a frozen copy kept in
 * `hw_assignments.paper`. Grading, presentation and analysis read this copy, so editing an item
 * in the bank later changes nothing already assigned, and the submit path never reads the items
 * tables.
 */
export type SnapshotItem = {
  /** Stable key of the item within the assignment (its item id). */
  key: string;
  itemId: string;
  versionId: string;
  /** 1-based position in the paper. */
  position: number;
  sectionTitle: string;
  /** Score of the item in this paper. */
  score: number;
  content: TItemContent;
};

export type PaperSnapshot = {
  paperId: string | null;
  title: string;
  subject: string | null;
  sections: { title: string; instructions: string; keys: string[] }[];
  items: SnapshotItem[];
  maxScore: number;
};

export const knowledgePointsOf = (item: SnapshotItem): string[] => item.content.knowledgePointIds ?? [];

/** Difficulty 1–5 as 0–1, for the practice picker. */
export const difficulty01 = (item: { difficulty?: number }): number => ((item.difficulty ?? 3) - 1) / 4;

/** An item's options for the "which option was chosen" analysis (choice and true/false items). */
export function choiceOptions(content: TItemContent): { id: string; text: string; isKey: boolean }[] | null {
  switch (content.type) {
    case 'single_choice':
      return content.options.map((o) => ({ id: o.id, text: richTextPreview(o.text, 40), isKey: o.id === content.answer }));
    case 'multiple_choice':
      return content.options.map((o) => ({ id: o.id, text: richTextPreview(o.text, 40), isKey: content.answers.includes(o.id) }));
    case 'true_false':
      return [
        { id: 'true', text: '对', isKey: content.answer === true },
        { id: 'false', text: '错', isKey: content.answer === false },
      ];
    case 'fill_blank':
    case 'numeric':
    case 'matching':
    case 'ordering':
    case 'short_answer':
    case 'essay':
    case 'composite':
      return null;
  }
}

/** The option ids a response chose, for the option analysis. */
export function chosenOptions(content: TItemContent, response: unknown): string[] | null {
  if (!response || typeof response !== 'object') return null;
  const r = response as Record<string, unknown>;
  if (content.type === 'single_choice') return typeof r.choice === 'string' ? [r.choice] : null;
  if (content.type === 'multiple_choice')
    return Array.isArray(r.choices) ? r.choices.filter((c): c is string => typeof c === 'string') : null;
  if (content.type === 'true_false') return typeof r.value === 'boolean' ? [String(r.value)] : null;
  return null;
}

/** Number of options a choice item offers (for the BKT guess parameter). */
export function optionCount(content: TItemContent): number | undefined {
  return content.type === 'single_choice' || content.type === 'multiple_choice' ? content.options.length : undefined;
}
