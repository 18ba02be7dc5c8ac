import { SUBJECTS } from '@qiming/shared';
import { splitSubjects } from './roster-columns.ts';
import {
  checkGender,
  checkIdCard,
  checkName,
  checkPhone,
  idCardHolders,
  type RosterRecord,
  type RosterValidator,
  type TeacherRecord,
  type ValidationContext,
} from './roster-checks.ts';
import type { ParsedRow } from './roster-parse.ts';
import * as repo from './roster.repository.ts';

const STAFF_NO = /^[A-Za-z0-9]{3,20}$/;

/** Teachers: 工号 (an existing one is updated), phone, subjects from the curriculum, an optional 身份证号. */
export function teacherValidator(c: ValidationContext): RosterValidator {
  const seenNos = new Map<string, number>();
  const seenIds = new Map<string, number>();
  const seenPhones = new Map<string, number>();
  /** Rows with neither 性别 nor a 身份证号 to read it from: fine for an update, not for a new teacher. */
  const missingGender = new Set<number>();
  const subjectList = SUBJECTS.join('、');

  const checkRow = (raw: ParsedRow): TeacherRecord => {
    const v = raw.values;
    const row = raw.row;
    const staffNo = (v.staffNo ?? '').replace(/\s/g, '');
    if (!staffNo) c.report(row, 'staffNo', 'required', '请填写工号');
    else if (!STAFF_NO.test(staffNo)) c.report(row, 'staffNo', 'invalid_staff_no', '工号应为 3–20 位字母或数字');
    else if (seenNos.has(staffNo)) c.report(row, 'staffNo', 'duplicate_staff_no', `工号与第 ${seenNos.get(staffNo)} 行重复`);
    else seenNos.set(staffNo, row);
    const name = checkName(c, row, 'name', v.name ?? '', '姓名');
    const id = checkIdCard(c, seenIds, row, v.idCard ?? '');
    const gender = checkGender(c, row, v.gender ?? '', id);
    if (!v.gender && !id.gender) missingGender.add(row);
    const phone = checkPhone(c, row, 'phone', v.phone ?? '', '手机号');
    if (phone) {
      const first = seenPhones.get(phone.phone);
      if (first !== undefined) c.report(row, 'phone', 'duplicate_phone', `手机号与第 ${first} 行重复`);
      else seenPhones.set(phone.phone, row);
    }
    const subjects = splitSubjects(v.subjects ?? '');
    const unknown = subjects.filter((s) => !(SUBJECTS as readonly string[]).includes(s));
    if (!subjects.length) c.report(row, 'subjects', 'required', '请填写任教学科');
    else if (unknown.length) c.report(row, 'subjects', 'unknown_subject', `不认识的学科：${unknown.join('、')}。可选：${subjectList}`);
    return {
      row,
      staffNo,
      name,
      gender,
      phone: phone?.phone ?? '',
      phoneBidx: phone?.bidx ?? '',
      subjects,
      idCard: id.idCard,
      idCardBidx: id.bidx,
    };
  };

  const checkChunk = async (records: RosterRecord[]): Promise<number> => {
    const rows = records as TeacherRecord[];
    const existing = new Map(
      (await repo.findTeachersByStaffNo(c.db, c.school.id, rows.map((r) => r.staffNo).filter(Boolean))).map((e) => [e.staff_no, e]),
    );
    const holders = await idCardHolders(
      c,
      rows.map((r) => r.idCardBidx),
    );
    let newAccounts = 0;
    for (const r of rows) {
      const e = r.staffNo ? existing.get(r.staffNo) : undefined;
      const holder = r.idCardBidx ? holders.get(r.idCardBidx) : undefined;
      if (holder && holder.id !== e?.user_id) c.report(r.row, 'idCard', 'id_card_taken', '该身份证号已登记在平台中，属于其他账号');
      if (e) {
        const isSame =
          (r.idCardBidx && r.idCardBidx === e.id_card_bidx) || r.name === e.display_name || (r.phoneBidx && r.phoneBidx === e.phone_bidx);
        if (!isSame && r.name)
          c.report(
            r.row,
            'staffNo',
            'staff_no_taken',
            `工号 ${r.staffNo} 已属于本校教师“${e.display_name}”，姓名、手机号和身份证号都不一致`,
          );
      } else {
        if (missingGender.has(r.row)) c.report(r.row, 'gender', 'required', '请填写性别');
        if (c.isValid(r.row)) newAccounts++;
      }
      missingGender.delete(r.row);
    }
    return newAccounts;
  };
  return { checkRow, checkChunk };
}
