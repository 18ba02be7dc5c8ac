import { BoldOutlined, FunctionOutlined, ItalicOutlined, PictureOutlined, UnderlineOutlined } from '@ant-design/icons';
import { App, Button, Input, Popover, Space, Tooltip, Upload } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useRef, useState, type ReactNode } from 'react';
import { useT } from '../../../lib/i18n.ts';
import { RichText } from './rich-text.tsx';

/** A rich text field holds at most 20 000 characters (ZRichText); an embedded image must leave room for the words. */
const IMAGE_BUDGET = 14_000;

/**
 * An image file as a data URL small enough to sit in the text: scaled down and re-encoded until it
 * fits, or null when even a small version does not (then the teacher gives an image address).
 */
export async function imageToDataUrl(file: Blob, budget = IMAGE_BUDGET): Promise<string | null> {
  const url = URL.createObjectURL(file);
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const el = new Image();
      el.onload = () => resolve(el);
      el.onerror = () => reject(new Error('not an image'));
      el.src = url;
    });
    for (const width of [640, 480, 360, 240]) {
      const scale = Math.min(1, width / img.naturalWidth);
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      const g = canvas.getContext('2d');
      if (!g) return null;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      for (const [type, quality] of [
        ['image/png', undefined],
        ['image/webp', 0.8],
        ['image/jpeg', 0.7],
        ['image/jpeg', 0.5],
      ] as const) {
        const data = canvas.toDataURL(type, quality);
        if (data.startsWith(`data:${type}`) && data.length <= budget) return data;
      }
    }
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A toolbar button that opens a small panel (formula, image) under it. */
function ToolbarPopover({
  title,
  icon,
  open,
  onOpenChange,
  children,
}: {
  title: string;
  icon: ReactNode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
}) {
  return (
    <Popover
      open={open}
      onOpenChange={onOpenChange}
      trigger="click"
      title={title}
      content={<div style={{ width: 280, maxWidth: '80vw' }}>{children}</div>}
    >
      <Tooltip title={title}>
        <Button size="small" icon={icon} aria-label={title} />
      </Tooltip>
    </Popover>
  );
}

function FormulaButton({ onInsert }: { onInsert: (tex: string, display: boolean) => void }) {
  const t = useT();
  const [tex, setTex] = useState('');
  const [open, setOpen] = useState(false);
  const insert = (display: boolean) => {
    if (!tex.trim()) return;
    onInsert(tex.trim(), display);
    setTex('');
    setOpen(false);
  };
  return (
    <ToolbarPopover title={t('editor_formula_title')} icon={<FunctionOutlined />} open={open} onOpenChange={setOpen}>
      <Input
        value={tex}
        onChange={(e) => setTex(e.target.value)}
        placeholder="\frac{1}{2} + \sqrt{x}"
        onPressEnter={() => insert(false)}
        data-testid="formula-input"
      />
      <div style={{ minHeight: 32, margin: '8px 0' }}>{tex.trim() && <RichText text={`$${tex.replace(/\$/g, '')}$`} />}</div>
      <Space>
        <Button size="small" type="primary" onClick={() => insert(false)} data-testid="formula-insert">
          {t('editor_formula_inline')}
        </Button>
        <Button size="small" onClick={() => insert(true)}>
          {t('editor_formula_display')}
        </Button>
      </Space>
    </ToolbarPopover>
  );
}

function ImageButton({ onInsert }: { onInsert: (src: string) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [url, setUrl] = useState('');
  const [open, setOpen] = useState(false);
  const insertUrl = () => {
    if (!/^(https?:\/\/|\/(?!\/))/i.test(url.trim())) return void message.error(t('editor_image_bad_url'));
    onInsert(url.trim());
    setUrl('');
    setOpen(false);
  };
  return (
    <ToolbarPopover title={t('editor_image_title')} icon={<PictureOutlined />} open={open} onOpenChange={setOpen}>
      <Space.Compact style={{ width: '100%' }}>
        <Input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…/figure.png" onPressEnter={insertUrl} />
        <Button onClick={insertUrl}>{t('editor_insert')}</Button>
      </Space.Compact>
      <Upload
        accept="image/png,image/jpeg,image/gif,image/webp"
        showUploadList={false}
        beforeUpload={async (file) => {
          const data = await imageToDataUrl(file).catch(() => null);
          if (!data) message.error(t('editor_image_too_big'));
          else {
            onInsert(data);
            setOpen(false);
          }
          return false;
        }}
      >
        <Button size="small" type="link" style={{ paddingInline: 0, marginTop: 8 }}>
          {t('editor_image_upload')}
        </Button>
      </Upload>
    </ToolbarPopover>
  );
}

/**
 * A field of formatted text (ZRichText): the text as typed, a toolbar that inserts bold, italic,
 * underline, formulas, images (and blanks, for a fill-in stem), and the text as it will look.
 */
export function RichTextInput({
  value,
  onChange,
  rows = 3,
  placeholder,
  onInsertBlank,
  showPreview = true,
  testId,
}: {
  value: string;
  onChange: (v: string) => void;
  rows?: number;
  placeholder?: string;
  /** When given, a 插入空 button adds the next {{n}} mark; called with the text after insertion. */
  onInsertBlank?: () => string;
  showPreview?: boolean;
  testId?: string;
}) {
  const t = useT();
  const ref = useRef<TextAreaRef>(null);
  const insert = (before: string, after = '', fallback = '') => {
    const el = ref.current?.resizableTextArea?.textArea;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const picked = value.slice(start, end) || fallback;
    const next = value.slice(0, start) + before + picked + after + value.slice(end);
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      const at = start + before.length + picked.length + after.length;
      el?.setSelectionRange(at, at);
    });
  };
  const hasMarkup = /[$*_!{]/.test(value);
  return (
    <div className="qm-rich-input">
      <Space size={4} wrap style={{ marginBottom: 4 }}>
        <Tooltip title={t('editor_bold')}>
          <Button size="small" icon={<BoldOutlined />} aria-label={t('editor_bold')} onClick={() => insert('**', '**', t('editor_bold'))} />
        </Tooltip>
        <Tooltip title={t('editor_italic')}>
          <Button
            size="small"
            icon={<ItalicOutlined />}
            aria-label={t('editor_italic')}
            onClick={() => insert('*', '*', t('editor_italic'))}
          />
        </Tooltip>
        <Tooltip title={t('editor_underline')}>
          <Button
            size="small"
            icon={<UnderlineOutlined />}
            aria-label={t('editor_underline')}
            onClick={() => insert('__', '__', t('editor_underline'))}
          />
        </Tooltip>
        <FormulaButton onInsert={(tex, display) => insert(display ? `$$${tex}$$` : `$${tex}$`)} />
        <ImageButton onInsert={(src) => insert(`![${t('editor_image_alt')}](${src})`)} />
        {onInsertBlank && (
          <Button size="small" onClick={() => onChange(onInsertBlank())} data-testid={testId ? `${testId}-insert-blank` : undefined}>
            {t('editor_insert_blank')}
          </Button>
        )}
      </Space>
      <Input.TextArea
        ref={ref}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoSize={{ minRows: rows, maxRows: 14 }}
        placeholder={placeholder}
        data-testid={testId}
      />
      {showPreview && hasMarkup && value.trim() && (
        <div className="qm-rich-preview" style={{ padding: '6px 8px', background: 'rgba(0,0,0,0.02)', borderRadius: 6, marginTop: 4 }}>
          <RichText text={value} />
        </div>
      )}
    </div>
  );
}
