import { GENDERS, SUBJECTS, ZCreateTeacherRequest, ZUpdateTeacherRequest, type TTeacher } from '@qiming/shared';
import { App, Form, Input, Radio, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { genderName } from '../../../lib/labels.ts';
import { useCreateTeacher, useUpdateTeacher } from '../org.api.ts';

export function TeacherFormModal({ schoolId, open, onClose }: { schoolId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateTeacher(schoolId);
  const submit = useFormSubmit(form, ZCreateTeacherRequest, create, (teacher) => {
    message.success(t('teacher_created', { name: teacher.name, username: teacher.username }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('teacher_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={(values: Record<string, unknown>) =>
        submit({ ...values, idCard: (values.idCard as string | undefined)?.trim() || undefined })
      }
      isPending={create.isPending}
      submitTestId="teacher-form-submit"
      requiredMark="optional"
      initialValues={{ gender: 'female', subjects: [] }}
    >
      <TeacherFields phoneRequired />
      <Form.Item name="idCard" label={t('person_id_card')} extra={t('id_card_hint')}>
        <Input maxLength={18} autoComplete="off" />
      </Form.Item>
    </FormModal>
  );
}

/**
 * Corrects a teacher's record: a typo, a new phone, another subject — or the staff number and gender
 * of an account made from an upstream sign-in, which nobody entered. 身份证号 is not edited here.
 */
export function EditTeacherModal({ teacher, open, onClose }: { teacher: TTeacher; open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const update = useUpdateTeacher(teacher);
  const submit = useFormSubmit(form, ZUpdateTeacherRequest, update, (saved) => {
    message.success(t('teacher_saved', { name: saved.name }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('teacher_edit')}
      okText={t('save')}
      onClose={onClose}
      // an emptied phone field removes the number
      onFinish={(values: Record<string, unknown>) => submit({ ...values, phone: (values.phone as string | undefined)?.trim() || null })}
      isPending={update.isPending}
      submitTestId="teacher-edit-submit"
      requiredMark="optional"
      initialValues={{
        name: teacher.name,
        gender: teacher.gender ?? undefined,
        staffNo: teacher.staffNo,
        phone: teacher.phone ?? '',
        subjects: teacher.subjects,
      }}
    >
      <TeacherFields phoneRequired={false} />
    </FormModal>
  );
}

function TeacherFields({ phoneRequired }: { phoneRequired: boolean }) {
  const t = useT();
  return (
    <>
      <Form.Item name="name" label={t('person_name')} required>
        <Input maxLength={32} data-testid="teacher-form-name" />
      </Form.Item>
      <Form.Item name="gender" label={t('person_gender')} required>
        <Radio.Group options={GENDERS.map((g) => ({ value: g, label: genderName(t, g) }))} />
      </Form.Item>
      <Form.Item name="staffNo" label={t('teacher_staff_no')} required>
        <Input maxLength={20} data-testid="teacher-form-staff-no" />
      </Form.Item>
      <Form.Item name="phone" label={t('person_phone')} required={phoneRequired}>
        <Input inputMode="tel" maxLength={20} data-testid="teacher-form-phone" />
      </Form.Item>
      <Form.Item name="subjects" label={t('teacher_subjects')} required>
        <Select
          mode="multiple"
          options={SUBJECTS.map((s) => ({ value: s, label: s }))}
          placeholder={t('teacher_subjects_placeholder')}
          data-testid="teacher-form-subjects"
        />
      </Form.Item>
    </>
  );
}
