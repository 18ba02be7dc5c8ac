import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { bundledCjkFont, cjkFont, pdfMake } from './pdf.ts';

describe('PDF fonts', () => {
  it('writes a Chinese PDF whose text reads back, with whichever CJK font this machine has', async () => {
    const pdf = await pdfMake()
      .createPdf({ content: ['三年级(1)班 分数的初步认识 作业分析', '平均分 86.5'], defaultStyle: { font: 'CJK' } })
      .getBuffer();
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text.replace(/\s+/g, '')).toContain('三年级(1)班分数的初步认识作业分析');
    expect(cjkFont().source).toMatch(/^(fonts-noto-cjk|fonts-wqy-microhei|@embedpdf\/fonts-sc)$/);
  });

  it('ships a fallback font from npm that draws the characters of teaching text and pupils’ names', () => {
    const face = bundledCjkFont().normal;
    const font = fontkit.create(readFileSync(face.file), face.postscriptName)!;
    const text = '青岛市市南实验小学三年级一班张安琪刘桂芝《几分之一》教学设计：把一个月饼平均分成两份，每份是它的二分之一。１２３ABC';
    const missing = [...text].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
  });
});
