import type { Role, TGrant } from '@qiming/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const grantsKey = (userId: string) => ['grants', userId] as const;
export type TCreateGrantInput = { userId: string; role: Role; scopeId: string; subject?: string };

export const useGrants = (userId: string | undefined) =>
  useQuery({ queryKey: grantsKey(userId ?? ''), queryFn: () => api.get<TGrant[]>('/api/grants', { userId }), enabled: !!userId });

export function useCreateGrant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateGrantInput) => api.post<TGrant>('/api/grants', body),
    onSuccess: (grant) => {
      void client.invalidateQueries({ queryKey: grantsKey(grant.userId) });
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });
}

export function useRevokeGrant(userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (grantId: string) => api.delete(`/api/grants/${grantId}`),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: grantsKey(userId) });
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });
}
