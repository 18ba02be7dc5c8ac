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
          return x.v;
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

/** Plain text: formulas as their TeX, images as [图], blanks as ____ (or as `blank` renders them). */
export function richTextToPlain(text: string, blank: (n: number) => string = () => '____'): string {
  return parseRichText(text)
    .map((b) => inlineText(b, blank))
    .join('\n');
}
