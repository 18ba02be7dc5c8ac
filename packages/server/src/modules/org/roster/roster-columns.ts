import {
  GENDER_NAMES,
  GRADE_NAMES,
  GUARDIAN_RELATION_NAMES,
  GUARDIAN_RELATIONS,
  SUBJECTS,
  type Gender,
  type GradeLevel,
  type GuardianRelation,
  type TRosterKind,
} from '@qiming/shared';

/**
 * The columns of each roster sheet. The template, the importer and the export all read this one
 * table, so an exported file imports again unchanged.
 */
export type RosterColumn = {
  key: string;
  header: string;
  /** 'always': every row; 'new': rows that create a person; false: optional. */
  required: 'always' | 'new' | false;
  note: string;
  example: string;
  width: number;
  /** Values offered by the template's drop-down list. */
  list?: readonly string[];
  /** Stored as text in the template, so Excel keeps leading zeros and all 18 digits. */
  isText?: boolean;
  /** Other header texts accepted on import. */
  aliases?: readonly string[];
};

const RELATION_LIST = GUARDIAN_RELATIONS.map((r) => GUARDIAN_RELATION_NAMES[r]);
const GRADE_LIST = Object.values(GRADE_NAMES);
const GENDER_LIST = Object.values(GENDER_NAMES);

export const ROSTER_COLUMNS: Record<TRosterKind, readonly RosterColumn[]> = {
  students: [
    {
      key: 'studentNo',
      header: '学号',
      required: 'always',
      isText: true,
      width: 14,
      example: '20260301',
      note: '本校学号，4–20 位字母或数字。学号已存在的学生会被更新，不会重复创建。',
    },
    { key: 'name', header: '姓名', required: 'always', width: 10, example: '张小明', note: '学生姓名，2–32 个字。' },
    {
      key: 'gender',
      header: '性别',
      required: false,
      list: GENDER_LIST,
      width: 8,
      example: '男',
      note: '男 或 女；留空时按身份证号判断。',
    },
    {
      key: 'idCard',
      header: '身份证号',
      required: 'new',
      isText: true,
      width: 22,
      example: '37020220170301001X',
      note: '18 位居民身份证号（末位可为 X）。新学生必填；已有学生留空表示不修改。请将本列设为文本格式。',
    },
    { key: 'grade', header: '年级', required: 'always', list: GRADE_LIST, width: 10, example: '三年级', note: '一年级 至 六年级。' },
    {
      key: 'classNo',
      header: '班号',
      required: 'always',
      width: 8,
      example: '2',
      note: '班级序号，如 2 表示 (2)班。也可以不填 年级、班号，改用一列“班级”填写完整班名，如 三年级(2)班。',
    },
    {
      key: 'guardianName',
      header: '监护人姓名',
      required: false,
      width: 12,
      example: '张建国',
      note: '选填。填写监护人时，监护人姓名、监护人手机、与学生关系都要填写。',
    },
    {
      key: 'guardianPhone',
      header: '监护人手机',
      required: false,
      isText: true,
      width: 14,
      example: '13800000001',
      aliases: ['监护人手机号', '家长手机', '家长手机号'],
      note: '11 位手机号。已在平台登记的手机号会关联到原有家长账号，兄弟姐妹共用一个家长账号。',
    },
    {
      key: 'relation',
      header: '与学生关系',
      required: false,
      list: RELATION_LIST,
      width: 14,
      example: '父亲',
      note: `${RELATION_LIST.join('、')}。`,
    },
  ],
  teachers: [
    {
      key: 'staffNo',
      header: '工号',
      required: 'always',
      isText: true,
      width: 12,
      example: 'T2026001',
      note: '本校教师工号，3–20 位字母或数字。工号已存在的教师会被更新。',
    },
    { key: 'name', header: '姓名', required: 'always', width: 10, example: '王丽', note: '教师姓名，2–32 个字。' },
    {
      key: 'gender',
      header: '性别',
      required: 'always',
      list: GENDER_LIST,
      width: 8,
      example: '女',
      note: '男 或 女（填写了身份证号时可留空）。',
    },
    {
      key: 'phone',
      header: '手机号',
      required: 'always',
      isText: true,
      width: 14,
      example: '13900000001',
      aliases: ['手机', '联系电话'],
      note: '11 位手机号。',
    },
    {
      key: 'subjects',
      header: '任教学科',
      required: 'always',
      width: 20,
      example: '语文、道德与法治',
      aliases: ['学科'],
      note: `一个或多个学科，用顿号或逗号分隔：${SUBJECTS.join('、')}。`,
    },
    {
      key: 'idCard',
      header: '身份证号',
      required: false,
      isText: true,
      width: 22,
      example: '370202199001010023',
      note: '选填，18 位居民身份证号。请将本列设为文本格式。',
    },
  ],
  parents: [
    {
      key: 'studentNo',
      header: '学生学号',
      required: 'always',
      isText: true,
      width: 14,
      example: '20260301',
      aliases: ['学号'],
      note: '本校已登记学生的学号。',
    },
    {
      key: 'name',
      header: '监护人姓名',
      required: 'always',
      width: 12,
      example: '李秀英',
      aliases: ['家长姓名', '姓名'],
      note: '2–32 个字。',
    },
    {
      key: 'phone',
      header: '手机号',
      required: 'always',
      isText: true,
      width: 14,
      example: '13800000002',
      aliases: ['监护人手机', '家长手机'],
      note: '11 位手机号。已在平台登记的手机号会关联到原有账号。',
    },
    {
      key: 'relation',
      header: '与学生关系',
      required: 'always',
      list: RELATION_LIST,
      width: 14,
      example: '母亲',
      note: `${RELATION_LIST.join('、')}。`,
    },
    {
      key: 'isPrimary',
      header: '是否主要联系人',
      required: false,
      list: ['是', '否'],
      width: 14,
      example: '是',
      note: '是 或 否（留空为否）。每名学生只能有一位主要联系人，设为“是”会替换原来的主要联系人。',
    },
  ],
};

/** The students sheet also accepts one 班级 column (三年级(2)班) instead of 年级 + 班号. */
export const CLASS_NAME_COLUMN: RosterColumn = {
  key: 'className',
  header: '班级',
  required: false,
  width: 14,
  example: '三年级(2)班',
  note: '',
};

export const SHEET_NAMES: Record<TRosterKind, string> = { students: '学生名单', teachers: '教师名单', parents: '家长名单' };
export const HELP_SHEET_NAME = '说明';

/** Header text as people type it: without spaces, a required-marker star or a note in brackets. */
export const normalizeHeader = (s: string): string => s.replace(/[\s*＊]/g, '').replace(/[(（][^)）]*[)）]$/, '');

const GENDER_WORDS: Record<string, Gender> = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female' };
export const parseGender = (s: string): Gender | null => GENDER_WORDS[s.trim().toLowerCase()] ?? null;

const RELATION_WORDS: Record<string, GuardianRelation> = {
  父亲: 'father',
  爸爸: 'father',
  父: 'father',
  母亲: 'mother',
  妈妈: 'mother',
  母: 'mother',
  '祖父/外祖父': 'grandfather',
  祖父: 'grandfather',
  外祖父: 'grandfather',
  爷爷: 'grandfather',
  外公: 'grandfather',
  姥爷: 'grandfather',
  '祖母/外祖母': 'grandmother',
  祖母: 'grandmother',
  外祖母: 'grandmother',
  奶奶: 'grandmother',
  外婆: 'grandmother',
  姥姥: 'grandmother',
  其他监护人: 'guardian',
  监护人: 'guardian',
  其他: 'guardian',
  father: 'father',
  mother: 'mother',
  grandfather: 'grandfather',
  grandmother: 'grandmother',
  guardian: 'guardian',
};
export const parseRelation = (s: string): GuardianRelation | null => RELATION_WORDS[s.replace(/\s/g, '').toLowerCase()] ?? null;

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
/** 三年级, 三, 3, 3年级 → 3. */
export function parseGrade(s: string): GradeLevel | null {
  const m = s.replace(/\s/g, '').match(/^([1-6一二三四五六])(年级)?$/);
  if (!m) return null;
  return (CN_DIGITS[m[1]] ?? Number(m[1])) as GradeLevel;
}

/** 2, 2班, (2)班, （2）班 → 2. */
export function parseClassNo(s: string): number | null {
  const m = s.replace(/\s/g, '').match(/^[(（]?(\d{1,2})[)）]?班?$/);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 99 ? n : null;
}

/** 三年级(2)班, 三年级2班, 3年级（2）班 → grade 3, class 2. */
export function parseClassName(s: string): { gradeLevel: GradeLevel; classNo: number } | null {
  const m = s.replace(/\s/g, '').match(/^([1-6一二三四五六])年级[(（]?(\d{1,2})[)）]?班?$/);
  if (!m) return null;
  const gradeLevel = parseGrade(m[1]);
  const classNo = parseClassNo(m[2]);
  return gradeLevel && classNo ? { gradeLevel, classNo } : null;
}

/** 语文、数学 / 语文,数学 / 语文；数学 → ['语文', '数学'] (unknown names kept, for the caller to report). */
export const splitSubjects = (s: string): string[] => [
  ...new Set(
    s
      .split(/[,，、;；/\s]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  ),
];

const YES = new Set(['是', 'y', 'yes', 'true', '1', '√']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '']);
export function parseYesNo(s: string): boolean | null {
  const v = s.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return null;
}

/** A masked identifier from an export by someone without pii.read: 3702**********1234, 138****5678. */
export const isMasked = (s: string): boolean => s.includes('*');
