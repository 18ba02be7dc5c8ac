import type { TApp, TAppWithSecret, TCreateAppRequest, TMyApp, TUpdateAppRequest } from '@qiming/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../../lib/api.ts';

export const appsKeys = { all: ['apps'] as const, mine: ['my-apps'] as const };

/** Applications the administrator can see: registered at, above or inside their units. */
export const useApps = () =>
  useQuery({ queryKey: appsKeys.all, queryFn: async () => (await api.get<{ items: TApp[] }>('/api/apps')).items });

/** The applications enabled for the signed-in user (the launcher on the personal space). */
export const useMyApps = () =>
  useQuery({ queryKey: appsKeys.mine, queryFn: async () => (await api.get<{ items: TMyApp[] }>('/api/me/apps')).items });

function useAppsMutation<B, D>(fn: (body: B) => Promise<D>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: appsKeys.all });
      void client.invalidateQueries({ queryKey: appsKeys.mine });
    },
  });
}

export const useCreateApp = () => useAppsMutation((body: TCreateAppRequest) => api.post<TAppWithSecret>('/api/apps', body));
export const useUpdateApp = (id: string) => useAppsMutation((body: TUpdateAppRequest) => api.put<TApp>(`/api/apps/${id}`, body));
export const useRotateSecret = (id: string) => useAppsMutation(() => api.post<TAppWithSecret>(`/api/apps/${id}/secret`));
export const useSetEnabled = (id: string) =>
  useAppsMutation(({ scopeId, enabled }: { scopeId: string; enabled: boolean }) =>
    enabled ? api.put<TApp>(`/api/apps/${id}/enablements/${scopeId}`, {}) : api.delete<TApp>(`/api/apps/${id}/enablements/${scopeId}`),
  );
export const useUploadLogo = (id: string) =>
  useAppsMutation(async (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return (await request('PUT', `/api/apps/${id}/logo`, { body: form })).json() as Promise<TApp>;
  });

/** The body of an update that changes only what is given. */
export const updateBodyOf = (app: TApp, change: Partial<TUpdateAppRequest>): TUpdateAppRequest => ({
  name: app.name,
  description: app.description,
  category: app.category,
  homeUrl: app.homeUrl,
  isTrusted: app.isTrusted,
  status: app.status,
  oidc: app.oidc
    ? {
        redirectUris: app.oidc.redirectUris,
        postLogoutRedirectUris: app.oidc.postLogoutRedirectUris,
        backchannelLogoutUri: app.oidc.backchannelLogoutUri,
        grantTypes: app.oidc.grantTypes as NonNullable<TUpdateAppRequest['oidc']>['grantTypes'],
        idTokenSigningAlg: app.oidc.idTokenSigningAlg,
      }
    : undefined,
  cas: app.cas ?? undefined,
  ...change,
});
