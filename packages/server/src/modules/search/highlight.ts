const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Character ranges of every occurrence of the words in the text, merged, ignoring case. */
function ranges(text: string, words: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  const found: [number, number][] = [];
  for (const w of new Set(words.map((x) => x.toLowerCase()).filter(Boolean))) {
    for (let i = lower.indexOf(w); i !== -1; i = lower.indexOf(w, i + w.length)) found.push([i, i + w.length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** The text HTML-escaped, each occurrence of a word wrapped in <mark>…</mark>. */
export function highlight(text: string, words: readonly string[]): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges(text, words)) {
    out += escapeHtml(text.slice(at, from)) + '<mark>' + escapeHtml(text.slice(from, to)) + '</mark>';
    at = to;
  }
  return out + escapeHtml(text.slice(at));
}

/**
 * A passage of about `length` characters around the first occurrence of a word (or the start of
 * the text when none occurs), highlighted, with … where it was cut.
 */
export function snippet(text: string, words: readonly string[], length = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '';
  const first = ranges(flat, words)[0];
  let from = first ? Math.max(0, first[0] - Math.floor(length / 4)) : 0;
  const to = Math.min(flat.length, from + length);
  from = Math.max(0, Math.min(from, to - length));
  return (from > 0 ? '…' : '') + highlight(flat.slice(from, to), words) + (to < flat.length ? '…' : '');
}
