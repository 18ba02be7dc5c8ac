import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';

/**
 * Words of primary-school teaching that jieba's general dictionary splits (微课 → 微 | 课) or
 * does not know; each is kept whole so that a query for it finds it. One word a line:
 * "word frequency tag", the format jieba's user dictionaries use.
 */
const DOMAIN_WORDS = [
  '微课',
  '课件',
  '教案',
  '学案',
  '导学案',
  '教学设计',
  '说课稿',
  '课堂实录',
  '同步练习',
  '课时练',
  '单元测试',
  '测试卷',
  '单元卷',
  '检测题',
  '练习题',
  '期中测试',
  '期末测试',
  '知识点',
  '思维导图',
  '人教版',
  '部编版',
  '统编版',
  '北师大版',
  '苏教版',
  '外研版',
  '译林版',
  '青岛版',
  '冀教版',
  '沪教版',
  '湘教版',
  '西师版',
  '一年级',
  '二年级',
  '三年级',
  '四年级',
  '五年级',
  '六年级',
  '上册',
  '下册',
  '口算',
  '竖式',
  '拼音',
  '识字',
  '古诗',
  '绘本',
  '自然拼读',
];

let jieba: Jieba | null = null;
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 100000 n`).join('\n')));
  }
  return jieba;
}

/** Words that say nothing about what a document is about; dropped from documents and queries. */
const STOPWORDS = new Set(
  '的 了 和 与 及 或 在 是 之 也 而 并 等 其 这 那 个 把 被 对 从 向 为 以 于 吗 呢 吧 啊 有 就 都 a an the of and or to in on for is are'.split(
    ' ',
  ),
);

const CJK = /\p{Script=Han}/u;
/** Splits a token on everything that is not a letter or digit, so PostgreSQL's parser sees plain words. */
const NON_WORD = /[^\p{L}\p{N}]+/u;

/** Full-width to half-width (NFKC) and lower case: 'ＰＰＴ' and 'PPT' are the same word. */
export const normalize = (text: string): string => text.normalize('NFKC').toLowerCase();

/** Whether every character of the word is a CJK ideograph or an ASCII letter or digit (most words: no need to split them). */
function isPlainWord(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (!((c >= 0x4e00 && c <= 0x9fff) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return w.length > 0;
}

function clean(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    if (isPlainWord(w)) {
      if (!STOPWORDS.has(w)) out.push(w);
      continue;
    }
    for (const part of w.split(NON_WORD)) {
      if (part && !STOPWORDS.has(part)) out.push(part);
    }
  }
  return out;
}

/**
 * A bounded memo for short strings that recur across documents (catalogue words, keywords,
 * lesson names, the pinyin of a word): indexing a million resources segments the same few
 * thousand strings over and over. Cleared when full rather than tracking recency: cheap and enough.
 */
function memo<T>(fn: (key: string) => T, max = 100_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= max) cache.clear();
      v = fn(key);
      cache.set(key, v);
    }
    return v;
  };
}

/**
 * Words of a document, in search mode: a long word is kept and its shorter words added
 * (长方形 → 长方 方形 长方形), so a query for either finds it.
 */
export function segmentDocument(text: string): string[] {
  if (!text) return [];
  return text.length <= 32 ? segmentShort(text) : clean(segmenter().cutForSearch(normalize(text), true));
}
const segmentShort = memo((text: string) => clean(segmenter().cutForSearch(normalize(text), true)));

/** Words of a query in precise mode, each once, in order. */
export function segmentQuery(text: string): string[] {
  if (!text) return [];
  return [...new Set(clean(segmenter().cut(normalize(text), true)))];
}

/**
 * A long query word as shorter words that cover it exactly (期末试卷 → 期末 试卷), so it also
 * finds documents where the words are apart or the whole word was segmented differently
 * (期末测试卷); null when there is no such cover.
 */
export const splitCompound = memo((word: string): string[] | null => {
  if (word.length < 3 || !hasHan(word)) return null;
  const parts = new Set(clean(segmenter().cutForSearch(word, true)).filter((w) => w.length >= 2 && w !== word));
  const cover = (at: number): string[] | null => {
    if (at === word.length) return [];
    for (let len = word.length - at; len >= 2; len--) {
      const w = word.slice(at, at + len);
      if (!parts.has(w)) continue;
      const rest = cover(at + len);
      if (rest) return [w, ...rest];
    }
    return null;
  };
  return cover(0);
});

export const hasHan = (word: string): boolean => CJK.test(word);

/** The pinyin initials of a Chinese word (分数 → fs); null for words without Chinese characters. */
export const initials = memo((word: string): string | null => {
  if (!hasHan(word)) return null;
  const letters = pinyin(word, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }).join('');
  return /^[a-z]{2,}$/.test(letters) ? letters : null;
});

/**
 * Marks the initials of a run of title characters (py + fsdcbrs) apart from those of single words
 * (fs, which 分数 and 反思 share): suggestions complete runs, so typing fsd offers 分数的… first.
 */
export const RUN_INITIALS = 'py';

/**
 * Pinyin initials of a title as someone would type them to find it: for every run of Chinese
 * characters, the initials from each word start on (分数的初步认识 → fsdcbrs cbrs rs), at most
 * 10 letters each, so 'fsd' completes to it.
 */
export function titleInitials(title: string): string[] {
  return (normalize(title).match(/\p{Script=Han}+/gu) ?? []).flatMap(runInitials);
}
const runInitials = memo((run: string): string[] => {
  const out: string[] = [];
  const letters = pinyin(run, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
  if (letters.length !== run.length) return out;
  let at = 0;
  for (const word of segmenter().cut(run, true)) {
    if (run.length - at >= 2) out.push(letters.slice(at, at + 10));
    at += word.length;
  }
  return out;
});

/** Whether a query word looks like pinyin initials typed instead of Chinese (fs, fsjf), rather than an English word. */
export const looksLikeInitials = (word: string): boolean => /^[a-z]{2,6}$/.test(word) && !/[aeiou]/.test(word.slice(1));
