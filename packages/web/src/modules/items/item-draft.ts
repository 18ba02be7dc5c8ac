import { PART_TYPES, ZItemContent, type ItemType, type TItemContent, type TItemContentInput, type TItemPart } from '@qiming/shared';

/**
 * The item editor keeps its work as a draft in the very shape the shared schema reads
 * (`TItemContentInput`), so a zod issue's path (`options.1.text`, `parts.0.blanks.2.accepted`)
 * names the control that shows it, for the browser's check and the server's alike.
 */
export type TDraft = TItemContentInput;
export type TPartDraft = Extract<TDraft, { type: 'composite' }>['parts'][number];
type Interaction = Record<string, unknown> & { type: ItemType; stem: string };

/** Ids a teacher never types: A, B, C … for options; b1, b2 … for blanks; p1, p2 … for parts. */
export function nextId(taken: readonly { id: string }[], kind: 'letter' | 'blank' | 'part' | 'criterion'): string {
  const used = new Set(taken.map((x) => x.id));
  for (let i = 0; i < 60; i++) {
    const id =
      kind === 'letter' ? (i < 26 ? String.fromCharCode(65 + i) : `X${i}`) : `${{ blank: 'b', part: 'p', criterion: 'r' }[kind]}${i + 1}`;
    if (!used.has(id)) return id;
  }
  return `${kind}-${taken.length + 1}`;
}

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String.fromCharCode(65 + i), text: '' }));

/** The interaction fields of a new item or part of a type, with empty texts to fill in. */
export function emptyInteraction(type: Exclude<ItemType, 'composite'>): Interaction {
  switch (type) {
    case 'single_choice':
      return { type, stem: '', options: options(4), answer: 'A', fixedOrder: false };
    case 'multiple_choice':
      return { type, stem: '', options: options(4), answers: [], scoring: 'partial_no_wrong', fixedOrder: false };
    case 'true_false':
      return { type, stem: '', answer: true };
    case 'fill_blank':
      return {
        type,
        stem: '{{1}}',
        blanks: [{ id: 'b1', accepted: [], weight: 1 }],
        normalization: { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: false },
        anyOrder: false,
      };
    case 'numeric':
      return { type, stem: '', answer: '', rule: { tolerance: 0, equivalentForms: true, units: [], requireSimplestFraction: false } };
    case 'matching':
      return {
        type,
        stem: '',
        left: options(3).map((o, i) => ({ ...o, id: `L${i + 1}` })),
        right: options(3).map((o, i) => ({ ...o, id: `R${i + 1}` })),
        pairs: [
          { left: 'L1', right: 'R1' },
          { left: 'L2', right: 'R2' },
          { left: 'L3', right: 'R3' },
        ],
        scoring: 'per_pair',
      };
    case 'ordering':
      return { type, stem: '', elements: options(3), order: ['A', 'B', 'C'], scoring: 'all_or_nothing' };
    case 'short_answer':
      return {
        type,
        stem: '',
        referenceAnswer: '',
        acceptedAnswers: [],
        keywords: [],
        normalization: { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: true },
      };
    case 'essay':
      return {
        type,
        stem: '',
        referenceAnswer: '',
        rubric: [{ id: 'r1', name: '', description: '', points: 10 }],
        minLength: 0,
        maxLength: 5000,
      };
  }
}

export const emptyPart = (type: Exclude<ItemType, 'composite'>, id: string, score = 2): TPartDraft =>
  ({ ...emptyInteraction(type), id, score, explanation: '' }) as TPartDraft;

type Meta = Pick<
  TDraft,
  'subject' | 'grade' | 'difficulty' | 'score' | 'explanation' | 'knowledgePointIds' | 'source' | 'textbookUnit' | 'tags'
>;

/** A fresh draft of a type for a subject and grade. */
export function emptyDraft(type: ItemType, meta: Pick<Meta, 'subject' | 'grade'>): TDraft {
  const common: Meta = { difficulty: 3, score: 5, explanation: '', knowledgePointIds: [], source: '', textbookUnit: '', tags: [], ...meta };
  if (type === 'composite') return { ...common, type, stem: '', parts: [emptyPart('single_choice', 'p1', 5)] } as TDraft;
  return { ...common, ...emptyInteraction(type), ...(type === 'essay' ? { score: 10 } : {}) } as TDraft;
}

const META_KEYS = [
  'subject',
  'grade',
  'difficulty',
  'score',
  'explanation',
  'knowledgePointIds',
  'source',
  'textbookUnit',
  'tags',
] as const;

/**
 * Changes a draft's type, keeping what both types share: metadata, the stem, and options where
 * both are choice types.
 */
export function changeType(draft: TDraft, type: ItemType): TDraft {
  const meta = Object.fromEntries(META_KEYS.map((k) => [k, draft[k]])) as Meta;
  const next = emptyDraft(type, meta) as TDraft & Record<string, unknown>;
  if (draft.stem.trim() && type !== 'fill_blank') next.stem = draft.stem;
  const old = draft as Record<string, unknown>;
  if ((type === 'single_choice' || type === 'multiple_choice') && Array.isArray(old.options)) next.options = old.options;
  if (type === 'essay' && draft.type !== 'essay') next.score = 10;
  if (type === 'composite') next.score = 5;
  return next;
}

/** A part of a composite changed type: keep its id, score, stem and explanation. */
export function changePartType(part: TPartDraft, type: Exclude<ItemType, 'composite'>): TPartDraft {
  const next = emptyPart(type, part.id, part.score ?? 2) as TPartDraft & { stem: string; explanation?: string };
  if (type !== 'fill_blank') next.stem = part.stem;
  next.explanation = part.explanation ?? '';
  return next;
}

/**
 * What is sent: a composite's score is the sum of its parts, an essay's score the sum of its
 * rubric (the schema insists on both; the editor shows the sum rather than asking twice).
 */
export function finalizeDraft(draft: TDraft): TDraft {
  const rubricSum = (r: { points?: number }[]) => round(r.reduce((s, c) => s + (Number(c.points) || 0), 0));
  if (draft.type === 'composite') {
    const parts = draft.parts.map((p) => (p.type === 'essay' ? { ...p, score: rubricSum(p.rubric) } : p));
    return { ...draft, parts, score: round(parts.reduce((s, p) => s + (Number(p.score) || 0), 0)) };
  }
  if (draft.type === 'essay') return { ...draft, score: rubricSum(draft.rubric) };
  return draft;
}
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Field messages keyed by their dotted path (`options.1.text`). */
export type TFieldErrors = Record<string, string[]>;

export function issuesByPath(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  drop: readonly string[] = [],
): TFieldErrors {
  const out: TFieldErrors = {};
  for (const issue of issues) {
    let path = issue.path.map(String);
    while (path.length && drop.includes(path[0]!)) path = path.slice(1);
    const key = path.join('.');
    const list = (out[key] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}

/** Checks a draft with the shared schema; the parsed item, or the issues by field. */
export function checkDraft(draft: TDraft): { item: TItemContent; errors: null } | { item: null; errors: TFieldErrors } {
  const r = ZItemContent.safeParse(finalizeDraft(draft));
  return r.success ? { item: r.data, errors: null } : { item: null, errors: issuesByPath(r.error.issues) };
}

/** The number of blanks a stem marks with {{n}}. */
export const blankMarks = (stem: string): number[] => [...stem.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));

/** An item loaded from the server, as a draft (defaults are already filled in). */
export const draftOf = (item: TItemContent | TItemPart): TDraft => structuredClone(item) as TDraft;

export { PART_TYPES };
