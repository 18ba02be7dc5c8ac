import { describe, expect, it } from 'vitest';
import { ZItemContent, type TItemContent, type TItemContentInput } from '../schemas/items.ts';
import { gradeResponse } from './grade.ts';
import { normalizeText } from './normalize.ts';
import { parseNumber } from './numeric.ts';
import { checkResponseShape } from './response-shape.ts';

const meta = { subject: '数学', grade: 3, score: 4 } as const;
const item = (x: Record<string, unknown>): TItemContent => ZItemContent.parse({ ...meta, ...x } as TItemContentInput);
const opts = (...ids: string[]) => ids.map((id) => ({ id, text: `选项${id}` }));

describe('normalizeText', () => {
  const d = { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: false };
  it.each([
    ['ＡＢＣ', 'abc'],
    ['１２３', '123'],
    ['长　江', '长江'],
    ['春 天 来 了', '春天来了'],
    ['你好。', '你好.'],
    ['你好.', '你好.'],
    ['“春”', '"春"'],
    ['(1)', '(1)'],
    ['（1）', '(1)'],
    ['a，b', 'a,b'],
    ['a、b', 'a,b'],
    ['《静夜思》', '<静夜思>'],
    ['Hello World', 'helloworld'],
    ['——', '--'],
  ])('%s → %s', (input, out) => expect(normalizeText(input, d)).toBe(out));

  it('keeps case and single spaces when told to', () => {
    expect(normalizeText('  Hello   World ', { ignoreCase: false, ignoreSpaces: false, ignorePunctuation: false })).toBe('Hello World');
  });
  it('drops punctuation when told to', () => {
    expect(normalizeText('对！', { ...d, ignorePunctuation: true })).toBe('对');
    expect(normalizeText('《静夜思》。', { ...d, ignorePunctuation: true })).toBe('静夜思');
  });
});

describe('parseNumber', () => {
  it.each([
    ['12', 12, 'decimal'],
    ['-3.5', -3.5, 'decimal'],
    ['.5', 0.5, 'decimal'],
    ['+7', 7, 'decimal'],
    ['１２', 12, 'decimal'],
    ['０．５', 0.5, 'decimal'],
    ['1,000', 1000, 'decimal'],
    ['1，000', 1000, 'decimal'],
    ['12,345.6', 12345.6, 'decimal'],
    ['1/2', 0.5, 'fraction'],
    ['1 / 2', 0.5, 'fraction'],
    ['-3/4', -0.75, 'fraction'],
    ['１／２', 0.5, 'fraction'],
    ['4分之3', 0.75, 'fraction'],
    ['1又1/2', 1.5, 'mixed'],
    ['1 1/2', 1.5, 'mixed'],
    ['2又3/4', 2.75, 'mixed'],
    ['50%', 0.5, 'percent'],
    ['12.5%', 0.125, 'percent'],
    ['５０％', 0.5, 'percent'],
    ['百分之25', 0.25, 'percent'],
  ])('%s = %d (%s)', (raw, value, form) => {
    const p = parseNumber(raw);
    expect(p?.value).toBeCloseTo(value, 12);
    expect(p?.form).toBe(form);
  });
  it.each(['', 'abc', '1/0', '1,00', '12,34', '1又5/4', '1..2', '3元'])('%s is not a number', (raw) => expect(parseNumber(raw)).toBeNull());
  it('strips the configured units only', () => {
    expect(parseNumber('3元', ['元'])?.value).toBe(3);
    expect(parseNumber('3 元', ['元'])?.value).toBe(3);
    expect(parseNumber('25平方厘米', ['平方厘米', '厘米'])?.value).toBe(25);
    expect(parseNumber('3米', ['元'])).toBeNull();
  });
});

describe('single choice and true/false', () => {
  const sc = item({ type: 'single_choice', stem: '3+4=?', options: opts('A', 'B', 'C'), answer: 'B' });
  it('right, wrong, empty', () => {
    expect(gradeResponse(sc, { choice: 'B' })).toMatchObject({ score: 4, isCorrect: true, needsManualGrading: false, isAnswered: true });
    expect(gradeResponse(sc, { choice: 'A' })).toMatchObject({ score: 0, isCorrect: false, isAnswered: true });
    expect(gradeResponse(sc, { choice: '' })).toMatchObject({ score: 0, isCorrect: false, isAnswered: false });
    expect(gradeResponse(sc, null)).toMatchObject({ score: 0, isAnswered: false });
    expect(gradeResponse(sc, { choices: ['B'] })).toMatchObject({ score: 0, isAnswered: false });
  });
  const tf = item({ type: 'true_false', stem: '0 是自然数。', answer: true });
  it('true/false', () => {
    expect(gradeResponse(tf, { value: true }).score).toBe(4);
    expect(gradeResponse(tf, { value: false }).score).toBe(0);
    expect(gradeResponse(tf, { value: 'true' }).isAnswered).toBe(false);
  });
});

describe('multiple choice', () => {
  const mk = (scoring: string) =>
    item({ type: 'multiple_choice', stem: '哪些是偶数？', options: opts('A', 'B', 'C', 'D'), answers: ['A', 'C', 'D'], scoring });
  it.each([
    ['partial_no_wrong', ['A', 'C', 'D'], 4, true],
    ['partial_no_wrong', ['D', 'C', 'A'], 4, true],
    ['partial_no_wrong', ['A', 'C'], 2, false],
    ['partial_no_wrong', ['A'], 2, false],
    ['partial_no_wrong', ['A', 'B'], 0, false],
    ['partial_no_wrong', ['A', 'B', 'C', 'D'], 0, false],
    ['all_or_nothing', ['A', 'C'], 0, false],
    ['all_or_nothing', ['A', 'C', 'D'], 4, true],
    ['proportional', ['A'], 1.33, false],
    ['proportional', ['A', 'C'], 2.67, false],
    ['proportional', ['A', 'C', 'B'], 0, false],
  ])('%s %j → %d', (scoring, choices, score, correct) => {
    const r = gradeResponse(mk(scoring as string), { choices });
    expect(r.score).toBe(score);
    expect(r.isCorrect).toBe(correct);
  });
  it('reports each option picked or missed', () => {
    const r = gradeResponse(mk('partial_no_wrong'), { choices: ['A', 'B'] });
    expect(r.options).toEqual([
      { id: 'A', isSelected: true, isKey: true },
      { id: 'B', isSelected: true, isKey: false },
      { id: 'C', isSelected: false, isKey: true },
      { id: 'D', isSelected: false, isKey: true },
    ]);
    expect(gradeResponse(mk('partial_no_wrong'), { choices: [] }).isAnswered).toBe(false);
  });
});

describe('fill in the blank', () => {
  const fb = item({
    type: 'fill_blank',
    stem: '《静夜思》的作者是{{1}}，他是{{2}}代诗人。',
    blanks: [
      { id: 'b1', accepted: ['李白', '李太白'] },
      { id: 'b2', accepted: ['唐', '唐朝'] },
    ],
  });
  it.each([
    [['李白', '唐'], 4],
    [['李太白', '唐朝'], 4],
    [[' 李 白 ', '唐。'], 2],
    [['李白', '宋'], 2],
    [['杜甫', '唐'], 2],
    [['', ''], 0],
    [['李白'], 2],
  ])('%j → %d', (blanks, score) => expect(gradeResponse(fb, { blanks }).score).toBe(score));
  it('folds width, case and punctuation as configured', () => {
    const en = item({
      type: 'fill_blank',
      stem: 'apple 的意思是{{1}}，写出大写的 A：{{2}}',
      blanks: [
        { id: 'x', accepted: ['苹果'] },
        { id: 'y', accepted: ['A'] },
      ],
    });
    expect(gradeResponse(en, { blanks: ['苹果', 'ａ'] }).score).toBe(4);
    const strict = item({
      type: 'fill_blank',
      stem: '写出大写的 A：{{1}}',
      blanks: [{ id: 'y', accepted: ['A'] }],
      normalization: { ignoreCase: false, ignoreSpaces: true, ignorePunctuation: false },
    });
    expect(gradeResponse(strict, { blanks: ['a'] }).score).toBe(0);
    expect(gradeResponse(strict, { blanks: ['Ａ'] }).score).toBe(4);
    const punct = item({
      type: 'fill_blank',
      stem: '{{1}}',
      blanks: [{ id: 'y', accepted: ['春眠不觉晓'] }],
      normalization: { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: true },
    });
    expect(gradeResponse(punct, { blanks: ['春眠不觉晓，'] }).score).toBe(4);
  });
  it('weights blanks and reports each', () => {
    const w = item({
      type: 'fill_blank',
      stem: '{{1}} {{2}}',
      score: 6,
      blanks: [
        { id: 'a', accepted: ['1'], weight: 2 },
        { id: 'b', accepted: ['2'] },
      ],
    });
    const r = gradeResponse(w, { blanks: ['1', '3'] });
    expect(r.score).toBe(4);
    expect(r.blanks).toEqual([
      { id: 'a', isCorrect: true, score: 4, maxScore: 4 },
      { id: 'b', isCorrect: false, score: 0, maxScore: 2 },
    ]);
  });
  it('thirds add up to the full score', () => {
    const t = item({
      type: 'fill_blank',
      stem: '{{1}}{{2}}{{3}}',
      score: 1,
      blanks: ['a', 'b', 'c'].map((id) => ({ id, accepted: [id] })),
    });
    expect(gradeResponse(t, { blanks: ['a', 'b', 'c'] }).score).toBe(1);
    expect(gradeResponse(t, { blanks: ['a', 'b', 'x'] }).score).toBe(0.66);
  });
  it('numeric blanks accept equivalent numbers', () => {
    const n = item({ type: 'fill_blank', stem: '一半是{{1}}', blanks: [{ id: 'a', accepted: ['1/2'], numeric: {} }] });
    for (const v of ['0.5', '50%', '2/4', '１／２', '.5']) expect(gradeResponse(n, { blanks: [v] }).score).toBe(4);
    expect(gradeResponse(n, { blanks: ['0.6'] }).score).toBe(0);
  });
  it('any order: each accepted set used once, best matching', () => {
    const any = item({
      type: 'fill_blank',
      stem: '写出两个偶数：{{1}}、{{2}}',
      anyOrder: true,
      blanks: [
        { id: 'a', accepted: ['2', '4'] },
        { id: 'b', accepted: ['4'] },
      ],
    });
    expect(gradeResponse(any, { blanks: ['4', '2'] }).score).toBe(4);
    expect(gradeResponse(any, { blanks: ['2', '4'] }).score).toBe(4);
    expect(gradeResponse(any, { blanks: ['4', '4'] }).score).toBe(2);
    expect(gradeResponse(any, { blanks: ['6', '2'] }).score).toBe(2);
  });
});

describe('numeric', () => {
  const n = (answer: string, rule: Record<string, unknown> = {}) => item({ type: 'numeric', stem: '计算', answer, rule });
  it.each([
    ['0.5', '1/2', true],
    ['0.5', '50%', true],
    ['0.5', '2/4', true],
    ['1/2', '0.5', true],
    ['1/2', '0.50', true],
    ['1/3', '0.333', false],
    ['1/3', '2/6', true],
    ['1.5', '1又1/2', true],
    ['1.5', '1 1/2', true],
    ['1.5', '3/2', true],
    ['1又1/2', '1.5', true],
    ['25%', '0.25', true],
    ['25%', '1/4', true],
    ['1000', '1,000', true],
    ['1000', '1，000', true],
    ['1000', '１０００', true],
    ['12', '12.0', true],
    ['-3', '−3', true],
    ['0.3', '0.1', false],
    ['12', '12元', false],
    ['12', '', false],
    ['12', 'twelve', false],
  ])('key %s, answer %s → %s', (key, answer, ok) => expect(gradeResponse(n(key), { value: answer }).isCorrect).toBe(ok));

  it('floating point noise is not a wrong answer', () => {
    expect(gradeResponse(n('0.3'), { value: '0.30000000000000004' }).isCorrect).toBe(true);
  });
  it('tolerance', () => {
    expect(gradeResponse(n('3.14', { tolerance: 0.01 }), { value: '3.149' }).isCorrect).toBe(true);
    expect(gradeResponse(n('3.14', { tolerance: 0.01 }), { value: '3.16' }).isCorrect).toBe(false);
    expect(gradeResponse(n('1/3', { tolerance: 0.001 }), { value: '0.333' }).isCorrect).toBe(true);
  });
  it('without equivalent forms the key’s form is required', () => {
    const f = n('1/2', { equivalentForms: false });
    expect(gradeResponse(f, { value: '2/4' }).isCorrect).toBe(true);
    expect(gradeResponse(f, { value: '0.5' })).toMatchObject({ isCorrect: false, reason: 'wrong_form' });
    expect(gradeResponse(n('50%', { equivalentForms: false }), { value: '0.5' }).isCorrect).toBe(false);
    expect(gradeResponse(n('3', { equivalentForms: false }), { value: '3.0' }).isCorrect).toBe(true);
  });
  it('simplest fraction', () => {
    const s = n('1/2', { requireSimplestFraction: true });
    expect(gradeResponse(s, { value: '1/2' }).isCorrect).toBe(true);
    expect(gradeResponse(s, { value: '2/4' })).toMatchObject({ isCorrect: false, reason: 'not_simplest' });
    expect(gradeResponse(n('1.5', { requireSimplestFraction: true }), { value: '1又2/4' }).reason).toBe('not_simplest');
    expect(gradeResponse(n('1.5', { requireSimplestFraction: true }), { value: '1又1/2' }).isCorrect).toBe(true);
  });
  it('units stripped where configured', () => {
    const u = n('12', { units: ['元', '块'] });
    expect(gradeResponse(u, { value: '12元' }).isCorrect).toBe(true);
    expect(gradeResponse(u, { value: '12 块' }).isCorrect).toBe(true);
    expect(gradeResponse(u, { value: '12' }).isCorrect).toBe(true);
    expect(gradeResponse(u, { value: '12米' })).toMatchObject({ isCorrect: false, reason: 'unparseable' });
  });
  it('unanswered', () => {
    expect(gradeResponse(n('1'), { value: '  ' }).isAnswered).toBe(false);
  });
});

describe('matching', () => {
  const m = (scoring = 'per_pair') =>
    item({
      type: 'matching',
      stem: '连一连',
      left: opts('l1', 'l2', 'l3', 'l4'),
      right: opts('r1', 'r2', 'r3', 'r4', 'r5'),
      pairs: [
        { left: 'l1', right: 'r1' },
        { left: 'l2', right: 'r2' },
        { left: 'l3', right: 'r3' },
        { left: 'l4', right: 'r4' },
      ],
      scoring,
    });
  const all = [
    { left: 'l1', right: 'r1' },
    { left: 'l2', right: 'r2' },
    { left: 'l3', right: 'r3' },
    { left: 'l4', right: 'r4' },
  ];
  it('per pair', () => {
    expect(gradeResponse(m(), { pairs: all })).toMatchObject({ score: 4, isCorrect: true });
    expect(gradeResponse(m(), { pairs: all.slice(0, 3) }).score).toBe(3);
    expect(gradeResponse(m(), { pairs: [...all.slice(0, 2), { left: 'l3', right: 'r5' }, { left: 'l4', right: 'r3' }] }).score).toBe(2);
    expect(gradeResponse(m(), { pairs: [] }).isAnswered).toBe(false);
  });
  it('all or nothing', () => {
    expect(gradeResponse(m('all_or_nothing'), { pairs: all.slice(0, 3) }).score).toBe(0);
    expect(gradeResponse(m('all_or_nothing'), { pairs: all }).score).toBe(4);
  });
  it('reports each left item', () => {
    const r = gradeResponse(m(), { pairs: [{ left: 'l1', right: 'r2' }] });
    expect(r.pairs![0]).toEqual({ left: 'l1', right: 'r2', isCorrect: false });
    expect(r.pairs![1]).toEqual({ left: 'l2', right: null, isCorrect: false });
  });
});

describe('ordering', () => {
  const o = (scoring = 'all_or_nothing') =>
    item({ type: 'ordering', stem: '排序', elements: opts('a', 'b', 'c', 'd', 'e'), order: ['a', 'b', 'c', 'd', 'e'], scoring });
  it.each([
    ['all_or_nothing', ['a', 'b', 'c', 'd', 'e'], 4],
    ['all_or_nothing', ['a', 'b', 'c', 'e', 'd'], 0],
    ['per_position', ['a', 'b', 'c', 'e', 'd'], 2.4],
    ['per_position', ['e', 'd', 'c', 'b', 'a'], 0.8],
    ['adjacent_pairs', ['b', 'c', 'd', 'e', 'a'], 3],
    ['adjacent_pairs', ['e', 'd', 'c', 'b', 'a'], 0],
    ['adjacent_pairs', ['a', 'b', 'c', 'd', 'e'], 4],
    ['per_position', ['a', 'b'], 1.6],
  ])('%s %j → %d', (scoring, order, score) => expect(gradeResponse(o(scoring as string), { order }).score).toBe(score));
});

describe('short answer and essay', () => {
  const sa = item({
    type: 'short_answer',
    stem: '“春眠不觉晓”的下一句是什么？',
    acceptedAnswers: ['处处闻啼鸟'],
    keywords: [
      { words: ['啼鸟', '鸟叫'], points: 2 },
      { words: ['处处'], points: 2 },
    ],
  });
  it('an accepted answer is graded automatically', () => {
    expect(gradeResponse(sa, { text: '处处闻啼鸟。' })).toMatchObject({ score: 4, isCorrect: true, needsManualGrading: false });
  });
  it('anything else waits for a teacher, with a suggested score', () => {
    expect(gradeResponse(sa, { text: '到处听到鸟叫' })).toMatchObject({
      score: 0,
      isCorrect: null,
      needsManualGrading: true,
      suggestedScore: 2,
    });
    expect(gradeResponse(sa, { text: '不知道' })).toMatchObject({ needsManualGrading: true, suggestedScore: 0 });
    expect(gradeResponse(sa, { text: '' })).toMatchObject({ needsManualGrading: false, isAnswered: false, score: 0 });
  });
  const essay = item({
    type: 'essay',
    stem: '写一写你的妈妈',
    score: 30,
    rubric: [
      { id: 'c', name: '内容', points: 20 },
      { id: 'l', name: '语言', points: 10 },
    ],
  });
  it('essays always wait for a teacher unless empty', () => {
    expect(gradeResponse(essay, { text: '我的妈妈……' })).toMatchObject({ needsManualGrading: true, isCorrect: null, maxScore: 30 });
    expect(gradeResponse(essay, { text: ' ' })).toMatchObject({ needsManualGrading: false, score: 0 });
  });
});

describe('composite', () => {
  const c = item({
    type: 'composite',
    subject: '语文',
    stem: '阅读短文，回答问题。',
    score: 10,
    parts: [
      { id: 'p1', type: 'single_choice', stem: '短文写的是哪个季节？', score: 3, options: opts('A', 'B'), answer: 'A' },
      { id: 'p2', type: 'fill_blank', stem: '作者看到了{{1}}。', score: 3, blanks: [{ id: 'b', accepted: ['柳树'] }] },
      { id: 'p3', type: 'short_answer', stem: '你喜欢春天吗？为什么？', score: 4 },
    ],
  });
  it('sums parts; needs a teacher while a part does', () => {
    const r = gradeResponse(c, { parts: { p1: { choice: 'A' }, p2: { blanks: ['柳树'] }, p3: { text: '喜欢，因为花开了' } } });
    expect(r).toMatchObject({ score: 6, maxScore: 10, isCorrect: null, needsManualGrading: true });
    expect(r.parts!.map((p) => p.result.score)).toEqual([3, 3, 0]);
  });
  it('all auto parts right → correct', () => {
    const r = gradeResponse(c, { parts: { p1: { choice: 'A' }, p2: { blanks: ['柳树'] } } });
    expect(r).toMatchObject({ score: 6, isCorrect: false, needsManualGrading: false, isAnswered: true });
    expect(gradeResponse(c, {}).isAnswered).toBe(false);
  });
});

describe('item validation', () => {
  it('lists every cross-field problem', () => {
    const r = ZItemContent.safeParse({
      ...meta,
      type: 'fill_blank',
      stem: '只有{{1}}一个标记',
      blanks: [
        { id: 'a', accepted: ['x'] },
        { id: 'a', accepted: [] },
      ],
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('每个空至少有一个答案');
    expect(messages.some((m) => m.includes('{{1}}、{{2}}'))).toBe(true);
    expect(messages.some((m) => m.includes('重复'))).toBe(true);
  });
  it('answers must be options; composite scores must add up; rubric must match score', () => {
    expect(ZItemContent.safeParse({ ...meta, type: 'single_choice', stem: 'x', options: opts('A', 'B'), answer: 'C' }).success).toBe(false);
    const bad = ZItemContent.safeParse({
      ...meta,
      type: 'composite',
      stem: 'p',
      score: 5,
      parts: [{ id: 'p1', type: 'essay', stem: 'e', score: 4, rubric: [{ id: 'c', name: '内容', points: 3 }] }],
    });
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['parts.0.rubric', 'score']);
  });
  it('refuses unsafe images and unbalanced formulas', () => {
    const r = ZItemContent.safeParse({ ...meta, type: 'true_false', stem: '![x](javascript:alert(1)) $x', answer: true });
    expect(r.error!.issues.map((i) => i.message)).toEqual([expect.stringContaining('图片地址'), '公式的 $ 符号没有成对']);
    expect(
      ZItemContent.safeParse({ ...meta, type: 'true_false', stem: '![x](/api/files/a.png) $\\frac12$ 价格 \\$5', answer: true }).success,
    ).toBe(true);
  });
  it('refuses a bad numeric key', () => {
    expect(ZItemContent.safeParse({ ...meta, type: 'numeric', stem: 'x', answer: '1/0' }).success).toBe(false);
    expect(ZItemContent.safeParse({ ...meta, type: 'numeric', stem: 'x', answer: '十二' }).success).toBe(false);
  });
});

describe('checkResponseShape', () => {
  const sc = item({ type: 'single_choice', stem: 'x', options: opts('A', 'B'), answer: 'A' });
  const fb = item({
    type: 'fill_blank',
    stem: '{{1}}{{2}}',
    blanks: [
      { id: 'a', accepted: ['1'] },
      { id: 'b', accepted: ['2'] },
    ],
  });
  const mt = item({ type: 'matching', stem: 'x', left: opts('l1', 'l2'), right: opts('r1', 'r2'), pairs: [{ left: 'l1', right: 'r1' }] });
  const comp = item({
    type: 'composite',
    stem: 'p',
    score: 4,
    parts: [{ id: 'p1', type: 'true_false', stem: 'q', score: 4, answer: true }],
  });
  it('accepts good and empty responses', () => {
    expect(checkResponseShape(sc, { choice: 'A' })).toEqual([]);
    expect(checkResponseShape(sc, null)).toEqual([]);
    expect(checkResponseShape(fb, { blanks: ['', '2'] })).toEqual([]);
    expect(checkResponseShape(comp, { parts: { p1: { value: true } } })).toEqual([]);
  });
  it('lists every problem with its path', () => {
    expect(checkResponseShape(sc, { choice: 'Z', extra: 1 }).map((i) => i.path.join('.'))).toEqual(['extra', 'choice']);
    expect(checkResponseShape(sc, 'A')).toHaveLength(1);
    expect(checkResponseShape(fb, { blanks: ['1'] })[0]!.message).toContain('应有 2 个空');
    expect(checkResponseShape(fb, { blanks: [1, 2] }).map((i) => i.path.join('.'))).toEqual(['blanks.0', 'blanks.1']);
    expect(
      checkResponseShape(mt, { pairs: [{ left: 'l1', right: 'r9' }, { left: 'l1', right: 'r2' }, 'x'] }).map((i) => i.path.join('.')),
    ).toEqual(['pairs.0.right', 'pairs.1.left', 'pairs.2']);
    expect(checkResponseShape(comp, { parts: { p1: { value: 'yes' }, p9: {} } }).map((i) => i.path.join('.'))).toEqual([
      'parts.p1.value',
      'parts.p9',
    ]);
  });
});

describe('normalizeText fast path agrees with NFKC', () => {
  const samples = [
    '李 白',
    'ＡＢＣ　ｄｅｆ',
    '“你好”。',
    '①②',
    'x²',
    '⼈',
    '豈',
    'ｶﾀｶﾅ',
    'Ärger',
    'Ｈｅｌｌｏ，Ｗｏｒｌｄ！',
    '𝐀𝐁',
    '  多  个  空格 ',
    '（１）',
    '—–−·・～〜⁄',
  ];
  const all = [
    { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: false },
    { ignoreCase: false, ignoreSpaces: false, ignorePunctuation: false },
    { ignoreCase: true, ignoreSpaces: false, ignorePunctuation: true },
  ];
  const reference = (s: string, o: (typeof all)[number]) => {
    let r = s
      .normalize('NFKC')
      .replace(/[。、“”‘’《》〈〉【】〔〕「」『』—–−·・～〜⁄]/g, (c) =>
        normalizeText(c, { ignoreCase: false, ignoreSpaces: false, ignorePunctuation: false }),
      );
    if (o.ignoreCase) r = r.toLowerCase();
    r = o.ignoreSpaces ? r.replace(/\s+/g, '') : r.replace(/\s+/g, ' ').trim();
    return o.ignorePunctuation ? r.replace(/[\p{P}<>]/gu, '') : r;
  };
  for (const o of all) for (const s of samples) it(`${JSON.stringify(o)} ${s}`, () => expect(normalizeText(s, o)).toBe(reference(s, o)));
});
