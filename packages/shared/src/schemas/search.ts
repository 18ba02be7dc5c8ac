import { z } from 'zod';
import { GRADE_LEVELS } from '../domain.ts';

/** What the one search box can find; more kinds (items, courses) join the same index later. */
export const SEARCH_KINDS = ['resource', 'item', 'course'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_SORTS = ['relevance', 'newest', 'popular'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** The facets a result list is counted by, in the order the page shows them. */
export const SEARCH_FACETS = ['subject', 'grade', 'edition', 'unit', 'type', 'level', 'school'] as const;
export type SearchFacet = (typeof SEARCH_FACETS)[number];

export const SEARCH_LIMITS = { queryMax: 100, pageSizeMax: 50, suggestMax: 10, maxPage: 50 } as const;

const filterText = z.string().trim().min(1).max(40);

export const ZSearchQuery = z.object({
  q: z
    .string()
    .trim()
    .max(SEARCH_LIMITS.queryMax, { message: `检索词最多 ${SEARCH_LIMITS.queryMax} 个字` })
    .default(''),
  kind: z.enum(SEARCH_KINDS).optional(),
  subject: filterText.optional(),
  grade: z.coerce
    .number()
    .int()
    .refine((g) => (GRADE_LEVELS as readonly number[]).includes(g), { message: '年级应为 1–6' })
    .optional(),
  term: z.enum(['上册', '下册']).optional(),
  edition: filterText.optional(),
  unitId: z.uuid({ message: '单元编号格式不正确' }).optional(),
  type: filterText.optional(),
  level: filterText.optional(),
  schoolId: z.uuid({ message: '学校编号格式不正确' }).optional(),
  districtId: z.uuid({ message: '区县编号格式不正确' }).optional(),
  sort: z.enum(SEARCH_SORTS).default('relevance'),
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(SEARCH_LIMITS.maxPage, { message: `最多翻到第 ${SEARCH_LIMITS.maxPage} 页，请补充检索词或筛选条件` })
    .default(1),
  pageSize: z.coerce.number().int().min(1).max(SEARCH_LIMITS.pageSizeMax).default(10),
});
export type TSearchQuery = z.infer<typeof ZSearchQuery>;

export const ZSearchFacetValue = z.object({ value: z.string(), label: z.string(), count: z.number().int() });
export type TSearchFacetValue = z.infer<typeof ZSearchFacetValue>;

export const ZSearchHitFacets = z.object({
  subject: z.string().nullable(),
  grade: z.number().int().nullable(),
  term: z.string().nullable(),
  edition: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  type: z.string().nullable(),
  level: z.string().nullable(),
  schoolId: z.string().nullable(),
  districtId: z.string().nullable(),
});

export const ZSearchHit = z.object({
  kind: z.enum(SEARCH_KINDS),
  refId: z.string(),
  title: z.string(),
  /** The title, HTML-escaped, with each match wrapped in <mark>…</mark>. */
  highlightedTitle: z.string(),
  /** A passage of the body around the first match, escaped and marked the same way. */
  snippet: z.string(),
  facets: ZSearchHitFacets,
  keywords: z.array(z.string()),
  knowledgePoints: z.array(z.string()),
  author: z.string().nullable(),
  schoolName: z.string().nullable(),
  visibility: z.enum(['public', 'scoped']),
  popularity: z.number(),
  publishedAt: z.string(),
  score: z.number(),
});
export type TSearchHit = z.infer<typeof ZSearchHit>;

export const ZSearchResponse = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  hits: z.array(ZSearchHit),
  facets: z.record(z.enum(SEARCH_FACETS), z.array(ZSearchFacetValue)),
  /** The words the query was understood as (after segmentation), and what each was widened to. */
  terms: z.array(z.object({ term: z.string(), expansions: z.array(z.string()) })),
  /** 'all': every word matched; 'any': nothing had them all, so documents with some of them are shown. */
  matched: z.enum(['all', 'any', 'none']),
  took: z.number(),
});
export type TSearchResponse = z.infer<typeof ZSearchResponse>;

export const ZSuggestQuery = z.object({
  q: z.string().trim().min(1, { message: '请输入检索词' }).max(SEARCH_LIMITS.queryMax),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.suggestMax).default(8),
});
export type TSuggestQuery = z.infer<typeof ZSuggestQuery>;

export const ZSuggestResponse = z.object({
  suggestions: z.array(z.object({ text: z.string(), highlighted: z.string(), kind: z.enum(SEARCH_KINDS), refId: z.string() })),
});
export type TSuggestResponse = z.infer<typeof ZSuggestResponse>;
