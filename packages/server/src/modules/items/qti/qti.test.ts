import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gradeResponse, ZItemContent, type TGradable, type TItemContent } from '@qiming/shared';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DEMO_CHINESE_ITEMS, DEMO_MATH_ITEMS } from '../demo/demo-items.ts';
import { SHIPPED_KNOWLEDGE_POINTS } from '../knowledge-points.ts';
import { itemToQti3, qtiPackage } from './qti-export.ts';
import { convertQtiItem, QtiError, readQtiUpload } from './qti-import.ts';

const byId = new Map(SHIPPED_KNOWLEDGE_POINTS.map((k) => [k.id, k.code]));
const byCode = new Map(SHIPPED_KNOWLEDGE_POINTS.map((k) => [k.code, k.id]));
const defaults = { knowledgePointIdFor: (c: string) => byCode.get(c) ?? null };
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

/** Responses to try on an item: the key, something wrong, something partial. */
function probes(c: TGradable): unknown[] {
  switch (c.type) {
    case 'single_choice':
      return [{ choice: c.answer }, { choice: c.options.find((o) => o.id !== c.answer)!.id }];
    case 'multiple_choice':
      return [{ choices: c.answers }, { choices: c.answers.slice(0, 1) }, { choices: c.options.map((o) => o.id) }];
    case 'true_false':
      return [{ value: true }, { value: false }];
    case 'fill_blank':
      return [{ blanks: c.blanks.map((b) => b.accepted[0]) }, { blanks: c.blanks.map((b, i) => (i === 0 ? b.accepted.at(-1) : 'x')) }];
    case 'numeric':
      return [{ value: c.answer }, { value: '1' }];
    case 'matching':
      return [{ pairs: c.pairs }, { pairs: c.pairs.slice(0, 1) }];
    case 'ordering':
      return [{ order: c.order }, { order: [...c.order].reverse() }];
    case 'short_answer':
    case 'essay':
      return [{ text: '我的回答' }];
    case 'composite':
      return [{ parts: Object.fromEntries(c.parts.map((p) => [p.id, probes(p)[0]])) }];
  }
}

describe('QTI 3.0 round trip', () => {
  const all = [...DEMO_MATH_ITEMS, ...DEMO_CHINESE_ITEMS].map((x) => ZItemContent.parse(x));
  it.each(all.map((c, i) => [`${i + 1} ${c.type} ${c.stem.slice(0, 16)}`, c] as const))(
    '%s: export → import gives the same item and grading',
    (_, c) => {
      const xml = itemToQti3(c, 'item-1', '题目', byId);
      const back = convertQtiItem(xml, 'item-1.xml', defaults);
      if (!back.ok) throw new Error(back.reasons.join('; '));
      expect(back.version).toBe('3.0');
      expect(back.content).toEqual(c);
      for (const r of probes(c)) expect(gradeResponse(back.content, r)).toEqual(gradeResponse(c, r));
    },
  );

  it('uses the standard templates for single-response items', () => {
    expect(
      itemToQti3(
        all.find((c) => c.type === 'single_choice')!,
        'x',
        'x',
        byId,
      ),
    ).toContain('rptemplates/match_correct.xml');
    expect(
      itemToQti3(
        all.find((c) => c.type === 'matching' && c.scoring === 'per_pair')!,
        'x',
        'x',
        byId,
      ),
    ).toContain('rptemplates/map_response.xml');
  });
});

describe('QTI 2.1 and foreign 3.0 import', () => {
  const withDefaults = { ...defaults, subject: '数学', grade: 3 };
  it('choice with match_correct → single choice, with the lead-in, bold and feedback', () => {
    const r = convertQtiItem(fixture('choice-v21.xml'), 'choice-v21.xml', withDefaults);
    if (!r.ok) throw new Error(r.reasons.join());
    expect(r.version).toBe('2.1');
    expect(r.content).toMatchObject({
      type: 'single_choice',
      stem: '一个长方形长 **8** 厘米，宽 5 厘米。\n\n它的周长是多少厘米？',
      answer: 'ChoiceB',
      fixedOrder: false,
      explanation: '（长 + 宽）× 2 = 26',
      subject: '数学',
      grade: 3,
    });
    expect(gradeResponse(r.content, { choice: 'ChoiceB' }).isCorrect).toBe(true);
  });

  it('text entries with a mapping (synonyms) and a float → blanks, one numeric', () => {
    const r = convertQtiItem(fixture('text-entry-v21.xml'), 'te.xml', withDefaults);
    if (!r.ok) throw new Error(r.reasons.join());
    expect(r.content.type).toBe('fill_blank');
    const c = r.content as Extract<TItemContent, { type: 'fill_blank' }>;
    expect(c.stem).toBe('《静夜思》的作者是{{1}}；一半写成小数是{{2}}。');
    expect(c.blanks[0]!.accepted).toEqual(['李白', '李太白']);
    expect(c.blanks[1]!.numeric).toBeDefined();
    expect(c.score).toBe(2);
    expect(gradeResponse(c, { blanks: ['李太白', '1/2'] }).score).toBe(2);
  });

  it('match and order in one QTI 3 item → a composite with per-pair and exact scoring', () => {
    const r = convertQtiItem(fixture('match-order-v30.xml'), 'mo.xml', { ...withDefaults, subject: '语文' });
    if (!r.ok) throw new Error(r.reasons.join());
    const c = r.content as Extract<TItemContent, { type: 'composite' }>;
    expect(c.type).toBe('composite');
    expect(c.stem).toBe('完成下面两题。');
    expect(c.parts.map((p) => [p.type, p.score])).toEqual([
      ['matching', 2],
      ['ordering', 2],
    ]);
    expect(gradeResponse(c, { parts: { p1: { pairs: [{ left: 'L1', right: 'R1' }] }, p2: { order: ['a', 'b', 'c'] } } }).score).toBe(3);
  });

  it('inline choice → a single choice (with a note); extended text → a short answer for the teacher', () => {
    const r = convertQtiItem(fixture('inline-extended-v21.xml'), 'ie.xml', { ...withDefaults, subject: '语文' });
    if (!r.ok) throw new Error(r.reasons.join());
    const c = r.content as Extract<TItemContent, { type: 'composite' }>;
    expect(c.parts.map((p) => p.type)).toEqual(['single_choice', 'short_answer']);
    expect(c.stem).toBe('秋天到了，树叶（　　）了。');
    expect(r.notes).toContain('下拉选择（inline choice）已转为单选题');
  });

  it('reports what it cannot map, item by item', () => {
    const r = convertQtiItem(fixture('hotspot-v21.xml'), 'hs.xml', withDefaults);
    expect(r).toMatchObject({ ok: false, identifier: 'hs1', reasons: ['不支持的交互类型：hotspotInteraction'] });
    const noGrade = convertQtiItem(fixture('choice-v21.xml'), 'c.xml', defaults);
    expect(noGrade).toMatchObject({ ok: false, reasons: ['题目没有学科：请在导入时选择学科', '题目没有年级：请在导入时选择年级'] });
  });

  it('a file that is not QTI is an error', async () => {
    await expect(readQtiUpload(Buffer.from('<html><body>hi</body></html>'), 'x.xml')).rejects.toThrow(/不是 QTI 题目：根元素是 <html>/);
    await expect(readQtiUpload(Buffer.from('<assessmentItem'), 'x.xml')).rejects.toThrow(QtiError);
    await expect(readQtiUpload(Buffer.from('hello'), 'x.txt')).rejects.toThrow(/既不是/);
    const zip = new JSZip();
    zip.file('a.xml', fixture('choice-v21.xml'));
    await expect(readQtiUpload(await zip.generateAsync({ type: 'nodebuffer' }), 'p.zip')).rejects.toThrow(/imsmanifest/);
  });

  it('reads a content package through its manifest', async () => {
    const all = [...DEMO_MATH_ITEMS].slice(0, 3).map((x) => ZItemContent.parse(x));
    const pkg = await qtiPackage(
      all.map((c, i) => ({ identifier: `i${i}`, title: `t${i}`, xml: itemToQti3(c, `i${i}`, `t${i}`, byId) })),
      '包',
    );
    const docs = await readQtiUpload(pkg, 'p.zip');
    expect(docs.map((d) => d.file)).toEqual(['items/i0.xml', 'items/i1.xml', 'items/i2.xml']);
    expect(docs.map((d) => (convertQtiItem(d.xml, d.file, defaults) as { content: TItemContent }).content)).toEqual(all);
  });
});
