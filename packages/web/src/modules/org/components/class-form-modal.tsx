import { GRADE_LEVELS, ZCreateClassRequest } from '@qiming/shared';
import { App, Form, Input, InputNumber, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { gradeName, orgKindName } from '../../../lib/labels.ts';
import { useCreateClass, useOrgUnits } from '../org.api.ts';

/** The school year starts in September: before that, this year's first graders entered last year. */
export function entryYearFor(gradeLevel: number, today = new Date()): number {
  const schoolYear = today.getMonth() >= 8 ? today.getFullYear() : today.getFullYear() - 1;
  return schoolYear - (gradeLevel - 1);
}

type Values = { gradeLevel?: number; classNo?: number; entryYear?: number; name?: string; unitId?: string };

export function ClassFormModal({ schoolId, open, onClose }: { schoolId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreateClass(schoolId);
  const units = useOrgUnits(schoolId, open);
  const unitOptions = (units.data ?? [])
    .filter((u) => u.kind === 'campus' || u.kind === 'teaching_point')
    .map((u) => ({ value: u.id, label: `${u.name}（${orgKindName(t, u.kind)}）` }));

  const submit = useFormSubmit(form, ZCreateClassRequest, create, (klass) => {
    message.success(t('class_created', { name: klass.name }));
    form.resetFields();
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('class_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={(values) => submit({ ...values, name: values.name?.trim() || undefined })}
      isPending={create.isPending}
      submitTestId="class-form-submit"
      requiredMark="optional"
      initialValues={{ classNo: 1 }}
    >
      <Form.Item name="gradeLevel" label={t('class_grade')} required>
        <Select
          data-testid="class-form-grade"
          placeholder={t('class_grade_placeholder')}
          options={GRADE_LEVELS.map((g) => ({ value: g, label: gradeName(t, g) }))}
          onChange={(g: number) => {
            if (!form.isFieldTouched('entryYear')) form.setFieldValue('entryYear', entryYearFor(g));
          }}
        />
      </Form.Item>
      <Form.Item name="classNo" label={t('class_no')} required extra={t('class_no_hint')}>
        <InputNumber min={1} max={40} precision={0} style={{ width: '100%' }} data-testid="class-form-classno" />
      </Form.Item>
      <Form.Item name="entryYear" label={t('class_entry_year')} required>
        <InputNumber min={2000} max={2100} precision={0} style={{ width: '100%' }} data-testid="class-form-entry-year" />
      </Form.Item>
      <Form.Item name="name" label={t('class_custom_name')} extra={t('class_custom_name_hint')}>
        <Input maxLength={32} data-testid="class-form-name" />
      </Form.Item>
      {unitOptions.length > 0 && (
        <Form.Item name="unitId" label={t('class_unit')} extra={t('class_unit_hint')}>
          <Select allowClear options={unitOptions} placeholder={t('class_unit_placeholder')} />
        </Form.Item>
      )}
    </FormModal>
  );
}
