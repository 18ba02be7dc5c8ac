import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { contentMatches, extractDocumentText } from '../files.ts';
import {
  buildPdfFont,
  docxDocument,
  fractionBarPng,
  fractionCirclePng,
  melodyWav,
  pdfDocument,
  plainText,
  pptxDocument,
  tagMp4,
  tianzigePng,
  type DocSpec,
} from './documents.ts';

const doc: DocSpec = {
  title: '《几分之一》教学设计',
  subtitle: '人教版数学三年级上册 第八单元 分数的初步认识',
  sections: [
    { heading: '一、教学目标', paragraphs: ['认识几分之一，会读、写几分之一。Read and write 1/2, 1/3 and 1/4.'] },
    { heading: '二、教学过程', paragraphs: ['（一）情境导入：把一个月饼平均分成两份。'.repeat(12)] },
  ],
};

/** The PNG's width and height, after checking its signature and that every chunk's length adds up. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let at = 8;
  const types: string[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    types.push(png.subarray(at + 4, at + 8).toString('latin1'));
    at += 12 + len;
  }
  expect(at).toBe(png.length);
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('demo documents', () => {
  it('writes a PDF whose text pdf.js reads back, with the CJK font embedded once per run', async () => {
    const font = buildPdfFont([plainText(doc), '— 0123456789 —']);
    const pdf = pdfDocument(font, doc);
    expect(contentMatches('pdf', pdf)).toBe(true);
    expect(pdf.toString('latin1')).toContain('/FontFile3');
    const text = (await extractDocumentText(pdf, 'pdf')).replace(/\s+/g, '');
    expect(text).toContain('《几分之一》教学设计');
    expect(text).toContain('Readandwrite1/2,1/3and1/4.');
    // the long paragraph wraps onto several lines, nothing is lost
    expect(text.split('把一个月饼平均分成两份').length - 1).toBe(12);
  });

  it('breaks long documents onto further pages', async () => {
    const long: DocSpec = {
      title: '长文档',
      sections: [{ heading: '练习', paragraphs: Array.from({ length: 80 }, (_, i) => `第${i + 1}题：计算 3/10 + 4/10。`) }],
    };
    const pdf = pdfDocument(buildPdfFont([plainText(long), '— 0123456789 —']), long);
    expect(Number(/\/Count (\d+)/.exec(pdf.toString('latin1'))![1])).toBeGreaterThan(1);
    expect(await extractDocumentText(pdf, 'pdf')).toContain('第80题');
  });

  it('writes Word and PowerPoint packages with their relationships, and their text extracts', async () => {
    const docx = docxDocument(doc, '刘老师');
    const parts = Object.keys(unzipSync(new Uint8Array(docx)));
    expect(parts).toEqual(expect.arrayContaining(['[Content_Types].xml', '_rels/.rels', 'word/document.xml', 'word/styles.xml']));
    expect(await extractDocumentText(docx, 'docx')).toContain('认识几分之一，会读、写几分之一。');

    const pptx = pptxDocument(doc, '刘老师');
    const slides = Object.keys(unzipSync(new Uint8Array(pptx))).filter((p) => /^ppt\/slides\/slide\d+\.xml$/.test(p));
    expect(slides).toHaveLength(3);
    const files = unzipSync(new Uint8Array(pptx));
    for (const part of [
      'ppt/presentation.xml',
      'ppt/slideMasters/slideMaster1.xml',
      'ppt/slideLayouts/slideLayout1.xml',
      'ppt/theme/theme1.xml',
    ])
      expect(files[part], part).toBeDefined();
    const text = await extractDocumentText(pptx, 'pptx');
    expect(text.split('\n')[0]).toBe('《几分之一》教学设计');
    expect(text).toContain('二、教学过程');
  });

  it('draws real PNG pictures: fraction circles and bars, 田字格', () => {
    expect(pngSize(fractionCirclePng(4, 1, [47, 111, 181]))).toEqual([280, 280]);
    expect(pngSize(fractionBarPng(5, 3, [47, 111, 181]))).toEqual([480, 120]);
    const [w, h] = pngSize(tianzigePng(8, 4));
    expect([w, h]).toEqual([8 * 72 + 24, 4 * 72 + 24]);
    // the picture data inflates to exactly one filter byte plus RGB for every row
    const png = fractionCirclePng(3, 2, [200, 0, 0]);
    const idat = png.subarray(8 + 25 + 8, 8 + 25 + 8 + png.readUInt32BE(33));
    expect(inflateSync(idat).length).toBe((280 * 3 + 1) * 280);
  });

  it('plays a melody as a WAV file and tags an MP4 without changing its media', () => {
    const wav = melodyWav('1155665');
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.readUInt32LE(40)).toBe(7 * Math.round(11025 / 4) * 2);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(4)]);
    const tagged = tagMp4(mp4, 'abc');
    expect(contentMatches('mp4', tagged)).toBe(true);
    expect(tagged.subarray(mp4.length + 4, mp4.length + 8).toString('latin1')).toBe('free');
    expect(tagged.readUInt32BE(mp4.length)).toBe(tagged.length - mp4.length);
  });
});
