import { SUBJECTS, ZAssignTeacherRequest, ZSetHeadTeacherRequest, type TClass } from '@qiming/shared';
import { App, Form, Modal, Select } from 'antd';
import { testId } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { useAssignTeacher, useSetHeadTeacher } from '../org.api.ts';
import { TeacherSelect } from './teacher-select.tsx';

type ModalProps = { klass: TClass; open: boolean; onClose: () => void };

export function AssignTeacherModal({ klass, open, onClose }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const assign = useAssignTeacher(klass.id);
  const subject = Form.useWatch('subject', form) as string | undefined;

  const submit = (values: unknown) => {
    const body = parseForm(form, ZAssignTeacherRequest, values);
    if (!body) return;
    assign.mutate(body, {
      onSuccess: () => {
        message.success(t('teacher_assigned'));
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
      title={t('assign_teacher_title', { name: klass.name })}
      onCancel={onClose}
      okText={t('save')}
      okButtonProps={{ htmlType: 'submit', loading: assign.isPending, ...testId('assign-teacher-submit') }}
      destroyOnHidden
      modalRender={(node) => <Form form={form} layout="vertical" onFinish={submit} clearOnDestroy>{node}</Form>}
    >
      <Form.Item name="subject" label={t('subject')} required>
        <Select options={SUBJECTS.map((s) => ({ value: s, label: s }))} placeholder={t('subject_placeholder')} data-testid="assign-teacher-subject" />
      </Form.Item>
      <Form.Item name="teacherId" label={t('teacher')} required>
        <TeacherSelect schoolId={klass.schoolId} subject={subject} data-testid="assign-teacher-teacher" />
      </Form.Item>
    </Modal>
  );
}

export function HeadTeacherModal({ klass, open, onClose }: ModalProps) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const setHead = useSetHeadTeacher(klass.id);

  const submit = (values: unknown) => {
    const body = parseForm(form, ZSetHeadTeacherRequest, values);
    if (!body) return;
    setHead.mutate(body.teacherId, {
      onSuccess: (updated) => {
        message.success(t('head_teacher_set', { name: updated.headTeacher?.name ?? '' }));
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
      title={t('head_teacher_title', { name: klass.name })}
      onCancel={onClose}
      okText={t('save')}
      okButtonProps={{ htmlType: 'submit', loading: setHead.isPending, ...testId('head-teacher-submit') }}
      destroyOnHidden
      modalRender={(node) => (
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ teacherId: klass.headTeacher?.id }} clearOnDestroy>
          {node}
        </Form>
      )}
    >
      <Form.Item name="teacherId" label={t('head_teacher')} required extra={t('head_teacher_hint')}>
        <TeacherSelect schoolId={klass.schoolId} data-testid="head-teacher-select" />
      </Form.Item>
    </Modal>
  );
}
