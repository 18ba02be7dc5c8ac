import { GENDERS, ZCreateStudentRequest } from '@qiming/shared';
import { App, Form, Input, Radio, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { genderName } from '../../../lib/labels.ts';
import { useCreateStudent, useSchoolClasses } from '../org.api.ts';

export function StudentFormModal({
  schoolId,
  open,
  onClose,
  classId,
}: {
  schoolId: string;
  open: boolean;
  onClose: () => void;
  classId?: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateStudent(schoolId);
  // only once opened: the form sits (closed) on class pages whose readers may not list the school's classes
  const classes = useSchoolClasses(open ? schoolId : undefined);
  const submit = useFormSubmit(form, ZCreateStudentRequest, create, (student) => {
    message.success(t('student_created', { name: student.name, username: student.username }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('student_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="student-form-submit"
      requiredMark="optional"
      initialValues={{ gender: 'male', classId }}
    >
      <Form.Item name="name" label={t('person_name')} required>
        <Input maxLength={32} data-testid="student-form-name" />
      </Form.Item>
      <Form.Item name="gender" label={t('person_gender')} required>
        <Radio.Group options={GENDERS.map((g) => ({ value: g, label: genderName(t, g) }))} />
      </Form.Item>
      <Form.Item name="studentNo" label={t('student_no')} required>
        <Input maxLength={20} data-testid="student-form-no" />
      </Form.Item>
      <Form.Item name="idCard" label={t('person_id_card')} required extra={t('id_card_hint')}>
        <Input maxLength={18} autoComplete="off" data-testid="student-form-id-card" />
      </Form.Item>
      <Form.Item name="classId" label={t('student_class')} required>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={classes.isPending}
          options={(classes.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          placeholder={t('student_class_placeholder')}
          data-testid="student-form-class"
        />
      </Form.Item>
    </FormModal>
  );
}
