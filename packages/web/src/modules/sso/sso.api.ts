import type { TOidcInteraction } from '@qiming/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

/** A pending single sign-on request of an application (sign-in or consent step). */
export const useInteraction = (uid: string) =>
  useQuery({
    queryKey: ['oidc-interaction', uid],
    queryFn: () => api.get<TOidcInteraction>(`/api/oidc/interaction/${encodeURIComponent(uid)}/details`),
    retry: false,
    staleTime: Infinity,
  });

/** Approves or declines; the answer says where the browser goes next (back to the provider). */
export const useDecide = (uid: string) =>
  useMutation({
    mutationFn: (approve: boolean) =>
      api.post<{ redirectTo: string }>(`/api/oidc/interaction/${encodeURIComponent(uid)}/confirm`, { approve }),
    onSuccess: ({ redirectTo }) => window.location.assign(redirectTo),
  });
