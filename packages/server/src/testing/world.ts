import type { FactoryCtx } from '../modules/org/org.factory.ts';
import { buildMfaForRequiredRoles } from '../modules/identity/mfa/mfa.factory.ts';
import { buildBank, buildItem, buildPaper, syncKnowledgePoints } from '../modules/items/index.ts';
import {
  buildClass,
  buildGrant,
  buildGuardian,
  buildSchool,
  buildStudent,
  buildTeacher,
  buildUnit,
  buildUser,
} from '../modules/org/org.factory.ts';

export const WORLD_PASSWORD = 'Fixture#2026';

/**
 * The small world every API test starts from: one city, two districts, three schools (A is a
 * central school with a teaching point), and a person of every role in each place, so that each
 * test can try a user of another school, district or family.
 */
export async function buildWorld(f: FactoryCtx) {
  const province = await buildUnit(f, { kind: 'province', name: '山东省', code: '37' });
  const city = await buildUnit(f, { kind: 'city', parent: province, name: '青岛市', code: '3702' });
  const d1 = await buildUnit(f, { kind: 'district', parent: city, name: '市南区', code: '370202' });
  const d2 = await buildUnit(f, { kind: 'district', parent: city, name: '崂山区', code: '370212' });
  const a = await buildSchool(f, { district: d1, name: '市南区实验小学', code: '2137020201', isCentral: true });
  const tp = await buildUnit(f, {
    kind: 'teaching_point',
    parent: a.school,
    name: '实验小学东村教学点',
    code: '2137020291',
    centralSchoolId: a.school.id,
  });
  const b = await buildSchool(f, { district: d1, name: '市南区第二小学', code: '2137020202' });
  const x = await buildSchool(f, { district: d2, name: '崂山区第一小学', code: '2137021201' });

  const classA1 = await buildClass(f, { host: a.campus, gradeLevel: 3, classNo: 1 });
  const classA2 = await buildClass(f, { host: a.campus, gradeLevel: 3, classNo: 2 });
  const classTp = await buildClass(f, { host: tp, gradeLevel: 1, classNo: 1 });
  const classB1 = await buildClass(f, { host: b.campus, gradeLevel: 4, classNo: 1 });
  const classX1 = await buildClass(f, { host: x.campus, gradeLevel: 5, classNo: 1 });

  const admin = async (username: string, role: string, scope: typeof city) => {
    const u = await buildUser(f, { username, name: username, home: scope });
    await buildGrant(f, u.id, role, scope);
    return u;
  };
  const cityAdmin = await admin('city_admin', 'bureau_admin', city);
  const d1Admin = await admin('d1_admin', 'bureau_admin', d1);
  const d2Admin = await admin('d2_admin', 'bureau_admin', d2);
  const researcher = await admin('d1_researcher', 'researcher', d1);
  const aAdmin = await admin('a_admin', 'school_admin', a.school);
  const bAdmin = await admin('b_admin', 'school_admin', b.school);
  const xAdmin = await admin('x_admin', 'school_admin', x.school);
  const sysAdmin = await admin('sys_admin', 'sys_admin', province);
  const secAdmin = await admin('sec_admin', 'sec_admin', province);
  const auditAdmin = await admin('audit_admin', 'audit_admin', province);

  const teacherA1 = await buildTeacher(f, a.school, { username: 'teacher_a1', name: '王老师', subjects: ['数学'] });
  await buildGrant(f, teacherA1.id, 'teacher', classA1, { subject: '数学' });
  await buildGrant(f, teacherA1.id, 'head_teacher', classA1);
  const teacherA2 = await buildTeacher(f, a.school, { username: 'teacher_a2', name: '李老师', subjects: ['语文'] });
  await buildGrant(f, teacherA2.id, 'teacher', classA2, { subject: '语文' });
  const teacherB1 = await buildTeacher(f, b.school, { username: 'teacher_b1', name: '赵老师' });
  await buildGrant(f, teacherB1.id, 'teacher', classB1, { subject: '数学' });
  const teacherX1 = await buildTeacher(f, x.school, { username: 'teacher_x1', name: '钱老师' });
  await buildGrant(f, teacherX1.id, 'teacher', classX1, { subject: '数学' });

  const studentA1 = await buildStudent(f, classA1, a.school, {
    username: 'student_a1',
    name: '张小明',
    idCard: '370202201705010013',
    studentNo: 'A0001',
  });
  const studentA1b = await buildStudent(f, classA1, a.school, { username: 'student_a1b', name: '陈小红', studentNo: 'A0002' });
  const studentA2 = await buildStudent(f, classA2, a.school, { username: 'student_a2', name: '张小亮', studentNo: 'A0003' });
  const studentTp = await buildStudent(f, classTp, tp, { username: 'student_tp', name: '孙小军', studentNo: 'T0001' });
  const studentB1 = await buildStudent(f, classB1, b.school, { username: 'student_b1', name: '刘小华', studentNo: 'B0001' });
  const studentX1 = await buildStudent(f, classX1, x.school, { username: 'student_x1', name: '周小平', studentNo: 'X0001' });

  const parentA = await buildUser(f, { username: 'parent_a', name: '张爸爸', home: a.school, phone: '13800000001' });
  await buildGuardian(f, parentA.id, studentA1.id, a.school, 'father');
  await buildGuardian(f, parentA.id, studentA2.id, a.school, 'father');
  const parentB = await buildUser(f, { username: 'parent_b', name: '刘妈妈', home: b.school, phone: '13800000002' });
  await buildGuardian(f, parentB.id, studentB1.id, b.school);
  // a teacher who is also a parent: two roles, one person
  await buildGuardian(f, teacherA2.id, studentA1b.id, a.school);

  const mustChange = await buildUser(f, { username: 'new_teacher', name: '新老师', home: a.school, mustChangePassword: true });
  await buildGrant(f, mustChange.id, 'teacher', a.school, { reach: false });

  // somewhere no fixture user's scope reaches: another province, for the authorization matrix
  const province2 = await buildUnit(f, { kind: 'province', name: '江苏省', code: '32' });
  const city2 = await buildUnit(f, { kind: 'city', parent: province2, name: '南京市', code: '3201' });
  const d3 = await buildUnit(f, { kind: 'district', parent: city2, name: '玄武区', code: '320102' });
  const y = await buildSchool(f, { district: d3, name: '玄武区外省小学', code: '2132010201' });
  const classY1 = await buildClass(f, { host: y.campus, gradeLevel: 2, classNo: 1 });
  const yAdmin = await buildUser(f, { username: 'y_admin', name: '外省管理员', home: y.school });
  await buildGrant(f, yAdmin.id, 'school_admin', y.school);
  const teacherY1 = await buildTeacher(f, y.school, { username: 'teacher_y1', name: '外省老师' });
  const yGrant = await buildGrant(f, teacherY1.id, 'teacher', classY1, { subject: '语文' });
  const studentY1 = await buildStudent(f, classY1, y.school, { username: 'student_y1', name: '外省学生', studentNo: 'Y0001' });
  const parentY = await buildUser(f, { username: 'parent_y', name: '外省家长', home: y.school, phone: '13800000009' });
  await buildGuardian(f, parentY.id, studentY1.id, y.school);
  const importY = { id: crypto.randomUUID() };
  await f.db
    .insertInto('import_jobs')
    .values({
      id: importY.id,
      school_id: y.school.id,
      kind: 'students',
      status: 'validated',
      file_name: 'y.xlsx',
      file_hash: 'x',
      created_by: yAdmin.id,
      created_at: new Date(),
    })
    .execute();

  await buildMfaForRequiredRoles(f);
  // question banks: school A's own, district 1's shared district-wide, school X's; one in the other province
  await syncKnowledgePoints(f.db);
  const bankA = await buildBank(f, { owner: a.school, name: '实验小学数学校本题库' });
  const bankD1 = await buildBank(f, { owner: d1, name: '市南区数学共享题库', shareScope: 'district' });
  const bankX = await buildBank(f, { owner: x.school, name: '崂山一小题库' });
  const itemA = await buildItem(f, { bankId: bankA.id });
  const itemD1 = await buildItem(f, { bankId: bankD1.id });
  const itemX = await buildItem(f, { bankId: bankX.id });
  const paperA = await buildPaper(f, { owner: a.school, title: '三年级数学单元练习', items: [itemA, itemD1] });
  const bankY = await buildBank(f, { owner: y.school, name: '外省学校题库' });
  const itemY = await buildItem(f, { bankId: bankY.id });
  const paperY = await buildPaper(f, { owner: y.school, title: '外省学校试卷', items: [itemY] });
  // an application registered in the other province and enabled there (应用接入)
  const appY = { id: crypto.randomUUID() };
  await f.db
    .insertInto('apps')
    .values({
      id: appY.id,
      name: '外省应用',
      category: 'teaching',
      home_url: 'http://127.0.0.1:4118/',
      protocol: 'cas',
      owner_scope_id: city2.id,
      owner_scope_path: city2.path,
      cas_service_pattern: 'http://127.0.0.1:4118/',
      created_at: new Date(),
      updated_at: new Date(),
    })
    .execute();
  await f.db
    .insertInto('app_enablements')
    .values({ app_id: appY.id, scope_id: y.school.id, scope_path: y.school.path, created_at: new Date() })
    .execute();

  // an account of the other province linked to an upstream identity provider
  const upstreamLinkY = { id: crypto.randomUUID() };
  await f.db
    .insertInto('upstream_links')
    .values({
      id: upstreamLinkY.id,
      provider: 'http://127.0.0.1:4117/oidc',
      subject: crypto.randomUUID(),
      user_id: teacherY1.id,
      linked_by: 'claim',
      claim_value: 'teacher_y1',
      created_at: new Date(),
    })
    .execute();

  const ids = <K extends string>(o: Record<K, { id: string }>): Record<K, string> =>
    Object.fromEntries(Object.entries<{ id: string }>(o).map(([k, v]) => [k, v.id])) as Record<K, string>;
  return {
    /** Objects outside every fixture user's scope; the matrix test asks for them and expects a refusal. */
    foreign: {
      ...ids({
        province2,
        city2,
        d3,
        schoolY: y.school,
        campusY: y.campus,
        classY1,
        yAdmin,
        teacherY1,
        studentY1,
        parentY,
        importY,
        appY,
        upstreamLinkY,
      }),
      grantY: yGrant!.id,
      bankY: bankY.id,
      itemY: itemY.id,
      paperY: paperY.id,
      names: [
        '玄武区外省小学',
        '外省管理员',
        '外省老师',
        '外省学生',
        '外省家长',
        '南京市',
        '玄武区',
        '外省学校题库',
        '外省学校试卷',
        '外省应用',
      ],
    },
    units: ids({
      province,
      city,
      d1,
      d2,
      schoolA: a.school,
      campusA: a.campus,
      tp,
      schoolB: b.school,
      schoolX: x.school,
      classA1,
      classA2,
      classTp,
      classB1,
      classX1,
    }),
    items: {
      bankA: bankA.id,
      bankD1: bankD1.id,
      bankX: bankX.id,
      itemA: itemA.id,
      itemAVersion: itemA.versionId,
      itemD1: itemD1.id,
      itemX: itemX.id,
      paperA: paperA.id,
    },
    users: ids({
      cityAdmin,
      d1Admin,
      d2Admin,
      researcher,
      aAdmin,
      bAdmin,
      xAdmin,
      sysAdmin,
      secAdmin,
      auditAdmin,
      teacherA1,
      teacherA2,
      teacherB1,
      teacherX1,
      studentA1,
      studentA1b,
      studentA2,
      studentTp,
      studentB1,
      studentX1,
      parentA,
      parentB,
      mustChange,
    }),
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
