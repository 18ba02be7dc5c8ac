import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../../../app/layout.tsx';
import { useT } from '../../../lib/i18n.ts';

/** The centred card on a calm background that the sign-in and password pages share. */
export function AuthShell({ children, title, wide = false }: { children: ReactNode; title?: ReactNode; wide?: boolean }) {
  const t = useT();
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        padding: '56px 16px 24px',
        boxSizing: 'border-box',
        background: 'linear-gradient(160deg, #e7f0fb 0%, #f5f8fc 55%, #eef5f1 100%)',
        position: 'relative',
      }}
    >
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch size="small" />
      </div>
      <div style={{ textAlign: 'center', marginBottom: 20 }}>
        <div style={{ fontSize: 34, fontWeight: 700, color: '#1f6fd1', letterSpacing: 6, lineHeight: 1.2 }}>{t('login_brand')}</div>
        <Typography.Text type="secondary" style={{ fontSize: 15, letterSpacing: 2 }}>
          {t('login_brand_sub')}
        </Typography.Text>
      </div>
      <Card style={{ width: '100%', maxWidth: wide ? 560 : 400, boxShadow: '0 8px 28px rgba(31, 111, 209, 0.10)' }} title={title}>
        {children}
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
        {t('login_footer')}
      </Typography.Text>
    </div>
  );
}
