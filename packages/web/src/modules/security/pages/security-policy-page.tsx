import { SECURITY_DEFAULTS, ZSecurityPolicy, type TSecurityPolicy } from '@qiming/shared';
import { Alert, App, Button, Card, Col, Divider, Form, InputNumber, Row, Skeleton, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { applyServerErrors, parseForm, zodRule } from '../../../lib/form.ts';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { useSecurityPolicy, useUpdateSecurityPolicy } from '../security.api.ts';

type Field = { name: keyof TSecurityPolicy; label: MessageKey; unit: MessageKey; help: MessageKey };

const FIELDS: Field[] = [
  { name: 'passwordMinLength', label: 'policy_password_min_length', unit: 'unit_chars', help: 'policy_password_min_length_help' },
  { name: 'passwordExpiryDays', label: 'policy_password_expiry_days', unit: 'unit_days', help: 'policy_password_expiry_days_help' },
  { name: 'lockoutThreshold', label: 'policy_lockout_threshold', unit: 'unit_times', help: 'policy_lockout_threshold_help' },
  { name: 'lockoutMinutes', label: 'policy_lockout_minutes', unit: 'unit_minutes', help: 'policy_lockout_minutes_help' },
  { name: 'sessionIdleMinutes', label: 'policy_session_idle_minutes', unit: 'unit_minutes', help: 'policy_session_idle_minutes_help' },
  { name: 'auditRetentionDays', label: 'policy_audit_retention_days', unit: 'unit_days', help: 'policy_audit_retention_days_help' },
];

const RATE_LIMIT_FIELDS: Field[] = [
  {
    name: 'rateLimitWindowMinutes',
    label: 'policy_rate_limit_window_minutes',
    unit: 'unit_minutes',
    help: 'policy_rate_limit_window_minutes_help',
  },
  { name: 'signInFailuresPerIp', label: 'policy_sign_in_failures_per_ip', unit: 'unit_times', help: 'policy_sign_in_failures_per_ip_help' },
  {
    name: 'signInFailuresPerUsername',
    label: 'policy_sign_in_failures_per_username',
    unit: 'unit_times',
    help: 'policy_sign_in_failures_per_username_help',
  },
  { name: 'codeFailuresPerUser', label: 'policy_code_failures_per_user', unit: 'unit_times', help: 'policy_code_failures_per_user_help' },
];

/** 安全策略: password, lockout, session and audit retention, checked with the server's own schema. */
export function SecurityPolicyPage() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<TSecurityPolicy>();
  const policy = useSecurityPolicy();
  const update = useUpdateSecurityPolicy();

  useEffect(() => {
    if (policy.data) form.setFieldsValue(policy.data);
  }, [policy.data, form]);

  const submit = (values: TSecurityPolicy) => {
    const body = parseForm(form, ZSecurityPolicy, values);
    if (!body) return;
    update.mutate(body, {
      onSuccess: () => void message.success(t('policy_saved')),
      onError: (e) => {
        if (!applyServerErrors(form, e)) message.error(errorMessage(e));
      },
    });
  };

  const field = (f: Field) => (
    <Col xs={24} md={12} key={f.name}>
      <Form.Item
        name={f.name}
        label={t(f.label)}
        rules={[zodRule(ZSecurityPolicy, f.name)]}
        extra={`${t(f.help)} ${t('policy_default', { value: SECURITY_DEFAULTS[f.name] })}`}
      >
        <InputNumber min={0} precision={0} suffix={t(f.unit)} style={{ width: '100%' }} data-testid={`policy-${f.name}`} />
      </Form.Item>
    </Col>
  );

  return (
    <>
      <PageTitle title={t('nav_security')} subtitle={t('policy_subtitle')} />
      {policy.isPending && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {policy.isError && <LoadError error={policy.error} onRetry={() => void policy.refetch()} />}
      {policy.data && (
        <Card>
          <Alert type="info" showIcon title={t('policy_baseline')} style={{ marginBottom: 20 }} />
          <Form form={form} layout="vertical" onFinish={submit} initialValues={policy.data}>
            <Row gutter={24}>{FIELDS.map(field)}</Row>
            <Divider titlePlacement="start">{t('policy_rate_limits')}</Divider>
            <Typography.Paragraph type="secondary">{t('policy_rate_limits_help')}</Typography.Paragraph>
            <Row gutter={24}>{RATE_LIMIT_FIELDS.map(field)}</Row>
            <Space>
              <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="policy-submit">
                {t('save')}
              </Button>
              <Button onClick={() => form.setFieldsValue(policy.data)}>{t('reset_form')}</Button>
            </Space>
          </Form>
        </Card>
      )}
    </>
  );
}
