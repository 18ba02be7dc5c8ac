import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../../lib/i18n.ts';
import { maskIdCard } from '@qiming/shared';

/**
 * A 身份证号, masked on screen. The server sends the full number only to roles that may read it
 * (pii.read); those users can reveal it one row at a time, everyone else sees the server's mask.
 */
export function MaskedIdCard({ value }: { value: string | null }) {
  const t = useT();
  const [shown, setShown] = useState(false);
  if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
  const revealable = !value.includes('*');
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Typography.Text style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}>
        {shown || value.includes('*') ? value : maskIdCard(value)}
      </Typography.Text>
      {revealable && (
        <Button
          type="text"
          size="small"
          icon={shown ? <EyeInvisibleOutlined /> : <EyeOutlined />}
          aria-label={shown ? t('hide') : t('reveal')}
          onClick={() => setShown((s) => !s)}
        />
      )}
    </span>
  );
}
