/** The part of fontkit (2.x, no bundled types) the demo PDF writer uses. */
declare module 'fontkit' {
  export type Glyph = { id: number; advanceWidth: number };
  export type Subset = { includeGlyph(glyph: Glyph | number): number; encode(): Uint8Array };
  export type Font = {
    unitsPerEm: number;
    ascent: number;
    descent: number;
    capHeight: number;
    postscriptName: string;
    /** The font's tables by tag: `CFF ` when the outlines are CFF (Noto CJK, .otf), `glyf` for TrueType. */
    directory: { tables: Record<string, unknown> };
    bbox: { minX: number; minY: number; maxX: number; maxY: number };
    glyphForCodePoint(codePoint: number): Glyph;
    hasGlyphForCodePoint(codePoint: number): boolean;
    createSubset(): Subset;
  };
  export function create(buffer: Uint8Array, postscriptName?: string): Font | null;
}
