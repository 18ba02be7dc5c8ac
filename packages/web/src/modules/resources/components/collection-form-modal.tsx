import {
  AUDIENCES,
  COLLECTION_KINDS,
  GRADE_LEVELS,
  SUBJECTS,
  ZCollectionInput,
  type TCollection,
  type TCollectionDetail,
} from '@qiming/shared';
import { App, Form, Input, Radio, Select } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { gradeName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { audienceName, kindName } from '../labels.ts';
import { useSaveCollection } from '../resources.api.ts';

/**
 * Creates a 资源目录 or 专题合集, or edits one. A 资源目录 is for school and bureau
 * administrators (resource.manage); anyone who contributes may make a 专题合集.
 */
export function CollectionFormModal({
  collection,
  open,
  onClose,
  onSaved,
}: {
  collection?: TCollection;
  open: boolean;
  onClose: () => void;
  onSaved: (saved: TCollectionDetail) => void;
}) {
  const t = useT();
  const can = useCan();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = useSaveCollection();
  const canDirect = can('resource.manage');
  const schema = ZCollectionInput.transform((input) => ({ id: collection?.id, input }));
  const submit = useFormSubmit(form, schema, save, (saved) => {
    message.success(t('res_saved'));
    onSaved(saved);
  });
  return (
    <FormModal
      form={form}
      open={open}
      title={collection ? t('res_coll_edit') : t('res_coll_new')}
      okText={t('save')}
      onClose={onClose}
      onFinish={submit}
      isPending={save.isPending}
      submitTestId="collection-save"
      initialValues={
        collection
          ? {
              kind: collection.kind,
              title: collection.title,
              description: collection.description,
              subject: collection.subject,
              gradeLevel: collection.gradeLevel,
              community: collection.community,
              audience: collection.audience,
            }
          : {
              kind: canDirect ? 'directory' : 'collection',
              audience: 'school',
              description: '',
              community: '',
              subject: null,
              gradeLevel: null,
            }
      }
    >
      <Form.Item name="kind" label={t('res_coll_kind')}>
        <Radio.Group
          optionType="button"
          options={COLLECTION_KINDS.map((k) => ({ value: k, label: kindName(t, k), disabled: k === 'directory' && !canDirect }))}
        />
      </Form.Item>
      <Form.Item name="title" label={t('res_coll_name')} required>
        <Input maxLength={60} placeholder={t('res_coll_name_placeholder')} data-testid="collection-title" />
      </Form.Item>
      <Form.Item name="description" label={t('res_description')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} />
      </Form.Item>
      <div style={{ display: 'flex', gap: 12 }}>
        <Form.Item name="subject" label={t('res_subject')} style={{ flex: 1 }}>
          <Select allowClear placeholder={t('res_coll_any')} options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Form.Item name="gradeLevel" label={t('res_grade')} style={{ flex: 1 }}>
          <Select allowClear placeholder={t('res_coll_any')} options={GRADE_LEVELS.map((g) => ({ value: g, label: gradeName(t, g) }))} />
        </Form.Item>
      </div>
      <Form.Item name="community" label={t('res_coll_community')} extra={t('res_coll_community_hint')}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item name="audience" label={t('res_audience')}>
        <Select options={AUDIENCES.map((a) => ({ value: a, label: audienceName(t, a) }))} />
      </Form.Item>
    </FormModal>
  );
}
