import { describe, expect, it } from 'vitest';
import { escapeHtml, highlight, snippet } from './highlight.ts';
import { parseQuery, phrases, toPrefixTsquery, toTsquery } from './query.ts';
import { initials, looksLikeInitials, segmentDocument, segmentQuery, splitCompound, titleInitials } from './segment.ts';
import { synonymsOf } from './synonyms.ts';

describe('segmentation', () => {
  it.each([
    ['分数的初步认识', ['分数', '初步', '认识']],
    ['长方形和正方形的周长', ['长方', '方形', '长方形', '正方', '方形', '正方形', '周长']],
    ['微课：圆的面积', ['微课', '圆', '面积']],
    ['《草船借箭》导学案', ['草船', '草船借箭', '学案', '导学案']],
    ['ＰＰＴ课件', ['ppt', '课件']],
    ['Unit 3 My friends', ['unit', '3', 'my', 'friends']],
    ['', []],
  ])('document %s', (text, expected) => {
    expect(segmentDocument(text)).toEqual(expected);
  });

  it.each([
    ['分数', ['分数']],
    ['三年级 分数 课件', ['三年级', '分数', '课件']],
    ['分数的加法和减法', ['分数', '加法', '减法']],
    ['分数 分数', ['分数']],
    ['的 和 了', []],
    ['  ，。！', []],
    ["a'b; DROP", ['b', 'drop']],
  ])('query %s', (text, expected) => {
    expect(segmentQuery(text)).toEqual(expected);
  });

  it('pinyin initials of Chinese words only', () => {
    expect(initials('分数')).toBe('fs');
    expect(initials('长方形')).toBe('cfx');
    expect(initials('ppt')).toBeNull();
    expect(looksLikeInitials('fs')).toBe(true);
    expect(looksLikeInitials('unit')).toBe(false);
    expect(looksLikeInitials('f')).toBe(false);
  });
});

describe('synonyms and tsquery', () => {
  it('widens both ways', () => {
    expect(synonymsOf('PPT')).toContainEqual(['课件']);
    expect(synonymsOf('课件')).toContainEqual(['ppt']);
    expect(synonymsOf('微课')).toContainEqual(['视频']);
    expect(synonymsOf('分数')).toEqual([]);
  });

  it('builds all / any / prefix queries', () => {
    const terms = parseQuery('分数 课件');
    expect(toTsquery(terms, 'all')).toBe("'分数' & ('课件' | 'ppt' | '幻灯片' | 'pptx')");
    expect(toTsquery(parseQuery('分数 乘法'), 'any')).toBe("'分数' | '乘法'");
    expect(toPrefixTsquery(parseQuery('分数 乘'))).toBe("'分数' & ('乘':*A)");
    expect(toPrefixTsquery(parseQuery('fs'))).toBe("('fs':*A | 'pyfs':*D)");
    expect(toTsquery(parseQuery('ydmj'), 'all')).toBe("('ydmj' | 'pyydmj')");
  });
});

describe('highlighting', () => {
  it('marks every occurrence, ignoring case, and escapes the rest', () => {
    expect(highlight('分数的初步认识 PPT', ['分数', 'ppt'])).toBe('<mark>分数</mark>的初步认识 <mark>PPT</mark>');
    expect(highlight('<b>分数</b>', ['分数'])).toBe('&lt;b&gt;<mark>分数</mark>&lt;/b&gt;');
    expect(highlight('长方形', ['长方', '方形'])).toBe('<mark>长方形</mark>');
    expect(highlight('没有', ['分数'])).toBe('没有');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('cuts a passage around the first match', () => {
    const body = '甲'.repeat(200) + '分数' + '乙'.repeat(200);
    const s = snippet(body, ['分数'], 40);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('<mark>分数</mark>');
    expect(snippet('短文本', ['分数'])).toBe('短文本');
    expect(snippet('', ['分数'])).toBe('');
  });
});

describe('title initials', () => {
  it('from each word start of each Chinese run', () => {
    expect(titleInitials('分数的初步认识')).toEqual(['fsdcbrs', 'dcbrs', 'cbrs', 'rs']);
    expect(titleInitials('三年级 圆 PPT')).toEqual(['snj']);
    expect(titleInitials('Unit 3')).toEqual([]);
  });
});

describe('compound words and phrases', () => {
  it.each([
    ['期末试卷', ['期末', '试卷']],
    ['单元测试', ['单元', '测试']],
    ['期末考试', ['期末', '考试']],
    ['分数', null],
    ['ppt', null],
  ])('%s splits into %j', (word, parts) => {
    expect(splitCompound(word)).toEqual(parts);
  });

  it('keeps typed runs of more than one word as phrases', () => {
    expect(phrases('两位数乘两位数 笔算')).toEqual(['两位数乘两位数']);
    expect(phrases('长方形的周长')).toEqual(['长方形的周长']);
    expect(phrases('分数 课件')).toEqual([]);
    expect(phrases('单元测试')).toEqual(['单元测试']);
  });
});
