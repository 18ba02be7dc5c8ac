import { ERROR_CODES, type AppErrorCode } from '@qiming/shared';

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly details?: unknown;
  /** Response headers that belong to the error, e.g. Retry-After on RATE_LIMITED. */
  readonly headers?: Record<string, string>;

  constructor(code: AppErrorCode, opts: { message?: string; details?: unknown; headers?: Record<string, string> } = {}) {
    super(opts.message ?? ERROR_CODES[code].message);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export const notFound = (what?: string): AppError => new AppError('NOT_FOUND', what ? { message: `未找到${what}，或您无权查看` } : {});
export const forbidden = (message?: string): AppError => new AppError('FORBIDDEN', message ? { message } : {});
