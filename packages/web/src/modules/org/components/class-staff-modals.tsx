import { SUBJECTS, ZAssignTeacherRequest, ZSetHeadTeacherRequest, type TClass } from '@qiming/shared';
import { App, Form, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { useAssignTeacher, useSetHeadTeacher } from '../org.api.ts';
import { TeacherSelect } from './teacher-select.tsx';

type ModalProps = { klass: TClass; open: boolean; onClose: () => void };

// the form holds { teacherId }; the mutation takes the id alone
const ZHeadTeacherChoice = ZSetHeadTeacherRequest.transform((body) => body.teacherId);

export function AssignTeacherModal({ klass, open, onClose }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const assign = useAssignTeacher(klass.id);
  const subject = Form.useWatch('subject', form) as string | undefined;
  const submit = useFormSubmit(form, ZAssignTeacherRequest, assign, () => {
    message.success(t('teacher_assigned'));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('assign_teacher_title', { name: klass.name })}
      okText={t('save')}
      onClose={onClose}
      onFinish={submit}
      isPending={assign.isPending}
      submitTestId="assign-teacher-submit"
    >
      <Form.Item name="subject" label={t('subject')} required>
        <Select
          options={SUBJECTS.map((s) => ({ value: s, label: s }))}
          placeholder={t('subject_placeholder')}
          data-testid="assign-teacher-subject"
        />
      </Form.Item>
      <Form.Item name="teacherId" label={t('teacher')} required>
        <TeacherSelect schoolId={klass.schoolId} subject={subject} data-testid="assign-teacher-teacher" />
      </Form.Item>
    </FormModal>
  );
}

export function HeadTeacherModal({ klass, open, onClose }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const setHead = useSetHeadTeacher(klass.id);
  const submit = useFormSubmit(form, ZHeadTeacherChoice, setHead, (updated) => {
    message.success(t('head_teacher_set', { name: updated.headTeacher?.name ?? '' }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('head_teacher_title', { name: klass.name })}
      okText={t('save')}
      onClose={onClose}
      onFinish={submit}
      isPending={setHead.isPending}
      submitTestId="head-teacher-submit"
      initialValues={{ teacherId: klass.headTeacher?.id }}
    >
      <Form.Item name="teacherId" label={t('head_teacher')} required extra={t('head_teacher_hint')}>
        <TeacherSelect schoolId={klass.schoolId} data-testid="head-teacher-select" />
      </Form.Item>
    </FormModal>
  );
}
