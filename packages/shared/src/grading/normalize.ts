import type { TTextNormalization } from '../schemas/items.ts';

/**
 * Chinese punctuation that NFKC leaves alone, folded onto its ASCII twin so that “对。” and
 * "对." compare equal. (NFKC already maps full-width forms: ，：；！？（） ＡＢ１２ and U+3000.)
 */
const CJK_PUNCT: Record<string, string> = {
  '。': '.',
  '、': ',',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '《': '<',
  '》': '>',
  '〈': '<',
  '〉': '>',
  '【': '[',
  '】': ']',
  '〔': '(',
  '〕': ')',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '—': '-',
  '–': '-',
  '−': '-',
  '·': '.',
  '・': '.',
  '～': '~',
  '〜': '~',
  '⁄': '/',
};
const CJK_PUNCT_RE = /[。、“”‘’《》〈〉【】〔〕「」『』—–−·・～〜⁄]/g;
const SPACES_RE = /\s+/g;
// 《》 fold onto <> above, so those go too
const PUNCT_RE = /[\p{P}<>]/gu;
// Strings of plain printable ASCII need neither NFKC nor the punctuation table: the fast path.
const PLAIN_ASCII_RE = /^[\x20-\x7e]*$/;

const FOLD = new Map<number, string>(Object.entries(CJK_PUNCT).map(([k, v]) => [k.charCodeAt(0), v]));

/**
 * Characters whose NFKC form differs from themselves beyond the full-width block and U+3000
 * (superscripts, circled numbers, Kangxi radicals, compatibility ideographs, small and vertical
 * forms, half-width katakana, surrogate pairs), or that have case outside ASCII: these send the
 * string down the general path.
 */
const needsGeneralPath = (c: number): boolean =>
  (c >= 0xa0 && c < 0x2e80 && !FOLD.has(c)) ||
  (c >= 0x2e80 && c < 0x3000) ||
  (c >= 0x3200 && c < 0x3400) ||
  (c >= 0xd800 && c < 0xe000) ||
  (c >= 0xf900 && c < 0xfb50) ||
  (c >= 0xfe30 && c < 0xfe70) ||
  (c >= 0xff5f && c <= 0xffef);

function normalizeGeneral(input: string, opts: TTextNormalization): string {
  let s = input.normalize('NFKC').replace(CJK_PUNCT_RE, (c) => CJK_PUNCT[c]!);
  if (opts.ignoreCase) s = s.toLowerCase();
  s = opts.ignoreSpaces ? s.replace(SPACES_RE, '') : s.replace(SPACES_RE, ' ').trim();
  if (opts.ignorePunctuation) s = s.replace(PUNCT_RE, '');
  return s;
}

/**
 * Width, punctuation, case and space folding for comparing a typed answer with a key: the same
 * result as NFKC + the punctuation table + case + spaces, in one pass over the string for the
 * characters answers are made of (ASCII, CJK, full-width forms), NFKC itself for anything else.
 */
export function normalizeText(input: string, opts: TTextNormalization): string {
  let out = '';
  let space = false;
  for (let i = 0; i < input.length; i++) {
    let c = input.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 32;
    let piece: string;
    if (c < 0x80) {
      if (c === 32 || (c >= 9 && c <= 13)) {
        space = true;
        continue;
      }
      if (opts.ignoreCase && c >= 65 && c <= 90) c += 32;
      piece = String.fromCharCode(c);
    } else if (needsGeneralPath(c)) {
      return normalizeGeneral(input, opts);
    } else {
      piece = FOLD.get(c) ?? input[i]!;
    }
    if (space && !opts.ignoreSpaces && out) out += ' ';
    space = false;
    out += piece;
  }
  return opts.ignorePunctuation ? out.replace(PUNCT_RE, '') : out;
}

/** NFKC plus the punctuation table, nothing else: the first step of reading a typed number. */
export const foldWidth = (input: string): string =>
  PLAIN_ASCII_RE.test(input) ? input : input.normalize('NFKC').replace(CJK_PUNCT_RE, (c) => CJK_PUNCT[c]!);
