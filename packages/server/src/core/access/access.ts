import type { Permission } from '@qiming/shared';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor, AuthedContext, RequestContext } from '../context.ts';
import type { DbOrTx } from '../db/database.ts';
import { AppError } from '../errors.ts';

/** The kinds of object a route can name, each resolved to where it sits in the organisation tree. */
export type ScopeKind = 'org' | 'student' | 'user' | 'import' | 'grant' | 'app' | 'upstream_link';

/**
 * Where an object sits: its organisation path, and for a student the guardians who may reach it
 * and the student themself. `null` means no such object.
 */
export type ScopeTarget = { path: string; studentId?: string; guardianIds?: string[]; userId?: string };
type Resolver = (db: DbOrTx, id: string) => Promise<ScopeTarget | null>;

const resolvers = new Map<ScopeKind, Resolver>();

/** Modules register how to place their objects in the tree (called from their index.ts). */
export function registerScopeResolver(kind: ScopeKind, resolve: Resolver): void {
  resolvers.set(kind, resolve);
}

export function requireActor(ctx: RequestContext): asserts ctx is AuthedContext {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED');
}

/** The active role must hold the permission (or, given a list, any one of them). */
export function requirePermission(ctx: RequestContext, permission: Permission | Permission[]): asserts ctx is AuthedContext {
  requireActor(ctx);
  const wanted = Array.isArray(permission) ? permission : [permission];
  if (!wanted.some((p) => ctx.actor!.permissions.has(p))) throw new AppError('FORBIDDEN');
}

export const hasPermission = (actor: Actor | null, permission: Permission): boolean => !!actor && actor.permissions.has(permission);

/** Whether one of the actor's active grants covers an organisation path. */
export function coversPath(actor: Actor, path: string): boolean {
  return actor.grants.some((g) => g.scopePath !== null && path.startsWith(g.scopePath));
}

/** Whether the actor may act on the target: by subtree, as its guardian, or as the student. */
export function coversTarget(actor: Actor, target: ScopeTarget): boolean {
  if (actor.role === 'parent') return !!target.guardianIds?.includes(actor.userId);
  if (actor.role === 'student') return target.studentId === actor.userId || target.userId === actor.userId;
  return coversPath(actor, target.path);
}

/**
 * Throws NOT_FOUND when the object does not exist or lies outside the actor's scope: both look
 * the same, so nobody learns what exists in another school.
 */
export async function assertInScope(ctx: AuthedContext, kind: ScopeKind, id: string, db: DbOrTx = ctx.db): Promise<ScopeTarget> {
  const resolve = resolvers.get(kind);
  if (!resolve) throw new Error(`No scope resolver for ${kind}`);
  const target = UUID_RE.test(id) ? await resolve(db, id) : null;
  if (!target || !coversTarget(ctx.actor, target)) throw new AppError('NOT_FOUND');
  return target;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one way a repository limits rows to the actor's subtrees: `path` must start with one of the
 * grant paths. An actor with no path grant matches nothing.
 */
export function pathInScope(actor: Actor, pathColumn: Expression<string> | string): Expression<SqlBool> {
  const prefixes = actor.grants.map((g) => g.scopePath).filter((p): p is string => !!p);
  const col = typeof pathColumn === 'string' ? sql.ref(pathColumn) : pathColumn;
  if (prefixes.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    prefixes.map((p) => sql`${col} LIKE ${escapeLike(p) + '%'}`),
    sql` OR `,
  )})`;
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
