import type { TBlank, TGradable, TGradeResult, TTextNormalization } from '../schemas/items.ts';
import { normalizeText } from './normalize.ts';
import { judgeNumber, parseNumber, type ParsedNumber } from './numeric.ts';

/**
 * The grading engine: pure, synchronous, no I/O. Partial credit:
 * - multiple_choice: `all_or_nothing`; `partial_no_wrong` (default): the exact set earns the full
 *   score, a non-empty subset with no wrong pick half of it, any wrong pick 0; `proportional`:
 *   correct picks / correct options, any wrong pick 0.
 * - fill_blank: each blank earns score × its weight / total weight; with `anyOrder` the answers are
 *   matched to the blanks by a maximum bipartite matching, so “写出两个偶数” takes them in any order
 *   (the same answer twice counts once).
 * - matching: `per_pair` (default): score × correct key pairs / key pairs; `all_or_nothing`.
 * - ordering: `all_or_nothing` (default); `per_position`: share per element in its place;
 *   `adjacent_pairs`: share per neighbouring key pair kept adjacent and in order.
 * - short_answer: an accepted answer (after normalisation) is correct automatically; anything
 *   else waits for a teacher, with a keyword-based `suggestedScore`.
 * - essay: waits for a teacher. An empty answer to any type scores 0 without a teacher.
 * - composite: the sum of its parts; it needs a teacher when any part does.
 * Scores are rounded to 0.01. The response is assumed to have passed `checkResponseShape`; a
 * malformed one is graded as unanswered rather than throwing.
 */
export function gradeResponse(item: TGradable, response: unknown): TGradeResult {
  const r = (response && typeof response === 'object' ? response : {}) as Record<string, unknown>;
  const max = item.score;
  switch (item.type) {
    case 'single_choice': {
      const choice = typeof r.choice === 'string' ? r.choice : '';
      if (!choice) return unanswered(max);
      return auto(choice === item.answer ? max : 0, max, true);
    }
    case 'true_false': {
      if (typeof r.value !== 'boolean') return unanswered(max);
      return auto(r.value === item.answer ? max : 0, max, true);
    }
    case 'multiple_choice':
      return gradeMultiple(item, r.choices);
    case 'fill_blank':
      return gradeBlanks(item, r.blanks);
    case 'numeric': {
      const value = typeof r.value === 'string' ? r.value : '';
      if (!value.trim()) return unanswered(max);
      const verdict = judgeNumber(value, numericKey(item.answer), item.rule);
      return { ...auto(verdict.isCorrect ? max : 0, max, true), ...(verdict.reason ? { reason: verdict.reason } : {}) };
    }
    case 'matching':
      return gradeMatching(item, r.pairs);
    case 'ordering':
      return gradeOrdering(item, r.order);
    case 'short_answer': {
      const text = typeof r.text === 'string' ? r.text : '';
      if (!text.trim()) return unanswered(max);
      const norm = normalizeText(text, item.normalization);
      if (acceptedTexts(item).has(norm)) return auto(max, max, true);
      const suggested = item.keywords.length
        ? Math.min(
            max,
            keywordsOf(item).reduce((s, k) => (k.words.some((w) => norm.includes(w)) ? s + k.points : s), 0),
          )
        : undefined;
      return { ...manual(max), ...(suggested !== undefined ? { suggestedScore: round(suggested) } : {}) };
    }
    case 'essay': {
      const text = typeof r.text === 'string' ? r.text : '';
      return text.trim() ? manual(max) : unanswered(max);
    }
    case 'composite': {
      const given = (r.parts && typeof r.parts === 'object' ? r.parts : {}) as Record<string, unknown>;
      const parts = item.parts.map((p) => ({ id: p.id, result: gradeResponse(p, given[p.id]) }));
      const needsManual = parts.some((p) => p.result.needsManualGrading);
      const score = round(parts.reduce((s, p) => s + p.result.score, 0));
      return {
        score,
        maxScore: max,
        isCorrect: needsManual ? null : parts.every((p) => p.result.isCorrect === true),
        needsManualGrading: needsManual,
        isAnswered: parts.some((p) => p.result.isAnswered),
        parts,
      };
    }
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;
const auto = (score: number, maxScore: number, isAnswered: boolean): TGradeResult => {
  const s = round(score);
  return { score: s, maxScore, isCorrect: s >= maxScore, needsManualGrading: false, isAnswered };
};
const unanswered = (maxScore: number): TGradeResult => ({
  score: 0,
  maxScore,
  isCorrect: false,
  needsManualGrading: false,
  isAnswered: false,
});
const manual = (maxScore: number): TGradeResult => ({ score: 0, maxScore, isCorrect: null, needsManualGrading: true, isAnswered: true });

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function gradeMultiple(item: Extract<TGradable, { type: 'multiple_choice' }>, choices: unknown): TGradeResult {
  const picked = new Set(strings(choices));
  if (picked.size === 0) return unanswered(item.score);
  const key = new Set(item.answers);
  let right = 0;
  let wrong = 0;
  for (const c of picked) {
    if (key.has(c)) right++;
    else wrong++;
  }
  let score = 0;
  if (wrong === 0 && right === key.size) score = item.score;
  else if (wrong === 0 && item.scoring === 'partial_no_wrong') score = item.score / 2;
  else if (wrong === 0 && item.scoring === 'proportional') score = (item.score * right) / key.size;
  const options = item.options.map((o) => ({ id: o.id, isSelected: picked.has(o.id), isKey: key.has(o.id) }));
  return { ...auto(score, item.score, true), options };
}

// Normalised accepted answers and parsed numeric keys, computed once per item object.
const blankKeys = new WeakMap<TBlank, { texts: Set<string>; numbers: ParsedNumber[] }>();
const numericKeys = new Map<string, ParsedNumber>();
const acceptedCache = new WeakMap<object, Set<string>>();

function numericKey(answer: string): ParsedNumber {
  let k = numericKeys.get(answer);
  if (!k) {
    k = parseNumber(answer) ?? { value: Number.NaN, form: 'decimal' };
    if (numericKeys.size > 50_000) numericKeys.clear();
    numericKeys.set(answer, k);
  }
  return k;
}

function keysOf(blank: TBlank, norm: TTextNormalization) {
  let k = blankKeys.get(blank);
  if (!k) {
    k = {
      texts: new Set(blank.accepted.map((a) => normalizeText(a, norm))),
      numbers: blank.numeric ? blank.accepted.map((a) => numericKey(a)) : [],
    };
    blankKeys.set(blank, k);
  }
  return k;
}

function acceptedTexts(item: Extract<TGradable, { type: 'short_answer' }>): Set<string> {
  let s = acceptedCache.get(item);
  if (!s) {
    s = new Set(item.acceptedAnswers.map((a) => normalizeText(a, item.normalization)));
    acceptedCache.set(item, s);
  }
  return s;
}

const keywordCache = new WeakMap<object, { words: string[]; points: number }[]>();
function keywordsOf(item: Extract<TGradable, { type: 'short_answer' }>) {
  let k = keywordCache.get(item);
  if (!k) {
    k = item.keywords.map((g) => ({ words: g.words.map((w) => normalizeText(w, item.normalization)).filter(Boolean), points: g.points }));
    keywordCache.set(item, k);
  }
  return k;
}

function blankAccepts(blank: TBlank, norm: TTextNormalization, answer: string, normalized: string): boolean {
  if (!answer.trim()) return false;
  const keys = keysOf(blank, norm);
  if (blank.numeric) {
    const rule = blank.numeric;
    return keys.numbers.some((k) => judgeNumber(answer, k, rule).isCorrect);
  }
  return keys.texts.has(normalized);
}

function gradeBlanks(item: Extract<TGradable, { type: 'fill_blank' }>, given: unknown): TGradeResult {
  const answers = strings(given);
  if (!answers.some((a) => a.trim())) return unanswered(item.score);
  const totalWeight = item.blanks.reduce((s, b) => s + b.weight, 0);
  const normalized = answers.map((a) => normalizeText(a, item.normalization));
  const correct: boolean[] = item.blanks.map(() => false);
  if (!item.anyOrder) {
    item.blanks.forEach((b, i) => {
      correct[i] = blankAccepts(b, item.normalization, answers[i] ?? '', normalized[i] ?? '');
    });
  } else {
    // maximum bipartite matching of answer positions to blanks (Kuhn's algorithm; n ≤ 30)
    const n = item.blanks.length;
    // the same answer written twice earns one blank, not two
    const firstOf = new Map<string, number>();
    normalized.forEach((a, i) => firstOf.has(a) || firstOf.set(a, i));
    const ok: boolean[][] = [];
    for (let i = 0; i < n; i++) {
      const a = answers[i] ?? '';
      const eligible = firstOf.get(normalized[i] ?? '') === i;
      ok.push(item.blanks.map((b) => eligible && blankAccepts(b, item.normalization, a, normalized[i] ?? '')));
    }
    const owner: number[] = new Array<number>(n).fill(-1);
    const seen: boolean[] = new Array<boolean>(n);
    const tryAssign = (i: number): boolean => {
      for (let j = 0; j < n; j++) {
        if (seen[j] || !ok[i]![j]) continue;
        seen[j] = true;
        if (owner[j] === -1 || tryAssign(owner[j]!)) {
          owner[j] = i;
          return true;
        }
      }
      return false;
    };
    for (let i = 0; i < n; i++) {
      seen.fill(false);
      tryAssign(i);
    }
    owner.forEach((i) => {
      if (i >= 0) correct[i] = true;
    });
  }
  const blanks = item.blanks.map((b, i) => {
    const maxScore = round((item.score * b.weight) / totalWeight);
    return { id: b.id, isCorrect: correct[i]!, score: correct[i] ? maxScore : 0, maxScore };
  });
  const score = correct.every(Boolean) ? item.score : blanks.reduce((s, b) => s + b.score, 0);
  return { ...auto(score, item.score, true), blanks };
}

function gradeMatching(item: Extract<TGradable, { type: 'matching' }>, given: unknown): TGradeResult {
  const chosen = new Map<string, string>();
  if (Array.isArray(given)) {
    for (const p of given as { left?: unknown; right?: unknown }[]) {
      if (p && typeof p.left === 'string' && typeof p.right === 'string' && !chosen.has(p.left)) chosen.set(p.left, p.right);
    }
  }
  if (chosen.size === 0) return unanswered(item.score);
  const pairs = item.pairs.map((k) => ({ left: k.left, right: chosen.get(k.left) ?? null, isCorrect: chosen.get(k.left) === k.right }));
  const right = pairs.filter((p) => p.isCorrect).length;
  const all = right === item.pairs.length;
  const score = all ? item.score : item.scoring === 'per_pair' ? (item.score * right) / item.pairs.length : 0;
  return { ...auto(score, item.score, true), pairs };
}

function gradeOrdering(item: Extract<TGradable, { type: 'ordering' }>, given: unknown): TGradeResult {
  const order = strings(given);
  if (order.length === 0) return unanswered(item.score);
  const key = item.order;
  const positions = key.map((_, i) => ({ id: order[i] ?? null, isCorrect: order[i] === key[i] }));
  const exact = order.length === key.length && positions.every((p) => p.isCorrect);
  let score = 0;
  if (exact) score = item.score;
  else if (item.scoring === 'per_position') score = (item.score * positions.filter((p) => p.isCorrect).length) / key.length;
  else if (item.scoring === 'adjacent_pairs') {
    const at = new Map(order.map((id, i) => [id, i]));
    let kept = 0;
    for (let i = 0; i + 1 < key.length; i++) {
      const a = at.get(key[i]!);
      const b = at.get(key[i + 1]!);
      if (a !== undefined && b === a + 1) kept++;
    }
    score = (item.score * kept) / (key.length - 1);
  }
  return { ...auto(score, item.score, true), positions };
}
