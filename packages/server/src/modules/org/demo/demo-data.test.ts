import { GRADE_NAMES, isMobilePhone, ROLES, validateIdCard } from '@qiming/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_HIGHLIGHT_ACCOUNTS, DEMO_SCHOOL_YEAR, generateDemoRegion, type DemoPerson } from './demo-data.ts';

const region = generateDemoRegion();
const schoolByKey = new Map(region.schools.map((s) => [s.key, s]));
const classByKey = new Map(region.classes.map((c) => [c.key, c]));
const teacherByKey = new Map(region.teachers.map((t) => [t.key, t]));
const studentByKey = new Map(region.students.map((s) => [s.key, s]));
const { bureau, researchers, schoolAdmins, security } = region.admins;
/** Every account the seed creates (a parent who is a teacher signs in as the teacher). */
const accounts: DemoPerson[] = [
  ...bureau,
  ...researchers,
  ...schoolAdmins,
  security.sys,
  security.sec,
  security.audit,
  ...region.teachers,
  ...region.students,
  ...region.parents.filter((p) => !p.teacherKey),
];
const isUrban = (districtCode: string) => districtCode === '370202' || districtCode === '370212';
const duplicates = (values: string[]) => {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
};

describe('generateDemoRegion', () => {
  it('is deterministic', () => {
    expect(generateDemoRegion()).toEqual(region);
  });

  it('is set in 山东省青岛市 with 市南区, 崂山区 and 平度市', () => {
    expect(region.province).toEqual({ code: '37', name: '山东省' });
    expect(region.city).toEqual({ code: '3702', name: '青岛市' });
    expect(region.districts).toEqual([
      { code: '370202', name: '市南区' },
      { code: '370212', name: '崂山区' },
      { code: '370283', name: '平度市' },
    ]);
  });

  it('has the expected numbers of schools, classes and people', () => {
    expect(region.schools).toHaveLength(12);
    expect(region.schools.filter((s) => isUrban(s.districtCode))).toHaveLength(5);
    expect(region.schools.filter((s) => s.districtCode === '370283')).toHaveLength(7);
    expect(region.classes.length).toBeGreaterThanOrEqual(100);
    expect(region.classes.length).toBeLessThanOrEqual(120);
    expect(region.teachers.length).toBeGreaterThanOrEqual(130);
    expect(region.teachers.length).toBeLessThanOrEqual(180);
    expect(region.students.length).toBeGreaterThanOrEqual(2200);
    expect(region.students.length).toBeLessThanOrEqual(2700);
    expect(region.parents.length).toBeGreaterThan(region.students.length);
    expect(bureau.map((b) => [b.username, b.level, b.regionCode])).toEqual([
      ['city_admin', 'city', '3702'],
      ['shinan_admin', 'district', '370202'],
      ['laoshan_admin', 'district', '370212'],
      ['pingdu_admin', 'district', '370283'],
    ]);
    expect(researchers.map((r) => r.username)).toEqual(['city_researcher', 'shinan_researcher', 'laoshan_researcher', 'pingdu_researcher']);
    expect(schoolAdmins.map((a) => a.schoolKey).sort()).toEqual(region.schools.map((s) => s.key).sort());
    expect([security.sys.username, security.sec.username, security.audit.username]).toEqual(['sys_admin', 'sec_admin', 'audit_admin']);
  });

  it('has exactly three central schools, each with two teaching points, all rural', () => {
    const central = region.schools.filter((s) => s.isCentral);
    expect(central).toHaveLength(3);
    for (const s of central) {
      expect(s.name).toMatch(/中心小学$/);
      expect(s.districtCode).toBe('370283');
      expect(s.teachingPoints).toHaveLength(2);
      for (const tp of s.teachingPoints) expect(tp.name).toMatch(/教学点$/);
    }
    for (const s of region.schools.filter((x) => !x.isCentral)) expect(s.teachingPoints).toEqual([]);
  });

  it('gives schools and teaching points unique 10-digit codes from their district', () => {
    const units = region.schools.flatMap((s) => [
      { code: s.code, district: s.districtCode },
      ...s.teachingPoints.map((tp) => ({ code: tp.code, district: s.districtCode })),
    ]);
    for (const u of units) expect(u.code).toMatch(new RegExp(`^21${u.district}\\d{2}$`));
    expect(duplicates(units.map((u) => u.code))).toEqual([]);
    expect(duplicates(region.schools.map((s) => s.key))).toEqual([]);
  });

  it('organises classes by grade for the 2026 school year', () => {
    expect(duplicates(region.classes.map((c) => c.key))).toEqual([]);
    for (const c of region.classes) {
      expect(c.entryYear).toBe(DEMO_SCHOOL_YEAR + 1 - c.gradeLevel);
      expect(c.name).toBe(`${GRADE_NAMES[c.gradeLevel]}(${c.classNo})班`);
      const school = schoolByKey.get(c.schoolKey)!;
      expect([...school.campuses, ...school.teachingPoints].map((u) => u.key)).toContain(c.unitKey);
    }
    expect(duplicates(region.classes.map((c) => `${c.unitKey}/${c.gradeLevel}/${c.classNo}`))).toEqual([]);
    for (const s of region.schools) {
      const campusKeys = new Set(s.campuses.map((c) => c.key));
      const onCampus = region.classes.filter((c) => c.schoolKey === s.key && campusKeys.has(c.unitKey));
      const perGrade = isUrban(s.districtCode) ? 2 : 1;
      for (const grade of [1, 2, 3, 4, 5, 6]) expect(onCampus.filter((c) => c.gradeLevel === grade)).toHaveLength(perGrade);
    }
    expect(region.schools.some((s) => s.campuses.length > 1)).toBe(true);
  });

  it('gives each teaching point one or two small lower-grade classes of its own', () => {
    for (const tp of region.schools.flatMap((s) => s.teachingPoints)) {
      const own = region.classes.filter((c) => c.unitKey === tp.key);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(2);
      for (const c of own) {
        expect(c.gradeLevel).toBeLessThanOrEqual(2);
        const size = region.students.filter((s) => s.classKey === c.key).length;
        expect(size).toBeGreaterThan(0);
        expect(size).toBeLessThan(10);
      }
    }
  });

  it('uses unique ASCII usernames that follow the naming scheme', () => {
    const names = accounts.map((a) => a.username.toLowerCase());
    expect(duplicates(names)).toEqual([]);
    for (const a of accounts) expect(a.username).toMatch(/^[a-z0-9_]+$/);
    for (const t of region.teachers) expect(t.username).toBe(`t${t.staffNo}`);
    for (const s of region.students) expect(s.username).toBe(`s${s.studentNo}`);
    for (const p of region.parents.filter((x) => !x.teacherKey)) expect(p.username).toBe(`p${p.phone}`);
    for (const a of schoolAdmins) expect(a.username).toMatch(/^[a-z]+_[a-z]+_admin$/);
    expect(schoolAdmins.map((a) => a.username)).toContain('sn_shiyan_admin');
  });

  it('numbers pupils and staff uniquely', () => {
    expect(duplicates(region.students.map((s) => s.studentNo))).toEqual([]);
    expect(duplicates(region.teachers.map((t) => t.staffNo))).toEqual([]);
    expect(duplicates(accounts.map((a) => a.key).concat(region.parents.filter((p) => p.teacherKey).map((p) => p.key)))).toEqual([]);
  });

  it('gives everyone a valid, unique 身份证号 and realistic Chinese name', () => {
    expect(duplicates(accounts.map((a) => a.idCard))).toEqual([]);
    for (const a of accounts) {
      const id = validateIdCard(a.idCard);
      expect(id, a.idCard).toMatchObject({ ok: true, gender: a.gender });
      expect(a.idCard.slice(0, 4)).toBe('3702');
      expect(a.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    }
  });

  it('gives pupils birth dates, genders and ID region codes matching their grade and district', () => {
    for (const s of region.students) {
      const cls = classByKey.get(s.classKey)!;
      const id = validateIdCard(s.idCard);
      expect(id.ok).toBe(true);
      if (!id.ok) continue;
      expect(id.birthDate).toBe(s.birthDate);
      expect(id.gender).toBe(s.gender);
      expect(id.regionCode).toBe(schoolByKey.get(cls.schoolKey)!.districtCode);
      // turned six by 31 August of the year they started school
      expect(
        s.birthDate >= `${cls.entryYear - 7}-09-01` && s.birthDate <= `${cls.entryYear - 6}-08-31`,
        `${s.birthDate} in grade ${cls.gradeLevel}`,
      ).toBe(true);
    }
  });

  it('gives adults distinct mobile numbers and pupils none', () => {
    const adults = accounts.filter((a) => !studentByKey.has(a.key));
    for (const a of adults) expect(isMobilePhone(a.phone), a.phone).toBe(true);
    expect(duplicates(adults.map((a) => a.phone))).toEqual([]);
    for (const s of region.students) expect(s.phone).toBe('');
  });

  it('gives every class a head teacher who teaches it 语文 or 数学, and the core subjects', () => {
    const headOf = new Map<string, string[]>();
    for (const h of region.headTeachers) headOf.set(h.classKey, [...(headOf.get(h.classKey) ?? []), h.teacherKey]);
    for (const c of region.classes) {
      const assigned = region.teachingAssignments.filter((a) => a.classKey === c.key);
      const subjects = assigned.map((a) => a.subject);
      expect(subjects).toContain('语文');
      expect(subjects).toContain('数学');
      if (c.gradeLevel >= 3) expect(subjects).toContain('英语');
      else expect(subjects).not.toContain('英语');
      expect(subjects.length).toBeGreaterThan(3);
      const heads = headOf.get(c.key) ?? [];
      expect(heads).toHaveLength(1);
      expect(
        assigned
          .filter((a) => a.teacherKey === heads[0])
          .map((a) => a.subject)
          .some((s) => s === '语文' || s === '数学'),
      ).toBe(true);
    }
    expect(duplicates(region.headTeachers.map((h) => h.teacherKey))).toEqual([]);
  });

  it('assigns teachers only subjects they teach, in classes of their own school, once each', () => {
    expect(duplicates(region.teachingAssignments.map((a) => `${a.teacherKey}/${a.classKey}/${a.subject}`))).toEqual([]);
    for (const a of region.teachingAssignments) {
      const t = teacherByKey.get(a.teacherKey)!;
      expect(t.subjects).toContain(a.subject);
      expect(classByKey.get(a.classKey)!.schoolKey).toBe(t.schoolKey);
    }
    const used = new Set(region.teachingAssignments.map((a) => a.subject));
    expect([...used].sort()).toEqual(
      ['语文', '数学', '英语', '道德与法治', '科学', '音乐', '美术', '体育与健康', '信息科技', '劳动', '综合实践'].sort(),
    );
    // teaching points get some lessons from the central school's teachers (专递课堂)
    const tpKeys = new Set(region.schools.flatMap((s) => s.teachingPoints.map((tp) => tp.key)));
    expect(region.teachingAssignments.some((a) => tpKeys.has(classByKey.get(a.classKey)!.unitKey) && a.subject === '音乐')).toBe(true);
  });

  it('links each pupil to one or two guardians, some shared by siblings', () => {
    const guardians = new Map<string, number>();
    for (const p of region.parents) {
      expect(p.relations).toHaveLength(p.childKeys.length);
      for (const k of p.childKeys) {
        expect(studentByKey.has(k)).toBe(true);
        guardians.set(k, (guardians.get(k) ?? 0) + 1);
      }
      const r = p.relations[0];
      if (r === 'father' || r === 'grandfather') expect(p.gender).toBe('male');
      if (r === 'mother' || r === 'grandmother') expect(p.gender).toBe('female');
    }
    for (const s of region.students) {
      expect(guardians.get(s.key) ?? 0).toBeGreaterThanOrEqual(1);
      expect(guardians.get(s.key) ?? 0).toBeLessThanOrEqual(2);
    }
    const siblings = region.parents.filter((p) => p.childKeys.length === 2);
    expect(siblings.length).toBeGreaterThan(10);
    for (const p of siblings) {
      const [a, b] = p.childKeys.map((k) => classByKey.get(studentByKey.get(k)!.classKey)!);
      expect(a.schoolKey).toBe(b.schoolKey);
      expect(Math.abs(a.gradeLevel - b.gradeLevel)).toBeGreaterThanOrEqual(2);
    }
  });

  it('makes some teachers parents of pupils, as the same person', () => {
    const teacherParents = region.parents.filter((p) => p.teacherKey);
    expect(teacherParents.length).toBeGreaterThanOrEqual(1);
    for (const p of teacherParents) {
      const t = teacherByKey.get(p.teacherKey!)!;
      expect({ username: p.username, name: p.name, gender: p.gender, idCard: p.idCard, phone: p.phone }).toEqual({
        username: t.username,
        name: t.name,
        gender: t.gender,
        idCard: t.idCard,
        phone: t.phone,
      });
      const teacherBorn = validateIdCard(t.idCard);
      const childBorn = studentByKey.get(p.childKeys[0])!.birthDate;
      expect(teacherBorn.ok && Number(childBorn.slice(0, 4)) - Number(teacherBorn.birthDate.slice(0, 4))).toBeGreaterThanOrEqual(20);
    }
    expect(duplicates(teacherParents.map((p) => p.teacherKey!))).toEqual([]);
  });

  it('gives parents, teachers and grandparents believable ages', () => {
    for (const p of region.parents.filter((x) => !x.teacherKey)) {
      const born = Number(p.idCard.slice(6, 10));
      const eldest = Math.min(...p.childKeys.map((k) => Number(studentByKey.get(k)!.birthDate.slice(0, 4))));
      const gap = eldest - born;
      if (p.relations[0] === 'grandfather' || p.relations[0] === 'grandmother') expect(gap).toBeGreaterThanOrEqual(45);
      else expect(gap).toBeGreaterThanOrEqual(20);
      expect(gap).toBeLessThanOrEqual(65);
    }
    for (const t of region.teachers) {
      const born = Number(t.idCard.slice(6, 10));
      expect(born).toBeGreaterThanOrEqual(1966);
      expect(born).toBeLessThanOrEqual(2003);
    }
  });
});

describe('DEMO_HIGHLIGHT_ACCOUNTS', () => {
  const byName = new Map(accounts.map((a) => [a.username, a]));

  it('lists about a dozen real accounts covering every role, described in Chinese', () => {
    expect(DEMO_HIGHLIGHT_ACCOUNTS.length).toBeGreaterThanOrEqual(10);
    expect(DEMO_HIGHLIGHT_ACCOUNTS.length).toBeLessThanOrEqual(14);
    expect(duplicates(DEMO_HIGHLIGHT_ACCOUNTS.map((a) => a.username))).toEqual([]);
    for (const a of DEMO_HIGHLIGHT_ACCOUNTS) {
      expect(byName.has(a.username), a.username).toBe(true);
      expect(a.description).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(new Set(DEMO_HIGHLIGHT_ACCOUNTS.map((a) => a.role))).toEqual(new Set(ROLES));
  });

  it('includes the interesting cases', () => {
    const head = DEMO_HIGHLIGHT_ACCOUNTS.find((a) => a.role === 'head_teacher')!;
    const headTeacher = region.teachers.find((t) => t.username === head.username)!;
    expect(region.headTeachers.some((h) => h.teacherKey === headTeacher.key)).toBe(true);

    const parent = DEMO_HIGHLIGHT_ACCOUNTS.find((a) => a.role === 'parent')!;
    expect(region.parents.find((p) => p.username === parent.username)!.childKeys).toHaveLength(2);

    const teacherParentNames = new Set(region.parents.filter((p) => p.teacherKey).map((p) => p.username));
    expect(DEMO_HIGHLIGHT_ACCOUNTS.some((a) => a.role === 'teacher' && teacherParentNames.has(a.username))).toBe(true);

    const centralAdmins = new Set(schoolAdmins.filter((a) => schoolByKey.get(a.schoolKey)!.isCentral).map((a) => a.username));
    expect(DEMO_HIGHLIGHT_ACCOUNTS.some((a) => a.role === 'school_admin' && centralAdmins.has(a.username))).toBe(true);

    expect(DEMO_HIGHLIGHT_ACCOUNTS.some((a) => a.role === 'student' && studentByKey.has(byName.get(a.username)!.key))).toBe(true);
  });
});
