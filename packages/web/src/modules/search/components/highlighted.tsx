import { Fragment } from 'react';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/**
 * Text from the search API in which matches are wrapped in <mark>…</mark> and everything else is
 * HTML-escaped, rendered as React nodes: never as HTML, so nothing in a title can inject markup.
 */
export function splitMarks(text: string): { text: string; marked: boolean }[] {
  const out: { text: string; marked: boolean }[] = [];
  for (const [i, part] of text.split(/<\/?mark>/).entries()) if (part) out.push({ text: unescape(part), marked: i % 2 === 1 });
  return out;
}

export function Highlighted({ text }: { text: string }) {
  return (
    <>
      {splitMarks(text).map((p, i) =>
        p.marked ? (
          <mark key={i} className="qm-search-mark">
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}
