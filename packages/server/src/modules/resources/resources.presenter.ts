import type { TResource, TResourceSummary } from '@qiming/shared';
import { previewKind } from './files.ts';
import { currentLevel, policiesFor, readsAsStaff, type Person } from './resources.policy.ts';
import type { ResourceRowFull } from './resources.repository.ts';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
const average = (r: ResourceRowFull): number | null => (r.rating_count ? Math.round((r.rating_sum / r.rating_count) * 10) / 10 : null);
const unitPath = (r: ResourceRowFull): string[] => [r.unit_parent_title, r.unit_title].filter((t): t is string => !!t);

export function presentResource(r: ResourceRowFull, person: Person, me: { isFavourite: boolean; rating: number | null } | null): TResource {
  return {
    id: r.id,
    type: r.type as TResource['type'],
    title: r.title,
    description: r.description,
    subject: r.subject,
    gradeLevel: r.grade_level,
    term: r.term as TResource['term'],
    edition: r.edition as TResource['edition'],
    unit: r.unit_id && r.unit_title ? { id: r.unit_id, title: r.unit_title, path: unitPath(r) } : null,
    knowledgePoints: r.knowledge_points,
    keywords: r.keywords,
    authorName: r.author_name,
    // an account id is no business of every reader (visitors included)
    ownerId: readsAsStaff(person, r) ? r.owner_id : null,
    schoolId: r.school_id,
    schoolName: r.school_name,
    districtName: r.district_name,
    level: r.level as TResource['level'],
    licence: r.licence as TResource['licence'],
    marks: r.marks as TResource['marks'],
    audience: r.audience as TResource['audience'],
    status: r.status as TResource['status'],
    reviewLevels: r.review_levels as TResource['reviewLevels'],
    currentReviewLevel: currentLevel(r),
    returnReason: r.status === 'returned' ? r.return_reason : null,
    file:
      r.file_hash && r.file_mime
        ? { name: r.file_name ?? '', size: Number(r.file_size), mime: r.file_mime, hash: r.file_hash, preview: previewKind(r.file_mime) }
        : null,
    downloadCount: r.download_count,
    viewCount: r.view_count,
    favouriteCount: r.favourite_count,
    ratingAverage: average(r),
    ratingCount: r.rating_count,
    commentCount: r.comment_count,
    publishedAt: iso(r.published_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    // the push queue is the school's and bureau's business, not every reader's
    push:
      r.push_status && readsAsStaff(person, r)
        ? { status: r.push_status as NonNullable<TResource['push']>['status'], requestedAt: iso(r.push_requested_at)! }
        : null,
    me,
    policies: policiesFor(person, r),
  };
}

export const presentSummary = (r: ResourceRowFull): TResourceSummary => ({
  id: r.id,
  type: r.type as TResourceSummary['type'],
  title: r.title,
  subject: r.subject,
  gradeLevel: r.grade_level,
  term: r.term as TResourceSummary['term'],
  edition: r.edition as TResourceSummary['edition'],
  authorName: r.author_name,
  schoolName: r.school_name,
  level: r.level as TResourceSummary['level'],
  marks: r.marks as TResourceSummary['marks'],
  audience: r.audience as TResourceSummary['audience'],
  status: r.status as TResourceSummary['status'],
  currentReviewLevel: currentLevel(r),
  downloadCount: r.download_count,
  ratingAverage: average(r),
  ratingCount: r.rating_count,
  publishedAt: iso(r.published_at),
  updatedAt: iso(r.updated_at)!,
  unitTitle: r.unit_title ?? null,
  fileName: r.file_name,
});
