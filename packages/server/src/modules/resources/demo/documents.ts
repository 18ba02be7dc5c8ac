import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import * as fontkit from 'fontkit';
import { cjkFont } from '../../../core/pdf/pdf.ts';

/**
 * Real documents for the demo catalogue, written directly so that a few hundred of them take well
 * under a second: PDF with embedded Chinese glyphs, Word (.docx) and PowerPoint (.pptx) packages
 * that Office and WPS open, PNG teaching pictures and WAV sound. A document is a title and
 * sections of paragraphs; every generator returns the bytes and the plain text it holds.
 */
export type DocSection = { heading?: string; paragraphs: string[] };
export type DocSpec = { title: string; subtitle?: string; sections: DocSection[] };

/** The text of a document as extraction gives it back: a paragraph a line. */
export const plainText = (d: DocSpec): string =>
  [d.title, d.subtitle, ...d.sections.flatMap((s) => [s.heading, ...s.paragraphs])].filter(Boolean).join('\n');

// ---------------------------------------------------------------------------------------------
// PDF: one font subset (the CJK font of core/pdf) shared by every PDF of a run

export type PdfFont = {
  /** The subset's font program and its ToUnicode CMap, both already deflated. */
  program: Buffer;
  /** CFF outlines (Noto: CIDFontType0 with FontFile3) or TrueType ones (WenQuanYi: CIDFontType2 with FontFile2). */
  isCff: boolean;
  /** Code point → glyph id in the subset (which is also its CID under Identity-H). */
  gid: Map<number, number>;
  /** Advance widths by subset glyph id, in thousandths of the font size. */
  widths: number[];
  name: string;
  bbox: [number, number, number, number];
  ascent: number;
  descent: number;
  capHeight: number;
  toUnicode: Buffer;
};

/**
 * Subsets the CJK font once for every character the given texts use (subsetting costs about a
 * second, whatever the number of glyphs, so it is done once, not per document). Characters the
 * font lacks are left out and print as nothing.
 */
export function buildPdfFont(texts: string[]): PdfFont {
  const face = cjkFont().normal;
  const font = fontkit.create(readFileSync(face.file), face.postscriptName);
  if (!font) throw new Error(`No font ${face.postscriptName} in ${face.file}`);
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  const gid = new Map<number, number>();
  const widths: number[] = [Math.round(font.glyphForCodePoint(0x20).advanceWidth * scale)];
  const points = new Set<number>();
  for (const t of texts) for (const ch of t) points.add(ch.codePointAt(0)!);
  for (const cp of [...points].sort((a, b) => a - b)) {
    if (cp < 0x20 || cp > 0xffff || !font.hasGlyphForCodePoint(cp)) continue;
    const glyph = font.glyphForCodePoint(cp);
    const id = subset.includeGlyph(glyph);
    gid.set(cp, id);
    widths[id] = Math.round(glyph.advanceWidth * scale);
  }
  for (let i = 0; i < widths.length; i++) widths[i] ??= 1000;
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const pairs = [...gid].map(([cp, id]) => `<${hex4(id)}> <${hex4(cp)}>`);
  const blocks: string[] = [];
  for (let i = 0; i < pairs.length; i += 100) {
    const part = pairs.slice(i, i + 100);
    blocks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
  }
  const cmap = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <ffff>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
  return {
    program: deflateSync(subset.encode()),
    isCff: Boolean(font.directory.tables['CFF ']),
    gid,
    widths,
    name: `QMDEMO+${font.postscriptName}`,
    bbox: [font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) => Math.round(v * scale)) as PdfFont['bbox'],
    ascent: Math.round(font.ascent * scale),
    descent: Math.round(font.descent * scale),
    capHeight: Math.round((font.capHeight || font.ascent * 0.7) * scale),
    toUnicode: deflateSync(Buffer.from(cmap, 'latin1')),
  };
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 };
type Line = { text: string; size: number; gap: number; colour?: string };

/** Breaks a paragraph into lines that fit: CJK characters may break anywhere, Latin words stay whole. */
function wrap(font: PdfFont, text: string, size: number, width: number): string[] {
  const advance = (s: string) => [...s].reduce((w, ch) => w + (font.widths[font.gid.get(ch.codePointAt(0)!) ?? 0] * size) / 1000, 0);
  const tokens = text.match(/[A-Za-z0-9.,;:!?'"()%/+\-=]+|\s+|./gu) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const tok of tokens) {
    if (line && advance(line + tok) > width) {
      lines.push(line.trimEnd());
      line = /^\s+$/.test(tok) ? '' : tok;
    } else line += tok;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

const hexOf = (font: PdfFont, s: string) =>
  [...s]
    .map((ch) => font.gid.get(ch.codePointAt(0)!))
    .filter((g): g is number => g !== undefined)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join('');

/** A real PDF (1.7): A4 pages, a coloured title band, headings and paragraphs in the shared CJK subset. */
export function pdfDocument(font: PdfFont, doc: DocSpec, accent: [number, number, number] = [0.18, 0.44, 0.71]): Buffer {
  const inner = PAGE.width - 2 * PAGE.margin;
  const lines: Line[] = [];
  for (const s of doc.sections) {
    if (s.heading)
      lines.push(...wrap(font, s.heading, 14, inner).map((text, i) => ({ text, size: 14, gap: i ? 4 : 14, colour: '0.1 0.1 0.1' })));
    for (const p of s.paragraphs) lines.push(...wrap(font, p, 11, inner).map((text, i) => ({ text, size: 11, gap: i ? 4 : 8 })));
  }
  const pages: string[] = [];
  let ops: string[] = [];
  let y = 0;
  const startPage = (first: boolean) => {
    ops = [];
    if (first) {
      ops.push(`${accent.join(' ')} rg 0 ${PAGE.height - 110} ${PAGE.width} 110 re f`);
      ops.push(`BT /F1 20 Tf 1 1 1 rg 1 0 0 1 ${PAGE.margin} ${PAGE.height - 60} Tm <${hexOf(font, doc.title)}> Tj ET`);
      if (doc.subtitle)
        ops.push(`BT /F1 11 Tf 0.92 0.95 1 rg 1 0 0 1 ${PAGE.margin} ${PAGE.height - 88} Tm <${hexOf(font, doc.subtitle)}> Tj ET`);
      y = PAGE.height - 130;
    } else y = PAGE.height - PAGE.margin;
  };
  const endPage = () => {
    ops.push(`BT /F1 9 Tf 0.5 0.5 0.5 rg 1 0 0 1 ${PAGE.width / 2 - 10} 30 Tm <${hexOf(font, `— ${pages.length + 1} —`)}> Tj ET`);
    pages.push(ops.join('\n'));
  };
  startPage(true);
  for (const l of lines) {
    const need = l.gap + l.size * 1.25;
    if (y - need < PAGE.margin) {
      endPage();
      startPage(false);
    }
    y -= need;
    ops.push(
      `BT /F1 ${l.size} Tf ${l.colour ?? '0.2 0.2 0.2'} rg 1 0 0 1 ${PAGE.margin} ${y.toFixed(2)} Tm <${hexOf(font, l.text)}> Tj ET`,
    );
  }
  endPage();

  // objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 font program, 7 ToUnicode, 8 info, then page + content pairs
  const objects: Buffer[] = [];
  const dict = (s: string) => Buffer.from(s, 'latin1');
  const stream = (head: string, data: Buffer) =>
    Buffer.concat([dict(`<< ${head} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`), data, dict('\nendstream')]);
  const pageIds = pages.map((_, i) => 9 + i * 2);
  objects[1] = dict('<< /Type /Catalog /Pages 2 0 R >>');
  objects[2] = dict(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  objects[3] = dict(
    `<< /Type /Font /Subtype /Type0 /BaseFont /${font.name} /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 7 0 R >>`,
  );
  objects[4] = dict(
    `<< /Type /Font /Subtype /${font.isCff ? 'CIDFontType0' : 'CIDFontType2 /CIDToGIDMap /Identity'} /BaseFont /${font.name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /W [0 [${font.widths.join(' ')}]] >>`,
  );
  objects[5] = dict(
    `<< /Type /FontDescriptor /FontName /${font.name} /Flags 4 /FontBBox [${font.bbox.join(' ')}] /ItalicAngle 0 /Ascent ${font.ascent} /Descent ${font.descent} /CapHeight ${font.capHeight} /StemV 80 /${font.isCff ? 'FontFile3' : 'FontFile2'} 6 0 R >>`,
  );
  objects[6] = stream(font.isCff ? '/Subtype /CIDFontType0C' : '', font.program);
  objects[7] = stream('', font.toUnicode);
  const utf16 = (s: string) => `<feff${[...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}>`;
  objects[8] = dict(`<< /Title ${utf16(doc.title)} /Producer (Qiming demo) /Creator (Qiming) >>`);
  pages.forEach((content, i) => {
    objects[9 + i * 2] = dict(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${10 + i * 2} 0 R >>`,
    );
    objects[10 + i * 2] = stream('', deflateSync(Buffer.from(content, 'latin1')));
  });
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0].length;
  for (let id = 1; id < objects.length; id++) {
    const obj = Buffer.concat([dict(`${id} 0 obj\n`), objects[id], dict('\nendobj\n')]);
    offsets[id] = at;
    at += obj.length;
    parts.push(obj);
  }
  const xref = [
    `xref\n0 ${objects.length}\n0000000000 65535 f \n`,
    ...offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ];
  parts.push(dict(xref.join('')), dict(`trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 8 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Office Open XML

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';
/** Fast deflate: the parts are small, and the package is as valid at any level. */
const ZIP = { level: 1 } as const;

const corePropsXml = (title: string, author: string) =>
  `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${xmlEscape(title)}</dc:title><dc:creator>${xmlEscape(author)}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>`;

/** A Word document: title, headings (bold, larger) and paragraphs, with a style part so Word shows them as such. */
export function docxDocument(doc: DocSpec, author: string): Buffer {
  const run = (text: string, props = '') =>
    `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r>`;
  const para = (text: string, style?: string) => `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}${run(text)}</w:p>`;
  const body = [
    para(doc.title, 'Title'),
    ...(doc.subtitle ? [para(doc.subtitle, 'Subtitle')] : []),
    ...doc.sections.flatMap((s) => [...(s.heading ? [para(s.heading, 'Heading1')] : []), ...s.paragraphs.map((p) => para(p))]),
  ].join('');
  const style = (id: string, name: string, size: number, extra = '') =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="240" w:after="120"/>${extra}</w:pPr><w:rPr><w:b/><w:sz w:val="${size}"/></w:rPr></w:style>`;
  const styles = `${XML}<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:eastAsia="宋体" w:hAnsi="Calibri"/><w:sz w:val="22"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${style('Title', 'Title', 40, '<w:jc w:val="center"/>')}${style('Subtitle', 'Subtitle', 24, '<w:jc w:val="center"/>')}${style('Heading1', 'heading 1', 28)}</w:styles>`;
  return Buffer.from(
    zipSync(
      {
        '[Content_Types].xml': strToU8(
          `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${CT}.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="${CT}.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
        ),
        '_rels/.rels': strToU8(
          `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
        ),
        'docProps/core.xml': strToU8(corePropsXml(doc.title, author)),
        'word/_rels/document.xml.rels': strToU8(
          `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
        ),
        'word/styles.xml': strToU8(styles),
        'word/document.xml': strToU8(
          `${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="${REL}"><w:body>${body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`,
        ),
      },
      ZIP,
    ),
  );
}

const A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';

const THEME = `${XML}<a:theme xmlns:a="${A}" name="Qiming"><a:themeElements><a:clrScheme name="Qiming"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F3A5F"/></a:dk2><a:lt2><a:srgbClr val="EEF3F8"/></a:lt2><a:accent1><a:srgbClr val="2F6FB5"/></a:accent1><a:accent2><a:srgbClr val="E07B39"/></a:accent2><a:accent3><a:srgbClr val="3B9B6D"/></a:accent3><a:accent4><a:srgbClr val="8E5EA2"/></a:accent4><a:accent5><a:srgbClr val="D4A72C"/></a:accent5><a:accent6><a:srgbClr val="C0504D"/></a:accent6><a:hlink><a:srgbClr val="2F6FB5"/></a:hlink><a:folHlink><a:srgbClr val="8E5EA2"/></a:folHlink></a:clrScheme><a:fontScheme name="Qiming"><a:majorFont><a:latin typeface="Calibri"/><a:ea typeface="微软雅黑"/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface="微软雅黑"/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Qiming"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>`;

const EMPTY_TREE = `<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`;

/** A text box on a slide at (x, y) of size (cx, cy) in EMU, one paragraph per line. */
function textBox(
  id: number,
  name: string,
  box: [number, number, number, number],
  lines: string[],
  size: number,
  colour: string,
  bold = false,
) {
  const paras = lines
    .map(
      (l) =>
        `<a:p><a:r><a:rPr lang="zh-CN" altLang="en-US" sz="${size * 100}"${bold ? ' b="1"' : ''} dirty="0"><a:solidFill><a:srgbClr val="${colour}"/></a:solidFill></a:rPr><a:t>${xmlEscape(l)}</a:t></a:r></a:p>`,
    )
    .join('');
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${name}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="${box[0]}" y="${box[1]}"/><a:ext cx="${box[2]}" cy="${box[3]}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap="square" rtlCol="0"><a:normAutofit/></a:bodyPr><a:lstStyle/>${paras}</p:txBody></p:sp>`;
}

/** A PowerPoint deck (16:9): a title slide, then one slide per section with its heading and points. */
export function pptxDocument(doc: DocSpec, author: string, accent = '2F6FB5'): Buffer {
  const W = 9144000;
  const H = 5143500;
  const slides = [
    {
      bg: accent,
      shapes: [
        textBox(2, 'Title', [457200, 1600200, W - 914400, 1000000], [doc.title], 36, 'FFFFFF', true),
        textBox(3, 'Subtitle', [457200, 2700000, W - 914400, 800000], [doc.subtitle ?? author], 18, 'EEF3F8'),
      ],
    },
    ...doc.sections.map((s) => ({
      bg: 'FFFFFF',
      shapes: [
        textBox(2, 'Title', [457200, 300000, W - 914400, 700000], [s.heading ?? doc.title], 28, accent, true),
        textBox(3, 'Content', [457200, 1100000, W - 914400, H - 1500000], s.paragraphs, 18, '333333'),
      ],
    })),
  ];
  const files: Record<string, Uint8Array> = {};
  const overrides = [
    `<Override PartName="/ppt/presentation.xml" ContentType="${CT}.presentationml.presentation.main+xml"/>`,
    `<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="${CT}.presentationml.slideMaster+xml"/>`,
    `<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="${CT}.presentationml.slideLayout+xml"/>`,
    `<Override PartName="/ppt/theme/theme1.xml" ContentType="${CT}.theme+xml"/>`,
    `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`,
    ...slides.map((_, i) => `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="${CT}.presentationml.slide+xml"/>`),
  ];
  files['[Content_Types].xml'] = strToU8(
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides.join('')}</Types>`,
  );
  files['_rels/.rels'] = strToU8(
    `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
  );
  files['docProps/core.xml'] = strToU8(corePropsXml(doc.title, author));
  files['ppt/presentation.xml'] = strToU8(
    `${XML}<p:presentation xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}" saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>${slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 3}"/>`).join('')}</p:sldIdLst><p:sldSz cx="${W}" cy="${H}"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`,
  );
  files['ppt/_rels/presentation.xml.rels'] = strToU8(
    `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/slideMaster" Target="slideMasters/slideMaster1.xml"/><Relationship Id="rId2" Type="${REL}/theme" Target="theme/theme1.xml"/>${slides.map((_, i) => `<Relationship Id="rId${i + 3}" Type="${REL}/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`,
  );
  files['ppt/theme/theme1.xml'] = strToU8(THEME);
  files['ppt/slideMasters/slideMaster1.xml'] = strToU8(
    `${XML}<p:sldMaster xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}"><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>${EMPTY_TREE}</p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>`,
  );
  files['ppt/slideMasters/_rels/slideMaster1.xml.rels'] = strToU8(
    `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="${REL}/theme" Target="../theme/theme1.xml"/></Relationships>`,
  );
  files['ppt/slideLayouts/slideLayout1.xml'] = strToU8(
    `${XML}<p:sldLayout xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}" type="blank" preserve="1"><p:cSld name="Blank"><p:spTree>${EMPTY_TREE}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`,
  );
  files['ppt/slideLayouts/_rels/slideLayout1.xml.rels'] = strToU8(
    `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/slideMaster" Target="../slideMasters/slideMaster1.xml"/></Relationships>`,
  );
  slides.forEach((s, i) => {
    files[`ppt/slides/slide${i + 1}.xml`] = strToU8(
      `${XML}<p:sld xmlns:a="${A}" xmlns:r="${REL}" xmlns:p="${P}"><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val="${s.bg}"/></a:solidFill><a:effectLst/></p:bgPr></p:bg><p:spTree>${EMPTY_TREE}${s.shapes.join('')}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`,
    );
    files[`ppt/slides/_rels/slide${i + 1}.xml.rels`] = strToU8(
      `${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/></Relationships>`,
    );
  });
  return Buffer.from(zipSync(files, ZIP));
}

// ---------------------------------------------------------------------------------------------
// pictures and sound

type Rgb = [number, number, number];

/** A PNG teaching picture: a circle cut into `parts` equal sectors with `shaded` of them coloured (几分之几). */
export function fractionCirclePng(parts: number, shaded: number, colour: Rgb, size = 280): Buffer {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  const c = size / 2;
  const r = size * 0.42;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const dx = x - c + 0.5;
      const dy = y - c + 0.5;
      const d = Math.hypot(dx, dy);
      const angle = (Math.atan2(dx, -dy) + 2 * Math.PI) % (2 * Math.PI);
      const sector = Math.floor((angle / (2 * Math.PI)) * parts);
      const onSpoke = d < r && Math.abs(Math.sin(angle * parts * 0.5)) * d < 1.6;
      let px: Rgb = [255, 255, 255];
      if (Math.abs(d - r) < 2 || onSpoke) px = [60, 60, 60];
      else if (d < r) px = sector < shaded ? colour : [238, 243, 248];
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = px[0];
      raw[o + 1] = px[1];
      raw[o + 2] = px[2];
    }
  }
  return pngFromRaw(size, size, raw);
}

/** A PNG bar model: a strip cut into `parts` equal pieces with `shaded` coloured (线段图, 分数条). */
export function fractionBarPng(parts: number, shaded: number, colour: Rgb, width = 480, height = 120): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const left = 20;
  const right = width - 20;
  const top = 30;
  const bottom = height - 30;
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      let px: Rgb = [255, 255, 255];
      if (x >= left && x <= right && y >= top && y <= bottom) {
        const pos = ((x - left) / (right - left)) * parts;
        const edge = Math.abs(pos - Math.round(pos)) * ((right - left) / parts) < 1.5;
        px = edge || y - top < 2 || bottom - y < 2 ? [60, 60, 60] : Math.floor(pos) < shaded ? colour : [238, 243, 248];
      }
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = px[0];
      raw[o + 1] = px[1];
      raw[o + 2] = px[2];
    }
  }
  return pngFromRaw(width, height, raw);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGB PNG from rows that each start with filter byte 0. */
function pngFromRaw(width: number, height: number, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let c = 0xffffffff;
  for (const b of td) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  td.copy(out, 4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** Frequencies of the notes of one octave from middle C, by 简谱 degree 1–7. */
const DEGREE_HZ = [0, 261.63, 293.66, 329.63, 349.23, 392.0, 440.0, 493.88];

/** A melody in 简谱 (degrees 1–7, 0 a rest) as a WAV file (16-bit mono, 11.025 kHz), a quarter second a note. */
export function melodyWav(jianpu: string): Buffer {
  const rate = 11025;
  const per = Math.round(rate / 4);
  const notes = [...jianpu].map((d) => (d === ' ' ? 0 : (DEGREE_HZ[Number(d)] ?? 0)));
  const data = new Int16Array(notes.length * per);
  notes.forEach((hz, n) => {
    const w = (2 * Math.PI * hz) / rate;
    for (let i = 0; i < per; i++) {
      const envelope = Math.min(1, i / 200, (per - i) / 600);
      data[n * per + i] = Math.round((Math.sin(w * i) + 0.3 * Math.sin(2 * w * i)) * 7000 * envelope);
    }
  });
  return pcm16Wav(rate, Buffer.from(data.buffer));
}

/** A WAV file around 16-bit mono PCM samples (little-endian) at `rate` samples per second. */
export function pcm16Wav(rate: number, pcm: Buffer): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28); // bytes per second
  h.writeUInt16LE(2, 32); // bytes per sample frame
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/** Makes an MP4 unique to one resource without touching its media: a top-level `free` box carrying the title. */
export function tagMp4(mp4: Buffer, label: string): Buffer {
  const text = Buffer.from(`qiming:${label}`, 'utf8');
  const box = Buffer.alloc(8 + text.length);
  box.writeUInt32BE(box.length, 0);
  box.write('free', 4, 'latin1');
  text.copy(box, 8);
  return Buffer.concat([mp4, box]);
}

/** A PNG 田字格 sheet for handwriting practice: `cols` × `rows` squares, each with its dashed cross. */
export function tianzigePng(cols: number, rows: number, colour: Rgb = [200, 60, 60], cell = 72): Buffer {
  const width = cols * cell + 24;
  const height = rows * cell + 24;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const gx = x - 12;
      const gy = y - 12;
      const inside = gx >= 0 && gy >= 0 && gx <= cols * cell && gy <= rows * cell;
      const lx = gx % cell;
      const ly = gy % cell;
      const frame = inside && (lx < 2 || ly < 2 || gx >= cols * cell - 1 || gy >= rows * cell - 1);
      const cross = inside && (Math.abs(lx - cell / 2) < 1 || Math.abs(ly - cell / 2) < 1) && (gx + gy) % 8 < 4;
      const px: Rgb = frame ? colour : cross ? [235, 170, 170] : [255, 253, 248];
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = px[0];
      raw[o + 1] = px[1];
      raw[o + 2] = px[2];
    }
  }
  return pngFromRaw(width, height, raw);
}
