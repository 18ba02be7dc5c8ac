import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi } from '../test/render.tsx';
import { api, AppError, buildQuery, fileNameFromDisposition } from './api.ts';

afterEach(() => vi.unstubAllGlobals());

describe('api', () => {
  it('marks mutations for the CSRF check and leaves reads alone', async () => {
    const calls = mockApi({ 'GET /api/me/home': { body: {} }, 'POST /api/auth/logout': { status: 204 } });
    await api.get('/api/me/home');
    await api.post('/api/auth/logout');
    expect(calls[0].headers['X-Requested-With']).toBeUndefined();
    expect(calls[1].headers['X-Requested-With']).toBe('qiming');
  });

  it('turns an error body into an AppError with code, message, details and status', async () => {
    mockApi({
      'POST /api/classes/1/teachers': apiError(400, 'VALIDATION_FAILED', '提交的数据有误', {
        issues: [{ path: ['body', 'subject'], message: '学科不在列表中' }],
      }),
    });
    const error = await api.post('/api/classes/1/teachers', { subject: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect([e.code, e.status, e.message]).toEqual(['VALIDATION_FAILED', 400, '提交的数据有误']);
    expect(e.issues).toEqual([{ path: ['body', 'subject'], message: '学科不在列表中' }]);
  });

  it('uses the shared default message when the server sends none, and a status-based code for non-JSON errors', async () => {
    mockApi({ 'GET /api/a': apiError(409, 'CLASS_NOT_EMPTY', '') });
    await expect(api.get('/api/a')).rejects.toMatchObject({ code: 'CLASS_NOT_EMPTY', message: '班级中仍有学生，不能删除' });
    vi.stubGlobal('fetch', async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(api.get('/api/b')).rejects.toMatchObject({ code: 'INTERNAL', status: 502 });
  });

  it('reports a network failure in words, not as a TypeError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.get('/api/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR', message: '无法连接服务器，请检查网络后重试' });
  });

  it('builds query strings without empty filters', () => {
    expect(buildQuery({ q: '', classId: undefined, page: 2, kind: 'students' })).toBe('?page=2&kind=students');
    expect(buildQuery({ q: '王 小明' })).toBe('?q=%E7%8E%8B+%E5%B0%8F%E6%98%8E');
    expect(buildQuery({})).toBe('');
  });
});

describe('fileNameFromDisposition', () => {
  it('prefers the UTF-8 name, which is how Chinese file names travel', () => {
    expect(
      fileNameFromDisposition(`attachment; filename="students.xlsx"; filename*=UTF-8''${encodeURIComponent('学生名单.xlsx')}`, 'x'),
    ).toBe('学生名单.xlsx');
    expect(fileNameFromDisposition('attachment; filename="audit.xlsx"', 'x')).toBe('audit.xlsx');
    expect(fileNameFromDisposition(null, 'fallback.xlsx')).toBe('fallback.xlsx');
  });
});
