import { GRADE_NAMES, type GradeLevel, type SearchKind } from '@qiming/shared';
import { FIELD, postingCode } from './inverted-index.ts';
import type { SearchDocumentRow } from './search.repository.ts';
import { initials, RUN_INITIALS, segmentDocument, titleInitials } from './segment.ts';

/** What a module hands the index for one searchable thing (a published resource, later an item or a course). */
export type SearchDocumentInput = {
  kind: SearchKind;
  refId: string;
  title: string;
  /** Description and extracted text; only the start is kept for snippets, all of it is indexed. */
  body: string;
  keywords: string[];
  facets: {
    subject: string | null;
    grade: number | null;
    term: string | null;
    edition: string | null;
    unitId: string | null;
    /** The name of the unit (第八单元 分数的初步认识), shown as the unit facet's label. */
    unitName?: string | null;
    type: string | null;
    level: string | null;
    schoolId: string | null;
    districtId: string | null;
  };
  knowledgePoints: string[];
  author: string | null;
  schoolName: string | null;
  visibility: 'public' | 'scoped';
  /** The organisation path of the unit a scoped document is published to (a school, a district, the city). */
  visiblePath: string | null;
  popularity: number;
  publishedAt: Date;
};

/** How much of a body is kept for snippets, and how much of it is indexed. */
const BODY_KEPT = 2000;
const BODY_INDEXED = 50_000;

const words = (texts: (string | null | undefined)[]): string[] => texts.flatMap((t) => (t ? segmentDocument(t) : []));

/** Receives each word of a document with the field it is in (bits of FIELD). */
type EmitWord = (field: number, word: string) => void;

/**
 * The words of a document per weight (A title, B keywords and catalogue words, C body, D pinyin
 * initials: of each word, and of each run of the title marked with RUN_INITIALS), in order,
 * repeats kept except for D. The one definition behind documentWords and the stored terms.
 */
function visitWords(doc: SearchDocumentInput, emit: EmitWord): void {
  const f = doc.facets;
  const title = words([doc.title]);
  const tags = [...doc.keywords, ...doc.knowledgePoints];
  const tagWords = words(tags);
  for (const w of title) emit(FIELD.A, w);
  for (const w of tagWords) emit(FIELD.B, w);
  for (const t of tags) {
    const w = t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
    if (w) emit(FIELD.B, w);
  }
  const catalogue = [f.subject, f.grade ? GRADE_NAMES[f.grade as GradeLevel] : null, f.term, f.edition, f.unitName, f.type, f.level];
  for (const t of catalogue) if (t) for (const w of segmentDocument(t)) emit(FIELD.B, w);
  for (const t of [doc.body.slice(0, BODY_INDEXED), doc.author, doc.schoolName])
    if (t) for (const w of segmentDocument(t)) emit(FIELD.C, w);
  const spelled = new Set<string>();
  for (const w of title) spelled.add(initials(w) ?? '');
  for (const w of tagWords) spelled.add(initials(w) ?? '');
  for (const x of titleInitials(doc.title)) spelled.add(RUN_INITIALS + x);
  for (const w of spelled) if (w) emit(FIELD.D, w);
}

/**
 * The words of a document per weight (A title, B keywords and catalogue words, C body, D pinyin
 * initials: of each word, and of each run of the title marked with RUN_INITIALS).
 */
export function documentWords(doc: SearchDocumentInput): { a: string; b: string; c: string; d: string } {
  const out: Record<number, string[]> = { [FIELD.A]: [], [FIELD.B]: [], [FIELD.C]: [], [FIELD.D]: [] };
  visitWords(doc, (field, w) => out[field]!.push(w));
  return { a: out[FIELD.A]!.join(' '), b: out[FIELD.B]!.join(' '), c: out[FIELD.C]!.join(' '), d: out[FIELD.D]!.join(' ') };
}

export function checkDocument(d: SearchDocumentInput): void {
  if (d.visibility === 'scoped' && !d.visiblePath) throw new Error(`search document ${d.kind}/${d.refId}: scoped without a visiblePath`);
}

/**
 * The words of a document as the stored `terms` ("word,code" pairs, code as postingCode packs the
 * fields holding the word and how often it occurs) and its length in words — in one pass over the
 * words, as bulk loads segment millions of documents.
 */
export function documentTerms(doc: SearchDocumentInput): { terms: string; docLength: number } {
  // per word: count × 16 + field mask
  const seen = new Map<string, number>();
  let docLength = 0;
  visitWords(doc, (field, w) => {
    docLength++;
    const v = seen.get(w);
    seen.set(w, v === undefined ? 16 | field : (v + 16) | field);
  });
  let terms = '';
  for (const [w, v] of seen) terms += (terms ? ' ' : '') + w + ',' + postingCode(v & 15, v >>> 4);
  return { terms, docLength };
}

/** A document as stored: its fields, and its words segmented (the costly part: jieba and pinyin). */
export function documentRow(doc: SearchDocumentInput): SearchDocumentRow {
  const { terms, docLength } = documentTerms(doc);
  return {
    kind: doc.kind,
    refId: doc.refId,
    title: doc.title,
    body: doc.body.slice(0, BODY_KEPT),
    keywords: doc.keywords,
    knowledgePoints: doc.knowledgePoints,
    subject: doc.facets.subject,
    grade: doc.facets.grade,
    term: doc.facets.term,
    edition: doc.facets.edition,
    unitId: doc.facets.unitId,
    unitName: doc.facets.unitName ?? null,
    type: doc.facets.type,
    level: doc.facets.level,
    schoolId: doc.facets.schoolId,
    schoolName: doc.schoolName,
    districtId: doc.facets.districtId,
    author: doc.author,
    visibility: doc.visibility,
    visiblePath: doc.visibility === 'scoped' ? doc.visiblePath : null,
    popularity: doc.popularity,
    publishedAt: doc.publishedAt,
    terms,
    docLength,
  };
}
