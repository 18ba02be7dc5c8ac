import { GRADE_NAMES, type Gender, type GradeLevel, type GuardianRelation, type Role, type Subject } from '@qiming/shared';
import { idCardCheckDigit } from '../../../../../shared/src/id-card.ts';

/*
 * The demo region: one city, three districts, twelve invented schools and the people in them.
 * Pure and deterministic — a fixed-seed PRNG, no clock, no I/O — so every `npm start --demo`
 * and every test sees the same names, numbers and accounts.
 */

export type DemoPerson = { key: string; username: string; name: string; gender: 'male' | 'female'; idCard: string; phone: string };
export type DemoSchool = {
  key: string;
  districtCode: string;
  code: string;
  name: string;
  shortName: string;
  isCentral: boolean;
  address: string;
  campuses: { key: string; name: string }[];
  teachingPoints: { key: string; name: string; code: string; address: string }[];
};
export type DemoClass = {
  key: string;
  schoolKey: string;
  unitKey: string;
  gradeLevel: GradeLevel;
  classNo: number;
  name: string;
  entryYear: number;
};
export type DemoTeacher = DemoPerson & { schoolKey: string; staffNo: string; subjects: string[] };
export type DemoStudent = DemoPerson & { classKey: string; studentNo: string; birthDate: string };
export type DemoParent = DemoPerson & { childKeys: string[]; relations: GuardianRelation[]; teacherKey?: string };
export type DemoRegion = {
  province: { code: string; name: string };
  city: { code: string; name: string };
  districts: { code: string; name: string }[];
  schools: DemoSchool[];
  classes: DemoClass[];
  teachers: DemoTeacher[];
  teachingAssignments: { teacherKey: string; classKey: string; subject: string }[];
  headTeachers: { teacherKey: string; classKey: string }[];
  /** Pupils have no phone of their own: `phone` is ''. */
  students: DemoStudent[];
  /** A parent with `teacherKey` is that teacher's account acting as a guardian, not a new account. */
  parents: DemoParent[];
  admins: {
    bureau: (DemoPerson & { level: 'city' | 'district'; regionCode: string })[];
    researchers: (DemoPerson & { regionCode: string; subjects: string[] })[];
    schoolAdmins: (DemoPerson & { schoolKey: string })[];
    security: { sys: DemoPerson; sec: DemoPerson; audit: DemoPerson };
  };
};

/** The school year the demo is set in: 2026-09 to 2027-07, so grade 1 entered in 2026. */
export const DEMO_SCHOOL_YEAR = 2026;
const SEED = 20260901;

// Names and codes checked against GB/T 2260 (shared/data/regions/pca-code.json).
const PROVINCE = { code: '37', name: '山东省' };
const CITY = { code: '3702', name: '青岛市' };
const SHINAN = { code: '370202', name: '市南区' };
const LAOSHAN = { code: '370212', name: '崂山区' };
const PINGDU = { code: '370283', name: '平度市' };
/** Every district of 青岛市, for the birthplaces in adults' ID numbers. */
const QINGDAO_DISTRICT_CODES = ['370202', '370203', '370211', '370212', '370213', '370214', '370215', '370281', '370283', '370285'];

// ---------------------------------------------------------------------------------------------
// Seeded randomness

type Rng = {
  next: () => number;
  int: (min: number, max: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
  weighted: <T>(items: readonly (readonly [T, number])[]) => T;
  shuffle: <T>(items: T[]) => T[];
};

function createRng(seed: number): Rng {
  let a = seed >>> 0;
  // mulberry32: tiny, fast and good enough for demo data
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1][0];
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(0, i);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Names: surnames weighted by their frequency in Shandong (姜, 于, 曲, 隋, 栾 are typical of 青岛);
// given names by the decade people were born in.

const SURNAMES: [string, number][] = [
  ['王', 90],
  ['张', 80],
  ['李', 78],
  ['刘', 70],
  ['孙', 45],
  ['杨', 38],
  ['赵', 38],
  ['于', 36],
  ['徐', 30],
  ['高', 30],
  ['陈', 28],
  ['姜', 24],
  ['周', 20],
  ['吴', 18],
  ['马', 18],
  ['朱', 17],
  ['郭', 17],
  ['宋', 16],
  ['林', 15],
  ['崔', 14],
  ['韩', 14],
  ['董', 14],
  ['胡', 12],
  ['曲', 11],
  ['吕', 10],
  ['薛', 9],
  ['冯', 9],
  ['丁', 9],
  ['曹', 9],
  ['范', 8],
  ['袁', 7],
  ['邢', 7],
  ['隋', 6],
  ['纪', 6],
  ['毛', 5],
  ['栾', 4],
  ['宫', 4],
  ['修', 3],
  ['臧', 3],
  ['綦', 2],
];

const GIVEN_NAMES: { until: number; male: string[]; female: string[] }[] = [
  {
    until: 1962,
    male: '建国 国庆 德福 振华 长江 树林 学文 玉堂 宝山 福顺 连生 庆和 德胜 继山 同义 汝清'.split(' '),
    female: '秀英 桂兰 玉兰 淑珍 凤英 秀兰 桂英 玉珍 淑芳 桂芳 秀珍 凤兰 金花 素梅 玉芬 春兰'.split(' '),
  },
  {
    until: 1977,
    male: '建军 卫东 国华 志刚 建平 红军 永强 立军 学军 洪涛 建伟 国栋 振东 庆国 文涛 宏伟'.split(' '),
    female: '红霞 秀梅 玉芳 丽华 淑芬 春梅 凤霞 美玲 爱华 红梅 丽萍 秀丽 桂芝 玉霞 雪梅 艳玲'.split(' '),
  },
  {
    until: 1995,
    male: '伟 磊 强 军 勇 杰 涛 鹏 超 斌 刚 波 辉 明 海涛 志强 建华 晓东 立新 文斌 俊杰 振宇 海波 永刚 春雷 东升 凯 昊 鑫 亮'.split(' '),
    female: '静 丽 娜 敏 艳 芳 婷 燕 玲 霞 晓燕 海燕 丽娜 春燕 晓丽 倩 莉 慧 琳 颖 晶 媛 璐 佳 瑶 晓雪 丹丹 蕾 晓琳 文静'.split(' '),
  },
  {
    until: 2005,
    male: '宇 浩 晨 子轩 一凡 天宇 家豪 嘉伟 俊豪 文博 泽宇 博 旭 宇航 浩然 子健'.split(' '),
    female: '雪 悦 佳琪 梦瑶 雨婷 欣然 思雨 晓彤 诗琪 梦洁 心怡 婧 璇 萌 雨欣 佳欣'.split(' '),
  },
  {
    until: 9999,
    male: '浩宇 宇轩 子墨 梓睿 沐宸 一鸣 俊熙 梓轩 奕辰 皓轩 博文 子豪 铭泽 睿泽 嘉懿 锦程 思远 承泽 天佑 瑞霖 子骞 明轩 昊然 翊辰 俊宇 晨阳 书恒 煜祺 梓豪 宸睿'.split(
      ' ',
    ),
    female:
      '梓涵 一诺 欣怡 梓萱 语桐 诗涵 雨萱 可馨 若汐 依诺 思彤 紫涵 佳怡 沐瑶 芷若 安琪 梦琪 语汐 欣妍 子涵 悦彤 梓琪 雨桐 嘉怡 诗雨 心悦 婉清 若曦 钰彤 芊羽'.split(
        ' ',
      ),
  },
];

// ---------------------------------------------------------------------------------------------
// Schools

type Kind = 'urban' | 'central' | 'village';
type UnitSpec = { key: string; name: string; grades: GradeLevel[] };
type SchoolSpec = {
  slug: string;
  no: number;
  district: string;
  name: string;
  shortName: string;
  address: string;
  kind: Kind;
  campuses: UnitSpec[];
  teachingPoints: (UnitSpec & { no: number; address: string })[];
};

const ALL_GRADES: GradeLevel[] = [1, 2, 3, 4, 5, 6];
const main = (slug: string, grades = ALL_GRADES): UnitSpec => ({ key: `${slug}:main`, name: '本部', grades });

const SCHOOLS: SchoolSpec[] = [
  {
    slug: 'sn_shiyan',
    no: 11,
    district: SHINAN.code,
    name: '青岛市市南区实验小学',
    shortName: '市南实验小学',
    address: '青岛市市南区江苏路 21 号',
    kind: 'urban',
    campuses: [main('sn_shiyan')],
    teachingPoints: [],
  },
  {
    slug: 'sn_haibin',
    no: 12,
    district: SHINAN.code,
    name: '青岛市市南区海滨小学',
    shortName: '海滨小学',
    address: '青岛市市南区太平路 36 号',
    kind: 'urban',
    campuses: [main('sn_haibin')],
    teachingPoints: [],
  },
  {
    slug: 'sn_zhanshan',
    no: 13,
    district: SHINAN.code,
    name: '青岛市市南区湛山小学',
    shortName: '湛山小学',
    address: '青岛市市南区湛山大路 8 号',
    kind: 'urban',
    campuses: [main('sn_zhanshan')],
    teachingPoints: [],
  },
  {
    slug: 'ls_jinjialing',
    no: 14,
    district: LAOSHAN.code,
    name: '青岛市崂山区金家岭小学',
    shortName: '金家岭小学',
    address: '青岛市崂山区银川东路 15 号',
    kind: 'urban',
    // the lower grades moved into a new building across the road
    campuses: [main('ls_jinjialing', [3, 4, 5, 6]), { key: 'ls_jinjialing:east', name: '东校区', grades: [1, 2] }],
    teachingPoints: [],
  },
  {
    slug: 'ls_songling',
    no: 15,
    district: LAOSHAN.code,
    name: '青岛市崂山区松岭路小学',
    shortName: '松岭路小学',
    address: '青岛市崂山区松岭路 66 号',
    kind: 'urban',
    campuses: [main('ls_songling')],
    teachingPoints: [],
  },
  {
    slug: 'pd_nancun',
    no: 16,
    district: PINGDU.code,
    name: '平度市南村镇中心小学',
    shortName: '南村中心小学',
    address: '平度市南村镇府前街 8 号',
    kind: 'central',
    campuses: [main('pd_nancun')],
    teachingPoints: [
      { key: 'pd_nancun_honglan', no: 31, name: '平度市南村镇洪兰教学点', address: '平度市南村镇洪兰村', grades: [1, 2] },
      { key: 'pd_nancun_guozhuang', no: 32, name: '平度市南村镇郭庄教学点', address: '平度市南村镇郭庄村', grades: [1] },
    ],
  },
  {
    slug: 'pd_dazeshan',
    no: 17,
    district: PINGDU.code,
    name: '平度市大泽山镇中心小学',
    shortName: '大泽山中心小学',
    address: '平度市大泽山镇泽山路 18 号',
    kind: 'central',
    campuses: [main('pd_dazeshan')],
    teachingPoints: [
      { key: 'pd_dazeshan_lanqian', no: 33, name: '平度市大泽山镇岚前教学点', address: '平度市大泽山镇岚前村', grades: [1, 2] },
      { key: 'pd_dazeshan_gaojia', no: 34, name: '平度市大泽山镇高家教学点', address: '平度市大泽山镇高家村', grades: [2] },
    ],
  },
  {
    slug: 'pd_mingcun',
    no: 18,
    district: PINGDU.code,
    name: '平度市明村镇中心小学',
    shortName: '明村中心小学',
    address: '平度市明村镇驻地明珠路 3 号',
    kind: 'central',
    campuses: [main('pd_mingcun')],
    teachingPoints: [
      { key: 'pd_mingcun_zhujia', no: 35, name: '平度市明村镇朱家教学点', address: '平度市明村镇朱家村', grades: [1] },
      { key: 'pd_mingcun_xiwang', no: 36, name: '平度市明村镇西王教学点', address: '平度市明村镇西王村', grades: [1, 2] },
    ],
  },
  {
    slug: 'pd_xianshan',
    no: 19,
    district: PINGDU.code,
    name: '平度市古岘镇仙山小学',
    shortName: '仙山小学',
    address: '平度市古岘镇仙山村',
    kind: 'village',
    campuses: [main('pd_xianshan')],
    teachingPoints: [],
  },
  {
    slug: 'pd_zhaofeng',
    no: 20,
    district: PINGDU.code,
    name: '平度市仁兆镇兆丰小学',
    shortName: '兆丰小学',
    address: '平度市仁兆镇兆丰路 2 号',
    kind: 'village',
    campuses: [main('pd_zhaofeng')],
    teachingPoints: [],
  },
  {
    slug: 'pd_liulin',
    no: 21,
    district: PINGDU.code,
    name: '平度市田庄镇柳林小学',
    shortName: '柳林小学',
    address: '平度市田庄镇柳林村',
    kind: 'village',
    campuses: [main('pd_liulin')],
    teachingPoints: [],
  },
  {
    slug: 'pd_landi',
    no: 22,
    district: PINGDU.code,
    name: '平度市蓼兰镇兰底小学',
    shortName: '兰底小学',
    address: '平度市蓼兰镇兰底村',
    kind: 'village',
    campuses: [main('pd_landi')],
    teachingPoints: [],
  },
];

const CLASSES_PER_GRADE: Record<Kind, number> = { urban: 2, central: 1, village: 1 };
/** Pupils per class, inclusive range: full city classes, shrinking village ones, tiny teaching points. */
const CLASS_SIZE: Record<Kind | 'teaching_point', [number, number]> = {
  urban: [27, 33],
  central: [18, 24],
  village: [9, 15],
  teaching_point: [4, 8],
};

/** 学校标识码: '21', the district code, then a two-digit number within the district. */
const schoolCode = (district: string, seq: number) => `21${district}${String(seq).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------
// People

const ISO_DAY = 86_400_000;
const dayNumber = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / ISO_DAY;
const isoDate = (day: number) => new Date(day * ISO_DAY).toISOString().slice(0, 10);
const yearOf = (iso: string) => Number(iso.slice(0, 4));

// Mobile number segments in use by the three carriers.
const PHONE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];

type PersonSpec = {
  key: string;
  username: (phone: string) => string;
  gender: Gender;
  birthDate: string;
  regionCode: string;
  surname?: string;
  name?: string;
  withPhone?: boolean;
};

function createPeople(rng: Rng) {
  const idCards = new Set<string>();
  const phones = new Set<string>();

  const birthDate = (from: string, to: string) => isoDate(rng.int(dayNumber(from), dayNumber(to)));
  const surname = () => rng.weighted(SURNAMES);
  const givenName = (gender: Gender, year: number) => rng.pick(GIVEN_NAMES.find((g) => year <= g.until)![gender]);

  function idCard(regionCode: string, birth: string, gender: Gender): string {
    for (;;) {
      // the third sequence digit is odd for men and even for women
      const seq = rng.int(1, 499) * 2 + (gender === 'male' ? 1 : 0);
      const first17 = `${regionCode}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
      const id = first17 + idCardCheckDigit(first17);
      if (!idCards.has(id)) {
        idCards.add(id);
        return id;
      }
    }
  }

  function phone(): string {
    for (;;) {
      const p = rng.pick(PHONE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
      if (!phones.has(p)) {
        phones.add(p);
        return p;
      }
    }
  }

  function person(spec: PersonSpec): DemoPerson & { birthDate: string } {
    const tel = spec.withPhone === false ? '' : phone();
    return {
      key: spec.key,
      username: spec.username(tel),
      name: spec.name ?? (spec.surname ?? surname()) + givenName(spec.gender, yearOf(spec.birthDate)),
      gender: spec.gender,
      idCard: idCard(spec.regionCode, spec.birthDate, spec.gender),
      phone: tel,
      birthDate: spec.birthDate,
    };
  }

  /** An adult born in a Qingdao district, most likely the one they live in now. */
  const adultRegion = (home: string) => (rng.chance(0.65) ? home : rng.pick(QINGDAO_DISTRICT_CODES));

  return { person, birthDate, surname, givenName, adultRegion };
}

const strip = <T extends { birthDate: string }>({ birthDate: _omit, ...rest }: T): Omit<T, 'birthDate'> => rest;

// ---------------------------------------------------------------------------------------------
// Generation

type Slot = {
  key: string;
  classKey: string;
  schoolKey: string;
  studentNo: string;
  gender: Gender;
  birthDate: string;
  regionCode: string;
  gradeLevel: GradeLevel;
  atTeachingPoint: boolean;
};
type FamilyPattern = readonly GuardianRelation[];

const URBAN_FAMILIES: [FamilyPattern, number][] = [
  [['father', 'mother'], 55],
  [['mother'], 22],
  [['father'], 12],
  [['grandmother'], 4],
  [['grandfather', 'grandmother'], 4],
  [['guardian'], 3],
];
// more pupils in the countryside live with grandparents while their parents work in the city (留守儿童)
const RURAL_FAMILIES: [FamilyPattern, number][] = [
  [['father', 'mother'], 45],
  [['mother'], 18],
  [['father'], 10],
  [['grandmother'], 9],
  [['grandfather', 'grandmother'], 14],
  [['guardian'], 4],
];

/** Generates the demo region. Same output on every call. */
export function generateDemoRegion(): DemoRegion {
  const rng = createRng(SEED);
  const people = createPeople(rng);

  const districts = [SHINAN, LAOSHAN, PINGDU];
  const schools: DemoSchool[] = [];
  const classes: DemoClass[] = [];
  const teachers: DemoTeacher[] = [];
  const teachingAssignments: DemoRegion['teachingAssignments'] = [];
  const headTeachers: DemoRegion['headTeachers'] = [];
  const slots: Slot[] = [];
  const teacherBirth = new Map<string, string>();

  // schools number from 01 within their district, teaching points from 51
  const codeSeq = new Map<string, number>();
  const nextCode = (district: string, base: 0 | 50) => {
    const counter = `${district}:${base}`;
    const seq = (codeSeq.get(counter) ?? base) + 1;
    codeSeq.set(counter, seq);
    return schoolCode(district, seq);
  };

  for (const spec of SCHOOLS) {
    schools.push({
      key: spec.slug,
      districtCode: spec.district,
      code: nextCode(spec.district, 0),
      name: spec.name,
      shortName: spec.shortName,
      isCentral: spec.kind === 'central',
      address: spec.address,
      campuses: spec.campuses.map((c) => ({ key: c.key, name: c.name })),
      teachingPoints: spec.teachingPoints.map((tp) => ({
        key: tp.key,
        name: tp.name,
        code: nextCode(spec.district, 50),
        address: tp.address,
      })),
    });

    // classes, and pupils' places in them (names come later, with their families)
    const units: { key: string; no: number; isTeachingPoint: boolean; classes: DemoClass[] }[] = [];
    for (const unit of [...spec.campuses.map((c) => ({ ...c, no: spec.no })), ...spec.teachingPoints]) {
      const isTeachingPoint = 'address' in unit;
      const perGrade = isTeachingPoint ? 1 : CLASSES_PER_GRADE[spec.kind];
      const unitClasses: DemoClass[] = [];
      for (const gradeLevel of unit.grades) {
        const entryYear = DEMO_SCHOOL_YEAR - (gradeLevel - 1);
        let seq = 0;
        for (let classNo = 1; classNo <= perGrade; classNo++) {
          const cls: DemoClass = {
            key: `${unit.key}/g${gradeLevel}c${classNo}`,
            schoolKey: spec.slug,
            unitKey: unit.key,
            gradeLevel,
            classNo,
            name: `${GRADE_NAMES[gradeLevel]}(${classNo})班`,
            entryYear,
          };
          unitClasses.push(cls);
          const [min, max] = CLASS_SIZE[isTeachingPoint ? 'teaching_point' : spec.kind];
          const size = rng.int(min, max);
          for (let i = 0; i < size; i++) {
            // 学号: unit number, entry year, sequence — unique across the demo, not only the school
            const studentNo = `${unit.no}${entryYear}${String(++seq).padStart(3, '0')}`;
            slots.push({
              key: `stu-${studentNo}`,
              classKey: cls.key,
              schoolKey: spec.slug,
              studentNo,
              gender: rng.chance(0.52) ? 'male' : 'female',
              // a pupil starts grade 1 in the September after turning six
              birthDate: people.birthDate(`${entryYear - 7}-09-01`, `${entryYear - 6}-08-31`),
              regionCode: spec.district,
              gradeLevel,
              atTeachingPoint: isTeachingPoint,
            });
          }
        }
      }
      classes.push(...unitClasses);
      units.push({ key: unit.key, no: unit.no, isTeachingPoint, classes: unitClasses });
    }

    // teachers: 语文 and 数学 teachers in pairs of classes, each heading one; then 英语 and specialists
    let staffSeq = 0;
    const hire = (subjectsTaught: Subject[]): DemoTeacher => {
      const staffNo = `${spec.no}${String(++staffSeq).padStart(3, '0')}`;
      const gender: Gender = rng.chance(0.74) ? 'female' : 'male';
      const p = people.person({
        key: `tea-${staffNo}`,
        username: () => `t${staffNo}`,
        gender,
        birthDate: people.birthDate('1968-01-01', '2002-08-31'),
        regionCode: people.adultRegion(spec.district),
      });
      teacherBirth.set(p.key, p.birthDate);
      const t: DemoTeacher = { ...strip(p), schoolKey: spec.slug, staffNo, subjects: subjectsTaught };
      teachers.push(t);
      return t;
    };
    const teach = (t: DemoTeacher, cls: DemoClass, subject: Subject) =>
      teachingAssignments.push({ teacherKey: t.key, classKey: cls.key, subject });

    for (const unit of units) {
      for (let i = 0; i < unit.classes.length; i += 2) {
        const pair = unit.classes.slice(i, i + 2);
        if (pair.length === 1) {
          // a one-class teaching point: one teacher teaches it everything but what comes by 专递课堂
          const t = hire(['语文', '数学', '道德与法治']);
          teach(t, pair[0], '语文');
          teach(t, pair[0], '数学');
          teach(t, pair[0], '道德与法治');
          headTeachers.push({ teacherKey: t.key, classKey: pair[0].key });
          continue;
        }
        const chinese = hire(['语文', '道德与法治']);
        const maths = hire(['数学']);
        for (const cls of pair) {
          teach(chinese, cls, '语文');
          teach(chinese, cls, '道德与法治');
          teach(maths, cls, '数学');
        }
        headTeachers.push({ teacherKey: chinese.key, classKey: pair[0].key }, { teacherKey: maths.key, classKey: pair[1].key });
      }
    }
    const all = units.flatMap((u) => u.classes);
    const onCampus = units.filter((u) => !u.isTeachingPoint).flatMap((u) => u.classes);
    const upper = all.filter((c) => c.gradeLevel >= 3);
    for (let i = 0; i < upper.length; i += 4) {
      const t = hire(['英语']);
      for (const cls of upper.slice(i, i + 4)) teach(t, cls, '英语');
    }
    const specialist = (subjects: Subject[], over: (subject: Subject) => DemoClass[]) => {
      const t = hire(subjects);
      for (const subject of subjects) for (const cls of over(subject)) teach(t, cls, subject);
    };
    if (spec.kind === 'urban') {
      specialist(['科学', '信息科技'], (s) => (s === '科学' ? all : upper));
      specialist(['体育与健康'], () => all);
      specialist(['音乐'], () => all);
      specialist(['美术'], () => all);
      specialist(['劳动', '综合实践'], () => upper);
    } else if (spec.kind === 'central') {
      specialist(['科学', '体育与健康'], () => onCampus);
      // the teaching points get music and art from the central school over 专递课堂
      specialist(['音乐', '美术'], () => all);
    } else {
      specialist(['科学', '体育与健康', '音乐', '美术'], () => all);
    }
  }

  const taughtBy = new Map<string, Set<string>>();
  for (const a of teachingAssignments) {
    if (!taughtBy.has(a.teacherKey)) taughtBy.set(a.teacherKey, new Set());
    taughtBy.get(a.teacherKey)!.add(a.classKey);
  }

  // families: a few pupils share parents with a brother or sister two or more grades apart, and a
  // few teachers' own children go to the school they teach at
  const kindOf = new Map(SCHOOLS.map((s) => [s.slug, s.kind]));
  type Family = { children: Slot[]; teacher?: DemoTeacher };
  const families: Family[] = [];
  const slotsBySchool = new Map<string, Slot[]>();
  for (const s of slots) {
    if (!slotsBySchool.has(s.schoolKey)) slotsBySchool.set(s.schoolKey, []);
    slotsBySchool.get(s.schoolKey)!.push(s);
  }
  const TEACHER_PARENT_SCHOOLS = new Set(['sn_shiyan', 'ls_jinjialing', 'pd_nancun']);
  for (const [schoolKey, schoolSlots] of slotsBySchool) {
    const taken = new Set<Slot>();
    const campusSlots = rng.shuffle(schoolSlots.filter((s) => !s.atTeachingPoint));
    const pairs = Math.max(1, Math.round(campusSlots.length * 0.03));
    for (let made = 0, i = 0; made < pairs && i < campusSlots.length; i++) {
      const elder = campusSlots[i];
      if (taken.has(elder)) continue;
      const younger = campusSlots.find((s) => !taken.has(s) && s !== elder && elder.gradeLevel - s.gradeLevel >= 2);
      if (!younger) continue;
      taken.add(elder).add(younger);
      families.push({ children: [elder, younger] });
      made++;
    }
    if (TEACHER_PARENT_SCHOOLS.has(schoolKey)) {
      const candidates = teachers.filter(
        (t) => t.schoolKey === schoolKey && yearOf(teacherBirth.get(t.key)!) >= 1982 && yearOf(teacherBirth.get(t.key)!) <= 1992,
      );
      const t = candidates[0];
      const child =
        t &&
        campusSlots.find(
          (s) => !taken.has(s) && !taughtBy.get(t.key)!.has(s.classKey) && yearOf(s.birthDate) - yearOf(teacherBirth.get(t.key)!) >= 26,
        );
      if (t && child) {
        taken.add(child);
        families.push({ children: [child], teacher: t });
      }
    }
    for (const s of schoolSlots) if (!taken.has(s)) families.push({ children: [s] });
  }

  const studentByKey = new Map<string, DemoStudent>();
  const parents: DemoParent[] = [];
  const classNames = new Map<string, Set<string>>();
  let parentSeq = 0;
  for (const family of families) {
    const eldest = family.children[0];
    const home = eldest.regionCode;
    const childYear = yearOf(eldest.birthDate);
    const pattern: FamilyPattern = family.teacher
      ? family.teacher.gender === 'male'
        ? ['father', 'mother']
        : ['mother', 'father']
      : rng.weighted(kindOf.get(eldest.schoolKey) === 'urban' ? URBAN_FAMILIES : RURAL_FAMILIES);
    const fatherSurname = family.teacher?.gender === 'male' ? family.teacher.name[0] : people.surname();
    // most children take the father's surname; some take the mother's
    const childSurname = rng.chance(0.06) ? people.surname() : fatherSurname;

    const guardians = family.teacher && rng.chance(0.5) ? pattern.slice(0, 1) : pattern;
    for (const relation of guardians) {
      const childKeys = family.children.map((c) => c.key);
      const relations = family.children.map(() => relation);
      if (family.teacher && relation === pattern[0]) {
        const { key: teacherKey, schoolKey: _s, staffNo: _n, subjects: _j, ...teacher } = family.teacher;
        parents.push({ ...teacher, key: `par-${++parentSeq}`, childKeys, relations, teacherKey });
        continue;
      }
      const gender: Gender =
        relation === 'father' || relation === 'grandfather'
          ? 'male'
          : relation === 'mother' || relation === 'grandmother'
            ? 'female'
            : rng.chance(0.5)
              ? 'male'
              : 'female';
      const ageAtBirth =
        relation === 'grandfather' || relation === 'grandmother'
          ? rng.int(48, 60)
          : relation === 'guardian'
            ? rng.int(25, 50)
            : rng.int(gender === 'male' ? 25 : 23, 38);
      const year = childYear - ageAtBirth;
      const p = people.person({
        key: `par-${++parentSeq}`,
        username: (tel) => `p${tel}`,
        gender,
        birthDate: people.birthDate(`${year}-01-01`, `${year}-12-31`),
        regionCode: people.adultRegion(home),
        surname: relation === 'father' || (relation === 'grandfather' && rng.chance(0.7)) ? fatherSurname : undefined,
      });
      parents.push({ ...strip(p), childKeys, relations });
    }

    for (const slot of family.children) {
      const seen = classNames.get(slot.classKey) ?? new Set<string>();
      classNames.set(slot.classKey, seen);
      let name = childSurname + people.givenName(slot.gender, yearOf(slot.birthDate));
      // two pupils with the same name in one class happens, but it makes a confusing demo
      for (let tries = 0; seen.has(name) && tries < 10; tries++)
        name = childSurname + people.givenName(slot.gender, yearOf(slot.birthDate));
      seen.add(name);
      const p = people.person({
        key: slot.key,
        username: () => `s${slot.studentNo}`,
        name,
        gender: slot.gender,
        birthDate: slot.birthDate,
        regionCode: slot.regionCode,
        withPhone: false,
      });
      studentByKey.set(slot.key, { ...p, classKey: slot.classKey, studentNo: slot.studentNo });
    }
  }
  const students = slots.map((s) => studentByKey.get(s.key)!);

  const admin = (username: string, home: string, born: [string, string]) => {
    const gender: Gender = rng.chance(0.5) ? 'male' : 'female';
    return strip(
      people.person({
        key: `adm-${username}`,
        username: () => username,
        gender,
        birthDate: people.birthDate(...born),
        regionCode: people.adultRegion(home),
      }),
    );
  };
  const ADMIN_BORN: [string, string] = ['1968-01-01', '1990-12-31'];
  const admins: DemoRegion['admins'] = {
    bureau: [
      { ...admin('city_admin', SHINAN.code, ADMIN_BORN), level: 'city', regionCode: CITY.code },
      { ...admin('shinan_admin', SHINAN.code, ADMIN_BORN), level: 'district', regionCode: SHINAN.code },
      { ...admin('laoshan_admin', LAOSHAN.code, ADMIN_BORN), level: 'district', regionCode: LAOSHAN.code },
      { ...admin('pingdu_admin', PINGDU.code, ADMIN_BORN), level: 'district', regionCode: PINGDU.code },
    ],
    researchers: [
      { ...admin('city_researcher', SHINAN.code, ADMIN_BORN), regionCode: CITY.code, subjects: ['数学'] },
      { ...admin('shinan_researcher', SHINAN.code, ADMIN_BORN), regionCode: SHINAN.code, subjects: ['语文'] },
      { ...admin('laoshan_researcher', LAOSHAN.code, ADMIN_BORN), regionCode: LAOSHAN.code, subjects: ['英语'] },
      { ...admin('pingdu_researcher', PINGDU.code, ADMIN_BORN), regionCode: PINGDU.code, subjects: ['语文', '道德与法治'] },
    ],
    schoolAdmins: SCHOOLS.map((s) => ({ ...admin(`${s.slug}_admin`, s.district, ADMIN_BORN), schoolKey: s.slug })),
    security: {
      sys: admin('sys_admin', SHINAN.code, ['1980-01-01', '1996-12-31']),
      sec: admin('sec_admin', SHINAN.code, ['1980-01-01', '1996-12-31']),
      audit: admin('audit_admin', SHINAN.code, ['1980-01-01', '1996-12-31']),
    },
  };

  return {
    province: PROVINCE,
    city: CITY,
    districts: districts.map((d) => ({ ...d })),
    schools,
    classes,
    teachers,
    teachingAssignments,
    headTeachers,
    students,
    parents,
    admins,
  };
}

// ---------------------------------------------------------------------------------------------
// The accounts worth showing someone trying the demo: one of each role and the interesting cases

function highlightAccounts(region: DemoRegion): { username: string; role: Role; description: string }[] {
  const school = new Map(region.schools.map((s) => [s.key, s]));
  const cls = new Map(region.classes.map((c) => [c.key, c]));
  const teacher = new Map(region.teachers.map((t) => [t.key, t]));
  const student = new Map(region.students.map((s) => [s.key, s]));
  const where = (classKey: string) => {
    const c = cls.get(classKey)!;
    const unit = school.get(c.schoolKey)!.teachingPoints.find((tp) => tp.key === c.unitKey);
    return `${unit?.name ?? school.get(c.schoolKey)!.shortName}${c.name}`;
  };
  const taught = (teacherKey: string, classKey: string) =>
    region.teachingAssignments
      .filter((a) => a.teacherKey === teacherKey && a.classKey === classKey)
      .map((a) => a.subject)
      .join('、');

  const headClass = 'sn_shiyan:main/g3c1';
  const head = teacher.get(region.headTeachers.find((h) => h.classKey === headClass)!.teacherKey)!;
  const pupil = region.students.find((s) => s.classKey === headClass)!;
  const relay = region.teachers.find((t) => t.schoolKey === 'pd_nancun' && t.subjects.includes('音乐'))!;
  const teacherParent = region.parents.find((p) => p.teacherKey)!;
  const twoChildren = region.parents.find((p) => !p.teacherKey && p.childKeys.length === 2 && p.relations[0] === 'mother')!;
  const admin = (username: string) =>
    [...region.admins.bureau, ...region.admins.researchers, ...region.admins.schoolAdmins].find((a) => a.username === username)!;

  return [
    {
      username: 'city_admin',
      role: 'bureau_admin',
      description: `${admin('city_admin').name}，青岛市教育局管理员：全市 3 个区市、12 所学校`,
    },
    {
      username: 'pingdu_admin',
      role: 'bureau_admin',
      description: `${admin('pingdu_admin').name}，平度市教育局管理员：农村学校、中心小学和教学点`,
    },
    { username: 'city_researcher', role: 'researcher', description: `${admin('city_researcher').name}，青岛市小学数学教研员` },
    {
      username: 'sn_shiyan_admin',
      role: 'school_admin',
      description: `${admin('sn_shiyan_admin').name}，市南实验小学管理员：城区学校，每个年级 2 个班`,
    },
    {
      username: 'pd_nancun_admin',
      role: 'school_admin',
      description: `${admin('pd_nancun_admin').name}，南村中心小学管理员：中心小学，下辖 2 个教学点`,
    },
    {
      username: head.username,
      role: 'head_teacher',
      description: `${head.name}，${where(headClass)}班主任，任教${taught(head.key, headClass)}`,
    },
    {
      username: relay.username,
      role: 'teacher',
      description: `${relay.name}，南村中心小学${relay.subjects.join('、')}教师，通过专递课堂为教学点上课`,
    },
    {
      username: teacherParent.username,
      role: 'teacher',
      description: `${teacherParent.name}，${school.get(teacher.get(teacherParent.teacherKey!)!.schoolKey)!.shortName}教师，也是${where(student.get(teacherParent.childKeys[0])!.classKey)}${student.get(teacherParent.childKeys[0])!.name}的家长`,
    },
    {
      username: twoChildren.username,
      role: 'parent',
      description: `${twoChildren.name}，家长，两个孩子：${twoChildren.childKeys.map((k) => `${where(student.get(k)!.classKey)}${student.get(k)!.name}`).join('、')}`,
    },
    { username: pupil.username, role: 'student', description: `${pupil.name}，${where(headClass)}学生` },
    { username: 'sys_admin', role: 'sys_admin', description: '系统管理员：账号与组织管理，不能查看审计日志（三员分立）' },
    { username: 'sec_admin', role: 'sec_admin', description: '安全管理员：授权与安全策略（三员分立）' },
    { username: 'audit_admin', role: 'audit_admin', description: '审计管理员：查看、导出和校验审计日志（三员分立）' },
  ];
}

/** Demo accounts to print at start-up and show on the sign-in page, with what each is for. */
export const DEMO_HIGHLIGHT_ACCOUNTS: { username: string; role: Role; description: string }[] = highlightAccounts(generateDemoRegion());
