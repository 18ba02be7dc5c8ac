import type { TImportJob, TRosterKind } from '@qiming/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, downloadFile, uploadFile } from '../../lib/api.ts';

/** An import job as the server sends it; a finished job that created accounts may carry their first password. */
export type TImportJobView = TImportJob & { temporaryPassword?: string };

export const importKey = (id: string) => ['roster', 'imports', id] as const;
const isRunning = (job: TImportJob | undefined) => job?.status === 'validating' || job?.status === 'importing';

export const downloadTemplate = (schoolId: string, kind: TRosterKind) =>
  downloadFile(`/api/schools/${schoolId}/roster/template`, { kind }, `${kind}-template.xlsx`);

export const exportRoster = (schoolId: string, kind: TRosterKind) =>
  downloadFile(`/api/schools/${schoolId}/roster/export`, { kind }, `${kind}.xlsx`);

export function useUploadRoster(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, file }: { kind: TRosterKind; file: File }) =>
      uploadFile<TImportJobView>(`/api/schools/${schoolId}/roster/imports`, file, { query: { kind } }),
    onSuccess: (job) => client.setQueryData(importKey(job.id), job),
  });
}

/** One import job, polled every 500 ms while the server validates or imports it. */
export const useImportJob = (id: string | null) =>
  useQuery({
    queryKey: importKey(id ?? ''),
    queryFn: () => api.get<TImportJobView>(`/api/roster/imports/${id}`),
    enabled: !!id,
    staleTime: 0,
    refetchInterval: (query) => (isRunning(query.state.data) ? 500 : false),
  });

export function useCommitImport(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, mode }: { id: string; mode: 'all' | 'valid_only' }) =>
      api.post<TImportJobView>(`/api/roster/imports/${id}/commit`, { mode }),
    onSuccess: (job) => {
      client.setQueryData(importKey(job.id), job);
      void client.invalidateQueries({ queryKey: ['schools', schoolId] });
      void client.invalidateQueries({ queryKey: ['classes'] });
    },
  });
}
