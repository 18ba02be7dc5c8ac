import { CopyOutlined, DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space } from 'antd';
import { useT } from '../../../lib/i18n.ts';

/** Recovery codes shown once, with the ways to keep them: copy, download as text, print. */
export function RecoveryCodesView({ codes, account }: { codes: string[]; account: string }) {
  const t = useT();
  const { message } = App.useApp();
  const text = `${t('mfa_codes_file_title', { account })}\n\n${codes.join('\n')}\n\n${t('mfa_codes_file_note')}\n`;
  const copy = () =>
    void navigator.clipboard.writeText(codes.join('\n')).then(
      () => void message.success(t('mfa_codes_copied')),
      () => void message.error(t('mfa_codes_copy_failed')),
    );
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `qiming-recovery-codes-${account}.txt` });
    a.click();
    URL.revokeObjectURL(url);
  };
  const print = () => {
    const w = window.open('', '_blank', 'width=480,height=640');
    if (!w) return;
    const pre = w.document.createElement('pre');
    pre.textContent = text;
    pre.style.font = '16px/1.8 monospace';
    w.document.body.append(pre);
    w.print();
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert type="warning" showIcon title={t('mfa_codes_warning_title')} description={t('mfa_codes_warning_body')} />
      <ol
        data-testid="recovery-codes"
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
          gap: '6px 16px',
          margin: 0,
          padding: '12px 12px 12px 36px',
          background: '#f6f8fa',
          borderRadius: 8,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
          fontSize: 15,
        }}
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={copy} data-testid="recovery-codes-copy">
          {t('mfa_codes_copy')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download}>
          {t('mfa_codes_download')}
        </Button>
        <Button icon={<PrinterOutlined />} onClick={print}>
          {t('mfa_codes_print')}
        </Button>
      </Space>
    </Space>
  );
}
