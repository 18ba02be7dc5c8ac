import type { TResourceStats } from '@qiming/shared';
import { RESOURCE_TYPES } from '@qiming/shared';
import { sql } from 'kysely';
import type { AuthedContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { loadPerson, manages, type Person } from './resources.policy.ts';
import { readableResource } from './resources.service.ts';

/**
 * Usage statistics: for one resource (its author and the people who manage or review it), and
 * for a school, district or city (its administrators and reviewers) — what was published there,
 * what waits for review, and how much its resources were viewed and downloaded, by day, type,
 * subject and the units below it. Days are counted in China Standard Time.
 */

const DAY_SQL = (column: string) => sql<string>`to_char((${sql.ref(column)} AT TIME ZONE 'Asia/Shanghai')::date, 'YYYY-MM-DD')`;
const notFound = () => new AppError('NOT_FOUND', { message: '未找到该单位，或您无权查看其统计' });

/** The days of the window, oldest first, as YYYY-MM-DD in China Standard Time. */
function daysBack(days: number): string[] {
  const out: string[] = [];
  const today = Date.now() + 8 * 3600_000;
  for (let i = days - 1; i >= 0; i--) out.push(new Date(today - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

const statsPaths = (p: Person) => [...p.managePaths, ...p.reviewScopes.map((s) => s.path)];

/** The units whose statistics the caller may open: the units of their grants, and the districts and schools below them. */
export async function statsScopes(ctx: AuthedContext) {
  const person = await loadPerson(ctx.db, ctx.actor);
  const paths = [...new Set(statsPaths(person))];
  if (!paths.length) return [];
  const rows = await ctx.db
    .selectFrom('org_units')
    .select(['id', 'name', 'kind', 'path'])
    .where('kind', 'in', ['province', 'city', 'district', 'school', 'teaching_point'])
    .where('archived_at', 'is', null)
    .where((eb) => eb.or(paths.map((p) => eb(sql<boolean>`starts_with(path, ${p})`, '=', true))))
    .orderBy('path')
    .execute();
  return rows.filter((r) => r.kind !== 'teaching_point').map((r) => ({ id: r.id, name: r.name, kind: r.kind }));
}

export async function unitStats(ctx: AuthedContext, q: { unitId?: string; days: number }): Promise<TResourceStats> {
  const person = await loadPerson(ctx.db, ctx.actor);
  const paths = statsPaths(person);
  const unit = q.unitId
    ? await ctx.db.selectFrom('org_units').select(['id', 'name', 'kind', 'path']).where('id', '=', q.unitId).executeTakeFirst()
    : await ctx.db
        .selectFrom('org_units')
        .select(['id', 'name', 'kind', 'path'])
        .where('path', 'in', paths.length ? paths : ['-'])
        .orderBy(sql`length(path)`)
        .limit(1)
        .executeTakeFirst();
  if (!unit || !paths.some((p) => unit.path.startsWith(p))) throw notFound();
  const within = sql<boolean>`starts_with(r.school_path, ${unit.path})`;
  const since = new Date(Date.now() - q.days * 86_400_000);
  const live = ctx.db.selectFrom('resources as r').where('r.deleted_at', 'is', null).where(within);

  const [counts, events, published, byType, bySubject, top] = await Promise.all([
    live
      .select([
        sql<number>`count(*) FILTER (WHERE r.status = 'published')`.as('published'),
        sql<number>`count(*) FILTER (WHERE r.status = 'in_review')`.as('in_review'),
        sql<number>`count(DISTINCT r.owner_id) FILTER (WHERE r.status = 'published')`.as('contributors'),
      ])
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('resource_events as e')
      .innerJoin('resources as r', 'r.id', 'e.resource_id')
      .select([DAY_SQL('e.at').as('day'), 'e.kind', sql<number>`count(*)`.as('n')])
      .where(within)
      .where('e.at', '>=', since)
      .groupBy([sql`1`, 'e.kind'])
      .execute(),
    live
      .select([DAY_SQL('r.published_at').as('day'), sql<number>`count(*)`.as('n')])
      .where('r.status', '=', 'published')
      .where('r.published_at', '>=', since)
      .groupBy(sql`1`)
      .execute(),
    live
      .select(['r.type', sql<number>`count(*)`.as('n')])
      .where('r.status', '=', 'published')
      .groupBy('r.type')
      .execute(),
    live
      .select(['r.subject', sql<number>`count(*)`.as('n')])
      .where('r.status', '=', 'published')
      .groupBy('r.subject')
      .orderBy(sql`count(*)`, 'desc')
      .execute(),
    ctx.db
      .selectFrom('resource_events as e')
      .innerJoin('resources as r', 'r.id', 'e.resource_id')
      .innerJoin('org_units as s', 's.id', 'r.school_id')
      .select(['r.id', 'r.title', 's.name as school_name', sql<number>`count(*)`.as('n')])
      .where(within)
      .where('r.deleted_at', 'is', null)
      .where('e.kind', '=', 'download')
      .where('e.at', '>=', since)
      .groupBy(['r.id', 'r.title', 's.name'])
      .orderBy(sql`count(*)`, 'desc')
      .limit(10)
      .execute(),
  ]);

  const childKind =
    unit.kind === 'city' || unit.kind === 'province' ? ['district'] : unit.kind === 'district' ? ['school', 'teaching_point'] : [];
  const children = childKind.length
    ? await ctx.db
        .selectFrom('org_units as c')
        .select([
          'c.id',
          'c.name',
          (eb) =>
            eb
              .selectFrom('resources as r')
              .select(sql<number>`count(*)`.as('n'))
              .where('r.status', '=', 'published')
              .where('r.deleted_at', 'is', null)
              .where(sql<boolean>`starts_with(r.school_path, c.path)`)
              .as('published'),
          (eb) =>
            eb
              .selectFrom('resources as r')
              .select(sql<number>`count(DISTINCT r.owner_id)`.as('n'))
              .where('r.status', '=', 'published')
              .where('r.deleted_at', 'is', null)
              .where(sql<boolean>`starts_with(r.school_path, c.path)`)
              .as('contributors'),
          (eb) =>
            eb
              .selectFrom('resource_events as e')
              .innerJoin('resources as r', 'r.id', 'e.resource_id')
              .select(sql<number>`count(*)`.as('n'))
              .where('e.kind', '=', 'download')
              .where('e.at', '>=', since)
              .where(sql<boolean>`starts_with(r.school_path, c.path)`)
              .as('downloads'),
        ])
        .where('c.parent_id', '=', unit.id)
        .where('c.kind', 'in', childKind)
        .where('c.archived_at', 'is', null)
        .orderBy('c.path')
        .execute()
    : [];

  const eventsOn = new Map(events.map((e) => [`${e.day}|${e.kind}`, Number(e.n)]));
  const publishedOn = new Map(published.map((p) => [p.day, Number(p.n)]));
  const daily = daysBack(q.days).map((day) => ({
    day,
    downloads: eventsOn.get(`${day}|download`) ?? 0,
    views: eventsOn.get(`${day}|view`) ?? 0,
    published: publishedOn.get(day) ?? 0,
  }));
  const typeCounts = new Map(byType.map((t) => [t.type, Number(t.n)]));
  return {
    scopeName: unit.name,
    totals: {
      published: Number(counts.published),
      inReview: Number(counts.in_review),
      downloads: daily.reduce((s, d) => s + d.downloads, 0),
      views: daily.reduce((s, d) => s + d.views, 0),
      contributors: Number(counts.contributors),
    },
    daily,
    byType: RESOURCE_TYPES.map((type) => ({ type, count: typeCounts.get(type) ?? 0 })),
    bySubject: bySubject.map((s) => ({ subject: s.subject, count: Number(s.n) })),
    byUnit: children.map((c) => ({
      unitId: c.id,
      name: c.name,
      published: Number(c.published ?? 0),
      downloads: Number(c.downloads ?? 0),
      contributors: Number(c.contributors ?? 0),
    })),
    topResources: top.map((t) => ({ id: t.id, title: t.title, schoolName: t.school_name, downloads: Number(t.n) })),
  };
}

/** One resource's use over the last 30 days, for its author and those who manage or review its school. */
export async function resourceUsage(ctx: AuthedContext, id: string) {
  const { r, person } = await readableResource(ctx, id);
  const allowed =
    r.owner_id === ctx.actor.userId || manages(person, r) || person.reviewScopes.some((s) => r.school_path.startsWith(s.path));
  if (!allowed) throw new AppError('FORBIDDEN', { message: '只有作者和学校、上级管理员可以查看使用统计' });
  const since = new Date(Date.now() - 30 * 86_400_000);
  const [events, bySchool] = await Promise.all([
    ctx.db
      .selectFrom('resource_events as e')
      .select([DAY_SQL('e.at').as('day'), 'e.kind', sql<number>`count(*)`.as('n')])
      .where('e.resource_id', '=', id)
      .where('e.at', '>=', since)
      .groupBy([sql`1`, 'e.kind'])
      .execute(),
    ctx.db
      .selectFrom('resource_events as e')
      .leftJoin('org_units as s', (j) => j.on(sql<boolean>`s.path = e.viewer_school_path`))
      .select([sql<string>`coalesce(s.name, '未登录访客或教育局')`.as('school_name'), sql<number>`count(*)`.as('n')])
      .where('e.resource_id', '=', id)
      .where('e.kind', '=', 'download')
      .groupBy(sql`1`)
      .orderBy(sql`count(*)`, 'desc')
      .limit(12)
      .execute(),
  ]);
  const on = new Map(events.map((e) => [`${e.day}|${e.kind}`, Number(e.n)]));
  return {
    totals: { downloads: r.download_count, views: r.view_count, favourites: r.favourite_count, ratings: r.rating_count },
    daily: daysBack(30).map((day) => ({ day, downloads: on.get(`${day}|download`) ?? 0, views: on.get(`${day}|view`) ?? 0 })),
    bySchool: bySchool.map((s) => ({ schoolName: s.school_name, downloads: Number(s.n) })),
  };
}
