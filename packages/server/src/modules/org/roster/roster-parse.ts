import { Readable } from 'node:stream';
import type { TRosterKind } from '@qiming/shared';
import ExcelJS from 'exceljs';
import { AppError } from '../../../core/errors.ts';
import { CLASS_NAME_COLUMN, HELP_SHEET_NAME, normalizeHeader, ROSTER_COLUMNS, type RosterColumn } from './roster-columns.ts';

/** One data row: its row number as Excel shows it, and the cell texts by column key. */
export type ParsedRow = { row: number; values: Record<string, string> };

export type OpenedRoster = {
  /** The header text each column had in the file, by column key (for error reports). */
  headers: Record<string, string>;
  rows: AsyncGenerator<ParsedRow>;
};

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** How far down the sheet the header row may be (a title line above it is common). */
const HEADER_SEARCH_ROWS = 10;

/** Marks a number too long for Excel to have kept exactly (18-digit IDs typed as numbers). */
export const IMPRECISE_NUMBER = '≈';

const invalidFile = (message: string) => new AppError('FILE_INVALID', { message });

/** Text of a cell as a person reads it, whatever type Excel stored. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return String(v);
    // a 身份证号 typed into a number cell has lost its last digits: say so instead of guessing them
    return Number.isSafeInteger(v) ? String(v) : `${IMPRECISE_NUMBER}${BigInt(v).toString()}`;
  }
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (o.richText)
      return o.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
  }
  return '';
}

/**
 * The rows of the data sheet (the first sheet that is not 说明), read as a stream so that a file
 * of 100,000 rows never sits in memory as a workbook.
 */
async function* readSheetRows(buffer: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let found = false;
  let yielded = false;
  try {
    for await (const sheet of reader) {
      // the reader knows these from workbook.xml; its type declarations leave them out
      const info = sheet as unknown as { name?: string; state?: string };
      const skip = found || info.name === HELP_SHEET_NAME || info.state === 'hidden' || info.state === 'veryHidden';
      if (skip) {
        for await (const _row of sheet) {
          /* drain: the zip is read in order */
        }
        continue;
      }
      found = true;
      for await (const row of sheet) {
        const values = row.values as unknown[];
        yielded = true;
        yield { row: row.number, cells: rowCells(values) };
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // exceljs's streaming reader fails on some valid files (zip entries in an unexpected order, and
    // now and then under load); before any row was handed out, the whole-file reader can still read it
    if (!yielded && buffer.length <= IN_MEMORY_FALLBACK_BYTES) {
      yield* readSheetRowsInMemory(buffer);
      return;
    }
    throw invalidFile('文件已损坏或不是有效的 Excel（.xlsx）文件');
  }
  if (!found) throw invalidFile('文件中没有可导入的工作表');
}

/** Above this size a file is read only as a stream: a whole workbook in memory costs ~20× its size. */
const IN_MEMORY_FALLBACK_BYTES = 20 * 1024 * 1024;

const rowCells = (values: unknown[]): string[] => Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => cellText(values[i + 1]));

async function* readSheetRowsInMemory(buffer: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw invalidFile('文件已损坏或不是有效的 Excel（.xlsx）文件');
  }
  const sheet = wb.worksheets.find((ws) => ws.name !== HELP_SHEET_NAME && ws.state !== 'hidden' && ws.state !== 'veryHidden');
  if (!sheet) throw invalidFile('文件中没有可导入的工作表');
  const rows: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => rows.push({ row: row.number, cells: rowCells(row.values as unknown[]) }));
  yield* rows;
}

/** Refuses anything but an .xlsx file before any work is done. */
export function assertXlsx(buffer: Buffer, fileName: string): void {
  if (buffer.subarray(0, 4).equals(OLE_MAGIC) || /\.xls$/i.test(fileName)) {
    throw invalidFile('不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后再上传');
  }
  if (!/\.xlsx$/i.test(fileName) || !buffer.subarray(0, 4).equals(ZIP_MAGIC)) {
    throw invalidFile('只能上传 .xlsx 格式的 Excel 文件，请使用下载的模板填写');
  }
}

function columnsFor(kind: TRosterKind): RosterColumn[] {
  return kind === 'students' ? [...ROSTER_COLUMNS.students, CLASS_NAME_COLUMN] : [...ROSTER_COLUMNS[kind]];
}

function matchHeader(cells: string[], kind: TRosterKind): { indexes: Map<string, number>; headers: Record<string, string> } {
  const indexes = new Map<string, number>();
  const headers: Record<string, string> = {};
  const cols = columnsFor(kind);
  cells.forEach((text, i) => {
    const h = normalizeHeader(text);
    if (!h) return;
    const col = cols.find((c) => c.header === h) ?? cols.find((c) => c.aliases?.includes(h));
    if (col && !indexes.has(col.key)) {
      indexes.set(col.key, i);
      headers[col.key] = h;
    }
  });
  return { indexes, headers };
}

function missingColumns(kind: TRosterKind, indexes: Map<string, number>): string[] {
  const byClassName = kind === 'students' && indexes.has('className');
  return ROSTER_COLUMNS[kind]
    .filter((c) => c.required === 'always' && !indexes.has(c.key))
    .filter((c) => !(byClassName && (c.key === 'grade' || c.key === 'classNo')))
    .map((c) => c.header);
}

/**
 * Opens a roster file: finds the header row, checks that every required column is there, and
 * returns the data rows as a stream keyed by column. Throws FILE_INVALID for anything that is not
 * a readable roster sheet, before a job is created.
 */
export async function openRoster(buffer: Buffer, kind: TRosterKind): Promise<OpenedRoster> {
  const sheet = readSheetRows(buffer);
  let header: ReturnType<typeof matchHeader> | null = null;
  let best: ReturnType<typeof matchHeader> | null = null;
  for (let seen = 0; seen < HEADER_SEARCH_ROWS;) {
    const next = await sheet.next();
    if (next.done) break;
    if (next.value.cells.every((c) => !c)) continue;
    seen++;
    const m = matchHeader(next.value.cells, kind);
    if (m.indexes.size > (best?.indexes.size ?? 0)) best = m;
    if (m.indexes.size >= 2 && missingColumns(kind, m.indexes).length === 0) {
      header = m;
      break;
    }
  }
  if (!header) {
    await sheet.return(undefined);
    const expected = ROSTER_COLUMNS[kind].map((c) => c.header).join('、');
    if (best && best.indexes.size >= 2)
      throw invalidFile(`表头缺少必填列：${missingColumns(kind, best.indexes).join('、')}。请使用下载的模板填写`);
    throw invalidFile(`未找到表头。第一行应为：${expected}。请使用下载的模板填写`);
  }
  const { indexes, headers } = header;
  async function* rows(): AsyncGenerator<ParsedRow> {
    for await (const { row, cells } of sheet) {
      if (cells.every((c) => !c)) continue;
      const values: Record<string, string> = {};
      for (const [key, i] of indexes) values[key] = cells[i] ?? '';
      yield { row, values };
    }
  }
  return { headers, rows: rows() };
}
