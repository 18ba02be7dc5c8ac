import type { TUpstreamInfo, TUpstreamLink } from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

/** Whether this instance signs in through an upper-level platform, and its name (public: the sign-in page asks). */
export const useUpstreamInfo = () =>
  useQuery({ queryKey: ['upstream'], queryFn: () => api.get<TUpstreamInfo>('/api/upstream'), staleTime: 5 * 60_000, retry: false });

/** Where the browser goes for 使用上级平台账号登录; the server sends it on to the upstream. */
export const upstreamLoginUrl = (next: string) => `/api/upstream/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`;

export type LinkListParams = { q?: string; page: number; pageSize: number };
const linksKey = (params?: LinkListParams) => (params ? (['upstream-links', params] as const) : (['upstream-links'] as const));

export const useUpstreamLinks = (params: LinkListParams) =>
  useQuery({
    queryKey: linksKey(params),
    queryFn: () => api.get<Paged<TUpstreamLink>>('/api/upstream/links', params),
    placeholderData: keepPreviousData,
  });

export function useUnlink() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/upstream/links/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: linksKey() }),
  });
}
