import type { TSecurityPolicy } from '@qiming/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

export const policyKey = ['security', 'policy'] as const;

export const useSecurityPolicy = () => useQuery({ queryKey: policyKey, queryFn: () => api.get<TSecurityPolicy>('/api/security/policy') });

export function useUpdateSecurityPolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TSecurityPolicy) => api.put<TSecurityPolicy>('/api/security/policy', body),
    onSuccess: (policy) => client.setQueryData(policyKey, policy),
  });
}
