import { ERROR_CODES, type AppErrorCode } from '@qiming/shared';

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: AppErrorCode, opts: { message?: string; details?: unknown } = {}) {
    super(opts.message ?? ERROR_CODES[code].message);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = opts.details;
  }
}

export const notFound = (what?: string): AppError => new AppError('NOT_FOUND', what ? { message: `未找到${what}，或您无权查看` } : {});
export const forbidden = (message?: string): AppError => new AppError('FORBIDDEN', message ? { message } : {});
