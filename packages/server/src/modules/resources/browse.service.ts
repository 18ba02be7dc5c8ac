import type { TListResourcesQuery } from '@qiming/shared';
import { sql } from 'kysely';
import type { AuthedContext, RequestContext } from '../../core/context.ts';
import { presentSummary } from './resources.presenter.ts';
import * as repo from './resources.repository.ts';
import { readableResource } from './resources.service.ts';
import { resourceVisibleTo } from './visibility.ts';

/** Browsing the catalogue: counts per unit for the tree, a teacher's own subjects and grades, related resources. */

const published = (ctx: RequestContext) =>
  ctx.db
    .selectFrom('resources as r')
    .where('r.deleted_at', 'is', null)
    .where('r.status', '=', 'published')
    .where(resourceVisibleTo(ctx.actor));

/** How many visible published resources each unit of a book holds (a lesson's count also counts for its unit). */
export async function catalogueCounts(
  ctx: RequestContext,
  q: Pick<TListResourcesQuery, 'subject' | 'gradeLevel' | 'term' | 'edition' | 'type' | 'mark'>,
) {
  let base = published(ctx);
  if (q.subject) base = base.where('r.subject', '=', q.subject);
  if (q.gradeLevel) base = base.where('r.grade_level', '=', q.gradeLevel);
  if (q.term) base = base.where('r.term', '=', q.term);
  if (q.edition) base = base.where('r.edition', '=', q.edition);
  if (q.type) base = base.where('r.type', '=', q.type);
  if (q.mark) base = base.where(sql<boolean>`${q.mark} = ANY(r.marks)`);
  const rows = await base
    .leftJoin('curriculum_units as cu', 'cu.id', 'r.unit_id')
    .select(['r.unit_id', 'cu.parent_id', sql<number>`count(*)`.as('n')])
    .groupBy(['r.unit_id', 'cu.parent_id'])
    .execute();
  const counts = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    if (r.unit_id) counts.set(r.unit_id, (counts.get(r.unit_id) ?? 0) + n);
    if (r.parent_id) counts.set(r.parent_id, (counts.get(r.parent_id) ?? 0) + n);
  }
  return { total, units: [...counts].map(([unitId, count]) => ({ unitId, count })) };
}

/** The subjects and grades a teacher teaches: their class assignments, else their school subjects (any grade). */
export async function teachingPairs(ctx: AuthedContext) {
  const grants = await ctx.db
    .selectFrom('role_grants as g')
    .innerJoin('org_units as c', 'c.id', 'g.scope_id')
    .select(['g.subject', 'c.grade_level'])
    .distinct()
    .where('g.user_id', '=', ctx.actor.userId)
    .where('g.role', 'in', ['teacher', 'head_teacher'])
    .where('g.subject', 'is not', null)
    .execute();
  const pairs = grants.filter((g) => g.subject).map((g) => ({ subject: g.subject!, gradeLevel: g.grade_level }));
  if (pairs.length) return pairs;
  const t = await ctx.db.selectFrom('teachers').select('subjects').where('user_id', '=', ctx.actor.userId).executeTakeFirst();
  return (t?.subjects ?? []).map((subject) => ({ subject, gradeLevel: null as number | null }));
}

export async function forMe(ctx: AuthedContext, limit = 12) {
  const pairs = await teachingPairs(ctx);
  if (!pairs.length) return { pairs, items: [] };
  const ids = await published(ctx)
    .select('r.id')
    .where((eb) =>
      eb.or(
        pairs.map((p) =>
          p.gradeLevel
            ? eb.and([eb('r.subject', '=', p.subject), eb('r.grade_level', '=', p.gradeLevel)])
            : eb('r.subject', '=', p.subject),
        ),
      ),
    )
    .orderBy(sql`cardinality(r.marks) > 0`, 'desc')
    .orderBy('r.published_at', 'desc')
    .limit(limit)
    .execute();
  const rows = await repo.rowsByIds(
    ctx.db,
    ids.map((i) => i.id),
  );
  return { pairs, items: rows.map(presentSummary) };
}

/** Resources near this one: the same lesson or unit first, then the same subject and grade, the most used first. */
export async function relatedResources(ctx: RequestContext, id: string, limit = 6) {
  const { r } = await readableResource(ctx, id);
  const unit = r.unit_id
    ? await ctx.db.selectFrom('curriculum_units').select(['id', 'parent_id']).where('id', '=', r.unit_id).executeTakeFirst()
    : undefined;
  const unitIds = unit ? [unit.id, ...(unit.parent_id ? [unit.parent_id] : [])] : [];
  const siblings = unitIds.length
    ? (
        await ctx.db
          .selectFrom('curriculum_units')
          .select('id')
          .where((eb) => eb.or([eb('parent_id', 'in', unitIds), eb('id', 'in', unitIds)]))
          .execute()
      ).map((u) => u.id)
    : [];
  const ids = await published(ctx)
    .select('r.id')
    .where('r.id', '!=', id)
    .where('r.subject', '=', r.subject)
    .where('r.grade_level', '=', r.grade_level)
    // a resource without a unit has no unit ranks (PostgreSQL refuses a constant in ORDER BY)
    .$if(!!r.unit_id, (q) => q.orderBy(sql`coalesce(r.unit_id = ${r.unit_id}, false)`, 'desc'))
    .$if(siblings.length > 0, (q) => q.orderBy(sql`coalesce(r.unit_id IN (${sql.join(siblings)}), false)`, 'desc'))
    .orderBy('r.download_count', 'desc')
    .orderBy('r.id')
    .limit(limit)
    .execute();
  const rows = await repo.rowsByIds(
    ctx.db,
    ids.map((i) => i.id),
  );
  return rows.map(presentSummary);
}
