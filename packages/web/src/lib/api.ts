import { ERROR_CODES, type AppErrorCode, type TValidationIssue } from '@qiming/shared';
import { getCurrentLocale, translate } from './i18n.ts';

/** Codes the client adds for failures that never reached (or never came back from) the server. */
export type ClientErrorCode = 'NETWORK_ERROR';

/** An API failure as the server described it: `{ error: { code, message, details } }`. */
export class AppError extends Error {
  readonly code: AppErrorCode | ClientErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(code: AppErrorCode | ClientErrorCode, message: string, status: number, details?: unknown, requestId?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.requestId = requestId;
  }

  /** The issues of a VALIDATION_FAILED error (empty for any other error). */
  get issues(): TValidationIssue[] {
    if (this.code !== 'VALIDATION_FAILED') return [];
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    return Array.isArray(issues) ? (issues as TValidationIssue[]) : [];
  }
}

export const isAppError = (e: unknown, code?: AppError['code']): e is AppError =>
  e instanceof AppError && (code === undefined || e.code === code);

/** The text to show for any thrown value: the server's Chinese message, or a generic one. */
export function errorMessage(e: unknown): string {
  if (e instanceof AppError) return e.message;
  return translate(getCurrentLocale(), 'error_unexpected');
}

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

/** Builds `?a=1&b=x`, leaving out empty values so optional filters simply disappear. */
export function buildQuery(params?: QueryParams): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type RequestOptions = { query?: QueryParams; body?: unknown; signal?: AbortSignal };

const knownCode = (code: unknown): code is AppErrorCode => typeof code === 'string' && code in ERROR_CODES;

async function toAppError(res: Response): Promise<AppError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's error page): fall through to the status-based error
  }
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } } | null)?.error;
  if (err && typeof err.code === 'string') {
    const code = knownCode(err.code) ? err.code : 'INTERNAL';
    const message = typeof err.message === 'string' && err.message ? err.message : ERROR_CODES[code].message;
    return new AppError(code, message, res.status, err.details, typeof err.requestId === 'string' ? err.requestId : undefined);
  }
  const code: AppErrorCode =
    res.status === 401 ? 'UNAUTHENTICATED' : res.status === 403 ? 'FORBIDDEN' : res.status === 404 ? 'NOT_FOUND' : 'INTERNAL';
  return new AppError(code, ERROR_CODES[code].message, res.status);
}

/**
 * Sends a request with the session cookie. Mutations carry `X-Requested-With: qiming`, which the
 * server's CSRF check requires; a JSON body is sent as JSON, FormData as multipart.
 */
export async function request(method: Method, path: string, { query, body, signal }: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Requested-With'] = 'qiming';
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`${path}${buildQuery(query)}`, { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new AppError('NETWORK_ERROR', translate(getCurrentLocale(), 'error_network'), 0);
  }
  if (!res.ok) throw await toAppError(res);
  return res;
}

async function json<T>(method: Method, path: string, options?: RequestOptions): Promise<T> {
  const res = await request(method, path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) => json<T>('GET', path, { query, signal }),
  post: <T = void>(path: string, body?: unknown, query?: QueryParams) => json<T>('POST', path, { body: body ?? {}, query }),
  put: <T = void>(path: string, body: unknown) => json<T>('PUT', path, { body }),
  patch: <T = void>(path: string, body: unknown) => json<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => json<T>('DELETE', path),
};

/** Uploads one file as multipart form data (field `file` unless told otherwise). */
export function uploadFile<T>(
  path: string,
  file: Blob,
  { field = 'file', fileName, query }: { field?: string; fileName?: string; query?: QueryParams } = {},
): Promise<T> {
  const form = new FormData();
  form.append(field, file, fileName ?? (file instanceof File ? file.name : 'upload'));
  return json<T>('POST', path, { body: form, query });
}

/**
 * The file name from a Content-Disposition header, preferring RFC 5987 `filename*=UTF-8''…`
 * (how Chinese names travel) over the plain `filename="…"`.
 */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // malformed escape: try the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain ? plain[1].trim() : fallback;
}

/** Fetches a file (an xlsx export or template) and hands it to the browser as a download. */
export async function downloadFile(path: string, query?: QueryParams, fallbackName = 'download.xlsx'): Promise<string> {
  const res = await request('GET', path, { query });
  const name = fileNameFromDisposition(res.headers.get('Content-Disposition'), fallbackName);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export type Paged<T> = { items: T[]; total: number; page: number; pageSize: number };
