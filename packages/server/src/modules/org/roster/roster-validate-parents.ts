import { parseYesNo } from './roster-columns.ts';
import {
  checkName,
  checkPhone,
  checkRelation,
  countNewPhones,
  type ParentRecord,
  type RosterRecord,
  type RosterValidator,
  type ValidationContext,
} from './roster-checks.ts';
import type { ParsedRow } from './roster-parse.ts';
import * as repo from './roster.repository.ts';

/** Guardians of pupils already on the roster, one row per link; one primary contact per pupil. */
export function parentValidator(c: ValidationContext): RosterValidator {
  const seenLinks = new Map<string, number>();
  const seenPrimary = new Map<string, number>();

  const checkRow = (raw: ParsedRow): ParentRecord => {
    const v = raw.values;
    const row = raw.row;
    const studentNo = (v.studentNo ?? '').replace(/\s/g, '');
    if (!studentNo) c.report(row, 'studentNo', 'required', '请填写学生学号');
    const name = checkName(c, row, 'name', v.name ?? '', '监护人姓名');
    const phone = checkPhone(c, row, 'phone', v.phone ?? '', '手机号');
    const relation = checkRelation(c, row, v.relation ?? '');
    const isPrimary = parseYesNo(v.isPrimary ?? '');
    if (isPrimary === null) c.report(row, 'isPrimary', 'invalid_value', '是否主要联系人应为 是 或 否');
    if (studentNo && phone) {
      const key = `${studentNo}\n${phone.phone}`;
      const first = seenLinks.get(key);
      if (first !== undefined) c.report(row, 'phone', 'duplicate_guardian', `与第 ${first} 行重复（同一学生、同一手机号）`);
      else seenLinks.set(key, row);
    }
    if (studentNo && isPrimary) {
      const first = seenPrimary.get(studentNo);
      if (first !== undefined) c.report(row, 'isPrimary', 'duplicate_primary', `第 ${first} 行已将该学生的另一位监护人设为主要联系人`);
      else seenPrimary.set(studentNo, row);
    }
    return {
      row,
      studentNo,
      name,
      phone: phone?.phone ?? '',
      phoneBidx: phone?.bidx ?? '',
      relation: relation ?? 'guardian',
      isPrimary: isPrimary ?? false,
    };
  };

  const checkChunk = async (records: RosterRecord[]): Promise<number> => {
    const rows = records as ParentRecord[];
    const known = new Set(
      (await repo.findStudentsByNo(c.db, c.school.id, rows.map((r) => r.studentNo).filter(Boolean))).map((s) => s.student_no),
    );
    for (const r of rows) {
      if (r.studentNo && !known.has(r.studentNo)) c.report(r.row, 'studentNo', 'unknown_student', `本校没有学号为 ${r.studentNo} 的学生`);
    }
    return countNewPhones(
      c,
      rows.filter((r) => c.isValid(r.row)).map((r) => r.phoneBidx),
    );
  };
  return { checkRow, checkChunk };
}
