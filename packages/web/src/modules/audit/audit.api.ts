import type { TAuditRecord, TAuditVerifyResult } from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, downloadFile, type Paged } from '../../lib/api.ts';

export type AuditFilters = { from?: string; to?: string; actor?: string; action?: string; outcome?: 'success' | 'failure' };

export const useAuditRecords = (filters: AuditFilters, page: number, pageSize: number) =>
  useQuery({
    queryKey: ['audit', filters, page, pageSize],
    queryFn: () => api.get<Paged<TAuditRecord>>('/api/audit', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

export const exportAudit = (filters: AuditFilters) => downloadFile('/api/audit/export', filters, 'audit.xlsx');

export const useVerifyAudit = () => useMutation({ mutationFn: () => api.post<TAuditVerifyResult>('/api/audit/verify') });
