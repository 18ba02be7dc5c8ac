import { GUARDIAN_RELATIONS, ZAddGuardianRequest } from '@qiming/shared';
import { App, Form, Input, Select, Switch } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { relationName } from '../../../lib/labels.ts';
import { useAddGuardian } from '../org.api.ts';

export function AddGuardianModal({
  studentId,
  studentName,
  open,
  onClose,
}: {
  studentId: string;
  studentName: string;
  open: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const add = useAddGuardian(studentId);
  const submit = useFormSubmit(form, ZAddGuardianRequest, add, () => {
    message.success(t('guardian_added'));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('guardian_add_title', { name: studentName })}
      okText={t('save')}
      onClose={onClose}
      onFinish={submit}
      isPending={add.isPending}
      submitTestId="guardian-submit"
      requiredMark="optional"
      initialValues={{ relation: 'mother', isPrimary: false }}
    >
      <Form.Item name="name" label={t('person_name')} required>
        <Input maxLength={32} data-testid="guardian-name" />
      </Form.Item>
      <Form.Item name="phone" label={t('person_phone')} required extra={t('guardian_phone_hint')}>
        <Input inputMode="tel" maxLength={20} data-testid="guardian-phone" />
      </Form.Item>
      <Form.Item name="relation" label={t('guardian_relation')} required>
        <Select options={GUARDIAN_RELATIONS.map((r) => ({ value: r, label: relationName(t, r) }))} data-testid="guardian-relation" />
      </Form.Item>
      <Form.Item name="isPrimary" label={t('guardian_primary')} valuePropName="checked" extra={t('guardian_primary_hint')}>
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
