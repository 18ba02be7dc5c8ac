import { describe, expect, it } from 'vitest';
import { parseRichText, richTextToPlain } from './rich-text.ts';

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
});
