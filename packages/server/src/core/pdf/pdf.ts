import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Chinese text in the PDFs Qiming writes (analysis exports, demo documents). A font face is a file
 * and, for a collection (.ttc), the PostScript name of the face inside it.
 */
export type FontFace = { file: string; postscriptName?: string };
export type CjkFont = { normal: FontFace; bold: FontFace; source: string };

const require = createRequire(import.meta.url);

/** The Noto Sans SC (GB2312 coverage, OFL-1.1) shipped by the npm package @embedpdf/fonts-sc. */
export function bundledCjkFont(): CjkFont {
  const fonts = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  return {
    normal: { file: join(fonts, 'NotoSansHans-Regular.otf') },
    bold: { file: join(fonts, 'NotoSansHans-Bold.otf') },
    source: '@embedpdf/fonts-sc',
  };
}

/**
 * Debian's fonts first — Noto Sans CJK (fonts-noto-cjk) or WenQuanYi Micro Hei
 * (fonts-wqy-microhei) cover every character of GB 18030 names — and the bundled Noto Sans SC
 * (GB2312 only) when neither is installed, so that a fresh machine still writes Chinese PDFs.
 */
function findCjkFont(): CjkFont {
  const system: CjkFont[] = [
    {
      normal: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
      bold: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', postscriptName: 'NotoSansCJKsc-Bold' },
      source: 'fonts-noto-cjk',
    },
    {
      normal: { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
      bold: { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
      source: 'fonts-wqy-microhei',
    },
  ];
  return system.find((f) => existsSync(f.normal.file) && existsSync(f.bold.file)) ?? bundledCjkFont();
}

let found: CjkFont | null = null;
/** The CJK font PDFs are written with (looked up once per process). */
export function cjkFont(): CjkFont {
  return (found ??= findCjkFont());
}

type PdfMake = {
  setFonts: (f: unknown) => void;
  setUrlAccessPolicy: (cb: (url: string) => boolean) => void;
  setLocalAccessPolicy: (cb: (path: string) => boolean) => void;
  createPdf: (doc: unknown) => { getBuffer: () => Promise<Buffer> };
};

let printer: PdfMake | null = null;
/**
 * pdfmake with the CJK font as the family `CJK` (set `defaultStyle: { font: 'CJK' }`). Documents
 * are built from Qiming's own data only: no URL is fetched and no file but the font is read.
 */
export function pdfMake(): PdfMake {
  if (printer) return printer;
  const font = cjkFont();
  const face = (f: FontFace) => (f.postscriptName ? [f.file, f.postscriptName] : f.file);
  const p = require('pdfmake') as PdfMake;
  p.setFonts({ CJK: { normal: face(font.normal), bold: face(font.bold), italics: face(font.normal), bolditalics: face(font.bold) } });
  p.setUrlAccessPolicy(() => false);
  const files = new Set([font.normal.file, font.bold.file]);
  p.setLocalAccessPolicy((path) => files.has(path));
  printer = p;
  return p;
}
