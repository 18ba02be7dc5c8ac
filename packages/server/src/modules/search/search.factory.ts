import { randomUUID } from 'node:crypto';
import type { SearchDocumentInput } from './search.service.ts';

/** A published resource as the resource centre would index it; override what the test is about. */
export function buildSearchDocument(
  o: Partial<Omit<SearchDocumentInput, 'facets'>> & { facets?: Partial<SearchDocumentInput['facets']> } = {},
): SearchDocumentInput {
  return {
    kind: 'resource',
    refId: randomUUID(),
    title: '分数的初步认识',
    body: '',
    keywords: [],
    knowledgePoints: [],
    author: '王老师',
    schoolName: null,
    visibility: 'public',
    visiblePath: null,
    popularity: 0,
    publishedAt: new Date('2026-09-01T00:00:00Z'),
    ...o,
    facets: {
      subject: '数学',
      grade: 3,
      term: '上册',
      edition: '人教版',
      unitId: null,
      unitName: null,
      type: '课件',
      level: null,
      schoolId: null,
      districtId: null,
      ...o.facets,
    },
  };
}
