import { hasHan, initials, looksLikeInitials, normalize, RUN_INITIALS, segmentDocument, segmentQuery, splitCompound } from './segment.ts';
import { synonymsOf } from './synonyms.ts';

/** A query word and the other forms it also matches (synonyms; for pinyin initials, nothing more: the index holds initials). */
export type QueryTerm = { term: string; alternatives: string[][]; isInitials: boolean };

/** How a query was understood: its words, each widened by synonyms. */
export function parseQuery(q: string): QueryTerm[] {
  return segmentQuery(q).map((term) => {
    const parts = splitCompound(term);
    const isInitials = looksLikeInitials(term);
    const alternatives = [...synonymsOf(term), ...(parts ? [parts] : []), ...(isInitials ? [[RUN_INITIALS + term]] : [])];
    return { term, alternatives, isInitials };
  });
}

const lexeme = (word: string, suffix = ''): string => `'${word}'${suffix}`;
/** A one-word alternative as its lexeme; a phrase (教学视频, or a long word's parts) as its words, all required. */
const alternative = (words: string[], suffix = ''): string =>
  words.length === 1 ? lexeme(words[0]!, suffix) : `(${words.map((w) => lexeme(w, suffix)).join(' & ')})`;

function clause(t: QueryTerm, suffix = ''): string {
  const forms = [lexeme(t.term, suffix), ...t.alternatives.map((a) => alternative(a, suffix))];
  return forms.length === 1 ? forms[0]! : `(${forms.join(' | ')})`;
}

/**
 * The tsquery text for the words: every word must match ('all') or any one ('any'). Words are
 * letters and digits only (segment.ts splits on everything else), so quoting them is safe.
 */
export function toTsquery(terms: QueryTerm[], mode: 'all' | 'any'): string {
  return terms.map((t) => clause(t)).join(mode === 'all' ? ' & ' : ' | ');
}

/**
 * The parts of the query typed as one run (两位数乘两位数, 长方形的周长, 单元测试) that hold more
 * than one word: a document whose title or keywords hold such a run verbatim ranks above one that merely
 * has its words somewhere (三位数乘两位数 also has 两位数 and 乘).
 */
export function phrases(q: string): string[] {
  return [...new Set(normalize(q).split(/\s+/))].filter(
    (chunk) => chunk.length <= 40 && (segmentQuery(chunk).length > 1 || splitCompound(chunk) !== null),
  );
}

/** The tsquery for suggestions: earlier words exact, the last one as a prefix of a title word or of its pinyin initials. */
export function toPrefixTsquery(terms: QueryTerm[]): string {
  const last = terms.at(-1)!;
  const head = terms.slice(0, -1).map((t) => clause(t));
  const tail = `('${last.term}':*A${hasHan(last.term) ? '' : ` | '${RUN_INITIALS}${last.term}':*D`})`;
  return [...head, tail].join(' & ');
}

/** The words to mark in a result: the query words, their synonyms, and title words whose pinyin initials were typed. */
export function wordsToMark(terms: QueryTerm[], title: string, prefix = false): string[] {
  const words = terms.flatMap((t) => [t.term, ...t.alternatives.flat().filter((w) => w !== RUN_INITIALS + t.term)]);
  const typedInitials = terms.filter((t) => !hasHan(t.term)).map((t) => t.term);
  if (typedInitials.length) {
    for (const w of segmentDocument(title)) {
      const ini = initials(w);
      if (ini && typedInitials.some((t) => (prefix ? ini.startsWith(t) : ini === t))) words.push(w);
    }
  }
  return words;
}
