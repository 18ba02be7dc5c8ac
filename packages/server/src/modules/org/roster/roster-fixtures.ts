import { idCardCheckDigit } from '@qiming/shared';
import ExcelJS from 'exceljs';
import { cellText } from './roster-parse.ts';

/**
 * Test helpers that build and read .xlsx files with exceljs, the way a school's clerk would fill
 * them in Excel. Fixture IDs use region 370212 and phones 137…, which the fixture world never uses.
 */

/**
 * A valid 身份证号, distinct for each n (birth date from n / 500, sequence from n % 500); by default
 * odd n are boys and even n girls, as in studentRows.
 */
export function fixtureIdCard(n: number, gender: 'male' | 'female' = n % 2 ? 'male' : 'female', birthYear = 2017): string {
  const birth = new Date(Date.UTC(birthYear, 0, 1 + Math.floor(n / 500)));
  const date = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const seq = String(((n % 500) * 2 + (gender === 'male' ? 1 : 0)) % 1000).padStart(3, '0');
  const first17 = `370212${date}${seq}`;
  return first17 + idCardCheckDigit(first17);
}

export const fixturePhone = (n: number): string => `137${String(n).padStart(8, '0')}`;

export type StudentRowInput = {
  no: string;
  name: string;
  gender: '男' | '女';
  idCard: string;
  grade: string;
  classNo: number | string;
  guardianName: string;
  guardianPhone: string;
  relation: string;
};

/** Pupils for the students sheet, in its column order. */
export function studentRows(count: number, o: { from?: number; prefix?: string; grade?: string; classNo?: number } = {}): unknown[][] {
  const from = o.from ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return [
      `${o.prefix ?? 'R'}${String(n).padStart(5, '0')}`,
      `学生${n}号`,
      n % 2 ? '男' : '女',
      fixtureIdCard(n),
      o.grade ?? '三年级',
      o.classNo ?? 1,
      `家长${n}号`,
      fixturePhone(n),
      n % 3 ? '母亲' : '父亲',
    ];
  });
}

export const STUDENT_HEADERS = ['学号', '姓名', '性别', '身份证号', '年级', '班号', '监护人姓名', '监护人手机', '与学生关系'];
export const TEACHER_HEADERS = ['工号', '姓名', '性别', '手机号', '任教学科', '身份证号'];
export const PARENT_HEADERS = ['学生学号', '监护人姓名', '手机号', '与学生关系', '是否主要联系人'];

/** A workbook with one sheet: the header row, then the rows. */
export async function buildXlsx(headers: string[], rows: unknown[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Fills the downloaded template's data sheet from row 2, leaving its notes, lists and 说明 sheet alone. */
export async function fillTemplate(template: Buffer, rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const ws = wb.worksheets.find((s) => s.name !== '说明')!;
  rows.forEach((r, i) => {
    const row = ws.getRow(i + 2);
    r.forEach((v, j) => {
      row.getCell(j + 1).value = v as ExcelJS.CellValue;
    });
    row.commit();
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Every sheet of a workbook as rows of cell texts. */
export async function readXlsx(file: Buffer): Promise<Map<string, { rows: string[][]; sheet: ExcelJS.Worksheet }>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const out = new Map<string, { rows: string[][]; sheet: ExcelJS.Worksheet }>();
  for (const ws of wb.worksheets) {
    const rows: string[][] = [];
    ws.eachRow((row) => {
      rows.push(Array.from((row.values as unknown[]).slice(1), cellText));
    });
    out.set(ws.name, { rows, sheet: ws });
  }
  return out;
}

/** The multipart body of an upload. */
export function uploadForm(file: Buffer, fileName = 'roster.xlsx', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([file], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), fileName);
  return form;
}
