import { GENDERS, SUBJECTS, ZCreateTeacherRequest } from '@qiming/shared';
import { App, Form, Input, Modal, Radio, Select } from 'antd';
import { testId } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { genderName } from '../../../lib/labels.ts';
import { useCreateTeacher, type TCreateTeacherInput } from '../org.api.ts';

export function TeacherFormModal({ schoolId, open, onClose }: { schoolId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateTeacher(schoolId);

  const submit = (values: Record<string, unknown>) => {
    const body = parseForm(form, ZCreateTeacherRequest, { ...values, idCard: (values.idCard as string | undefined)?.trim() || undefined });
    if (!body) return;
    create.mutate(body as TCreateTeacherInput, {
      onSuccess: (teacher) => {
        message.success(t('teacher_created', { name: teacher.name, username: teacher.username }));
        onClose();
      },
      onError: (e) => {
        if (!applyServerErrors(form, e)) message.error(errorMessage(e));
      },
    });
  };

  return (
    <Modal
      open={open}
      title={t('teacher_create')}
      onCancel={onClose}
      okText={t('create')}
      okButtonProps={{ htmlType: 'submit', loading: create.isPending, ...testId('teacher-form-submit') }}
      destroyOnHidden
      modalRender={(node) => (
        <Form form={form} layout="vertical" requiredMark="optional" onFinish={submit} initialValues={{ gender: 'female', subjects: [] }} clearOnDestroy>
          {node}
        </Form>
      )}
    >
      <Form.Item name="name" label={t('person_name')} required>
        <Input maxLength={32} data-testid="teacher-form-name" />
      </Form.Item>
      <Form.Item name="gender" label={t('person_gender')} required>
        <Radio.Group options={GENDERS.map((g) => ({ value: g, label: genderName(t, g) }))} />
      </Form.Item>
      <Form.Item name="staffNo" label={t('teacher_staff_no')} required>
        <Input maxLength={20} data-testid="teacher-form-staff-no" />
      </Form.Item>
      <Form.Item name="phone" label={t('person_phone')} required>
        <Input inputMode="tel" maxLength={20} data-testid="teacher-form-phone" />
      </Form.Item>
      <Form.Item name="subjects" label={t('teacher_subjects')} required>
        <Select mode="multiple" options={SUBJECTS.map((s) => ({ value: s, label: s }))} placeholder={t('teacher_subjects_placeholder')} data-testid="teacher-form-subjects" />
      </Form.Item>
      <Form.Item name="idCard" label={t('person_id_card')} extra={t('id_card_hint')}>
        <Input maxLength={18} autoComplete="off" />
      </Form.Item>
    </Modal>
  );
}
