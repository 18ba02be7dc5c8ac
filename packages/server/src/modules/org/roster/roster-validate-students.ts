import { GRADE_NAMES } from '@qiming/shared';
import { isMasked, parseClassName, parseClassNo, parseGrade } from './roster-columns.ts';
import {
  checkGender,
  checkIdCard,
  checkName,
  checkPhone,
  checkRelation,
  countNewPhones,
  idCardHolders,
  type GuardianRecord,
  type RosterRecord,
  type RosterValidator,
  type StudentRecord,
  type ValidationContext,
} from './roster-checks.ts';
import type { ParsedRow } from './roster-parse.ts';
import * as repo from './roster.repository.ts';

const STUDENT_NO = /^[A-Za-z0-9]{4,20}$/;

/**
 * Pupils: 学号 (unique in the file; an existing one is the same pupil when the 身份证号 or the name
 * matches), 身份证号 (required for new pupils), class by 年级 + 班号 or 班级, and a guardian.
 */
export function studentValidator(c: ValidationContext): RosterValidator {
  const seenNos = new Map<string, number>();
  const seenIds = new Map<string, number>();
  /** Whether the row's 身份证号 was blank/masked, and whether its guardian phone was masked (both mean "keep"). */
  const kept = new Map<number, { idCard: boolean; guardian: boolean }>();

  const checkRow = (raw: ParsedRow): StudentRecord => {
    const v = raw.values;
    const row = raw.row;
    const studentNo = (v.studentNo ?? '').replace(/\s/g, '');
    if (!studentNo) c.report(row, 'studentNo', 'required', '请填写学号');
    else if (!STUDENT_NO.test(studentNo)) c.report(row, 'studentNo', 'invalid_student_no', '学号应为 4–20 位字母或数字');
    else if (seenNos.has(studentNo)) c.report(row, 'studentNo', 'duplicate_student_no', `学号与第 ${seenNos.get(studentNo)} 行重复`);
    else seenNos.set(studentNo, row);
    const name = checkName(c, row, 'name', v.name ?? '', '姓名');
    const id = checkIdCard(c, seenIds, row, v.idCard ?? '');
    const gender = checkGender(c, row, v.gender ?? '', id);

    let classId = '';
    let place: { gradeLevel: number; classNo: number } | null = null;
    const classColumn = v.className ? 'className' : 'classNo';
    if (v.className) {
      place = parseClassName(v.className);
      if (!place) c.report(row, 'className', 'unknown_class', '班级应写成“三年级(2)班”的形式');
    } else {
      const grade = parseGrade(v.grade ?? '');
      const classNo = parseClassNo(v.classNo ?? '');
      if (!v.grade) c.report(row, 'grade', 'required', '请填写年级');
      else if (!grade) c.report(row, 'grade', 'invalid_grade', '年级应为 一年级 至 六年级');
      if (!v.classNo) c.report(row, 'classNo', 'required', '请填写班号');
      else if (!classNo) c.report(row, 'classNo', 'invalid_class_no', '班号应为 1–99 的数字');
      if (grade && classNo) place = { gradeLevel: grade, classNo };
    }
    if (place) {
      const found = c.classes.get(`${place.gradeLevel}:${place.classNo}`) ?? [];
      const label = `${GRADE_NAMES[place.gradeLevel as keyof typeof GRADE_NAMES]}(${place.classNo})班`;
      if (found.length === 0) c.report(row, classColumn, 'unknown_class', `本校没有${label}，请先在“班级”中建班`);
      else if (found.length > 1)
        c.report(row, classColumn, 'ambiguous_class', `本校有 ${found.length} 个${label}（不同校区），请在系统中逐个调整`);
      else classId = found[0].id;
    }

    let guardian: GuardianRecord | null = null;
    let guardianKept = false;
    const gName = v.guardianName ?? '';
    const gPhone = v.guardianPhone ?? '';
    const gRelation = v.relation ?? '';
    if (gName || gPhone || gRelation) {
      const name2 = checkName(c, row, 'guardianName', gName, '监护人姓名');
      const relation = checkRelation(c, row, gRelation);
      if (gPhone && isMasked(gPhone)) {
        guardianKept = true;
      } else {
        const phone = checkPhone(c, row, 'guardianPhone', gPhone, '监护人手机');
        if (phone && relation) guardian = { name: name2, phone: phone.phone, phoneBidx: phone.bidx, relation };
      }
    }
    kept.set(row, { idCard: id.isKept, guardian: guardianKept });
    return { row, studentNo, name, gender, idCard: id.idCard, idCardBidx: id.bidx, birthDate: id.birthDate, classId, guardian };
  };

  const checkChunk = async (records: RosterRecord[]): Promise<number> => {
    const rows = records as StudentRecord[];
    const existing = new Map(
      (await repo.findStudentsByNo(c.db, c.school.id, rows.map((r) => r.studentNo).filter(Boolean))).map((e) => [e.student_no, e]),
    );
    const holders = await idCardHolders(
      c,
      rows.map((r) => r.idCardBidx),
    );
    let newAccounts = 0;
    for (const r of rows) {
      const k = kept.get(r.row)!;
      kept.delete(r.row);
      const e = r.studentNo ? existing.get(r.studentNo) : undefined;
      const holder = r.idCardBidx ? holders.get(r.idCardBidx) : undefined;
      if (e) {
        // the same pupil when the 身份证号 or the name matches; both differing means another child
        const isSame = (r.idCardBidx && r.idCardBidx === e.id_card_bidx) || r.name === e.display_name;
        if (!isSame && r.name)
          c.report(r.row, 'studentNo', 'student_no_taken', `学号 ${r.studentNo} 已属于本校学生“${e.display_name}”，姓名和身份证号都不一致`);
        if (holder && holder.id !== e.user_id)
          c.report(
            r.row,
            'idCard',
            'id_card_taken',
            holder.student_no ? `该身份证号已登记为本校学号 ${holder.student_no} 的学生` : '该身份证号已登记在平台中，属于其他账号',
          );
      } else {
        if (k.idCard) c.report(r.row, 'idCard', 'required', '新学生须填写完整的身份证号');
        if (holder)
          c.report(
            r.row,
            'idCard',
            'id_card_taken',
            holder.student_no ? `该身份证号已登记为本校学号 ${holder.student_no} 的学生` : '该身份证号已登记在平台中，属于其他账号',
          );
        if (k.guardian) c.report(r.row, 'guardianPhone', 'invalid_phone', '监护人手机不完整（导出时被隐藏的号码不能用于新学生）');
        if (c.isValid(r.row)) newAccounts++;
      }
    }
    const valid = rows.filter((r) => c.isValid(r.row));
    return (
      newAccounts +
      (await countNewPhones(
        c,
        valid.flatMap((r) => (r.guardian ? [r.guardian.phoneBidx] : [])),
      ))
    );
  };
  return { checkRow, checkChunk };
}
