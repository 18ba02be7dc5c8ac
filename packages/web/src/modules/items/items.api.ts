import type {
  TAssemblyConstraints,
  TAssemblyResult,
  TBank,
  TItem,
  TItemContent,
  TItemSummary,
  TKnowledgePoint,
  TPaper,
  TPupilItem,
  TSavePaperRequest,
} from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

export type ItemFilters = {
  bankId?: string;
  subject?: string;
  grade?: number;
  type?: string;
  difficulty?: number;
  q?: string;
  knowledgePointId?: string;
  excludeIds?: string;
};

export const useBanks = () => useQuery({ queryKey: ['item-banks'], queryFn: () => api.get<TBank[]>('/api/item-banks') });

export const useItems = (filters: ItemFilters, page: number, pageSize: number) =>
  useQuery({
    queryKey: ['items', filters, page, pageSize],
    queryFn: () => api.get<Paged<TItemSummary>>('/api/items', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

export const useItem = (id: string | null | undefined) =>
  useQuery({ queryKey: ['item', id], queryFn: () => api.get<TItem>(`/api/items/${id}`), enabled: !!id });

export const usePupilView = (id: string | null) =>
  useQuery({
    queryKey: ['item-pupil', id],
    queryFn: () => api.get<TPupilItem>(`/api/items/${id}/pupil-view`, { seed: 'preview' }),
    enabled: !!id,
  });

/** The knowledge-point tree of a subject (and grade), with how many visible items sit under each point. */
export const useKnowledgePoints = (subject: string | undefined, grade?: number, bankId?: string) =>
  useQuery({
    queryKey: ['knowledge-points', subject, grade ?? 'all', bankId ?? 'all'],
    queryFn: () => api.get<TKnowledgePoint[]>('/api/knowledge-points', { subject, grade, bankId }),
    enabled: !!subject,
    placeholderData: keepPreviousData,
  });

export function useSaveItem(id: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { bankId: string; content: TItemContent; baseVersion?: number }) =>
      id
        ? api.put<TItem>(`/api/items/${id}`, { content: body.content, baseVersion: body.baseVersion })
        : api.post<TItem>('/api/items', { bankId: body.bankId, content: body.content }),
    onSuccess: (item) => {
      client.setQueryData(['item', item.id], item);
      void client.invalidateQueries({ queryKey: ['items'] });
      void client.invalidateQueries({ queryKey: ['item-pupil', item.id] });
      void client.invalidateQueries({ queryKey: ['knowledge-points'] });
      void client.invalidateQueries({ queryKey: ['item-banks'] });
    },
  });
}

export const usePaper = (id: string | undefined) =>
  useQuery({ queryKey: ['paper', id], queryFn: () => api.get<TPaper>(`/api/papers/${id}`), enabled: !!id });

export const usePaperList = (q: { page: number; subject?: string; grade?: number; q?: string }) =>
  useQuery({
    queryKey: ['items', 'papers', q],
    queryFn: () => api.get<Paged<Omit<TPaper, 'sections'>>>('/api/papers', { ...q, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export function useSavePaper(id: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TSavePaperRequest & { refreshVersions?: boolean }) =>
      id ? api.put<TPaper>(`/api/papers/${id}`, { ...body, ownerUnitId: undefined }) : api.post<TPaper>('/api/papers', body),
    onSuccess: (paper) => {
      client.setQueryData(['paper', paper.id], paper);
      void client.invalidateQueries({ queryKey: ['items', 'papers'] });
    },
  });
}

export const useAssemble = () =>
  useMutation({ mutationFn: (body: TAssemblyConstraints) => api.post<TAssemblyResult>('/api/papers/assemble', body) });

/** Items by id, for the rows of an assembled paper (the list endpoint, up to 50 ids a request), in the order asked. */
export async function fetchItemSummaries(ids: string[]): Promise<TItemSummary[]> {
  const pages = [];
  for (let i = 0; i < ids.length; i += 50)
    pages.push(api.get<Paged<TItemSummary>>('/api/items', { ids: ids.slice(i, i + 50).join(','), pageSize: 50 }));
  const byId = new Map((await Promise.all(pages)).flatMap((p) => p.items).map((it) => [it.id, it]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}
