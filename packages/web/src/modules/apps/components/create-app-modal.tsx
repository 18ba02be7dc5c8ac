import { APP_CATEGORIES, OIDC_GRANT_TYPES, OIDC_ID_TOKEN_ALGS, ZCreateAppRequest, type TAppWithSecret } from '@qiming/shared';
import { Checkbox, Form, Input, Radio, Select, Switch } from 'antd';
import { FormModal } from '../../../app/ui.tsx';
import { useFormSubmit } from '../../../lib/form.ts';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { ScopeTreeSelect } from '../../access/components/scope-tree-select.tsx';
import { useCreateApp } from '../apps.api.ts';

export const categoryKey = (c: string) => `apps_category_${c}` as MessageKey;
const grantKey = (g: string) => `apps_grant_${g}` as MessageKey;
const OWNER_KINDS = ['province', 'city', 'district'] as const;

/** 接入应用: registers an OIDC client or a CAS service once, for the bureau's whole region. */
export function CreateAppModal({ onClose, onCreated }: { onClose: () => void; onCreated: (r: TAppWithSecret) => void }) {
  const t = useT();
  const [form] = Form.useForm();
  const create = useCreateApp();
  const protocol = Form.useWatch('protocol', form) as 'oidc' | 'cas' | undefined;
  const submit = useFormSubmit(form, ZCreateAppRequest, create, (r) => {
    onClose();
    onCreated(r);
  });

  return (
    <FormModal
      form={form}
      title={t('apps_create')}
      okText={t('create')}
      onClose={onClose}
      onFinish={submit}
      isPending={create.isPending}
      submitTestId="app-form-submit"
      requiredMark="optional"
      initialValues={{
        protocol: 'oidc',
        category: 'teaching',
        description: '',
        isTrusted: false,
        oidc: {
          redirectUris: [],
          postLogoutRedirectUris: [],
          backchannelLogoutUri: null,
          grantTypes: ['authorization_code', 'refresh_token'],
          isPublic: false,
          idTokenSigningAlg: 'RS256',
        },
      }}
    >
      <Form.Item name="name" label={t('apps_name')} required>
        <Input maxLength={50} data-testid="app-form-name" />
      </Form.Item>
      <Form.Item name="category" label={t('apps_category')} required>
        <Select options={APP_CATEGORIES.map((c) => ({ value: c, label: t(categoryKey(c)) }))} data-testid="app-form-category" />
      </Form.Item>
      <Form.Item name="description" label={t('apps_description')}>
        <Input.TextArea maxLength={500} rows={2} />
      </Form.Item>
      <Form.Item name="homeUrl" label={t('apps_home_url')} required extra={t('apps_home_url_hint')}>
        <Input placeholder="https://app.example.cn/" data-testid="app-form-home" />
      </Form.Item>
      <Form.Item name="ownerScopeId" label={t('apps_owner_scope')} required extra={t('apps_owner_scope_hint')}>
        <ScopeTreeSelect kinds={OWNER_KINDS} data-testid="app-form-owner" />
      </Form.Item>
      <Form.Item name="protocol" label={t('apps_protocol')} required>
        <Radio.Group
          options={[
            { value: 'oidc', label: 'OpenID Connect' },
            { value: 'cas', label: 'CAS 3.0' },
          ]}
        />
      </Form.Item>
      <Form.Item name="isTrusted" label={t('apps_trusted')} valuePropName="checked" extra={t('apps_trusted_hint')}>
        <Switch data-testid="app-form-trusted" />
      </Form.Item>
      {protocol === 'cas' ? (
        <Form.Item name={['cas', 'servicePrefix']} label={t('apps_cas_prefix')} required extra={t('apps_cas_prefix_hint')}>
          <Input placeholder="https://app.example.cn/" data-testid="app-form-cas-prefix" />
        </Form.Item>
      ) : (
        <>
          <Form.Item name={['oidc', 'redirectUris']} label={t('apps_redirect_uris')} extra={t('apps_uris_hint')}>
            <Select mode="tags" open={false} tokenSeparators={[' ', ',']} data-testid="app-form-redirects" />
          </Form.Item>
          <Form.Item name={['oidc', 'postLogoutRedirectUris']} label={t('apps_post_logout_uris')}>
            <Select mode="tags" open={false} tokenSeparators={[' ', ',']} />
          </Form.Item>
          <Form.Item name={['oidc', 'backchannelLogoutUri']} label={t('apps_backchannel_uri')} extra={t('apps_backchannel_hint')}>
            <Input placeholder="https://app.example.cn/logout/backchannel" />
          </Form.Item>
          <Form.Item name={['oidc', 'grantTypes']} label={t('apps_grant_types')}>
            <Checkbox.Group options={OIDC_GRANT_TYPES.map((g) => ({ value: g, label: t(grantKey(g)) }))} />
          </Form.Item>
          <Form.Item
            name={['oidc', 'isPublic']}
            label={t('apps_public_client')}
            valuePropName="checked"
            extra={t('apps_public_client_hint')}
          >
            <Switch />
          </Form.Item>
          <Form.Item name={['oidc', 'idTokenSigningAlg']} label={t('apps_id_token_alg')} extra={t('apps_id_token_alg_hint')}>
            <Select options={OIDC_ID_TOKEN_ALGS.map((a) => ({ value: a, label: a }))} data-testid="app-form-id-token-alg" />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}
