import { hasHan, initials, looksLikeInitials, segmentDocument, segmentQuery } from './segment.ts';
import { synonymsOf } from './synonyms.ts';

/** A query word and the other forms it also matches (synonyms; for pinyin initials, nothing more: the index holds initials). */
export type QueryTerm = { term: string; alternatives: string[][]; isInitials: boolean };

/** How a query was understood: its words, each widened by synonyms. */
export function parseQuery(q: string): QueryTerm[] {
  return segmentQuery(q).map((term) => ({ term, alternatives: synonymsOf(term), isInitials: looksLikeInitials(term) }));
}

const lexeme = (word: string, suffix = ''): string => `'${word}'${suffix}`;
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

/** The tsquery for suggestions: earlier words exact, the last one as a prefix of a title word or of its pinyin initials. */
export function toPrefixTsquery(terms: QueryTerm[]): string {
  const last = terms.at(-1)!;
  const head = terms.slice(0, -1).map((t) => clause(t));
  const tail = `('${last.term}':*A${hasHan(last.term) ? '' : ` | '${last.term}':*D`})`;
  return [...head, tail].join(' & ');
}

/** The words to mark in a result: the query words, their synonyms, and title words whose pinyin initials were typed. */
export function wordsToMark(terms: QueryTerm[], title: string, prefix = false): string[] {
  const words = terms.flatMap((t) => [t.term, ...t.alternatives.flat()]);
  const typedInitials = terms.filter((t) => !hasHan(t.term)).map((t) => t.term);
  if (typedInitials.length) {
    for (const w of segmentDocument(title)) {
      const ini = initials(w);
      if (ini && typedInitials.some((t) => (prefix ? ini.startsWith(t) : ini === t))) words.push(w);
    }
  }
  return words;
}
