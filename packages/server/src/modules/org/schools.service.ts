import type { TCreateSchoolRequest, TOrgUnit, TSchool } from '@qiming/shared';
import { assertInScope, hasPermission } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction } from '../../core/db/database.ts';
import { AppError } from '../../core/errors.ts';
import * as repo from './org.repository.ts';
import { presentOrgUnit, presentSchool } from './org.presenter.ts';

export async function listUnits(ctx: AuthedContext, parentId: string | undefined): Promise<TOrgUnit[]> {
  if (!parentId) return (await repo.listGrantRoots(ctx.db, ctx.actor)).map(presentOrgUnit);
  await assertInScope(ctx, 'org', parentId);
  return (await repo.listChildren(ctx.db, parentId)).map(presentOrgUnit);
}

const schoolPolicies = (ctx: AuthedContext): TSchool['policies'] => ({
  canEdit: hasPermission(ctx.actor, 'org.manage'),
  canManageClasses: hasPermission(ctx.actor, 'class.manage'),
});

export async function listSchools(ctx: AuthedContext, q: { regionId?: string; q?: string; page: number; pageSize: number }) {
  let regionPath: string | undefined;
  if (q.regionId) regionPath = (await assertInScope(ctx, 'org', q.regionId)).path;
  const { total, ids } = await repo.listSchools(ctx.db, ctx.actor, {
    regionPath,
    text: q.q,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const rows = await repo.getSchoolRows(ctx.db, ids);
  return { items: rows.map((r) => presentSchool(r, schoolPolicies(ctx))), total, page: q.page, pageSize: q.pageSize };
}

/** The school (or teaching point) itself; the route has already checked it is in scope. */
export async function getSchool(ctx: AuthedContext, id: string): Promise<TSchool> {
  const [row] = await repo.getSchoolRows(ctx.db, [id]);
  if (!row || !['school', 'teaching_point'].includes(row.kind)) throw new AppError('NOT_FOUND', { message: '未找到该学校，或您无权查看' });
  return presentSchool(row, schoolPolicies(ctx));
}

async function assertCodeFree(ctx: AuthedContext, code: string) {
  const taken = await ctx.db
    .selectFrom('org_units')
    .select('name')
    .where('code', '=', code)
    .where('kind', 'in', ['school', 'teaching_point'])
    .executeTakeFirst();
  if (taken) throw new AppError('DUPLICATE_CODE', { message: `学校标识码 ${code} 已被“${taken.name}”使用` });
}

export async function createSchool(ctx: AuthedContext, input: TCreateSchoolRequest): Promise<TSchool> {
  const district = await repo.findOrgUnit(ctx.db, input.districtId);
  if (!district || district.kind !== 'district')
    throw new AppError('VALIDATION_FAILED', {
      message: '学校只能建在区县之下',
      details: { issues: [{ path: ['body', 'districtId'], message: '请选择一个区县' }] },
    });
  await assertCodeFree(ctx, input.code);
  const school = await withTransaction(ctx.db, async (tx) => {
    const s = await repo.insertOrgUnit(tx, {
      kind: 'school',
      parent: district,
      name: input.name,
      code: input.code,
      isCentral: input.isCentral,
      address: input.address,
    });
    await repo.insertOrgUnit(tx, { kind: 'campus', parent: s, name: '本部' });
    await recordAudit(tx, ctx, {
      action: 'org.school.create',
      targetType: 'org_unit',
      targetId: s.id,
      scopeId: district.id,
      summary: { name: input.name, code: input.code },
    });
    return s;
  });
  return getSchool(ctx, school.id);
}

export async function updateSchool(
  ctx: AuthedContext,
  id: string,
  input: { name?: string; isCentral?: boolean; address?: string },
): Promise<TSchool> {
  await withTransaction(ctx.db, async (tx) => {
    const before = await repo.findOrgUnitForUpdate(tx, id);
    if (!before || !['school', 'teaching_point'].includes(before.kind)) throw new AppError('NOT_FOUND');
    if (input.isCentral === false && before.is_central) {
      const tp = await tx
        .selectFrom('org_units')
        .select('id')
        .where('central_school_id', '=', id)
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      if (tp) throw new AppError('CONFLICT', { message: '该中心学校仍有下属教学点，不能取消中心学校' });
    }
    await tx
      .updateTable('org_units')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.isCentral !== undefined && { is_central: input.isCentral }),
        ...(input.address !== undefined && { address: input.address }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'org.school.update',
      targetType: 'org_unit',
      targetId: id,
      scopeId: id,
      summary: { before: { name: before.name, isCentral: before.is_central, address: before.address }, after: input },
    });
  });
  return getSchool(ctx, id);
}

/** A teaching point (教学点) sits under its central school, which teaches it through 专递课堂. */
export async function createTeachingPoint(
  ctx: AuthedContext,
  schoolId: string,
  input: { name: string; code: string; address: string },
): Promise<TSchool> {
  const central = await repo.findOrgUnit(ctx.db, schoolId);
  if (!central || central.kind !== 'school') throw new AppError('NOT_FOUND');
  if (!central.is_central) throw new AppError('CONFLICT', { message: '只有中心学校可以下设教学点，请先将该校设为中心学校' });
  await assertCodeFree(ctx, input.code);
  const tp = await withTransaction(ctx.db, async (tx) => {
    const u = await repo.insertOrgUnit(tx, {
      kind: 'teaching_point',
      parent: central,
      name: input.name,
      code: input.code,
      centralSchoolId: central.id,
      address: input.address,
    });
    await recordAudit(tx, ctx, {
      action: 'org.teaching_point.create',
      targetType: 'org_unit',
      targetId: u.id,
      scopeId: central.id,
      summary: { name: input.name, code: input.code },
    });
    return u;
  });
  return getSchool(ctx, tp.id);
}

export async function createCampus(ctx: AuthedContext, schoolId: string, name: string): Promise<TOrgUnit> {
  const school = await repo.findOrgUnit(ctx.db, schoolId);
  if (!school || school.kind !== 'school') throw new AppError('NOT_FOUND');
  const campus = await withTransaction(ctx.db, async (tx) => {
    const u = await repo.insertOrgUnit(tx, { kind: 'campus', parent: school, name });
    await recordAudit(tx, ctx, {
      action: 'org.campus.create',
      targetType: 'org_unit',
      targetId: u.id,
      scopeId: school.id,
      summary: { name },
    });
    return u;
  });
  return presentOrgUnit({ ...campus, has_children: false });
}
