import { KeyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import type { TMfaVerifyRequest } from '@qiming/shared';
import { Alert, App, Button, Card, Descriptions, Modal, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { formatDateTime } from '../../../lib/labels.ts';
import { useT } from '../../../lib/i18n.ts';
import { MfaCodeForm } from '../components/mfa-code-form.tsx';
import { MfaEnrollment } from '../components/mfa-enrollment.tsx';
import { RecoveryCodesView } from '../components/recovery-codes.tsx';
import { useCurrentUser, useDisableMfa, useMfaStatus, useRegenerateRecoveryCodes } from '../identity.api.ts';

type Dialog = 'enrol' | 'disable' | 'regenerate' | null;

/** 账号安全: the user's own two-step verification (enrol, new recovery codes, turn off) and password. */
export function AccountSecurityPage() {
  const t = useT();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const status = useMfaStatus();
  const disable = useDisableMfa();
  const regenerate = useRegenerateRecoveryCodes();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [newCodes, setNewCodes] = useState<string[] | null>(null);

  const close = () => {
    setDialog(null);
    setCodeError(null);
    setNewCodes(null);
    disable.reset();
    regenerate.reset();
  };
  const onDisable = (body: TMfaVerifyRequest) =>
    disable.mutate(body, {
      onSuccess: () => {
        close();
        void message.success(t('mfa_disabled'));
        // a role that requires it sends the user straight back to enrolment
        if (status.data?.required) void navigate('/mfa-setup', { replace: true });
      },
      onError: (e) => setCodeError(errorMessage(e)),
    });
  const onRegenerate = (body: TMfaVerifyRequest) =>
    regenerate.mutate(body, {
      onSuccess: (r) => {
        setNewCodes(r.recoveryCodes);
        void status.refetch();
      },
      onError: (e) => setCodeError(errorMessage(e)),
    });

  const s = status.data;
  return (
    <>
      <PageTitle title={t('nav_account_security')} subtitle={t('account_security_subtitle')} />
      {status.isPending && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {status.isError && <LoadError error={status.error} onRetry={() => void status.refetch()} />}
      {s && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card
            title={
              <Space>
                <SafetyCertificateOutlined />
                {t('mfa_title')}
                {s.enabled ? (
                  <Tag color="green" data-testid="mfa-status">
                    {t('mfa_on')}
                  </Tag>
                ) : (
                  <Tag data-testid="mfa-status">{t('mfa_off')}</Tag>
                )}
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">{t('mfa_explain')}</Typography.Paragraph>
            {s.required && <Alert type="info" showIcon title={t('mfa_required_for_role')} style={{ marginBottom: 16 }} />}
            {s.enabled ? (
              <>
                <Descriptions column={{ xs: 1, md: 2 }} size="small" style={{ marginBottom: 16 }}>
                  <Descriptions.Item label={t('mfa_enabled_at')}>{formatDateTime(s.enabledAt)}</Descriptions.Item>
                  <Descriptions.Item label={t('mfa_codes_left')}>
                    <span data-testid="mfa-codes-left">{s.recoveryCodesLeft}</span>
                    {s.recoveryCodesLeft <= 3 && (
                      <Typography.Text type="warning" style={{ marginInlineStart: 8 }}>
                        {t('mfa_codes_low')}
                      </Typography.Text>
                    )}
                  </Descriptions.Item>
                </Descriptions>
                <Space wrap>
                  <Button onClick={() => setDialog('regenerate')} data-testid="mfa-regenerate">
                    {t('mfa_regenerate')}
                  </Button>
                  <Button danger onClick={() => setDialog('disable')} data-testid="mfa-disable">
                    {t('mfa_disable')}
                  </Button>
                </Space>
              </>
            ) : (
              <Button type="primary" onClick={() => setDialog('enrol')} data-testid="mfa-enrol">
                {t('mfa_enrol')}
              </Button>
            )}
          </Card>
          <Card
            title={
              <Space>
                <KeyOutlined />
                {t('change_password')}
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">{t('account_password_explain', { username: me.username })}</Typography.Paragraph>
            <Button onClick={() => void navigate('/change-password?next=/account/security')}>{t('change_password')}</Button>
          </Card>
        </Space>
      )}

      <Modal open={dialog === 'enrol'} title={t('mfa_enrol')} footer={null} onCancel={close} destroyOnHidden width={560}>
        <MfaEnrollment
          doneText={t('mfa_done_close')}
          onDone={() => {
            close();
            void status.refetch();
          }}
        />
      </Modal>
      <Modal open={dialog === 'disable'} title={t('mfa_disable')} footer={null} onCancel={close} destroyOnHidden>
        <Alert
          type="warning"
          showIcon
          title={s?.required ? t('mfa_disable_warning_required') : t('mfa_disable_warning')}
          style={{ marginBottom: 16 }}
        />
        <MfaCodeForm onSubmit={onDisable} loading={disable.isPending} submitText={t('mfa_disable')} danger error={codeError} />
      </Modal>
      <Modal open={dialog === 'regenerate'} title={t('mfa_regenerate')} footer={null} onCancel={close} destroyOnHidden width={560}>
        {newCodes ? (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <RecoveryCodesView codes={newCodes} account={me.username} />
            <Button type="primary" block onClick={close} data-testid="mfa-done">
              {t('mfa_done_close')}
            </Button>
          </Space>
        ) : (
          <>
            <Typography.Paragraph>{t('mfa_regenerate_explain')}</Typography.Paragraph>
            <MfaCodeForm onSubmit={onRegenerate} loading={regenerate.isPending} submitText={t('mfa_regenerate')} error={codeError} />
          </>
        )}
      </Modal>
    </>
  );
}
