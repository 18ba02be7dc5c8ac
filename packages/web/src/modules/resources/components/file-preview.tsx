import type { TResourceFile } from '@qiming/shared';
import { Result } from 'antd';
import { useT } from '../../../lib/i18n.ts';
import { previewUrl } from '../resources.api.ts';

/** The file shown in the page: PDF in the browser's viewer, images, audio and video players; anything else says to download it. */
export function FilePreview({ id, file, title }: { id: string; file: TResourceFile | null; title: string }) {
  const t = useT();
  if (!file) return <Result status="info" title={t('res_no_file')} />;
  const src = previewUrl(id);
  switch (file.preview) {
    case 'pdf':
      return (
        <iframe
          src={src}
          title={title}
          data-testid="preview-pdf"
          style={{ width: '100%', height: 'min(75vh, 720px)', border: '1px solid #e8edf3', borderRadius: 8 }}
        />
      );
    case 'image':
      return (
        <img
          src={src}
          alt={title}
          data-testid="preview-image"
          style={{ maxWidth: '100%', maxHeight: 560, display: 'block', margin: '0 auto', borderRadius: 8 }}
        />
      );
    case 'audio':
      return <audio src={src} controls preload="metadata" data-testid="preview-audio" style={{ width: '100%' }} />;
    case 'video':
      return (
        <video
          src={src}
          controls
          preload="metadata"
          data-testid="preview-video"
          style={{ width: '100%', maxHeight: 540, background: '#000', borderRadius: 8 }}
        />
      );
    case 'none':
      return <Result status="info" title={t('res_no_preview')} subTitle={file.name} />;
  }
}
