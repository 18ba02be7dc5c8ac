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

/**
 * The words of a document per weight (A title, B keywords and catalogue words, C body, D pinyin
 * initials: of each word, and of each run of the title marked with RUN_INITIALS).
 */
export function documentWords(doc: SearchDocumentInput): { a: string; b: string; c: string; d: string } {
  const f = doc.facets;
  const title = words([doc.title]);
  const tags = [...doc.keywords, ...doc.knowledgePoints];
  const catalogue = [f.subject, f.grade ? GRADE_NAMES[f.grade as GradeLevel] : null, f.term, f.edition, f.unitName, f.type, f.level];
  const spelled = [...title, ...words(tags)].map(initials).filter((x): x is string => !!x);
  return {
    a: title.join(' '),
    b: [...words(tags), ...tags.map((t) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')), ...words(catalogue)].join(' '),
    c: words([doc.body.slice(0, BODY_INDEXED), doc.author, doc.schoolName]).join(' '),
    d: [...new Set([...spelled, ...titleInitials(doc.title).map((x) => RUN_INITIALS + x)])].join(' '),
  };
}

export function checkDocument(d: SearchDocumentInput): void {
  if (d.visibility === 'scoped' && !d.visiblePath) throw new Error(`search document ${d.kind}/${d.refId}: scoped without a visiblePath`);
}

const BITS: Record<string, number> = { a: FIELD.A, b: FIELD.B, c: FIELD.C, d: FIELD.D };

/** The words of a document per field (space-separated, repeats kept) as the stored `terms` and its length. */
export function encodeTerms(fields: { a: string; b: string; c: string; d: string }): { terms: string; docLength: number } {
  const masks = new Map<string, number>();
  const counts = new Map<string, number>();
  let docLength = 0;
  for (const f of ['a', 'b', 'c', 'd'] as const) {
    for (const w of fields[f].split(' ')) {
      if (!w) continue;
      docLength++;
      masks.set(w, (masks.get(w) ?? 0) | BITS[f]!);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  let terms = '';
  for (const [w, mask] of masks) terms += (terms ? ' ' : '') + w + ',' + postingCode(mask, counts.get(w)!);
  return { terms, docLength };
}

/** A document as stored: its fields, and its words segmented (the costly part: jieba and pinyin). */
export function documentRow(doc: SearchDocumentInput): SearchDocumentRow {
  const { terms, docLength } = encodeTerms(documentWords(doc));
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
