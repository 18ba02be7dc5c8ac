import type { TOrgUnit, TSchool } from '@qiming/shared';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ConfigProvider } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, renderRoutes, type MockCall } from '../../../test/render.tsx';
import { CreateSchoolModal } from './school-form-modals.tsx';

const unit = (id: string, kind: TOrgUnit['kind'], name: string, parentId: string | null = null): TOrgUnit => ({
  id,
  kind,
  name,
  code: null,
  parentId,
  hasChildren: true,
  isCentral: false,
  centralSchoolId: null,
  gradeLevel: null,
});

const D1 = '00000000-0000-4000-8000-0000000000d1';
const D2 = '00000000-0000-4000-8000-0000000000d2';
const C1 = '00000000-0000-4000-8000-0000000000c1';
const district = unit(D1, 'district', '城关区');

const school: TSchool = {
  id: 's9',
  name: '启明第二小学',
  code: '2141000123',
  kind: 'school',
  isCentral: true,
  centralSchoolId: null,
  centralSchoolName: null,
  districtId: D1,
  districtName: '城关区',
  address: '',
  classCount: 0,
  studentCount: 0,
  teacherCount: 0,
  policies: { canEdit: true, canManageClasses: true },
};

function renderModal() {
  const onClose = vi.fn();
  const view = renderRoutes(
    [
      {
        path: '/schools',
        element: (
          <ConfigProvider theme={{ token: { motion: false } }}>
            <CreateSchoolModal open onClose={onClose} />
          </ConfigProvider>
        ),
      },
      { path: '/schools/:schoolId', element: <div data-testid="school-page" /> },
    ],
    { at: '/schools' },
  );
  return { ...view, onClose };
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const submit = () => fireEvent.click(screen.getByTestId('school-form-submit'));
const posts = (calls: MockCall[]) => calls.filter((c) => c.method === 'POST');

afterEach(() => vi.unstubAllGlobals());

describe('CreateSchoolModal', () => {
  it('checks the fields before sending anything', async () => {
    const calls = mockApi({ 'GET /api/org/units': { body: [district] } });
    renderModal();
    await screen.findByText('城关区');

    type('school-form-name', '启明第二小学');
    type('school-form-code', '12345');
    submit();

    expect(await screen.findByText('学校标识码应为 10 位数字')).toBeTruthy();
    expect(posts(calls)).toHaveLength(0);
  });

  it('lists a city admin’s districts and asks for one when there are several', async () => {
    const calls = mockApi({
      'GET /api/org/units': (call) =>
        call.url.includes(`parentId=${C1}`)
          ? { body: [unit(D1, 'district', '城关区', C1), unit(D2, 'district', '七里河区', C1)] }
          : { body: [unit(C1, 'city', '兰州市')] },
    });
    renderModal();
    await waitFor(() => expect(calls.some((c) => c.url.includes(`parentId=${C1}`))).toBe(true));

    type('school-form-name', '启明第二小学');
    type('school-form-code', '2141000123');
    submit();

    expect(await screen.findByText('请填写此项')).toBeTruthy();
    expect(posts(calls)).toHaveLength(0);
  });

  it('shows the server’s duplicate-code message and keeps the dialog open', async () => {
    const calls = mockApi({
      'GET /api/org/units': { body: [district] },
      'POST /api/schools': apiError(409, 'DUPLICATE_CODE', '学校标识码 2141000123 已被“启明小学”使用'),
    });
    renderModal();
    await screen.findByText('城关区');

    type('school-form-name', ' 启明第二小学 ');
    type('school-form-code', '2141000123');
    submit();

    expect(await screen.findByText('学校标识码 2141000123 已被“启明小学”使用')).toBeTruthy();
    expect(posts(calls)[0].body).toEqual({ districtId: D1, name: '启明第二小学', code: '2141000123', isCentral: false, address: '' });
    expect(screen.getByTestId('school-form-name')).toBeTruthy();
  });

  it('goes to the new school once it is created', async () => {
    mockApi({ 'GET /api/org/units': { body: [district] }, 'POST /api/schools': { status: 201, body: school } });
    const { router, onClose } = renderModal();
    await screen.findByText('城关区');

    type('school-form-name', '启明第二小学');
    type('school-form-code', '2141000123');
    submit();

    expect(await screen.findByTestId('school-page')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/schools/s9');
    expect(onClose).toHaveBeenCalled();
  });
});
