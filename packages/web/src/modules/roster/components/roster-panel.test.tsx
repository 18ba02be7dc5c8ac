import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, renderPage, type MockCall } from '../../../test/render.tsx';
import { RosterPanel } from './roster-panel.tsx';

const baseJob = {
  id: 'job-1',
  kind: 'students',
  fileName: '三年级名单.xlsx',
  totalRows: 40,
  validRows: 38,
  processedRows: 40,
  createdRows: 0,
  updatedRows: 0,
  errorCount: 2,
  createdAt: '2026-11-23T08:00:00.000Z',
  finishedAt: null,
  failureMessage: null,
  errors: [
    { row: 5, column: '学号', code: 'duplicate_student_no', message: '学号 20230105 与第 3 行重复' },
    { row: 9, column: '身份证号', code: 'id_card_checksum', message: '身份证号校验位不正确' },
  ],
};

afterEach(() => vi.unstubAllGlobals());

function upload(file: File) {
  const input = screen.getByTestId('import-upload') as HTMLInputElement;
  expect(input.type).toBe('file');
  fireEvent.change(input, { target: { files: [file] } });
}

describe('RosterPanel', () => {
  it('uploads, shows progress, lists the problems and imports only the valid rows', async () => {
    let polls = 0;
    let committed = false;
    const calls = mockApi({
      'POST /api/schools/s1/roster/imports': {
        status: 201,
        body: { ...baseJob, status: 'validating', processedRows: 10, errors: [], errorCount: 0 },
      },
      'GET /api/roster/imports/job-1': () => {
        if (committed)
          return { body: { ...baseJob, status: 'done', createdRows: 38, updatedRows: 0, finishedAt: '2026-11-23T08:01:00.000Z' } };
        return ++polls < 2
          ? { body: { ...baseJob, status: 'validating', processedRows: 20, errors: [], errorCount: 0 } }
          : { body: { ...baseJob, status: 'validated' } };
      },
      // the commit answers while still importing; only this answer carries the new accounts' password
      'POST /api/roster/imports/job-1/commit': (call: MockCall) => {
        committed = (call.body as { mode: string }).mode === 'valid_only';
        return { body: { ...baseJob, status: 'importing', processedRows: 0, temporaryPassword: 'Qm#7kd92xa' } };
      },
    });
    renderPage(<RosterPanel schoolId="s1" />);

    upload(new File(['x'], '三年级名单.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));

    expect(await screen.findByTestId('import-progress')).toBeTruthy();
    const errors = await screen.findByTestId('import-errors', {}, { timeout: 3000 });
    expect(within(errors).getByText('学号 20230105 与第 3 行重复')).toBeTruthy();
    expect(within(errors).getByText('身份证号')).toBeTruthy();
    expect((screen.getByTestId('import-commit-all') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId('import-commit-valid'));
    const done = await screen.findByTestId('import-done', {}, { timeout: 3000 });
    expect(done.textContent).toContain('新增 38 条');
    expect(screen.getByTestId('import-temp-password-value').textContent).toContain('Qm#7kd92xa');

    const uploadCall = calls.find((c) => c.method === 'POST' && c.url.startsWith('/api/schools/s1/roster/imports'))!;
    expect(uploadCall.url).toBe('/api/schools/s1/roster/imports?kind=students');
    expect((uploadCall.body as FormData).get('file')).toBeInstanceOf(File);
    expect(uploadCall.headers['X-Requested-With']).toBe('qiming');
    expect(calls.find((c) => c.url.endsWith('/commit'))?.body).toEqual({ mode: 'valid_only' });
  });

  it('refuses a file that is not .xlsx without sending it', async () => {
    const calls = mockApi({});
    renderPage(<RosterPanel schoolId="s1" />);
    upload(new File(['a,b'], 'names.csv', { type: 'text/csv' }));
    expect(await screen.findByText('请上传 .xlsx 格式的 Excel 文件')).toBeTruthy();
    await waitFor(() => expect(calls).toHaveLength(0));
  });
});
