import { ROSTER_KIND_NAMES, type TRosterKind } from '@qiming/shared';
import ExcelJS from 'exceljs';
import type { AuthedContext } from '../../../core/context.ts';
import { HELP_SHEET_NAME, ROSTER_COLUMNS, SHEET_NAMES, type RosterColumn } from './roster-columns.ts';
import { getRosterSchool, MAX_IMPORT_ROWS } from './roster-import.ts';

/** Rows of the template that carry drop-down lists. */
const TEMPLATE_ROWS = 5000;
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE9F7' } };

const requirement = (c: RosterColumn) => (c.required === 'always' ? '必填' : c.required === 'new' ? '新登记时必填' : '选填');

const columnLetter = (n: number): string =>
  n <= 26 ? String.fromCharCode(64 + n) : columnLetter(Math.floor((n - 1) / 26)) + columnLetter(((n - 1) % 26) + 1);

/**
 * The data sheet: the header row (frozen, with a note on each header), columns that hold IDs and
 * phones formatted as text, and, in the template, drop-down lists for fixed values.
 */
export function addRosterSheet(
  wb: ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter,
  kind: TRosterKind,
  opts: { withLists: boolean },
): ExcelJS.Worksheet {
  const cols = ROSTER_COLUMNS[kind];
  const ws = wb.addWorksheet(SHEET_NAMES[kind], { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.isText ? { numFmt: '@' } : {} }));
  const header = ws.getRow(1);
  cols.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.font = { bold: true, color: { argb: c.required === 'always' ? 'FFC00000' : 'FF1F1F1F' } };
    cell.fill = HEADER_FILL;
    cell.note = `${requirement(c)}。${c.note}`;
  });
  if (opts.withLists) {
    // range-wide validations are in exceljs but not in its type declarations
    const validations = (ws as unknown as { dataValidations: { add: (range: string, v: ExcelJS.DataValidation) => void } }).dataValidations;
    cols.forEach((c, i) => {
      const range = `${columnLetter(i + 1)}2:${columnLetter(i + 1)}${TEMPLATE_ROWS + 1}`;
      if (c.list) {
        validations.add(range, {
          type: 'list',
          allowBlank: true,
          formulae: [`"${c.list.join(',')}"`],
          showErrorMessage: true,
          errorStyle: 'warning',
          errorTitle: c.header,
          error: `请从列表中选择：${c.list.join('、')}`,
        });
      } else if (c.key === 'classNo') {
        validations.add(range, {
          type: 'whole',
          operator: 'between',
          allowBlank: true,
          formulae: [1, 99],
          showErrorMessage: true,
          errorStyle: 'warning',
          errorTitle: c.header,
          error: '班号应为 1–99 的数字',
        });
      }
    });
  }
  return ws;
}

/** The 说明 sheet: what each column means, and one example row (this sheet is never imported). */
export function addHelpSheet(wb: ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter, kind: TRosterKind): void {
  const cols = ROSTER_COLUMNS[kind];
  const ws = wb.addWorksheet(HELP_SHEET_NAME);
  ws.columns = [{ width: 16 }, { width: 14 }, { width: 70 }, { width: 22 }];
  const add = (values: unknown[], style?: (row: ExcelJS.Row) => void) => {
    const row = ws.addRow(values);
    style?.(row);
    row.commit();
  };
  const sheet = SHEET_NAMES[kind];
  const who = ROSTER_KIND_NAMES[kind];
  add([`${who}名单填写说明`], (r) => {
    r.font = { bold: true, size: 14 };
  });
  add([`在“${sheet}”工作表中从第 2 行起每行填写一条；第 1 行是表头，请勿修改。本“说明”工作表不会被导入。`]);
  add(
    [
      kind === 'students'
        ? '学号已存在的学生会被更新（姓名、身份证号、班级、监护人），不会重复创建；同一文件可以放心地重复导入。'
        : kind === 'teachers'
          ? '工号已存在的教师会被更新（姓名、手机号、任教学科），不会重复创建。'
          : '同一学生、同一手机号的监护人已关联时会被更新（关系、是否主要联系人）。',
    ],
    undefined,
  );
  add([
    `上传后系统会逐行校验并列出所有错误（第几行、哪一列、什么问题）；可以修正后重新上传，也可以只导入无误的行。一个文件最多 ${MAX_IMPORT_ROWS} 行。`,
  ]);
  add(['新建的账号使用同一个初始密码（导入完成时显示给操作人），首次登录须修改密码。']);
  add([]);
  add(['列名', '是否必填', '填写说明', '示例'], (r) => {
    r.font = { bold: true };
    r.eachCell((c) => {
      c.fill = HEADER_FILL;
    });
  });
  for (const c of cols) add([c.header, requirement(c), c.note + (c.list ? `（可选值：${c.list.join('、')}）` : ''), c.example]);
  add([]);
  add(['示例行（仅供参考，不会被导入）：'], (r) => {
    r.font = { bold: true, color: { argb: 'FF808080' } };
  });
  add(
    cols.map((c) => c.header),
    (r) => {
      r.font = { italic: true, color: { argb: 'FF808080' } };
    },
  );
  add(
    cols.map((c) => c.example),
    (r) => {
      r.font = { italic: true, color: { argb: 'FF808080' } };
    },
  );
}

/** An .xlsx download: the file name is Chinese, sent as RFC 5987 filename*. */
export type XlsxFile = { fileName: string; buffer: Buffer };

export async function getRosterTemplate(ctx: AuthedContext, schoolId: string, kind: TRosterKind): Promise<XlsxFile> {
  const school = await getRosterSchool(ctx.db, schoolId);
  const wb = new ExcelJS.Workbook();
  wb.creator = '启明智慧教育平台';
  wb.created = new Date();
  addRosterSheet(wb, kind, { withLists: true });
  addHelpSheet(wb, kind);
  return { fileName: `${school.name}-${ROSTER_KIND_NAMES[kind]}名单导入模板.xlsx`, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}
