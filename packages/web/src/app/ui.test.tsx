import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useMutation } from '@tanstack/react-query';
import { App, Button, ConfigProvider, Form, Input } from 'antd';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { api } from '../lib/api.ts';
import { useFormSubmit } from '../lib/form.ts';
import { apiError, mockApi, renderPage } from '../test/render.tsx';
import { FormModal } from './ui.tsx';

const ZCreatePet = z.object({ name: z.string().trim().min(1, '请填写名字').max(8, '名字最多 8 个字') });
type Pet = { id: string; name: string };

function PetModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useMutation({ mutationFn: (body: z.output<typeof ZCreatePet>) => api.post<Pet>('/api/pets', body) });
  const submit = useFormSubmit(form, ZCreatePet, create, (pet) => {
    message.success(`已添加 ${pet.name}`);
    onClose();
  });
  return (
    <FormModal
      form={form}
      open={open}
      title="添加宠物"
      okText="添加"
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="pet-submit"
      initialValues={{ name: '小白' }}
    >
      <Form.Item name="name" label="名字">
        <Input data-testid="pet-name" />
      </Form.Item>
    </FormModal>
  );
}

// stays mounted while closed, as the school pages keep their dialogs; no motion, so closing is immediate
function Harness() {
  const [open, setOpen] = useState(true);
  return (
    <ConfigProvider theme={{ token: { motion: false } }}>
      <Button onClick={() => setOpen(true)}>reopen</Button>
      <PetModal open={open} onClose={() => setOpen(false)} />
    </ConfigProvider>
  );
}

const typeName = (value: string) => fireEvent.change(screen.getByTestId('pet-name'), { target: { value } });
const submit = () => fireEvent.click(screen.getByTestId('pet-submit'));

afterEach(() => vi.unstubAllGlobals());

describe('FormModal with useFormSubmit', () => {
  it('checks the values with the schema before sending anything', async () => {
    const calls = mockApi({});
    renderPage(<Harness />);
    typeName('   ');
    submit();

    expect(await screen.findByText('请填写名字')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it('sends the parsed body, reports success and closes', async () => {
    const calls = mockApi({ 'POST /api/pets': { status: 201, body: { id: 'p1', name: '旺财' } } });
    renderPage(<Harness />);
    typeName('  旺财 ');
    submit();

    expect(await screen.findByText('已添加 旺财')).toBeTruthy();
    expect(calls[0].body).toEqual({ name: '旺财' });
    await waitFor(() => expect(screen.queryByTestId('pet-name')).toBeNull());
  });

  it('puts a server validation failure on its field, without a general message', async () => {
    mockApi({
      'POST /api/pets': apiError(400, 'VALIDATION_FAILED', '请求参数有误', {
        issues: [{ path: ['body', 'name'], message: '已有同名宠物' }],
      }),
    });
    renderPage(<Harness />);
    typeName('旺财');
    submit();

    expect(await screen.findByText('已有同名宠物')).toBeTruthy();
    expect(screen.queryByText('请求参数有误')).toBeNull();
    expect(screen.getByTestId('pet-name')).toBeTruthy();
  });

  it('shows any other failure as a message and keeps the dialog open', async () => {
    mockApi({ 'POST /api/pets': apiError(409, 'CONFLICT', '宠物数量已满') });
    renderPage(<Harness />);
    submit();

    expect(await screen.findByText('宠物数量已满')).toBeTruthy();
    expect((screen.getByTestId('pet-name') as HTMLInputElement).value).toBe('小白');
  });

  it('opens with the initial values again after being closed', async () => {
    mockApi({ 'POST /api/pets': { status: 201, body: { id: 'p1', name: '旺财' } } });
    renderPage(<Harness />);
    typeName('旺财');
    submit();
    await waitFor(() => expect(screen.queryByTestId('pet-name')).toBeNull());
    fireEvent.click(screen.getByText('reopen'));

    expect(((await screen.findByTestId('pet-name')) as HTMLInputElement).value).toBe('小白');
  });
});
