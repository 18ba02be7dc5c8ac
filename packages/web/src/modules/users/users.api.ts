import type { Role, TUserSummary } from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

export type UserListParams = { q?: string; role?: Role; page: number; pageSize: number };
export const usersKey = (params?: UserListParams) => (params ? (['users', params] as const) : (['users'] as const));

export const fetchUsers = (params: UserListParams) => api.get<Paged<TUserSummary>>('/api/users', params);

export const useUsers = (params: UserListParams, enabled = true) =>
  useQuery({ queryKey: usersKey(params), queryFn: () => fetchUsers(params), placeholderData: keepPreviousData, enabled });

function useUserMutation<V, R>(send: (v: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: send, onSuccess: () => client.invalidateQueries({ queryKey: usersKey() }) });
}

export const useResetPassword = () =>
  useUserMutation((id: string) => api.post<{ temporaryPassword: string }>(`/api/users/${id}/reset-password`));
export const useResetUserMfa = () => useUserMutation((id: string) => api.post(`/api/users/${id}/mfa/reset`));
export const useUnlockUser = () => useUserMutation((id: string) => api.post(`/api/users/${id}/unlock`));
export const useSetUserActive = () =>
  useUserMutation(({ id, isActive }: { id: string; isActive: boolean }) => api.post(`/api/users/${id}/active`, { isActive }));
