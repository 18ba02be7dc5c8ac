import {
  GUARDIAN_RELATION_NAMES,
  GUARDIAN_RELATIONS,
  isMobilePhone,
  normalizePhone,
  validateIdCard,
  type Gender,
  type GuardianRelation,
} from '@qiming/shared';
import type { FieldCipher } from '../../../core/crypto/crypto.ts';
import type { DbOrTx } from '../../../core/db/database.ts';
import { isMasked, parseGender, parseRelation } from './roster-columns.ts';
import { IMPRECISE_NUMBER, type ParsedRow } from './roster-parse.ts';
import * as repo from './roster.repository.ts';

/** A guardian as written on a pupil's row, ready to link. */
export type GuardianRecord = { name: string; phone: string; phoneBidx: string; relation: GuardianRelation };

/**
 * Validated rows as they wait for the commit. Nullable fields are null only in rows that have
 * errors (never stored), except where null means "keep what is on record".
 */
export type StudentRecord = {
  row: number;
  studentNo: string;
  name: string;
  /** null: keep the pupil's gender on record. */
  gender: Gender | null;
  /** null: keep the 身份证号 on record (left blank, or masked in an export). */
  idCard: string | null;
  idCardBidx: string | null;
  birthDate: string | null;
  classId: string;
  /** null: no guardian on the row, or a masked phone (keep the guardians on record). */
  guardian: GuardianRecord | null;
};
export type TeacherRecord = {
  row: number;
  staffNo: string;
  name: string;
  gender: Gender | null;
  phone: string;
  phoneBidx: string;
  subjects: string[];
  idCard: string | null;
  idCardBidx: string | null;
};
export type ParentRecord = {
  row: number;
  studentNo: string;
  name: string;
  phone: string;
  phoneBidx: string;
  relation: GuardianRelation;
  isPrimary: boolean;
};
export type RosterRecord = StudentRecord | TeacherRecord | ParentRecord;

/** Records a problem with one cell: the row, the column key, a stable code and a Chinese message. */
export type Report = (row: number, column: string, code: string, message: string) => void;

/**
 * Checks a roster file in two steps: each row on its own (and against earlier rows of the same
 * file), then a chunk of rows against the database with a few bulk queries.
 */
export type RosterValidator = {
  checkRow: (raw: ParsedRow) => RosterRecord;
  /** Returns how many of the chunk's valid rows will create an account. */
  checkChunk: (records: RosterRecord[]) => Promise<number>;
};

export type ValidationContext = {
  db: DbOrTx;
  cipher: FieldCipher;
  school: { id: string; path: string };
  /** Classes of the school by `${gradeLevel}:${classNo}` (more than one: ambiguous). */
  classes: Map<string, { id: string; path: string }[]>;
  report: Report;
  isValid: (row: number) => boolean;
};

export const RELATION_LIST = GUARDIAN_RELATIONS.map((r) => GUARDIAN_RELATION_NAMES[r]).join('、');

const ID_CARD_MESSAGES = {
  format: '身份证号应为 18 位，前 17 位为数字，末位为数字或 X',
  birth_date: '身份证号中的出生日期无效',
  checksum: '身份证号校验位不正确，请核对',
} as const;

export type IdCardCheck = { idCard: string | null; bidx: string | null; birthDate: string | null; gender: Gender | null; isKept: boolean };

/** A 身份证号 cell: blank or masked means "keep"; otherwise it must be valid and not repeat in the file. */
export function checkIdCard(c: ValidationContext, seen: Map<string, number>, row: number, text: string): IdCardCheck {
  const id = text.replace(/\s/g, '').toUpperCase();
  if (!id || isMasked(id)) return { idCard: null, bidx: null, birthDate: null, gender: null, isKept: true };
  if (id.startsWith(IMPRECISE_NUMBER)) {
    c.report(row, 'idCard', 'invalid_id_card', '身份证号被 Excel 存成了数字，末几位已丢失。请把该列设为文本格式后重新填写');
    return { idCard: null, bidx: null, birthDate: null, gender: null, isKept: false };
  }
  const r = validateIdCard(id);
  if (!r.ok) {
    c.report(row, 'idCard', 'invalid_id_card', ID_CARD_MESSAGES[r.reason]);
    return { idCard: null, bidx: null, birthDate: null, gender: null, isKept: false };
  }
  const first = seen.get(id);
  if (first !== undefined) c.report(row, 'idCard', 'duplicate_id_card', `身份证号与第 ${first} 行重复`);
  else seen.set(id, row);
  return { idCard: id, bidx: c.cipher.blindIndex(id), birthDate: r.birthDate, gender: r.gender, isKept: false };
}

export function checkName(c: ValidationContext, row: number, column: string, text: string, what: string): string {
  const name = text.replace(/\s+/g, ' ').trim();
  if (!name) c.report(row, column, 'required', `请填写${what}`);
  else if (name.length < 2 || name.length > 32) c.report(row, column, 'invalid_name', `${what}应为 2–32 个字`);
  return name;
}

/** 性别 from its cell, or from the 身份证号 when blank; a contradiction is an error. */
export function checkGender(c: ValidationContext, row: number, text: string, id: IdCardCheck): Gender | null {
  if (!text) return id.gender;
  const g = parseGender(text);
  if (!g) {
    c.report(row, 'gender', 'invalid_gender', '性别应为 男 或 女');
    return null;
  }
  if (id.gender && id.gender !== g)
    c.report(row, 'gender', 'gender_mismatch', `性别与身份证号不符（身份证号显示为${id.gender === 'male' ? '男' : '女'}）`);
  return g;
}

export function checkPhone(
  c: ValidationContext,
  row: number,
  column: string,
  text: string,
  what: string,
): { phone: string; bidx: string } | null {
  if (!text) {
    c.report(row, column, 'required', `请填写${what}`);
    return null;
  }
  const phone = normalizePhone(text);
  if (!isMobilePhone(phone)) {
    c.report(
      row,
      column,
      'invalid_phone',
      isMasked(text) ? `${what}不完整（导出时被隐藏的号码不能用于新登记）` : `${what}应为 11 位手机号`,
    );
    return null;
  }
  return { phone, bidx: c.cipher.blindIndex(phone) };
}

export function checkRelation(c: ValidationContext, row: number, text: string): GuardianRelation | null {
  if (!text) {
    c.report(row, 'relation', 'required', '请填写与学生关系');
    return null;
  }
  const r = parseRelation(text);
  if (!r) c.report(row, 'relation', 'unknown_relation', `与学生关系应为：${RELATION_LIST}`);
  return r;
}

/** Holders of these 身份证号 on the whole platform, by blind index. */
export async function idCardHolders(c: ValidationContext, bidxs: (string | null)[]) {
  const rows = await repo.findUsersByIdCard(
    c.db,
    c.school.id,
    bidxs.filter((b): b is string => !!b),
  );
  return new Map(rows.map((r) => [r.id_card_bidx!, r]));
}

/** How many distinct phones of these rows no account has yet (each becomes a parent account). */
export async function countNewPhones(c: ValidationContext, bidxs: string[]): Promise<number> {
  if (!bidxs.length) return 0;
  const known = new Set((await repo.findUsersByPhone(c.db, bidxs)).map((u) => u.phone_bidx));
  return new Set(bidxs.filter((b) => !known.has(b))).size;
}

/** The school's classes keyed by grade and class number, for rows that name a class that way. */
export function classIndex(classes: { id: string; path: string; grade_level: number | null; class_no: number | null }[]) {
  const map = new Map<string, { id: string; path: string }[]>();
  for (const cl of classes) {
    if (!cl.grade_level || !cl.class_no) continue;
    const key = `${cl.grade_level}:${cl.class_no}`;
    map.set(key, [...(map.get(key) ?? []), { id: cl.id, path: cl.path }]);
  }
  return map;
}
