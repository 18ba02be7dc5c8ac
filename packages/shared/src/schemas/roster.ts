import { z } from 'zod';

export const ROSTER_KINDS = ['students', 'teachers', 'parents'] as const;
export const ZRosterKind = z.enum(ROSTER_KINDS, { message: '名单类型应为 students、teachers 或 parents' });
export type TRosterKind = z.infer<typeof ZRosterKind>;
export const ROSTER_KIND_NAMES: Record<TRosterKind, string> = { students: '学生', teachers: '教师', parents: '家长' };

export const IMPORT_STATUSES = ['validating', 'validated', 'importing', 'done', 'failed'] as const;
export type TImportStatus = (typeof IMPORT_STATUSES)[number];

export const ZImportRowError = z.object({
  row: z.number().int(), // 1-based row number in the sheet, as Excel shows it
  column: z.string(), // the header text, e.g. 学号
  code: z.string(), // stable machine code, e.g. duplicate_student_no
  message: z.string(), // Chinese explanation
});
export type TImportRowError = z.infer<typeof ZImportRowError>;

export const ZImportJob = z.object({
  id: z.string(),
  kind: ZRosterKind,
  status: z.enum(IMPORT_STATUSES),
  fileName: z.string(),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  processedRows: z.number().int(),
  createdRows: z.number().int(),
  updatedRows: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(ZImportRowError),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  failureMessage: z.string().nullable(),
});
export type TImportJob = z.infer<typeof ZImportJob>;

export const ZCommitImportRequest = z.object({ mode: z.enum(['all', 'valid_only']) });
export type TCommitImportRequest = z.infer<typeof ZCommitImportRequest>;
export const ZRosterKindQuery = z.object({ kind: ZRosterKind });
