import type { TImportJob, TImportRowError, TImportStatus, TRosterKind } from '@qiming/shared';
import type { JobView } from './roster.repository.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export const presentImportJob = (r: JobView): TImportJob => ({
  id: r.id,
  kind: r.kind as TRosterKind,
  status: r.status as TImportStatus,
  fileName: r.file_name,
  totalRows: r.total_rows,
  validRows: r.valid_rows,
  processedRows: r.processed_rows,
  createdRows: r.created_rows,
  updatedRows: r.updated_rows,
  errorCount: Number(r.error_count),
  errors: (r.errors ?? []) as TImportRowError[],
  createdAt: iso(r.created_at)!,
  finishedAt: iso(r.finished_at),
  failureMessage: r.failure_message,
});
