import { describe, expect, it } from 'vitest';
import { parseRichText, richTextPreview, richTextToPlain, texToPlain } from './rich-text.ts';

describe('rich text', () => {
  it('parses formulas, images, emphasis, blanks and paragraphs', () => {
    expect(parseRichText('计算 $\\frac{1}{2}+\\frac{1}{3}$ 的值：{{1}}\n第二行\n\n**注意**：![图](/a.png)')).toEqual([
      [
        { t: 'text', v: '计算 ' },
        { t: 'math', v: '\\frac{1}{2}+\\frac{1}{3}', display: false },
        { t: 'text', v: ' 的值：' },
        { t: 'blank', n: 1 },
        { t: 'br' },
        { t: 'text', v: '第二行' },
      ],
      [
        { t: 'b', children: [{ t: 'text', v: '注意' }] },
        { t: 'text', v: '：' },
        { t: 'img', alt: '图', src: '/a.png' },
      ],
    ]);
  });
  it('display math, escaped dollars, underline and italics', () => {
    expect(parseRichText('$$x^2$$ 价格 \\$5 __重点__ *斜*')).toEqual([
      [
        { t: 'math', v: 'x^2', display: true },
        { t: 'text', v: ' 价格 $5 ' },
        { t: 'u', children: [{ t: 'text', v: '重点' }] },
        { t: 'text', v: ' ' },
        { t: 'i', children: [{ t: 'text', v: '斜' }] },
      ],
    ]);
  });
  it('HTML stays text', () => {
    expect(parseRichText('<script>alert(1)</script>')).toEqual([[{ t: 'text', v: '<script>alert(1)</script>' }]]);
  });
  it('plain text for search and previews', () => {
    expect(richTextToPlain('**小明**有 $3$ 个苹果 ![苹果](/a.png)，{{1}}')).toBe('小明有 3 个苹果 [图：苹果]，____');
  });
  it('plain text writes formulas as a reader would, not as TeX', () => {
    expect(richTextToPlain('计算：$\\frac{1}{2} + \\frac{1}{3}$ =（结果写成最简分数）')).toBe('计算：1/2 + 1/3 =（结果写成最简分数）');
  });
  it('one-line previews fold spaces and cut long text', () => {
    expect(richTextPreview('第一行\n\n第二行   有  空格')).toBe('第一行 第二行 有 空格');
    expect(richTextPreview('长'.repeat(100), 10)).toBe(`${'长'.repeat(9)}…`);
  });
});

describe('TeX as plain text', () => {
  it.each([
    ['\\frac{1}{2}', '1/2'],
    ['\\dfrac{3}{8}', '3/8'],
    ['\\frac12', '1/2'],
    ['\\frac{a+b}{2}', '(a+b)/2'],
    ['\\frac{\\frac{1}{2}}{3}', '(1/2)/3'],
    ['125 \\times 8 =', '125 × 8 ='],
    ['36 \\div 4', '36 ÷ 4'],
    ['3 \\cdot 4', '3 · 4'],
    ['x^2 + y^{10}', 'x² + y¹⁰'],
    ['2^{n}', '2ⁿ'],
    ['a^{b+c}', 'a^(b+c)'],
    ['a_1 + a_{12}', 'a₁ + a₁₂'],
    ['\\sqrt{2}', '√2'],
    ['\\sqrt{a+b}', '√(a+b)'],
    ['\\sqrt[3]{8}', '³√8'],
    ['5 \\le x \\leq 7, y \\ne 0', '5 ≤ x ≤ 7, y ≠ 0'],
    ['\\angle A = 90^\\circ', '∠ A = 90°'],
    ['3.14 \\approx \\pi', '3.14 ≈ π'],
    ['50\\%', '50%'],
    ['\\text{米} + 20\\,\\text{厘米}', '米 + 20 厘米'],
    ['\\left( 1 + 2 \\right) \\times 3', '( 1 + 2 ) × 3'],
    ['\\overline{AB}', 'AB'],
    ['\\unknowncommand x', 'x'],
    ['', ''],
  ])('%s → %s', (tex, plain) => {
    expect(texToPlain(tex)).toBe(plain);
  });
});
