import type { TBank, TItem, TItemSummary, TPupilItem } from '@qiming/shared';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

export type ItemFilters = { bankId?: string; subject?: string; grade?: number; type?: string; difficulty?: number; q?: string };

export const useBanks = () => useQuery({ queryKey: ['item-banks'], queryFn: () => api.get<TBank[]>('/api/item-banks') });

export const useItems = (filters: ItemFilters, page: number, pageSize: number) =>
  useQuery({
    queryKey: ['items', filters, page, pageSize],
    queryFn: () => api.get<Paged<TItemSummary>>('/api/items', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

export const useItem = (id: string | null) =>
  useQuery({ queryKey: ['item', id], queryFn: () => api.get<TItem>(`/api/items/${id}`), enabled: !!id });

export const usePupilView = (id: string | null) =>
  useQuery({
    queryKey: ['item-pupil', id],
    queryFn: () => api.get<TPupilItem>(`/api/items/${id}/pupil-view`, { seed: 'preview' }),
    enabled: !!id,
  });
