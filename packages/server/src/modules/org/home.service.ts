import type { THome } from '@qiming/shared';
import { sql } from 'kysely';
import type { AuthedContext } from '../../core/context.ts';
import * as repo from './org.repository.ts';

/** What the personal space (个人空间) shows for the active role today. */
export async function getHome(ctx: AuthedContext): Promise<THome> {
  const { actor, db } = ctx;
  const home: THome = { role: actor.role, school: null, region: null, classes: [], children: [], stats: [], studentsByGrade: [] };
  const user = await db.selectFrom('users').select('home_org_id').where('id', '=', actor.userId).executeTakeFirst();
  if (user?.home_org_id) {
    const unit = await repo.findOrgUnit(db, user.home_org_id);
    const school = unit && (await repo.findAncestor(db, unit.path, ['school', 'teaching_point']));
    if (school) home.school = { id: school.id, name: school.name };
    const region = unit && (await repo.findAncestor(db, unit.path, ['district', 'city', 'province']));
    if (region) home.region = { id: region.id, name: region.name };
  }

  if (actor.role === 'teacher' || actor.role === 'head_teacher' || actor.role === 'student') {
    const allGrants = await db
      .selectFrom('role_grants')
      .select(['role', 'scope_id', 'subject'])
      .where('user_id', '=', actor.userId)
      .where('role', 'in', ['teacher', 'head_teacher', 'student'])
      .execute();
    const classIds = [...new Set(allGrants.map((g) => g.scope_id).filter((x): x is string => !!x))];
    const rows = await repo.listClassRows(db, { classIds });
    for (const r of rows) {
      const school = await repo.findAncestor(db, r.path, ['school', 'teaching_point']);
      home.classes.push({
        id: r.id,
        name: r.name,
        schoolName: school?.name ?? '',
        subjects: allGrants.filter((g) => g.scope_id === r.id && g.role === 'teacher' && g.subject).map((g) => g.subject!),
        isHeadTeacher: allGrants.some((g) => g.scope_id === r.id && g.role === 'head_teacher'),
        studentCount: Number(r.student_count),
      });
    }
  }
  if (actor.role === 'parent') {
    const children = await db
      .selectFrom('guardianships as g')
      .innerJoin('users as u', 'u.id', 'g.student_id')
      .innerJoin('students as st', 'st.user_id', 'g.student_id')
      .leftJoin('org_units as c', 'c.id', 'st.class_id')
      .innerJoin('org_units as s', 's.id', 'st.school_id')
      .select(['u.id', 'u.display_name', 'c.name as class_name', 's.name as school_name'])
      .where('g.parent_id', '=', actor.userId)
      .orderBy('u.display_name')
      .execute();
    home.children = children.map((c) => ({ id: c.id, name: c.display_name, className: c.class_name, schoolName: c.school_name }));
  }
  const scopePaths = actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p);
  if (['bureau_admin', 'researcher', 'school_admin', 'sys_admin'].includes(actor.role ?? '') && scopePaths.length) {
    const like = sql.join(
      scopePaths.map((p) => sql`o.path LIKE ${p + '%'}`),
      sql` OR `,
    );
    const counts = await sql<{
      kind: string;
      n: number;
    }>`SELECT kind, count(*)::int AS n FROM org_units o WHERE archived_at IS NULL AND (${like}) GROUP BY kind`.execute(db);
    const n = (k: string) => Number(counts.rows.find((r) => r.kind === k)?.n ?? 0);
    const byGrade = await sql<{
      grade: number | null;
      n: number;
    }>`SELECT o.grade_level AS grade, count(*)::int AS n FROM students st JOIN org_units o ON o.id = st.class_id
       WHERE st.status = 'enrolled' AND (${like}) GROUP BY o.grade_level ORDER BY o.grade_level`.execute(db);
    home.studentsByGrade = byGrade.rows.filter((r) => r.grade !== null).map((r) => ({ grade: Number(r.grade), count: Number(r.n) }));
    const enrolled = byGrade.rows.reduce((sum, r) => sum + Number(r.n), 0);
    const teachers = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM teachers t JOIN org_units o ON o.id = t.school_id WHERE (${like})`.execute(db);
    if (actor.role !== 'school_admin')
      home.stats.push(
        { key: 'schools', label: '学校', value: n('school') },
        { key: 'teaching_points', label: '教学点', value: n('teaching_point') },
      );
    home.stats.push(
      { key: 'classes', label: '班级', value: n('class') },
      { key: 'teachers', label: '教师', value: Number(teachers.rows[0]?.n ?? 0) },
      { key: 'students', label: '在读学生', value: enrolled },
    );
  }
  return home;
}
