import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PEP_CATALOGUE } from '../curriculum/pep-catalogue.ts';
import { defaultLexicon, matcherOf, scanText } from './sensitive.ts';
import { hamming, similarity, simhash, tokens } from './simhash.ts';

const lexicon = matcherOf(defaultLexicon());

describe('sensitive-word scan (Aho–Corasick over the shipped list)', () => {
  it('finds every occurrence with its category, offset and the text around it', () => {
    const text = '课后请同学们阅读课文。本课件含有冰毒制作方法，以及冰毒的图片。';
    const hits = scanText(lexicon, 'text', text);
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ word: '冰毒', category: '暴恐', field: 'text', offset: text.indexOf('冰毒') });
    expect(hits[0].before).toBe('学们阅读课文。本课件含有');
    expect(hits[0].after).toBe('制作方法，以及冰毒的图片');
    expect(hits[1].offset).toBe(text.lastIndexOf('冰毒'));
  });

  it('matches regardless of letter case and keeps the text as written', () => {
    const m = matcherOf([['BadSite.example', '非法网址']]);
    const hits = scanText(m, 'description', '资料来源：badsite.EXAMPLE 下载');
    expect(hits).toEqual([expect.objectContaining({ word: 'badsite.EXAMPLE', category: '非法网址', offset: 5 })]);
  });

  it('finds nothing in clean text and with an empty list', () => {
    expect(scanText(lexicon, 'title', '分数的初步认识')).toEqual([]);
    expect(scanText(matcherOf([]), 'title', '冰毒')).toEqual([]);
  });

  it('does not flag real teaching text: the whole curriculum catalogue and real maths word problems', () => {
    const catalogue = PEP_CATALOGUE.flatMap((b) => b.units.flatMap((u) => [u.title, ...u.lessons]));
    // 300 problems of XiaoMi/cmath (CC BY 4.0), see docs/data-sources.md
    const cmath = readFileSync(new URL('./lexicon/teaching-sample-cmath.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean);
    const texts = [...catalogue, ...cmath, '邓小平爷爷植树', '盘古开天地', '数学广角——集合', '王丹有 5 个苹果'];
    const flagged = texts.filter((t) => scanText(lexicon, 'text', t).length > 0);
    expect(texts.length).toBeGreaterThan(600);
    expect(flagged).toEqual([]);
  });
});

const lessonPlan = `《分数的初步认识》教学设计。教学目标：1. 结合具体情境，初步理解几分之一的含义，能正确读写几分之一。2. 通过折一折、涂一涂、说一说等活动，培养学生的动手操作能力和语言表达能力。3. 体会分数与生活的密切联系。教学重点：理解几分之一的含义。教学难点：用分数表示图形的一部分。教学过程：一、创设情境，导入新课。中秋节到了，妈妈把一个月饼平均分给两个孩子，每人分得多少？二、动手操作，探究新知。让学生拿出正方形纸片，折出它的二分之一，并涂上颜色。三、巩固练习。四、课堂小结。`;
const lightlyEdited = lessonPlan
  .replace('中秋节到了', '春节到了')
  .replace('正方形纸片', '圆形纸片')
  .replace('四、课堂小结。', '四、课堂小结：今天你学到了什么？');
const sameTopic = `《几分之几》教学设计。教学目标：1. 在认识几分之一的基础上，理解几分之几的含义，能正确读写几分之几。2. 通过动手操作，培养学生的观察能力。教学重点：理解几分之几的含义。教学难点：用分数表示图形的几部分。教学过程：一、复习旧知：说说二分之一表示什么。二、动手操作：把一张长方形纸平均分成四份，涂出其中的三份。三、巩固练习。四、课堂小结。`;
const otherTopic = `《长方形和正方形的周长》教学设计。教学目标：1. 理解周长的含义，掌握长方形和正方形周长的计算方法。2. 经历测量、计算的过程，培养学生的空间观念。教学重点：长方形和正方形周长的计算。教学难点：灵活运用周长公式解决实际问题。教学过程：一、情境导入：小蚂蚁沿着树叶的边线爬一周。二、探究新知：量一量课桌面的长和宽，算出它的周长。三、练习巩固。四、总结。`;

describe('SimHash over jieba tokens', () => {
  it('segments Chinese into words and drops punctuation', () => {
    expect(tokens('分数的初步认识，课件！')).toEqual(['分数', '的', '初步', '认识', '课件']);
  });

  it('gives identical text identical fingerprints, and is independent of punctuation and spacing', () => {
    expect(simhash(lessonPlan)).toBe(simhash(lessonPlan));
    expect(simhash('分数 的 初步认识。')).toBe(simhash('分数的初步认识'));
  });

  it('puts a lightly edited copy above the 0.85 near-duplicate threshold', () => {
    expect(similarity(simhash(lessonPlan), simhash(lightlyEdited))).toBeGreaterThanOrEqual(0.85);
  });

  it('keeps a different lesson on the same topic, and another topic, below it', () => {
    expect(similarity(simhash(lessonPlan), simhash(sameTopic))).toBeLessThan(0.85);
    expect(similarity(simhash(lessonPlan), simhash(otherTopic))).toBeLessThan(0.8);
  });

  it('counts differing bits', () => {
    expect(hamming(0n, 0n)).toBe(0);
    expect(hamming(0n, -1n)).toBe(64);
    expect(hamming(0b1011n, 0b0001n)).toBe(2);
    expect(similarity(5n, 5n)).toBe(1);
  });
});
