import { ZMoveStudentRequest } from '@qiming/shared';
import { App, Form, Input, Modal, Select } from 'antd';
import { testId } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { applyServerErrors, parseForm } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { useMoveStudent, useSchoolClasses } from '../org.api.ts';

export type MoveTarget = { id: string; name: string; schoolId: string; classId: string | null };

/** 调班: another class of the same school, and why (kept in the class history). */
export function MoveStudentModal({ student, onClose }: { student: MoveTarget; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const move = useMoveStudent(student.id);
  const classes = useSchoolClasses(student.schoolId);

  const submit = (values: unknown) => {
    const body = parseForm(form, ZMoveStudentRequest, values);
    if (!body) return;
    move.mutate(body, {
      onSuccess: (updated) => {
        message.success(t('student_moved', { name: updated.name, className: updated.className ?? '' }));
        onClose();
      },
      onError: (e) => {
        if (!applyServerErrors(form, e)) message.error(errorMessage(e));
      },
    });
  };

  return (
    <Modal
      open
      title={t('move_title', { name: student.name })}
      onCancel={onClose}
      okText={t('move_submit')}
      okButtonProps={{ htmlType: 'submit', loading: move.isPending, ...testId('move-submit') }}
      destroyOnHidden
      modalRender={(node) => <Form form={form} layout="vertical" onFinish={submit} clearOnDestroy>{node}</Form>}
    >
      <Form.Item name="classId" label={t('move_target_class')} required>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={classes.isPending}
          placeholder={t('move_target_placeholder')}
          options={(classes.data ?? []).filter((c) => c.id !== student.classId).map((c) => ({ value: c.id, label: c.name }))}
          data-testid="move-class"
        />
      </Form.Item>
      <Form.Item name="reason" label={t('move_reason')} required>
        <Input.TextArea rows={3} maxLength={200} showCount placeholder={t('move_reason_placeholder')} data-testid="move-reason" />
      </Form.Item>
    </Modal>
  );
}
