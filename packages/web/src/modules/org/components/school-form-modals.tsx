import {
  ZCreateCampusRequest,
  ZCreateSchoolRequest,
  ZCreateTeachingPointRequest,
  ZUpdateSchoolRequest,
  type TSchool,
} from '@qiming/shared';
import { App, Form, Input, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT } from '../../../lib/i18n.ts';
import { useCreateCampus, useCreateSchool, useCreateTeachingPoint, useDistricts, useUpdateSchool } from '../org.api.ts';

type ModalProps = { open: boolean; onClose: () => void };

/** A new school in one of the user's districts; on success the app goes to it. */
export function CreateSchoolModal({ open, onClose }: ModalProps) {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateSchool();
  const { districts } = useDistricts(open);
  const only = districts.length === 1 ? districts[0].id : undefined;

  // a district admin has one district: choose it for them
  useEffect(() => {
    if (open && only && !form.getFieldValue('districtId')) form.setFieldValue('districtId', only);
  }, [open, only, form]);

  const submit = useFormSubmit(form, ZCreateSchoolRequest, create, (school) => {
    message.success(t('school_created', { name: school.name }));
    onClose();
    void navigate(`/schools/${school.id}`);
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('school_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="school-form-submit"
      requiredMark="optional"
      initialValues={{ districtId: only, isCentral: false, address: '' }}
    >
      <Form.Item name="districtId" label={t('school_district')} required>
        <Select
          data-testid="school-form-district"
          placeholder={t('school_district_placeholder')}
          options={districts.map((d) => ({ value: d.id, label: d.name }))}
        />
      </Form.Item>
      <Form.Item name="name" label={t('school_form_name')} required>
        <Input maxLength={64} data-testid="school-form-name" />
      </Form.Item>
      <Form.Item name="code" label={t('school_code')} required extra={t('school_code_hint')}>
        <Input inputMode="numeric" maxLength={10} data-testid="school-form-code" />
      </Form.Item>
      <Form.Item name="isCentral" label={t('school_is_central')} valuePropName="checked" extra={t('school_is_central_hint')}>
        <Switch data-testid="school-form-central" />
      </Form.Item>
      <Form.Item name="address" label={t('school_address')}>
        <Input maxLength={128} data-testid="school-form-address" />
      </Form.Item>
    </FormModal>
  );
}

/** Name, central-school flag and address of a school (the code and district do not change). */
export function EditSchoolModal({ school, open, onClose }: ModalProps & { school: TSchool }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const update = useUpdateSchool(school.id);
  const submit = useFormSubmit(form, ZUpdateSchoolRequest, update, () => {
    message.success(t('school_saved'));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('school_edit')}
      okText={t('save')}
      onClose={onClose}
      onFinish={submit}
      isPending={update.isPending}
      submitTestId="school-edit-submit"
      requiredMark="optional"
      initialValues={{ name: school.name, isCentral: school.isCentral, address: school.address }}
    >
      <Form.Item name="name" label={t('school_form_name')} required>
        <Input maxLength={64} data-testid="school-edit-name" />
      </Form.Item>
      {school.kind === 'school' && (
        <Form.Item name="isCentral" label={t('school_is_central')} valuePropName="checked" extra={t('school_is_central_hint')}>
          <Switch data-testid="school-edit-central" />
        </Form.Item>
      )}
      <Form.Item name="address" label={t('school_address')}>
        <Input maxLength={128} data-testid="school-edit-address" />
      </Form.Item>
    </FormModal>
  );
}

/** A teaching point under a central school. */
export function CreateTeachingPointModal({ schoolId, open, onClose }: ModalProps & { schoolId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateTeachingPoint(schoolId);
  const submit = useFormSubmit(form, ZCreateTeachingPointRequest, create, (point) => {
    message.success(t('teaching_point_created', { name: point.name }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('teaching_point_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="teaching-point-form-submit"
      requiredMark="optional"
      initialValues={{ address: '' }}
    >
      <Form.Item name="name" label={t('teaching_point_name')} required>
        <Input maxLength={64} data-testid="teaching-point-form-name" />
      </Form.Item>
      <Form.Item name="code" label={t('school_code')} required extra={t('school_code_hint')}>
        <Input inputMode="numeric" maxLength={10} data-testid="teaching-point-form-code" />
      </Form.Item>
      <Form.Item name="address" label={t('school_address')}>
        <Input maxLength={128} data-testid="teaching-point-form-address" />
      </Form.Item>
    </FormModal>
  );
}

/** A campus of a school (classes may then be placed in it). */
export function CreateCampusModal({ schoolId, open, onClose }: ModalProps & { schoolId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const create = useCreateCampus(schoolId);
  const submit = useFormSubmit(form, ZCreateCampusRequest, create, (campus) => {
    message.success(t('campus_created', { name: campus.name }));
    onClose();
  });

  return (
    <FormModal
      form={form}
      open={open}
      title={t('campus_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="campus-form-submit"
      requiredMark="optional"
    >
      <Form.Item name="name" label={t('campus_name')} required>
        <Input maxLength={64} data-testid="campus-form-name" />
      </Form.Item>
    </FormModal>
  );
}
