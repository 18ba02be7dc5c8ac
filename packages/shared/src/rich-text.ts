/**
 * The formatted-text subset of item stems and options (see ZRichText), parsed into a small tree
 * that the web app renders with React (no HTML strings, so nothing can be injected) and that the
 * server flattens to plain text for search, previews and QTI.
 */
export type TRichInline =
  | { t: 'text'; v: string }
  | { t: 'math'; v: string; display: boolean }
  | { t: 'img'; alt: string; src: string }
  | { t: 'b' | 'i' | 'u'; children: TRichInline[] }
  | { t: 'blank'; n: number }
  | { t: 'br' };
export type TRichBlock = TRichInline[];

const INLINE =
  /(\$\$[\s\S]+?\$\$)|(\$(?:\\\$|[^$\n])+?\$)|(!\[([^\]]*)\]\(([^)\s]*)\))|(\*\*([\s\S]+?)\*\*)|(__([\s\S]+?)__)|(\*([^*\n]+?)\*)|(\{\{(\d+)\}\})|(\n)/g;

function parseInline(text: string): TRichInline[] {
  const out: TRichInline[] = [];
  const pushText = (v: string) => {
    if (!v) return;
    const s = v.replace(/\\\$/g, '$');
    const last = out.at(-1);
    if (last?.t === 'text') last.v += s;
    else out.push({ t: 'text', v: s });
  };
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    pushText(text.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[1]) out.push({ t: 'math', v: m[1].slice(2, -2).trim(), display: true });
    else if (m[2]) out.push({ t: 'math', v: m[2].slice(1, -1).replace(/\\\$/g, '\\$'), display: false });
    else if (m[3]) out.push({ t: 'img', alt: m[4] ?? '', src: m[5] ?? '' });
    else if (m[6]) out.push({ t: 'b', children: parseInline(m[7]!) });
    else if (m[8]) out.push({ t: 'u', children: parseInline(m[9]!) });
    else if (m[10]) out.push({ t: 'i', children: parseInline(m[11]!) });
    else if (m[12]) out.push({ t: 'blank', n: Number(m[13]) });
    else if (m[14]) out.push({ t: 'br' });
  }
  pushText(text.slice(at));
  return out;
}

/** Paragraphs (split at blank lines), each a list of inline pieces. */
export function parseRichText(text: string): TRichBlock[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.length > 0)
    .map(parseInline);
}

function inlineText(list: TRichInline[], blank: (n: number) => string): string {
  return list
    .map((x) => {
      switch (x.t) {
        case 'text':
          return x.v;
        case 'math':
          return texToPlain(x.v);
        case 'img':
          return x.alt ? `[图：${x.alt}]` : '[图]';
        case 'blank':
          return blank(x.n);
        case 'br':
          return '\n';
        case 'b':
        case 'i':
        case 'u':
          return inlineText(x.children, blank);
      }
    })
    .join('');
}

/** Plain text: formulas as a reader writes them (1/2, 3×4, x²), images as [图], blanks as ____ (or as `blank` renders them). */
export function richTextToPlain(text: string, blank: (n: number) => string = () => '____'): string {
  return parseRichText(text)
    .map((b) => inlineText(b, blank))
    .join('\n');
}

/** A one-line preview of formatted text for lists and tables: plain text, spaces folded, cut at `max` characters. */
export function richTextPreview(text: string, max = 80): string {
  const plain = richTextToPlain(text).replace(/\s+/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/** TeX commands that stand for one character, as primary-school formulas use them. */
const TEX_SYMBOLS: Record<string, string> = {
  times: '×',
  div: '÷',
  cdot: '·',
  pm: '±',
  le: '≤',
  leq: '≤',
  leqslant: '≤',
  ge: '≥',
  geq: '≥',
  geqslant: '≥',
  ne: '≠',
  neq: '≠',
  approx: '≈',
  lt: '<',
  gt: '>',
  pi: 'π',
  circ: '°',
  degree: '°',
  angle: '∠',
  triangle: '△',
  parallel: '∥',
  perp: '⊥',
  cdots: '…',
  ldots: '…',
  dots: '…',
  infty: '∞',
  because: '∵',
  therefore: '∴',
  square: '□',
  Box: '□',
  bigcirc: '○',
  rightarrow: '→',
  to: '→',
  leftarrow: '←',
  Rightarrow: '⇒',
  yen: '¥',
  quad: ' ',
  qquad: ' ',
  ',': ' ',
  ';': ' ',
  ':': ' ',
  ' ': ' ',
  '!': '',
  '%': '%',
  $: '$',
  '{': '{',
  '}': '}',
  '#': '#',
  '&': '&',
  _: '_',
  '\\': ' ',
  left: '',
  right: '',
  displaystyle: '',
};
const SUPERSCRIPT: Record<string, string> = {
  ...Object.fromEntries([...'0123456789'].map((d, i) => [d, '⁰¹²³⁴⁵⁶⁷⁸⁹'[i]])),
  '+': '⁺',
  '-': '⁻',
  n: 'ⁿ',
  '°': '°',
};
const SUBSCRIPT: Record<string, string> = {
  ...Object.fromEntries([...'0123456789'].map((d, i) => [d, '₀₁₂₃₄₅₆₇₈₉'[i]])),
  '+': '₊',
  '-': '₋',
};
/** Commands whose argument is shown as it is (text, fonts, decorations). */
const TEX_TRANSPARENT = new Set([
  'text',
  'textrm',
  'textbf',
  'textit',
  'mathrm',
  'mathbf',
  'mathit',
  'mbox',
  'boxed',
  'overline',
  'underline',
  'bm',
  'operatorname',
]);

/**
 * A TeX formula as plain text, the way a teacher would type it without an editor: \frac{1}{2} → 1/2,
 * \frac{a+b}{2} → (a+b)/2, 3\times4 → 3×4, x^2 → x², \sqrt{2} → √2. For previews, search and
 * spoken text; the formula itself is still rendered with KaTeX where it is shown in full.
 */
export function texToPlain(tex: string): string {
  let at = 0;
  const wrap = (s: string) => (/[+\-×÷/\s]/.test(s.trim()) ? `(${s.trim()})` : s.trim());
  const group = (): string => {
    while (tex[at] === ' ') at++;
    if (tex[at] === '{') {
      let depth = 0;
      const start = at;
      for (; at < tex.length; at++) {
        if (tex[at] === '\\') at++;
        else if (tex[at] === '{') depth++;
        else if (tex[at] === '}' && --depth === 0) break;
      }
      return texToPlain(tex.slice(start + 1, at++));
    }
    return tex[at] === '\\' ? command() : (tex[at++] ?? '');
  };
  const script = (map: Record<string, string>, mark: string) => {
    const arg = group();
    return arg && [...arg].every((c) => map[c]) ? [...arg].map((c) => map[c]).join('') : `${mark}${wrap(arg)}`;
  };
  const command = (): string => {
    at++; // the backslash
    const name = /^[a-zA-Z]+/.exec(tex.slice(at))?.[0] ?? tex[at] ?? '';
    at += name.length;
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'cfrac') {
      const top = group();
      return `${wrap(top)}/${wrap(group())}`;
    }
    if (name === 'sqrt') {
      let index = '';
      if (tex[at] === '[') {
        const end = tex.indexOf(']', at);
        index = texToPlain(tex.slice(at + 1, end < 0 ? tex.length : end));
        at = end < 0 ? tex.length : end + 1;
      }
      const root = `√${wrap(group())}`;
      return index ? `${[...index].map((c) => SUPERSCRIPT[c] ?? c).join('')}${root}` : root;
    }
    if (TEX_TRANSPARENT.has(name)) return group();
    if (name in TEX_SYMBOLS) return TEX_SYMBOLS[name];
    // an unknown command: its argument if it has one, else nothing of the markup
    return tex[at] === '{' ? group() : '';
  };
  let out = '';
  while (at < tex.length) {
    const c = tex[at];
    if (c === '\\') out += command();
    else if (c === '{') out += group();
    else if (c === '}') at++;
    else if (c === '^') {
      at++;
      out += script(SUPERSCRIPT, '^');
    } else if (c === '_') {
      at++;
      out += script(SUBSCRIPT, '_');
    } else if (c === '~') {
      at++;
      out += ' ';
    } else {
      at++;
      out += c;
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}
