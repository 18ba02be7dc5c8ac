import type { TTeacher } from '@qiming/shared';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ConfigProvider } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockApi, renderRoutes, type MockCall } from '../../../test/render.tsx';
import { EditTeacherModal } from './teacher-form-modal.tsx';

// a teacher made from an upstream sign-in: the staff number is a placeholder and nobody entered a gender
const provisioned: TTeacher = {
  id: 't1',
  name: '刘桂芝',
  gender: null,
  username: 'up_liu',
  staffNo: 'UP3F9A21C0',
  subjects: ['数学'],
  phone: null,
  schoolId: 's1',
};

function renderModal() {
  const onClose = vi.fn();
  renderRoutes(
    [
      {
        path: '/',
        element: (
          <ConfigProvider theme={{ token: { motion: false } }}>
            <EditTeacherModal teacher={provisioned} open onClose={onClose} />
          </ConfigProvider>
        ),
      },
    ],
    { at: '/' },
  );
  return { onClose };
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const submit = () => fireEvent.click(screen.getByTestId('teacher-edit-submit'));
const patches = (calls: MockCall[]) => calls.filter((c) => c.method === 'PATCH');

afterEach(() => vi.unstubAllGlobals());

describe('EditTeacherModal', () => {
  it('shows the current record and sends the corrected one', async () => {
    const calls = mockApi({ 'PATCH /api/teachers/t1': { body: { ...provisioned, staffNo: 'T0420', phone: '13800001111' } } });
    const { onClose } = renderModal();
    expect((screen.getByTestId('teacher-form-staff-no') as HTMLInputElement).value).toBe('UP3F9A21C0');

    type('teacher-form-staff-no', 'T0420');
    type('teacher-form-phone', ' 13800001111 ');
    fireEvent.click(screen.getByLabelText('女'));
    submit();

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(patches(calls)[0].body).toEqual({
      name: '刘桂芝',
      gender: 'female',
      staffNo: 'T0420',
      phone: '13800001111',
      subjects: ['数学'],
    });
  });

  it('checks the staff number before sending, and keeps the dialog open on a taken one', async () => {
    const calls = mockApi({ 'PATCH /api/teachers/t1': apiError(409, 'CONFLICT', '工号 T0001 已存在') });
    const { onClose } = renderModal();

    type('teacher-form-staff-no', '!');
    submit();
    expect(await screen.findByText('工号应为 3–20 位字母或数字')).toBeTruthy();
    expect(patches(calls)).toHaveLength(0);

    type('teacher-form-staff-no', 'T0001');
    submit();
    expect(await screen.findByText('工号 T0001 已存在')).toBeTruthy();
    // an empty phone field stays empty: no number is invented
    expect(patches(calls)[0].body).toMatchObject({ staffNo: 'T0001', phone: null });
    expect(onClose).not.toHaveBeenCalled();
  });
});
