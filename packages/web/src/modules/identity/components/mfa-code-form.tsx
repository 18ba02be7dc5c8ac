import { ZMfaVerifyRequest, type TMfaVerifyRequest } from '@qiming/shared';
import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useT } from '../../../lib/i18n.ts';

type Props = {
  onSubmit: (body: TMfaVerifyRequest) => void;
  loading: boolean;
  submitText: string;
  danger?: boolean;
  /** The error of the last attempt, shown under the field. */
  error?: string | null;
};

/**
 * A second factor: the six digits of the authenticator, or — after "使用恢复码" — a recovery code.
 * Checked with the shared schema before it is sent.
 */
export function MfaCodeForm({ onSubmit, loading, submitText, danger, error }: Props) {
  const t = useT();
  const [method, setMethod] = useState<TMfaVerifyRequest['method']>('totp');
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);

  const submit = (value = code) => {
    const parsed = ZMfaVerifyRequest.safeParse({ method, code: value });
    if (!parsed.success) return setInvalid(parsed.error.issues[0]?.message ?? t('mfa_code_invalid'));
    setInvalid(null);
    onSubmit(parsed.data);
  };
  const switchTo = (m: TMfaVerifyRequest['method']) => {
    setMethod(m);
    setCode('');
    setInvalid(null);
  };
  const shown = invalid ?? error ?? null;

  return (
    <Form layout="vertical" requiredMark={false} onFinish={() => submit()}>
      {method === 'totp' ? (
        <Form.Item
          label={t('mfa_code_label')}
          extra={t('mfa_code_help')}
          validateStatus={shown ? 'error' : undefined}
          help={shown ?? undefined}
        >
          <Input.OTP
            length={6}
            size="large"
            value={code}
            onChange={(v) => {
              setCode(v);
              if (/^\d{6}$/.test(v)) submit(v);
            }}
            formatter={(v) => v.replace(/\D/g, '')}
            data-testid="mfa-code"
          />
        </Form.Item>
      ) : (
        <Form.Item
          label={t('mfa_recovery_label')}
          extra={t('mfa_recovery_help')}
          validateStatus={shown ? 'error' : undefined}
          help={shown ?? undefined}
        >
          <Input
            size="large"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="xxxxx-xxxxx"
            autoComplete="off"
            spellCheck={false}
            data-testid="mfa-recovery-code"
          />
        </Form.Item>
      )}
      <Button type="primary" danger={danger} htmlType="submit" block size="large" loading={loading} data-testid="mfa-submit">
        {submitText}
      </Button>
      <div style={{ textAlign: 'center', marginTop: 8 }}>
        <Button type="link" onClick={() => switchTo(method === 'totp' ? 'recovery_code' : 'totp')} data-testid="mfa-switch-method">
          {method === 'totp' ? t('mfa_use_recovery_code') : t('mfa_use_authenticator')}
        </Button>
      </div>
    </Form>
  );
}
