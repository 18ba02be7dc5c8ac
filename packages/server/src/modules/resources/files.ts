import { strFromU8, unzipSync } from 'fflate';
import { extractText, getDocumentProxy } from 'unpdf';

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  key: 'application/vnd.apple.keynote',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

export const extensionOf = (fileName: string): string => /\.([A-Za-z0-9]{1,5})$/.exec(fileName)?.[1].toLowerCase() ?? '';

/** The type a file is served with: decided by its extension, never by what the client claimed. */
export const mimeOf = (fileName: string): string => MIME_BY_EXT[extensionOf(fileName)] ?? 'application/octet-stream';

/** How the browser can show a file in the page. SVG is not previewed inline: it can carry script. */
export function previewKind(mime: string): 'pdf' | 'image' | 'audio' | 'video' | 'none' {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/') && mime !== 'image/svg+xml') return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime === 'video/mp4' || mime === 'video/webm') return 'video';
  return 'none';
}

/** Does the content look like what its extension says? Catches a renamed executable or a truncated file. */
export function contentMatches(ext: string, head: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  switch (ext) {
    case 'pdf':
      return head.subarray(0, 5).toString('latin1') === '%PDF-';
    case 'png':
      return starts(0x89, 0x50, 0x4e, 0x47);
    case 'jpg':
    case 'jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'gif':
      return head.subarray(0, 4).toString('latin1') === 'GIF8';
    case 'docx':
    case 'pptx':
    case 'xlsx':
      return starts(0x50, 0x4b, 0x03, 0x04);
    case 'mp4':
    case 'm4v':
    case 'm4a':
    case 'mov':
      return head.subarray(4, 8).toString('latin1') === 'ftyp';
    case 'webm':
      return starts(0x1a, 0x45, 0xdf, 0xa3);
    case 'wav':
      return head.subarray(0, 4).toString('latin1') === 'RIFF';
    default:
      return true;
  }
}

/** Texts longer than this are cut: screening and search need the gist, not a whole textbook. */
export const MAX_TEXT = 100_000;
/** Files above this are not opened for text (videos, huge scans). */
export const MAX_EXTRACT_BYTES = 60 * 1024 * 1024;

const decodeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/** Text runs of Office Open XML (`<w:t>` in Word, `<a:t>` in PowerPoint), a paragraph a line. */
function ooxmlText(xml: string, tag: 'w:t' | 'a:t', paragraph: 'w:p' | 'a:p'): string {
  const out: string[] = [];
  for (const para of xml.split(`</${paragraph}>`)) {
    const runs = [...para.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => decodeXml(m[1]));
    if (runs.length) out.push(runs.join(''));
  }
  return out.join('\n');
}

/**
 * The text of a document for screening and search: PDF through pdf.js (unpdf), .docx and .pptx
 * from their XML, plain text as is. Anything else, or a file that cannot be read, has no text.
 */
export async function extractDocumentText(data: Buffer, ext: string): Promise<string> {
  try {
    let text = '';
    if (ext === 'pdf') {
      const pdf = await getDocumentProxy(new Uint8Array(data));
      text = (await extractText(pdf, { mergePages: true })).text as string;
      await pdf.cleanup();
    } else if (ext === 'docx') {
      const files = unzipSync(new Uint8Array(data), { filter: (f) => f.name === 'word/document.xml' });
      text = ooxmlText(strFromU8(files['word/document.xml'] ?? new Uint8Array()), 'w:t', 'w:p');
    } else if (ext === 'pptx') {
      const files = unzipSync(new Uint8Array(data), { filter: (f) => /^ppt\/slides\/slide\d+\.xml$/.test(f.name) });
      const slides = Object.keys(files).sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
      text = slides.map((s) => ooxmlText(strFromU8(files[s]), 'a:t', 'a:p')).join('\n');
    } else if (ext === 'txt') {
      text = data.toString('utf8');
    }
    return text.replaceAll(String.fromCharCode(0), '').slice(0, MAX_TEXT);
  } catch {
    return '';
  }
}
