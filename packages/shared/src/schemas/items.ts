import { z } from 'zod';
import { ZId } from './common.ts';
import { ZGradeLevel, ZSubject } from './org.ts';

/**
 * The item content model of the question bank (题库).
 *
 * Formatted text (`ZRichText`) is a small, safe markdown subset rendered by the web app — never
 * raw HTML (any `<…>` is shown as text):
 * - `**bold**`, `*italic*`, `__underline__` (着重号/下划线), line breaks, blank lines for paragraphs;
 * - `$…$` inline and `$$…$$` display formulas in KaTeX syntax (`$\frac{1}{2}$`);
 * - images `![alt](url)` where url is https:, http:, a site path `/…` or `data:image/…;base64,…`;
 * - in a fill-in-the-blank stem, `{{1}}`, `{{2}}`, … mark where blank 1, 2, … sit.
 *
 * Difficulty is an integer 1–5: 1 容易, 2 较易, 3 中等, 4 较难, 5 难 (as a teacher judges it;
 * the empirical rate of correct answers is the homework module's to compute).
 */
export const ITEM_TYPES = [
  'single_choice',
  'multiple_choice',
  'true_false',
  'fill_blank',
  'numeric',
  'matching',
  'ordering',
  'short_answer',
  'essay',
  'composite',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const ITEM_TYPE_NAMES: Record<ItemType, string> = {
  single_choice: '单选题',
  multiple_choice: '多选题',
  true_false: '判断题',
  fill_blank: '填空题',
  numeric: '计算题',
  matching: '连线题',
  ordering: '排序题',
  short_answer: '简答题',
  essay: '作文题',
  composite: '阅读理解/综合题',
};
/** Types that can be a part of a composite item (a composite cannot nest another). */
export const PART_TYPES = ITEM_TYPES.filter((t) => t !== 'composite') as Exclude<ItemType, 'composite'>[];

export const DIFFICULTY_LEVELS = [1, 2, 3, 4, 5] as const;
export const DIFFICULTY_NAMES: Record<number, string> = { 1: '容易', 2: '较易', 3: '中等', 4: '较难', 5: '难' };

const SAFE_IMAGE_URL = /^(https?:\/\/|\/(?!\/)|data:image\/(png|jpeg|gif|webp|svg\+xml);base64,)/i;
const IMAGE_RE = /!\[[^\]]*\]\(([^)\s]*)\)/g;

export const ZRichText = z
  .string()
  .max(20_000, '内容不超过 20000 字')
  .superRefine((text, ctx) => {
    for (const m of text.matchAll(IMAGE_RE)) {
      if (!SAFE_IMAGE_URL.test(m[1]!)) ctx.addIssue({ code: 'custom', message: `图片地址不受支持：${m[1]!.slice(0, 60)}` });
    }
    if ((text.replace(/\\\$/g, '').match(/\$/g)?.length ?? 0) % 2 === 1) ctx.addIssue({ code: 'custom', message: '公式的 $ 符号没有成对' });
  });
const ZStem = ZRichText.refine((s) => s.trim().length > 0, '题干不能为空');

const ZKey = z
  .string()
  .trim()
  .min(1, '编号不能为空')
  .max(32, '编号不超过 32 个字符')
  .regex(/^[A-Za-z0-9_-]+$/, '编号只能由字母、数字、下划线和短横线组成');
const ZScore = z.number({ message: '分值应为数字' }).positive('分值应大于 0').max(200, '分值不超过 200');

export const ZChoiceOption = z.object({ id: ZKey, text: ZRichText.refine((s) => s.trim().length > 0, '选项内容不能为空') });
export type TChoiceOption = z.infer<typeof ZChoiceOption>;

/**
 * Options for comparing a typed answer with the accepted ones (fill_blank, short_answer):
 * full-width → half-width (｡ＡＢ１２ → AB12) and Chinese → English punctuation are always folded;
 * the rest is configurable.
 */
export const ZTextNormalization = z.object({
  /** `ABC` = `abc` (default true). */
  ignoreCase: z.boolean().default(true),
  /** All whitespace removed before comparing (default true). */
  ignoreSpaces: z.boolean().default(true),
  /** All punctuation removed before comparing, e.g. a trailing 。 (default false). */
  ignorePunctuation: z.boolean().default(false),
});
export type TTextNormalization = z.infer<typeof ZTextNormalization>;

/**
 * How a typed number is judged: its value within `tolerance` (absolute) of the key. With
 * `equivalentForms` (default) 1/2 = 0.5 = 50% = 2/4; without it the answer must also be written in
 * the key's form (fraction, decimal/integer, percent, mixed number). `units` are suffixes removed
 * before parsing (元, 米, cm²…); `requireSimplestFraction` refuses 2/4 when a fraction is given.
 */
export const ZNumericRule = z.object({
  tolerance: z.number().min(0, '误差不能为负').default(0),
  equivalentForms: z.boolean().default(true),
  units: z.array(z.string().trim().min(1).max(16)).max(20).default([]),
  requireSimplestFraction: z.boolean().default(false),
});
export type TNumericRule = z.infer<typeof ZNumericRule>;

const NUMERIC_RE = /^[+-]?(\d+(\.\d+)?|\.\d+|\d+\/\d+|\d+(又| )\d+\/\d+|\d+(\.\d+)?%)$/;
/** An answer key for a numeric item or blank: `12`, `-3.5`, `1/3`, `1又1/2`, `1 1/2`, `25%`. */
export const ZNumericKey = z
  .string()
  .trim()
  .regex(NUMERIC_RE, '答案应为数字，如 12、3.5、1/3、1又1/2 或 25%')
  .refine((s) => !/\/0+$/.test(s), '分母不能为 0');

export const ZBlank = z.object({
  id: ZKey,
  /** Every answer that earns the blank's credit (同义答案). */
  accepted: z.array(z.string().trim().min(1, '答案不能为空').max(200)).min(1, '每个空至少有一个答案').max(20),
  /** Relative weight of this blank within the item (default 1: the item's score split evenly). */
  weight: z.number().positive().max(100).default(1),
  /** When set, the blank is judged as a number by this rule instead of as text. */
  numeric: ZNumericRule.optional(),
});
export type TBlank = z.infer<typeof ZBlank>;

export const ZRubricCriterion = z.object({
  id: ZKey,
  name: z.string().trim().min(1, '评分项名称不能为空').max(60),
  description: z.string().trim().max(500).default(''),
  points: ZScore,
});
export type TRubricCriterion = z.infer<typeof ZRubricCriterion>;

/** Short answer: keyword groups give a suggested score; a teacher confirms it (人工批改). */
export const ZKeywordRule = z.object({
  /** Any one of these words (synonyms) earns the points. */
  words: z.array(z.string().trim().min(1).max(40)).min(1).max(10),
  points: ZScore,
});

const MULTIPLE_CHOICE_SCORING = ['all_or_nothing', 'partial_no_wrong', 'proportional'] as const;
const MATCHING_SCORING = ['per_pair', 'all_or_nothing'] as const;
const ORDERING_SCORING = ['all_or_nothing', 'per_position', 'adjacent_pairs'] as const;

const interactions = {
  single_choice: z.object({
    type: z.literal('single_choice'),
    stem: ZStem,
    options: z.array(ZChoiceOption).min(2, '至少 2 个选项').max(10, '最多 10 个选项'),
    answer: ZKey,
    /** Keep the option order when presenting (e.g. “以上都对”). */
    fixedOrder: z.boolean().default(false),
  }),
  multiple_choice: z.object({
    type: z.literal('multiple_choice'),
    stem: ZStem,
    options: z.array(ZChoiceOption).min(2, '至少 2 个选项').max(10, '最多 10 个选项'),
    answers: z.array(ZKey).min(1, '至少一个正确选项'),
    /**
     * all_or_nothing: only the exact set scores. partial_no_wrong (default, 全部选对得满分，
     * 选对但不全得一半，有选错的不得分). proportional: correct picks / correct options, 0 with any wrong pick.
     */
    scoring: z.enum(MULTIPLE_CHOICE_SCORING).default('partial_no_wrong'),
    fixedOrder: z.boolean().default(false),
  }),
  true_false: z.object({ type: z.literal('true_false'), stem: ZStem, answer: z.boolean({ message: '请指定对或错' }) }),
  fill_blank: z.object({
    type: z.literal('fill_blank'),
    stem: ZStem,
    blanks: z.array(ZBlank).min(1, '至少一个空').max(30, '最多 30 个空'),
    normalization: ZTextNormalization.default({ ignoreCase: true, ignoreSpaces: true, ignorePunctuation: false }),
    /** The blanks may be answered in any order (写出两个……): each accepted set is used once. */
    anyOrder: z.boolean().default(false),
  }),
  numeric: z.object({
    type: z.literal('numeric'),
    stem: ZStem,
    answer: ZNumericKey,
    rule: ZNumericRule.default({ tolerance: 0, equivalentForms: true, units: [], requireSimplestFraction: false }),
  }),
  matching: z.object({
    type: z.literal('matching'),
    stem: ZStem,
    left: z.array(ZChoiceOption).min(2, '左侧至少 2 项').max(20),
    /** May hold more than the left side (干扰项). */
    right: z.array(ZChoiceOption).min(2, '右侧至少 2 项').max(20),
    pairs: z.array(z.object({ left: ZKey, right: ZKey })).min(1, '至少一组正确配对'),
    /** per_pair (default): each correct pair earns its share; all_or_nothing. */
    scoring: z.enum(MATCHING_SCORING).default('per_pair'),
  }),
  ordering: z.object({
    type: z.literal('ordering'),
    stem: ZStem,
    elements: z.array(ZChoiceOption).min(2, '至少 2 项').max(20),
    /** The correct order of element ids. */
    order: z.array(ZKey).min(2),
    /**
     * all_or_nothing (default); per_position: share for each element in its place;
     * adjacent_pairs: share for each neighbouring pair kept in the right order.
     */
    scoring: z.enum(ORDERING_SCORING).default('all_or_nothing'),
  }),
  short_answer: z.object({
    type: z.literal('short_answer'),
    stem: ZStem,
    referenceAnswer: ZRichText.default(''),
    /** Answers that are exactly right after normalisation: graded automatically. */
    acceptedAnswers: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
    normalization: ZTextNormalization.default({ ignoreCase: true, ignoreSpaces: true, ignorePunctuation: true }),
    keywords: z.array(ZKeywordRule).max(20).default([]),
  }),
  essay: z.object({
    type: z.literal('essay'),
    stem: ZStem,
    referenceAnswer: ZRichText.default(''),
    rubric: z.array(ZRubricCriterion).min(1, '至少一个评分项').max(20),
    minLength: z.number().int().min(0).default(0),
    maxLength: z.number().int().positive().max(20_000).default(5000),
  }),
};

const ZPartBase = z.object({ id: ZKey, score: ZScore, explanation: ZRichText.default('') });
const part = <S extends z.ZodRawShape>(s: z.ZodObject<S>) => s.extend(ZPartBase.shape);
export const ZItemPart = z.discriminatedUnion('type', [
  part(interactions.single_choice),
  part(interactions.multiple_choice),
  part(interactions.true_false),
  part(interactions.fill_blank),
  part(interactions.numeric),
  part(interactions.matching),
  part(interactions.ordering),
  part(interactions.short_answer),
  part(interactions.essay),
]);
export type TItemPart = z.infer<typeof ZItemPart>;

/** What every item carries besides its interaction. */
export const ZItemMeta = z.object({
  subject: ZSubject,
  grade: ZGradeLevel,
  difficulty: z.number().int('难度应为 1–5 的整数').min(1, '难度应为 1–5').max(5, '难度应为 1–5').default(3),
  /** The item's full score; for a composite item the sum of its parts. */
  score: ZScore,
  explanation: ZRichText.default(''),
  knowledgePointIds: z.array(ZId).max(20, '最多关联 20 个知识点').default([]),
  /** Where it comes from: a paper, a book, a data set (“CMATH dev #12”). */
  source: z.string().trim().max(200).default(''),
  /** Textbook unit, e.g. “人教版三年级上册 第六单元 多位数乘一位数”. */
  textbookUnit: z.string().trim().max(200).default(''),
  tags: z.array(z.string().trim().min(1).max(20)).max(20).default([]),
});

const withMeta = <S extends z.ZodRawShape>(s: z.ZodObject<S>) => s.extend(ZItemMeta.shape);
const ZItemContentUnion = z.discriminatedUnion('type', [
  withMeta(interactions.single_choice),
  withMeta(interactions.multiple_choice),
  withMeta(interactions.true_false),
  withMeta(interactions.fill_blank),
  withMeta(interactions.numeric),
  withMeta(interactions.matching),
  withMeta(interactions.ordering),
  withMeta(interactions.short_answer),
  withMeta(interactions.essay),
  withMeta(
    z.object({
      type: z.literal('composite'),
      /** The passage (阅读材料) or shared context. */
      stem: ZStem,
      parts: z.array(ZItemPart).min(1, '至少一个小题').max(30, '最多 30 个小题'),
    }),
  ),
]);

type Interaction = TItemPart | z.infer<typeof ZItemContentUnion>;

/** Cross-field rules an interaction must satisfy: answers name existing options, blanks match the stem, … */
function checkInteraction(it: Interaction, ctx: z.RefinementCtx, at: (string | number)[]): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: [...at, ...path], message });
  const dupes = (list: { id: string }[], field: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((o, i) => {
      if (seen.has(o.id)) issue([field, i, 'id'], `${what}编号 ${o.id} 重复`);
      seen.add(o.id);
    });
    return seen;
  };
  switch (it.type) {
    case 'single_choice': {
      const ids = dupes(it.options, 'options', '选项');
      if (!ids.has(it.answer)) issue(['answer'], `正确答案 ${it.answer} 不是选项之一`);
      break;
    }
    case 'multiple_choice': {
      const ids = dupes(it.options, 'options', '选项');
      it.answers.forEach((a, i) => !ids.has(a) && issue(['answers', i], `正确答案 ${a} 不是选项之一`));
      if (new Set(it.answers).size !== it.answers.length) issue(['answers'], '正确答案有重复');
      break;
    }
    case 'fill_blank': {
      dupes(it.blanks, 'blanks', '空');
      const marks = [...it.stem.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
      const expected = it.blanks.map((_, i) => i + 1);
      if (marks.length !== expected.length || expected.some((n, i) => marks[i] !== n)) {
        issue(['stem'], `题干中应依次标出 ${expected.map((n) => `{{${n}}}`).join('、')}，共 ${it.blanks.length} 个空`);
      }
      break;
    }
    case 'matching': {
      const left = dupes(it.left, 'left', '左侧');
      const right = dupes(it.right, 'right', '右侧');
      const usedLeft = new Set<string>();
      it.pairs.forEach((p, i) => {
        if (!left.has(p.left)) issue(['pairs', i, 'left'], `配对中的 ${p.left} 不在左侧`);
        if (!right.has(p.right)) issue(['pairs', i, 'right'], `配对中的 ${p.right} 不在右侧`);
        if (usedLeft.has(p.left)) issue(['pairs', i, 'left'], `左侧 ${p.left} 配对了两次`);
        usedLeft.add(p.left);
      });
      break;
    }
    case 'ordering': {
      const ids = dupes(it.elements, 'elements', '排序项');
      if (it.order.length !== ids.size || new Set(it.order).size !== it.order.length || it.order.some((o) => !ids.has(o)))
        issue(['order'], '正确顺序应恰好包含每个排序项一次');
      break;
    }
    case 'essay':
      dupes(it.rubric, 'rubric', '评分项');
      if (it.minLength > it.maxLength) issue(['minLength'], '最少字数不能大于最多字数');
      break;
    case 'composite':
      dupes(it.parts, 'parts', '小题');
      it.parts.forEach((p, i) => {
        checkInteraction(p, ctx, [...at, 'parts', i]);
        checkPartScore(p, ctx, [...at, 'parts', i]);
      });
      break;
    case 'true_false':
    case 'numeric':
    case 'short_answer':
      break;
  }
}

const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1000) / 1000;

/** An essay's rubric must add up to its score, so a teacher's rubric marks give the item's score. */
function checkPartScore(p: { type: string; score: number; rubric?: { points: number }[] }, ctx: z.RefinementCtx, at: (string | number)[]) {
  if (p.type === 'essay' && p.rubric && sum(p.rubric.map((r) => r.points)) !== p.score)
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'rubric'],
      message: `评分项分值之和（${sum(p.rubric.map((r) => r.points))}）应等于本题分值（${p.score}）`,
    });
}

/** A whole item: its metadata and its interaction, every cross-field rule checked. */
export const ZItemContent = ZItemContentUnion.superRefine((it, ctx) => {
  checkInteraction(it, ctx, []);
  checkPartScore(it, ctx, []);
  if (it.type === 'composite') {
    const total = sum(it.parts.map((p) => p.score));
    if (total !== it.score)
      ctx.addIssue({ code: 'custom', path: ['score'], message: `总分（${it.score}）应等于各小题分值之和（${total}）` });
  }
});
export type TItemContent = z.infer<typeof ZItemContent>;
/** An item as authored, before defaults are filled in (what a form or an import submits). */
export type TItemContentInput = z.input<typeof ZItemContent>;
/** Anything that can be graded: a whole item or one part of a composite. */
export type TGradable = TItemContent | TItemPart;

// ---------------------------------------------------------------------------------------------
// Responses: what a pupil answers, one shape per type. Option/blank/element ids, never positions,
// so a shuffled presentation grades the same.

export const ZChoiceResponse = z.object({ choice: z.string().max(32) });
export const ZChoicesResponse = z.object({ choices: z.array(z.string().max(32)).max(10) });
export const ZBooleanResponse = z.object({ value: z.boolean() });
export const ZBlanksResponse = z.object({ blanks: z.array(z.string().max(500)).max(30) });
export const ZNumericResponse = z.object({ value: z.string().max(100) });
export const ZPairsResponse = z.object({ pairs: z.array(z.object({ left: z.string().max(32), right: z.string().max(32) })).max(40) });
export const ZOrderResponse = z.object({ order: z.array(z.string().max(32)).max(20) });
export const ZTextResponse = z.object({ text: z.string().max(20_000) });
export type TPartResponse =
  | z.infer<typeof ZChoiceResponse>
  | z.infer<typeof ZChoicesResponse>
  | z.infer<typeof ZBooleanResponse>
  | z.infer<typeof ZBlanksResponse>
  | z.infer<typeof ZNumericResponse>
  | z.infer<typeof ZPairsResponse>
  | z.infer<typeof ZOrderResponse>
  | z.infer<typeof ZTextResponse>;
export const ZCompositeResponse = z.object({ parts: z.record(z.string(), z.unknown()) });
export type TCompositeResponse = { parts: Record<string, TPartResponse | null | undefined> };
export type TResponse = TPartResponse | TCompositeResponse;
/** Any response as it arrives over the wire; `checkResponseShape` says whether it fits an item. */
export const ZAnyResponse = z.record(z.string(), z.unknown());

// ---------------------------------------------------------------------------------------------
// Grading results.

export type TGradeDetail = {
  /** Per blank (fill_blank), in blank order. */
  blanks?: { id: string; isCorrect: boolean; score: number; maxScore: number }[];
  /** Per option picked or missed (multiple_choice). */
  options?: { id: string; isSelected: boolean; isKey: boolean }[];
  /** Per left-hand item (matching). */
  pairs?: { left: string; right: string | null; isCorrect: boolean }[];
  /** Per position (ordering). */
  positions?: { id: string | null; isCorrect: boolean }[];
  /** Per part (composite), keyed by part id, in part order. */
  parts?: { id: string; result: TGradeResult }[];
  /** Why a numeric/text answer was not accepted (unit missing, wrong form, not simplest). */
  reason?: 'unparseable' | 'wrong_form' | 'not_simplest';
};

export type TGradeResult = {
  score: number;
  maxScore: number;
  /** true/false when graded automatically; null while (part of) it waits for a teacher. */
  isCorrect: boolean | null;
  needsManualGrading: boolean;
  isAnswered: boolean;
  /** For short answers with keyword rules: the score the keywords suggest to the teacher. */
  suggestedScore?: number;
} & TGradeDetail;

export const ZGradeResult: z.ZodType<TGradeResult> = z.lazy(() =>
  z.object({
    score: z.number(),
    maxScore: z.number(),
    isCorrect: z.boolean().nullable(),
    needsManualGrading: z.boolean(),
    isAnswered: z.boolean(),
    suggestedScore: z.number().optional(),
    blanks: z.array(z.object({ id: z.string(), isCorrect: z.boolean(), score: z.number(), maxScore: z.number() })).optional(),
    options: z.array(z.object({ id: z.string(), isSelected: z.boolean(), isKey: z.boolean() })).optional(),
    pairs: z.array(z.object({ left: z.string(), right: z.string().nullable(), isCorrect: z.boolean() })).optional(),
    positions: z.array(z.object({ id: z.string().nullable(), isCorrect: z.boolean() })).optional(),
    parts: z.array(z.object({ id: z.string(), result: ZGradeResult })).optional(),
    reason: z.enum(['unparseable', 'wrong_form', 'not_simplest']).optional(),
  }),
);

// ---------------------------------------------------------------------------------------------
// What a pupil sees: the item without answers, explanation or rubric marks' key.

export type TPupilPart =
  | { type: 'single_choice' | 'multiple_choice'; id?: string; stem: string; score: number; options: TChoiceOption[] }
  | { type: 'true_false'; id?: string; stem: string; score: number }
  | { type: 'fill_blank'; id?: string; stem: string; score: number; blanks: { id: string; isNumeric: boolean }[] }
  | { type: 'numeric'; id?: string; stem: string; score: number; units: string[] }
  | { type: 'matching'; id?: string; stem: string; score: number; left: TChoiceOption[]; right: TChoiceOption[] }
  | { type: 'ordering'; id?: string; stem: string; score: number; elements: TChoiceOption[] }
  | { type: 'short_answer'; id?: string; stem: string; score: number }
  | {
      type: 'essay';
      id?: string;
      stem: string;
      score: number;
      minLength: number;
      maxLength: number;
      rubric: { id: string; name: string; description: string; points: number }[];
    };
export type TPupilItem = TPupilPart | { type: 'composite'; stem: string; score: number; parts: (TPupilPart & { id: string })[] };

// ---------------------------------------------------------------------------------------------
// Banks, items, knowledge points, papers: the API.

export const BANK_SHARE_SCOPES = ['school', 'district', 'city', 'public'] as const;
export type BankShareScope = (typeof BANK_SHARE_SCOPES)[number];
export const BANK_SHARE_SCOPE_NAMES: Record<BankShareScope, string> = {
  school: '本校共享',
  district: '区县共享',
  city: '全市共享',
  public: '公开',
};

export const ZCreateBankRequest = z.object({
  name: z.string().trim().min(2, '题库名称至少 2 个字').max(60, '题库名称不超过 60 个字'),
  description: z.string().trim().max(500).default(''),
  /** The school, district or city that owns the bank; must be the caller's own or within it. */
  ownerUnitId: ZId,
  subject: ZSubject.nullable().default(null),
  shareScope: z.enum(BANK_SHARE_SCOPES).default('school'),
});
export type TCreateBankRequest = z.infer<typeof ZCreateBankRequest>;
export const ZUpdateBankRequest = ZCreateBankRequest.omit({ ownerUnitId: true }).partial();

export const ZBank = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  subject: ZSubject.nullable(),
  shareScope: z.enum(BANK_SHARE_SCOPES),
  ownerUnitId: z.string(),
  ownerUnitName: z.string(),
  itemCount: z.number().int(),
  createdAt: z.string(),
  policies: z.object({ canEdit: z.boolean() }),
});
export type TBank = z.infer<typeof ZBank>;

export const ZCreateItemRequest = z.object({ bankId: ZId, content: ZItemContent });
export type TCreateItemRequest = z.infer<typeof ZCreateItemRequest>;
export const ZUpdateItemRequest = z.object({
  content: ZItemContent,
  /** The version the editor started from; a different current version answers 409. */
  baseVersion: z.number().int().positive(),
});

const ZIdList = z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(ZId).max(50));
export const ZListItemsQuery = z.object({
  bankId: ZId.optional(),
  subject: ZSubject.optional(),
  grade: ZGradeLevel.optional(),
  type: z.enum(ITEM_TYPES).optional(),
  knowledgePointId: ZId.optional(),
  difficulty: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().trim().max(100).optional(),
  excludeIds: ZIdList.optional(),
  /** Only these items (a paper builder fetching the rows it holds). */
  ids: ZIdList.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TListItemsQuery = z.infer<typeof ZListItemsQuery>;

export const ZItemSummary = z.object({
  id: z.string(),
  bankId: z.string(),
  bankName: z.string(),
  type: z.enum(ITEM_TYPES),
  subject: ZSubject,
  grade: z.number().int(),
  difficulty: z.number().int(),
  score: z.number(),
  stemPreview: z.string(),
  knowledgePoints: z.array(z.object({ id: z.string(), name: z.string() })),
  version: z.number().int(),
  versionId: z.string(),
  updatedAt: z.string(),
});
export type TItemSummary = z.infer<typeof ZItemSummary>;
export const ZItem = ZItemSummary.extend({
  content: z.unknown() as z.ZodType<TItemContent>,
  createdByName: z.string(),
  policies: z.object({ canEdit: z.boolean() }),
});
export type TItem = z.infer<typeof ZItem>;

export const ZGradePreviewRequest = z.object({ content: ZItemContent, response: ZAnyResponse.nullable() });
export const ZGradePreviewResponse = z.object({ result: ZGradeResult });

export const ZKnowledgePoint = z.object({
  id: z.string(),
  subject: ZSubject,
  /** null for a strand (领域) that spans grades. */
  grade: z.number().int().nullable(),
  code: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  strand: z.string(),
  /** Visible items tagged with this point or any point under it (each item counted once). */
  itemCount: z.number().int(),
});
export type TKnowledgePoint = z.infer<typeof ZKnowledgePoint>;
export const ZKnowledgePointQuery = z.object({
  subject: ZSubject,
  grade: ZGradeLevel.optional(),
  /** Count only this bank's items (the 题库 page's bank filter). */
  bankId: ZId.optional(),
});

// Papers (试卷 / 组卷)

export const ZPaperItemInput = z.object({ itemId: ZId, score: ZScore.optional() });
export const ZPaperSectionInput = z.object({
  title: z.string().trim().min(1, '大题标题不能为空').max(60),
  instructions: z.string().trim().max(500).default(''),
  items: z.array(ZPaperItemInput).max(200),
});
export const ZSavePaperRequest = z.object({
  title: z.string().trim().min(2, '试卷名称至少 2 个字').max(80, '试卷名称不超过 80 个字'),
  subject: ZSubject,
  grade: ZGradeLevel,
  /** The school (or district, city) that owns the paper. */
  ownerUnitId: ZId,
  durationMinutes: z.number().int().min(0).max(600).default(0),
  sections: z.array(ZPaperSectionInput).min(1, '至少一个大题').max(20, '最多 20 个大题'),
});
export type TSavePaperRequest = z.infer<typeof ZSavePaperRequest>;
export const ZUpdatePaperRequest = ZSavePaperRequest.omit({ ownerUnitId: true }).extend({
  /** Re-pin every item to its latest version (otherwise items keep the version they were added at). */
  refreshVersions: z.boolean().default(false),
});

export const ZPaperItem = z.object({
  itemId: z.string(),
  versionId: z.string(),
  version: z.number().int(),
  latestVersion: z.number().int(),
  position: z.number().int(),
  score: z.number(),
  type: z.enum(ITEM_TYPES),
  difficulty: z.number().int(),
  stemPreview: z.string(),
  knowledgePointIds: z.array(z.string()),
});
export const ZPaperSection = z.object({ id: z.string(), title: z.string(), instructions: z.string(), items: z.array(ZPaperItem) });
export const ZPaper = z.object({
  id: z.string(),
  title: z.string(),
  subject: ZSubject,
  grade: z.number().int(),
  ownerUnitId: z.string(),
  ownerUnitName: z.string(),
  durationMinutes: z.number().int(),
  totalScore: z.number(),
  itemCount: z.number().int(),
  createdByName: z.string(),
  updatedAt: z.string(),
  sections: z.array(ZPaperSection),
  policies: z.object({ canEdit: z.boolean() }),
});
export type TPaper = z.infer<typeof ZPaper>;
export const ZPaperSummary = ZPaper.omit({ sections: true });
export const ZListPapersQuery = z.object({
  subject: ZSubject.optional(),
  grade: ZGradeLevel.optional(),
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** A paper as a pupil sees it (answers stripped, options shuffled by the seed). */
export const ZPupilPaper = z.object({
  id: z.string(),
  title: z.string(),
  durationMinutes: z.number().int(),
  totalScore: z.number(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      instructions: z.string(),
      items: z.array(
        z.object({ itemId: z.string(), versionId: z.string(), position: z.number().int(), score: z.number(), item: z.unknown() }),
      ),
    }),
  ),
});

/** Automatic assembly (智能组卷): what the paper must contain. */
export const ZAssemblyConstraints = z.object({
  subject: ZSubject,
  grade: ZGradeLevel,
  bankIds: z.array(ZId).max(50).default([]),
  /** How many items of each type, in this order of sections, each with a per-item score. */
  sections: z
    .array(
      z.object({
        type: z.enum(ITEM_TYPES),
        count: z.number().int().min(1).max(100),
        scorePerItem: ZScore,
        title: z.string().trim().max(60).optional(),
      }),
    )
    .min(1, '至少指定一种题型'),
  /** Share of items per difficulty level, e.g. { "1": 0.3, "3": 0.5, "5": 0.2 } (normalised). */
  difficultyDistribution: z.record(z.string().regex(/^[1-5]$/), z.number().min(0)).optional(),
  /** Knowledge points the paper must touch (each by at least one item). */
  knowledgePointIds: z.array(ZId).max(100).default([]),
  /** Items to leave out (those a class has already done). */
  excludeItemIds: z.array(ZId).max(50_000).default([]),
  /** Expected total; when given and the sections do not add up to it, that is reported. */
  totalScore: z.number().positive().max(1000).optional(),
  seed: z.number().int().default(1),
});
export type TAssemblyConstraints = z.infer<typeof ZAssemblyConstraints>;
export const ZAssemblyShortfall = z.object({
  constraint: z.enum(['type_count', 'difficulty', 'knowledge_point', 'total_score']),
  message: z.string(),
  wanted: z.number(),
  achieved: z.number(),
  type: z.enum(ITEM_TYPES).optional(),
  difficulty: z.number().int().optional(),
  knowledgePointId: z.string().optional(),
});
export type TAssemblyShortfall = z.infer<typeof ZAssemblyShortfall>;
export const ZAssemblyResult = z.object({
  sections: z.array(
    z.object({ title: z.string(), type: z.enum(ITEM_TYPES), items: z.array(z.object({ itemId: z.string(), score: z.number() })) }),
  ),
  totalScore: z.number(),
  difficultyAchieved: z.record(z.string(), z.number()),
  knowledgePointsCovered: z.array(z.string()),
  shortfalls: z.array(ZAssemblyShortfall),
  candidates: z.number().int(),
  elapsedMs: z.number(),
});
export type TAssemblyResult = z.infer<typeof ZAssemblyResult>;

// QTI (IMS Question & Test Interoperability)
export const ZQtiImportQuery = z.object({ subject: ZSubject.optional(), grade: ZGradeLevel.optional() });
export const ZQtiImportReport = z.object({
  imported: z.array(
    z.object({ identifier: z.string(), itemId: z.string(), type: z.enum(ITEM_TYPES), title: z.string(), notes: z.array(z.string()) }),
  ),
  skipped: z.array(z.object({ identifier: z.string(), file: z.string(), reasons: z.array(z.string()) })),
  versions: z.array(z.enum(['2.1', '3.0'])),
});
export type TQtiImportReport = z.infer<typeof ZQtiImportReport>;
