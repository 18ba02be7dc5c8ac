import type { THome } from '@qiming/shared';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const homeKey = ['home'] as const;

/** The personal space (个人空间) for the active role. */
export const useHome = () => useQuery({ queryKey: homeKey, queryFn: () => api.get<THome>('/api/me/home') });
