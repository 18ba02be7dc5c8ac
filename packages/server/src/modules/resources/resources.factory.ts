import { deflateSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { pdfMake } from '../../core/pdf/pdf.ts';
import { pcm16Wav } from './demo/documents.ts';

/** A real PDF with Chinese text (pdfmake with the CJK font of core/pdf), one paragraph per line. */
export async function pdfOf(lines: string[], title?: string): Promise<Buffer> {
  const doc = pdfMake().createPdf({
    info: { title: title ?? lines[0] },
    content: [
      ...(title ? [{ text: title, fontSize: 18, margin: [0, 0, 0, 12] }] : []),
      ...lines.map((l) => ({ text: l, margin: [0, 0, 0, 6] })),
    ],
    defaultStyle: { font: 'CJK', fontSize: 11, lineHeight: 1.3 },
  });
  return doc.getBuffer();
}

/** A minimal .docx (the parts a reader of word/document.xml needs) with one paragraph per line. */
export function docxOf(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = lines.map((l) => `<w:p><w:r><w:t xml:space="preserve">${esc(l)}</w:t></w:r></w:p>`).join('');
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
      'word/document.xml': strToU8(
        `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
      ),
    }),
  );
}

/** A .pptx-shaped zip with one slide per entry (each slide's lines as text runs). */
export function pptxOf(slides: string[][]): Buffer {
  const files: Record<string, Uint8Array> = {};
  slides.forEach((lines, i) => {
    files[`ppt/slides/slide${i + 1}.xml`] = strToU8(
      `<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>${lines.map((l) => `<a:p><a:r><a:t>${l}</a:t></a:r></a:p>`).join('')}</p:spTree></p:cSld></p:sld>`,
    );
  });
  return Buffer.from(zipSync(files));
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

/** A real PNG: a vertical gradient between two colours with a band pattern, `seed` varying it. */
export function pngOf(width: number, height: number, from: [number, number, number], to: [number, number, number], seed = 0): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    const t = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const band = ((x + seed * 7) >> 4) % 2 ? 1 : 0.92;
      const o = y * (width * 3 + 1) + 1 + x * 3;
      for (let c = 0; c < 3; c++) raw[o + c] = Math.round((from[c] + (to[c] - from[c]) * t) * band);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real WAV: a short tone (16-bit mono, 8 kHz) — `notes` in Hz, a quarter second each. */
export function wavOf(notes: number[]): Buffer {
  const rate = 8000;
  const samples = notes.flatMap((f) =>
    Array.from({ length: rate / 4 }, (_, i) =>
      Math.round(Math.sin((2 * Math.PI * f * i) / rate) * 8000 * Math.min(1, (rate / 4 - i) / 400)),
    ),
  );
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  return pcm16Wav(rate, data);
}
