import { ZTotpCode } from '@qiming/shared';
import { Alert, Button, Form, Input, QRCode, Result, Space, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { AppError, errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useConfirmMfaEnrollment, useStartMfaEnrollment } from '../identity.api.ts';
import { RecoveryCodesView } from './recovery-codes.tsx';

/**
 * Binding an authenticator app: scan the QR code (or type the key), confirm with the first code,
 * then keep the ten recovery codes, which are shown only here.
 */
export function MfaEnrollment({ onDone, doneText }: { onDone: () => void; doneText: string }) {
  const t = useT();
  const start = useStartMfaEnrollment();
  const confirm = useConfirmMfaEnrollment();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { mutate: begin } = start;

  useEffect(() => begin(), [begin]);

  if (start.isError)
    return (
      <Result
        status="warning"
        title={errorMessage(start.error)}
        extra={
          <Button type="primary" onClick={() => begin()}>
            {t('retry')}
          </Button>
        }
      />
    );
  const enrollment = start.data;
  const codes = confirm.data?.recoveryCodes;

  const submit = (value = code) => {
    const parsed = ZTotpCode.safeParse(value);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? t('mfa_code_invalid'));
    setError(null);
    confirm.mutate(parsed.data, {
      onError: (e) => {
        setCode('');
        // a pending secret that vanished (another tab finished or restarted): start over
        if (e instanceof AppError && e.code === 'MFA_ENROLLMENT_NOT_STARTED') begin();
        setError(errorMessage(e));
      },
    });
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Steps
        size="small"
        current={codes ? 2 : 0}
        items={[{ title: t('mfa_step_scan') }, { title: t('mfa_step_confirm') }, { title: t('mfa_step_codes') }]}
        responsive={false}
      />
      {!codes && (
        <>
          <Typography.Paragraph style={{ margin: 0 }}>{t('mfa_scan_intro')}</Typography.Paragraph>
          <div style={{ display: 'flex', justifyContent: 'center' }}>
            <QRCode value={enrollment?.otpauthUri ?? '-'} status={enrollment ? 'active' : 'loading'} size={196} data-testid="mfa-qr" />
          </div>
          <div>
            <Typography.Text type="secondary">{t('mfa_manual_key')}</Typography.Text>
            <Typography.Paragraph
              copyable={enrollment ? { text: enrollment.secret } : false}
              style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 15, wordBreak: 'break-all', margin: '4px 0 0' }}
              data-testid="mfa-secret"
            >
              {enrollment?.secret.replace(/(.{4})/g, '$1 ').trim() ?? '…'}
            </Typography.Paragraph>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('mfa_manual_key_hint', { account: enrollment?.account ?? '' })}
            </Typography.Text>
          </div>
          <Form layout="vertical" requiredMark={false} onFinish={() => submit()}>
            <Form.Item label={t('mfa_confirm_label')} validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
              <Input.OTP
                length={6}
                size="large"
                value={code}
                disabled={!enrollment}
                onChange={(v) => {
                  setCode(v);
                  if (/^\d{6}$/.test(v)) submit(v);
                }}
                formatter={(v) => v.replace(/\D/g, '')}
                data-testid="mfa-confirm-code"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              size="large"
              loading={confirm.isPending}
              disabled={!enrollment}
              data-testid="mfa-confirm"
            >
              {t('mfa_confirm_submit')}
            </Button>
          </Form>
        </>
      )}
      {codes && enrollment && (
        <>
          <Alert type="success" showIcon title={t('mfa_enabled_now')} />
          <RecoveryCodesView codes={codes} account={enrollment.account} />
          <Button type="primary" block size="large" onClick={onDone} data-testid="mfa-done">
            {doneText}
          </Button>
        </>
      )}
    </Space>
  );
}
