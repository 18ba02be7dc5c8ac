import {
  GENDER_NAMES,
  GRADE_NAMES,
  GUARDIAN_RELATION_NAMES,
  idCardCheckDigit,
  type GradeLevel,
  type GuardianRelation,
} from '@qiming/shared';
import ExcelJS from 'exceljs';
import { ROSTER_COLUMNS } from '../../packages/server/src/modules/org/roster/roster-columns.ts';
import { addHelpSheet, addRosterSheet } from '../../packages/server/src/modules/org/roster/roster-template.ts';

/*
 * A students roster as a school would fill in the downloaded template: the template's own data
 * sheet (headers, notes, text-formatted ID columns) and its 说明 sheet, written with exceljs's
 * streaming writer and shared strings (as Excel saves them), so 100,000 rows never sit in memory.
 * Every row is valid: unique 学号 and 身份证号 with correct check digits, gender agreeing with
 * the ID, a class that exists, and a guardian (every tenth pupil shares the previous pupil's
 * guardian: siblings).
 */

/** Class numbers run 1–99 (the roster's rule), so one school has at most 6 × 99 classes. */
export const MAX_CLASSES_PER_GRADE = 99;

export type RosterPlan = { rows: number; classesPerGrade: number };

export function planRoster(rows: number, pupilsPerClass = 45): RosterPlan {
  return { rows, classesPerGrade: Math.min(MAX_CLASSES_PER_GRADE, Math.max(1, Math.ceil(rows / 6 / pupilsPerClass))) };
}

const SURNAMES = '王张李刘孙杨赵于徐高陈姜周吴马朱郭宋林崔韩董胡曲吕薛冯丁曹范袁邢隋纪毛栾宫修臧'.split('');
const BOYS =
  '浩宇 宇轩 子墨 梓睿 沐宸 一鸣 俊熙 梓轩 奕辰 皓轩 博文 子豪 铭泽 睿泽 嘉懿 锦程 思远 承泽 天佑 瑞霖 明轩 昊然 晨阳 书恒'.split(' ');
const GIRLS =
  '梓涵 一诺 欣怡 梓萱 语桐 诗涵 雨萱 可馨 若汐 依诺 思彤 紫涵 佳怡 沐瑶 芷若 安琪 梦琪 语汐 欣妍 子涵 悦彤 雨桐 嘉怡 婉清'.split(' ');
const ADULT_MEN = '建军 志刚 海涛 永强 立新 文斌 俊杰 振宇 海波 永刚 春雷 东升 伟 磊 强 军 涛 鹏'.split(' ');
const ADULT_WOMEN = '丽娜 春燕 晓丽 晓燕 海燕 秀梅 红霞 丽华 静 丽 娜 敏 艳 芳 婷 燕 玲 霞'.split(' ');
const DISTRICTS = ['370202', '370203', '370211', '370212', '370213', '370214'];
const RELATIONS: [GuardianRelation, number][] = [
  ['mother', 55],
  ['father', 35],
  ['grandmother', 5],
  ['grandfather', 3],
  ['guardian', 2],
];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type StudentRow = {
  studentNo: string;
  name: string;
  gender: string;
  idCard: string;
  grade: string;
  classNo: number;
  guardianName: string;
  guardianPhone: string;
  relation: string;
};

/** The rows, generated one at a time (deterministic: the same plan gives the same file). */
export function* studentRows(plan: RosterPlan): Generator<StudentRow> {
  const next = rng(20261123);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  let family = -1;
  let guardian = { name: '', phone: '', relation: '' };
  for (let i = 0; i < plan.rows; i++) {
    const gradeLevel = ((i % 6) + 1) as GradeLevel;
    const classNo = (Math.floor(i / 6) % plan.classesPerGrade) + 1;
    const isMale = next() < 0.52;
    const surname = pick(SURNAMES);
    // 身份证号: district, birth date by grade, a sequence that keeps (district, day, sequence) unique, the sex digit, the check digit
    const born = new Date(Date.UTC(2026 - gradeLevel - 6, 8, 1) + (Math.floor(i / DISTRICTS.length) % 365) * 86_400_000);
    const birth = born.toISOString().slice(0, 10).replaceAll('-', '');
    const sequence = String(Math.floor(i / (DISTRICTS.length * 365)) % 100).padStart(2, '0');
    const sexDigit = String(Math.floor(next() * 5) * 2 + (isMale ? 1 : 0));
    const first17 = `${DISTRICTS[i % DISTRICTS.length]}${birth}${sequence}${sexDigit}`;
    if (i % 10 !== 9 || family < 0) {
      family++;
      const relation = weighted(next, RELATIONS);
      const isWoman = relation === 'mother' || relation === 'grandmother' || (relation === 'guardian' && next() < 0.5);
      guardian = {
        name: (relation === 'father' || relation === 'grandfather' ? surname : pick(SURNAMES)) + pick(isWoman ? ADULT_WOMEN : ADULT_MEN),
        phone: `139${String(family).padStart(8, '0')}`,
        relation: GUARDIAN_RELATION_NAMES[relation],
      };
    }
    yield {
      studentNo: `2026${String(i + 1).padStart(6, '0')}`,
      name: surname + pick(isMale ? BOYS : GIRLS),
      gender: GENDER_NAMES[isMale ? 'male' : 'female'],
      idCard: first17 + idCardCheckDigit(first17),
      grade: GRADE_NAMES[gradeLevel],
      classNo,
      guardianName: guardian.name,
      guardianPhone: guardian.phone,
      relation: guardian.relation,
    };
  }
}

function weighted<T>(next: () => number, items: [T, number][]): T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  let r = next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1][0];
}

/** Writes the workbook to `file`; returns the number of data rows written. */
export async function writeStudentWorkbook(file: string, plan: RosterPlan): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  wb.creator = '启明智慧教育平台';
  const ws = addRosterSheet(wb, 'students', { withLists: false });
  const keys = ROSTER_COLUMNS.students.map((c) => c.key as keyof StudentRow);
  let n = 0;
  for (const row of studentRows(plan)) {
    ws.addRow(keys.map((k) => row[k])).commit();
    n++;
  }
  ws.commit();
  addHelpSheet(wb, 'students');
  await wb.commit();
  return n;
}
