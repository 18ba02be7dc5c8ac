import type { ReviewLevel, TResource } from '@qiming/shared';
import { hasPermission } from '../../core/access/access.ts';
import type { Actor } from '../../core/context.ts';
import type { DbOrTx } from '../../core/db/database.ts';

/** The unit kinds whose administrators review at each level. */
export const LEVEL_UNIT_KINDS: Record<ReviewLevel, string[]> = {
  school: ['school', 'teaching_point'],
  district: ['district'],
  city: ['city', 'province'],
};

/**
 * What the person may do in the resource centre: what they see (the visibility rule), where they
 * review (a level and the subtree of a school, district or city grant) and where they manage.
 */
export type Person = {
  actor: Actor | null;
  reviewScopes: { level: ReviewLevel; path: string }[];
  managePaths: string[];
};

export async function loadPerson(db: DbOrTx, actor: Actor | null): Promise<Person> {
  if (!actor) return { actor, reviewScopes: [], managePaths: [] };
  const pathGrants = actor.grants.filter((g) => g.scopePath && g.scopeId);
  let reviewScopes: Person['reviewScopes'] = [];
  if (hasPermission(actor, 'resource.review') && pathGrants.length) {
    const units = await db
      .selectFrom('org_units')
      .select(['id', 'kind', 'path'])
      .where(
        'id',
        'in',
        pathGrants.map((g) => g.scopeId!),
      )
      .execute();
    reviewScopes = units.flatMap((u) =>
      (Object.keys(LEVEL_UNIT_KINDS) as ReviewLevel[])
        .filter((l) => LEVEL_UNIT_KINDS[l].includes(u.kind))
        .map((level) => ({ level, path: u.path })),
    );
  }
  const managePaths = hasPermission(actor, 'resource.manage') ? pathGrants.map((g) => g.scopePath!) : [];
  return { actor, reviewScopes, managePaths };
}

type PolicyRow = {
  owner_id: string;
  status: string;
  school_path: string;
  audience: string;
  visible_path: string | null;
  review_levels: string[];
  review_index: number;
  file_hash: string | null;
};

export const currentLevel = (r: Pick<PolicyRow, 'status' | 'review_levels' | 'review_index'>): ReviewLevel | null =>
  r.status === 'in_review' ? ((r.review_levels[r.review_index] as ReviewLevel | undefined) ?? null) : null;

export const manages = (p: Person, r: Pick<PolicyRow, 'school_path'>): boolean => p.managePaths.some((m) => r.school_path.startsWith(m));

/** A reviewer at the resource's current level whose scope holds its school; never the author. */
export function reviews(p: Person, r: PolicyRow): boolean {
  const level = currentLevel(r);
  if (!level || !p.actor || p.actor.userId === r.owner_id) return false;
  return p.reviewScopes.some((s) => s.level === level && r.school_path.startsWith(s.path));
}

/** Any reviewer whose scope holds the school (to read a resource's review history, at any level). */
const reviewsSomewhere = (p: Person, r: PolicyRow): boolean => p.reviewScopes.some((s) => r.school_path.startsWith(s.path));

/** Read access apart from the visibility rule: the author, and reviewers or managers of its school once submitted. */
export function readsAsStaff(p: Person, r: PolicyRow): boolean {
  if (p.actor && p.actor.userId === r.owner_id) return true;
  return r.status !== 'draft' && (reviewsSomewhere(p, r) || manages(p, r));
}

export function policiesFor(p: Person, r: PolicyRow): TResource['policies'] {
  const isOwner = !!p.actor && p.actor.userId === r.owner_id;
  const editable = ['draft', 'returned', 'withdrawn'].includes(r.status);
  const canManage = manages(p, r);
  return {
    canEdit: isOwner && editable,
    canSubmit: isOwner && editable && !!r.file_hash,
    canWithdraw: (isOwner && ['in_review', 'published'].includes(r.status)) || (canManage && r.status === 'published'),
    canDelete: (isOwner && editable) || (canManage && r.status !== 'in_review'),
    canReview: reviews(p, r),
    canPush: canManage && r.status === 'published',
    canMark: canManage && r.status === 'published',
  };
}
