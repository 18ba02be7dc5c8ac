import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { TAssessmentResults, TAssignmentSummary, TCreateAssessmentRequest } from '@qiming/shared';
import { coversPath } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import { drawRandomItems, getReadableBank } from '../items/index.ts';
import { pupilResults } from './analysis.service.ts';
import { finalizeExpiredAttempts } from './attempts.service.ts';
import * as repo from './homework.repository.ts';
import { getManagedAssignment } from './homework.policy.ts';
import { presentAssignmentSummary } from './homework.presenter.ts';

/**
 * Teacher-training assessments (培训考核): every teacher of the chosen schools draws their own N
 * items from a bank (随机抽取10个题目, reproducible from assessment, person and attempt), within a
 * time limit, and is reported 合格 or 不合格 against the pass mark; results per school as a sheet.
 */

const FULL_MARKS = 100;
const issue = (path: (string | number)[], message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path, message }] } });

async function present(ctx: AuthedContext, rows: repo.AssignmentRow[]): Promise<TAssignmentSummary[]> {
  const ids = rows.map((r) => r.id);
  const [progress, names] = await Promise.all([
    repo.assignmentProgress(ctx.db, ids),
    repo.userNames(ctx.db, [...new Set(rows.map((r) => r.created_by))]),
  ]);
  return rows.map((a) =>
    presentAssignmentSummary(a, {
      classes: [],
      progress: progress.get(a.id),
      createdByName: names.get(a.created_by) ?? '',
      canManage: true,
    }),
  );
}

export async function createAssessment(ctx: AuthedContext, input: TCreateAssessmentRequest): Promise<TAssignmentSummary> {
  const { bank } = await getReadableBank(ctx, input.bankId);
  const units = await ctx.db
    .selectFrom('org_units')
    .select(['id', 'path', 'kind', 'name'])
    .where('id', 'in', input.unitIds)
    .where('archived_at', 'is', null)
    .execute();
  input.unitIds.forEach((id, i) => {
    const u = units.find((x) => x.id === id);
    if (!u || !coversPath(ctx.actor, u.path) || !['city', 'district', 'school', 'teaching_point'].includes(u.kind))
      throw issue(['body', 'unitIds', i], '未找到该学校或区县，或不在您的管理范围内');
  });
  const available = await drawRandomItems(ctx.db, { bankId: input.bankId, count: input.drawCount, seed: 0 });
  if (available.length < input.drawCount)
    throw issue(
      ['body', 'drawCount'],
      available.length ? `题库中只有 ${available.length} 道题，不够每人抽取 ${input.drawCount} 题` : '题库中还没有题目',
    );
  // every teacher whose school lies in one of the units
  const teachers = await ctx.db
    .selectFrom('teachers as t')
    .innerJoin('org_units as s', 's.id', 't.school_id')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.user_id', 't.school_id', 's.path'])
    .where('u.is_active', '=', true)
    .execute();
  const reached = teachers.filter((t) => units.some((u) => t.path.startsWith(u.path)));
  if (!reached.length) throw issue(['body', 'unitIds'], '所选范围内没有教师');
  // the owner: the actor's grant that covers all chosen units (where the assessment is managed from)
  const owner = ctx.actor.grants.find((g) => g.scopePath && g.scopeId && units.every((u) => u.path.startsWith(g.scopePath!)));
  if (!owner) throw issue(['body', 'unitIds'], '所选单位应在同一个管理范围内');
  const id = randomUUID();
  const now = new Date();
  await withTransaction(ctx.db, async (tx) => {
    await repo.insertAssignment(tx, {
      id,
      kind: 'assessment',
      title: input.title,
      owner_unit_id: owner.scopeId!,
      owner_path: owner.scopePath!,
      subject: bank.subject,
      paper_id: null,
      bank_id: input.bankId,
      draw_count: input.drawCount,
      draw_filters: null,
      paper: { paperId: null, title: input.title, subject: bank.subject, sections: [], items: [], maxScore: FULL_MARKS },
      max_score: FULL_MARKS,
      opens_at: input.opensAt,
      closes_at: input.closesAt,
      time_limit_minutes: input.timeLimitMinutes,
      max_attempts: input.maxAttempts,
      shuffle_items: false,
      shuffle_options: true,
      show_answers: input.showAnswers,
      pass_score: Math.round(input.passPercent * FULL_MARKS) / 100,
      instructions: input.instructions,
      created_by: ctx.actor.userId,
      created_at: now,
    });
    await repo.insertRecipients(
      tx,
      reached.map((t) => ({ assignment_id: id, user_id: t.user_id, class_id: null, school_id: t.school_id })),
    );
    await recordAudit(tx, ctx, {
      action: 'assessment.create',
      targetType: 'assignment',
      targetId: id,
      scopeId: owner.scopeId,
      summary: {
        title: input.title,
        bankId: input.bankId,
        drawCount: input.drawCount,
        teachers: reached.length,
        passPercent: input.passPercent,
      },
    });
  });
  return (await present(ctx, [(await repo.findAssignment(ctx.db, id))!]))[0];
}

export async function listAssessments(ctx: AuthedContext, q: { page: number; pageSize: number }) {
  const { total, rows } = await repo.listAssessmentsInScope(ctx.db, ctx.actor, q);
  return { items: await present(ctx, rows), total, page: q.page, pageSize: q.pageSize };
}

export async function getAssessmentResults(ctx: AuthedContext, id: string): Promise<TAssessmentResults> {
  const a = await getManagedAssignment(ctx, id);
  if (a.kind !== 'assessment') throw new AppError('NOT_FOUND', { message: '未找到该培训考核' });
  await finalizeExpiredAttempts(ctx, { assignmentIds: [a.id] });
  const people = await ctx.db
    .selectFrom('hw_recipients as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .leftJoin('teachers as t', 't.user_id', 'r.user_id')
    .leftJoin('org_units as s', 's.id', 'r.school_id')
    .select(['r.user_id', 'u.display_name', 't.staff_no as student_no', 'r.school_id', 's.name as school_name', 's.path as school_path'])
    .where('r.assignment_id', '=', a.id)
    .orderBy('s.name')
    .orderBy('t.staff_no')
    .execute();
  const visible = people.filter((p) => !p.school_path || coversPath(ctx.actor, p.school_path));
  const attempts = (await ctx.db
    .selectFrom('hw_attempts')
    .selectAll()
    .where('assignment_id', '=', a.id)
    .execute()) as unknown as repo.AttemptRow[];
  const rows = pupilResults(
    visible.map((p) => ({ ...p, class_id: null, class_name: null })),
    attempts,
    a,
  );
  const bySchool = new Map<string, TAssessmentResults['schools'][number]>();
  visible.forEach((p, i) => {
    const key = p.school_id ?? '';
    const s = bySchool.get(key) ?? { schoolId: key, schoolName: p.school_name ?? '', teachers: 0, taken: 0, passed: 0, rows: [] };
    const r = rows[i];
    const grade = r.score === null ? '未参加' : r.passed ? '合格' : '不合格';
    s.teachers++;
    if (r.score !== null) s.taken++;
    if (r.passed) s.passed++;
    s.rows.push({ ...r, grade });
    bySchool.set(key, s);
  });
  const [summary] = await present(ctx, [a]);
  return { assignment: summary, passScore: a.pass_score ?? 0, schools: [...bySchool.values()] };
}

/** The result sheet (考核表) per school, as the district's 电教股 asks for it. */
export async function exportAssessmentXlsx(ctx: AuthedContext, id: string) {
  const r = await getAssessmentResults(ctx, id);
  const wb = new ExcelJS.Workbook();
  wb.creator = '启明智慧教育平台';
  const overview = wb.addWorksheet('汇总');
  overview.columns = [
    { header: '学校', key: 'school', width: 28 },
    { header: '应考人数', key: 'teachers', width: 10 },
    { header: '参考人数', key: 'taken', width: 10 },
    { header: '合格人数', key: 'passed', width: 10 },
    { header: '合格率', key: 'rate', width: 10 },
  ];
  overview.getRow(1).font = { bold: true };
  for (const s of r.schools)
    overview.addRow({
      school: s.schoolName,
      teachers: s.teachers,
      taken: s.taken,
      passed: s.passed,
      rate: s.teachers ? `${Math.round((s.passed / s.teachers) * 1000) / 10}%` : '—',
    });
  const used = new Set<string>();
  for (const s of r.schools) {
    let name = (s.schoolName || '未知学校').replace(/[\\/?*[\]:]/g, '_').slice(0, 28);
    while (used.has(name)) name = `${name.slice(0, 26)}_${used.size}`;
    used.add(name);
    const ws = wb.addWorksheet(name);
    ws.addRow([`${r.assignment.title} · 考核表`]).font = { bold: true, size: 13 };
    ws.addRow([
      `学校：${s.schoolName}\u3000合格线：${r.passScore} 分（满分 ${r.assignment.maxScore}）\u3000每人抽题：${r.assignment.itemCount} 题`,
    ]);
    const header = ws.addRow(['序号', '工号', '姓名', '得分', '考核等级', '用时（分钟）', '提交时间']);
    header.font = { bold: true };
    s.rows.forEach((row, i) =>
      ws.addRow([
        i + 1,
        row.studentNo ?? '',
        row.name,
        row.score ?? '',
        row.grade,
        row.durationSeconds === null ? '' : Math.round(row.durationSeconds / 6) / 10,
        row.submittedAt ? new Date(row.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '',
      ]),
    );
    ws.columns.forEach((c, i) => (c.width = [6, 12, 12, 8, 10, 12, 20][i]));
  }
  const fileName = `${r.assignment.title}-考核结果.xlsx`.replace(/[\\/:*?"<>|]/g, '_');
  return { fileName, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}
