import { SEARCH_FACETS, type SearchFacet, type SearchSort, type TSearchResponse, type TSuggestResponse } from '@qiming/shared';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api.ts';

/** What the results page shows, as it is kept in the address (so a search can be bookmarked and shared). */
export type SearchParams = {
  q: string;
  subject?: string;
  grade?: number;
  edition?: string;
  unitId?: string;
  type?: string;
  level?: string;
  schoolId?: string;
  sort: SearchSort;
  page: number;
};

/** Which query parameter each facet filters by. */
export const FACET_PARAM: Record<SearchFacet, keyof SearchParams> = {
  subject: 'subject',
  grade: 'grade',
  edition: 'edition',
  unit: 'unitId',
  type: 'type',
  level: 'level',
  school: 'schoolId',
};

export const PAGE_SIZE = 10;

export function readSearchParams(search: URLSearchParams): SearchParams {
  const text = (k: string) => search.get(k)?.trim() || undefined;
  const grade = Number(search.get('grade'));
  const page = Number(search.get('page'));
  const sort = search.get('sort');
  return {
    q: search.get('q')?.trim() ?? '',
    subject: text('subject'),
    grade: Number.isInteger(grade) && grade >= 1 && grade <= 6 ? grade : undefined,
    edition: text('edition'),
    unitId: text('unitId'),
    type: text('type'),
    level: text('level'),
    schoolId: text('schoolId'),
    sort: sort === 'newest' || sort === 'popular' ? sort : 'relevance',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function writeSearchParams(p: SearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === '' || (k === 'sort' && v === 'relevance') || (k === 'page' && v === 1)) continue;
    out.set(k, String(v));
  }
  return out;
}

export const hasFilters = (p: SearchParams) => SEARCH_FACETS.some((f) => p[FACET_PARAM[f]] !== undefined);

export const useSearch = (p: SearchParams, enabled: boolean) =>
  useQuery({
    queryKey: ['search', p],
    queryFn: ({ signal }) => api.get<TSearchResponse>('/api/search', { ...p, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });

/** The value after it has stopped changing for `ms`: one suggestion request per pause in typing, not per key. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const useSuggestions = (q: string) => {
  const settled = useDebounced(q.trim(), 150);
  return useQuery({
    queryKey: ['search-suggest', settled],
    queryFn: ({ signal }) => api.get<TSuggestResponse>('/api/search/suggest', { q: settled, limit: 8 }, signal),
    enabled: settled.length > 0,
    staleTime: 60_000,
  });
};
