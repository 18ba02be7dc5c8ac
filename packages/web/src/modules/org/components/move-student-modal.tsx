import { ZMoveStudentRequest } from '@qiming/shared';
import { App, Form, Input, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
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
  const submit = useFormSubmit(form, ZMoveStudentRequest, move, (updated) => {
    message.success(t('student_moved', { name: updated.name, className: updated.className ?? '' }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      title={t('move_title', { name: student.name })}
      okText={t('move_submit')}
      onClose={onClose}
      onFinish={submit}
      isPending={move.isPending}
      submitTestId="move-submit"
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
    </FormModal>
  );
}
