import { z } from 'zod';
import { SUBJECTS } from '../domain.ts';
import { ZId } from './common.ts';
import { ZGradeLevel, ZSubject } from './org.ts';

/** 资源类型: what a resource is. */
export const RESOURCE_TYPES = ['courseware', 'lesson_plan', 'study_guide', 'micro_lesson', 'exam_paper', 'media', 'exercise_set'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export const RESOURCE_TYPE_NAMES: Record<ResourceType, string> = {
  courseware: '课件',
  lesson_plan: '教案',
  study_guide: '学案',
  micro_lesson: '微课',
  exam_paper: '试卷',
  media: '素材',
  exercise_set: '习题集',
};

/** 册: the half-year volume of a textbook. */
export const TERMS = ['first', 'second'] as const;
export type Term = (typeof TERMS)[number];
export const TERM_NAMES: Record<Term, string> = { first: '上册', second: '下册' };

/** 教材版本. */
export const EDITIONS = ['pep', 'bnu', 'jiangsu', 'qingdao', 'fltrp', 'hebei'] as const;
export type Edition = (typeof EDITIONS)[number];
export const EDITION_NAMES: Record<Edition, string> = {
  pep: '人教版',
  bnu: '北师大版',
  jiangsu: '苏教版',
  qingdao: '青岛版',
  fltrp: '外研版',
  hebei: '冀教版',
};

/** 资源级别: the level a resource comes from. */
export const RESOURCE_LEVELS = ['national', 'provincial', 'city', 'district', 'school'] as const;
export type ResourceLevel = (typeof RESOURCE_LEVELS)[number];
export const RESOURCE_LEVEL_NAMES: Record<ResourceLevel, string> = {
  national: '国家级',
  provincial: '省级',
  city: '市级',
  district: '区县级',
  school: '校级',
};

export const LICENCES = ['cc-by', 'cc-by-sa', 'cc-by-nc', 'cc-by-nc-sa', 'platform', 'all-rights-reserved'] as const;
export type Licence = (typeof LICENCES)[number];
export const LICENCE_NAMES: Record<Licence, string> = {
  'cc-by': '知识共享 署名 (CC BY 4.0)',
  'cc-by-sa': '知识共享 署名-相同方式共享 (CC BY-SA 4.0)',
  'cc-by-nc': '知识共享 署名-非商业性使用 (CC BY-NC 4.0)',
  'cc-by-nc-sa': '知识共享 署名-非商业性使用-相同方式共享 (CC BY-NC-SA 4.0)',
  platform: '平台内共享（仅限教学使用）',
  'all-rights-reserved': '保留所有权利',
};

/** 名师 / 名校 / 名课 marks (四名资源). */
export const RESOURCE_MARKS = ['famous_teacher', 'famous_school', 'famous_lesson'] as const;
export type ResourceMark = (typeof RESOURCE_MARKS)[number];
export const RESOURCE_MARK_NAMES: Record<ResourceMark, string> = {
  famous_teacher: '名师',
  famous_school: '名校',
  famous_lesson: '名课',
};

export const RESOURCE_STATUSES = ['draft', 'in_review', 'returned', 'published', 'withdrawn'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];
export const RESOURCE_STATUS_NAMES: Record<ResourceStatus, string> = {
  draft: '草稿',
  in_review: '审核中',
  returned: '已退回',
  published: '已发布',
  withdrawn: '已撤回',
};

/** Who may see a published resource: the owner's school, district, city, or everyone (no login). */
export const AUDIENCES = ['school', 'district', 'city', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const AUDIENCE_NAMES: Record<Audience, string> = { school: '本校', district: '本区县', city: '本市', public: '公开（无需登录）' };

/** Review levels, bottom up; which of them a resource passes depends on its audience and the configured levels. */
export const REVIEW_LEVELS = ['school', 'district', 'city'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];
export const REVIEW_LEVEL_NAMES: Record<ReviewLevel, string> = { school: '学校审核', district: '区县审核', city: '市级审核' };

export const PUSH_STATUSES = ['queued', 'sent', 'failed', 'cancelled'] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];
export const PUSH_STATUS_NAMES: Record<PushStatus, string> = { queued: '待报送', sent: '已报送', failed: '报送失败', cancelled: '已取消' };

/** File kinds a resource type accepts, by extension (lower case, no dot). */
export const RESOURCE_FILE_EXTENSIONS: Record<ResourceType, readonly string[]> = {
  courseware: ['pptx', 'pdf', 'ppt', 'key'],
  lesson_plan: ['docx', 'pdf', 'doc', 'txt'],
  study_guide: ['docx', 'pdf', 'doc', 'txt'],
  micro_lesson: ['mp4', 'webm', 'mov', 'm4v'],
  exam_paper: ['docx', 'pdf', 'doc'],
  media: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'mp3', 'wav', 'm4a', 'ogg'],
  exercise_set: ['docx', 'pdf', 'doc', 'xlsx', 'txt'],
};

export const RESOURCE_LIMITS = {
  /** Largest file: a 微课 video of a school period at good quality. */
  maxFileBytes: 2 * 1024 * 1024 * 1024,
  /** Chunks of an upload; the last may be shorter. S3 multipart parts must be ≥ 5 MiB, so the same size serves both. */
  chunkBytes: 5 * 1024 * 1024,
} as const;

const ZTags = (what: string) =>
  z
    .array(z.string().trim().min(1, `${what}不能为空`).max(32, `${what}不超过 32 个字`))
    .max(20, `${what}最多 20 个`)
    .default([]);

export const ZResourceInput = z.object({
  type: z.enum(RESOURCE_TYPES, { message: '请选择资源类型' }),
  title: z.string().trim().min(2, '标题至少 2 个字').max(80, '标题不超过 80 个字'),
  description: z.string().trim().max(2000, '简介不超过 2000 个字').default(''),
  subject: ZSubject,
  gradeLevel: ZGradeLevel,
  term: z.enum(TERMS, { message: '请选择上册或下册' }),
  edition: z.enum(EDITIONS, { message: '请选择教材版本' }),
  unitId: ZId.nullable().default(null),
  knowledgePoints: ZTags('知识点'),
  keywords: ZTags('关键词'),
  authorName: z.string().trim().max(32, '作者不超过 32 个字').optional(),
  level: z.enum(RESOURCE_LEVELS, { message: '请选择资源级别' }).default('school'),
  licence: z.enum(LICENCES, { message: '请选择授权方式' }).default('platform'),
  audience: z.enum(AUDIENCES, { message: '请选择发布范围' }).default('school'),
  /** A completed upload (its id), or null for a resource without a file yet. */
  uploadId: ZId.nullable().default(null),
});
export type TResourceInput = z.infer<typeof ZResourceInput>;
export const ZUpdateResourceRequest = ZResourceInput.partial();
export type TUpdateResourceRequest = z.infer<typeof ZUpdateResourceRequest>;

export const ZResourceFile = z.object({
  name: z.string(),
  size: z.number(),
  mime: z.string(),
  hash: z.string(),
  preview: z.enum(['pdf', 'image', 'audio', 'video', 'none']),
});
export type TResourceFile = z.infer<typeof ZResourceFile>;
export const ZResource = z.object({
  id: z.string(),
  type: z.enum(RESOURCE_TYPES),
  title: z.string(),
  description: z.string(),
  subject: z.string(),
  gradeLevel: z.number().int(),
  term: z.enum(TERMS),
  edition: z.enum(EDITIONS),
  unit: z.object({ id: z.string(), title: z.string(), path: z.array(z.string()) }).nullable(),
  knowledgePoints: z.array(z.string()),
  keywords: z.array(z.string()),
  authorName: z.string(),
  /** The author's account, for the author and the resource's reviewers and managers; null for other readers. */
  ownerId: z.string().nullable(),
  schoolId: z.string(),
  schoolName: z.string(),
  districtName: z.string(),
  level: z.enum(RESOURCE_LEVELS),
  licence: z.enum(LICENCES),
  marks: z.array(z.enum(RESOURCE_MARKS)),
  audience: z.enum(AUDIENCES),
  status: z.enum(RESOURCE_STATUSES),
  reviewLevels: z.array(z.enum(REVIEW_LEVELS)),
  currentReviewLevel: z.enum(REVIEW_LEVELS).nullable(),
  returnReason: z.string().nullable(),
  file: ZResourceFile.nullable(),
  downloadCount: z.number().int(),
  viewCount: z.number().int(),
  favouriteCount: z.number().int(),
  ratingAverage: z.number().nullable(),
  ratingCount: z.number().int(),
  commentCount: z.number().int(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  push: z.object({ status: z.enum(PUSH_STATUSES), requestedAt: z.string() }).nullable(),
  me: z.object({ isFavourite: z.boolean(), rating: z.number().int().nullable() }).nullable(),
  policies: z.object({
    canEdit: z.boolean(),
    canSubmit: z.boolean(),
    canWithdraw: z.boolean(),
    canDelete: z.boolean(),
    canReview: z.boolean(),
    canPush: z.boolean(),
    canMark: z.boolean(),
  }),
});
export type TResource = z.infer<typeof ZResource>;

/** A card in a list: what a list shows without the per-user parts. */
export const ZResourceSummary = ZResource.pick({
  id: true,
  type: true,
  title: true,
  subject: true,
  gradeLevel: true,
  term: true,
  edition: true,
  authorName: true,
  schoolName: true,
  level: true,
  marks: true,
  audience: true,
  status: true,
  currentReviewLevel: true,
  downloadCount: true,
  ratingAverage: true,
  ratingCount: true,
  publishedAt: true,
  updatedAt: true,
}).extend({ unitTitle: z.string().nullable(), fileName: z.string().nullable() });
export type TResourceSummary = z.infer<typeof ZResourceSummary>;

export const ZListResourcesQuery = z.object({
  subject: ZSubject.optional(),
  gradeLevel: ZGradeLevel.optional(),
  term: z.enum(TERMS).optional(),
  edition: z.enum(EDITIONS).optional(),
  type: z.enum(RESOURCE_TYPES).optional(),
  level: z.enum(RESOURCE_LEVELS).optional(),
  unitId: ZId.optional(),
  mark: z.enum(RESOURCE_MARKS).optional(),
  schoolId: ZId.optional(),
  q: z.string().trim().max(64).optional(),
  sort: z.enum(['latest', 'popular', 'rating']).default('latest'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TListResourcesQuery = z.infer<typeof ZListResourcesQuery>;
export const ZMyResourcesQuery = z.object({
  status: z.enum(RESOURCE_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

// uploads
export const ZCreateUploadRequest = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, '请提供文件名')
    .max(200, '文件名不超过 200 个字')
    .refine((n) => /\.[A-Za-z0-9]{1,5}$/.test(n), '文件名需要扩展名'),
  size: z.coerce
    .number()
    .int()
    .min(1, '文件不能为空')
    .max(RESOURCE_LIMITS.maxFileBytes, `文件不超过 ${RESOURCE_LIMITS.maxFileBytes / 1024 ** 3} GB`),
  mime: z.string().trim().max(100).default('application/octet-stream'),
});
export const ZUpload = z.object({
  id: z.string(),
  fileName: z.string(),
  size: z.number(),
  received: z.number(),
  chunkSize: z.number(),
  status: z.enum(['open', 'complete']),
  file: ZResourceFile.nullable(),
  /** True when the same content was already stored: nothing more had to be kept. */
  deduplicated: z.boolean(),
});
export type TUpload = z.infer<typeof ZUpload>;
export const ZUploadChunkQuery = z.object({ offset: z.coerce.number().int().min(0, '偏移量不能为负') });

// workflow
/** 名师 / 名校 / 名课 are given by the bureau or school, not claimed by the author. */
export const ZSetMarksRequest = z.object({ marks: z.array(z.enum(RESOURCE_MARKS)).max(3) });
export const ZReturnRequest = z.object({ reason: z.string().trim().min(2, '请写明退回原因').max(500, '退回原因不超过 500 个字') });
export const ZApproveRequest = z.object({ comment: z.string().trim().max(500).default('') });
export const ZSafetyHit = z.object({
  word: z.string(),
  category: z.string(),
  field: z.enum(['title', 'description', 'text', 'keywords']),
  offset: z.number().int(),
  before: z.string(),
  after: z.string(),
});
export type TSafetyHit = z.infer<typeof ZSafetyHit>;
export const ZDuplicateMatch = z.object({
  resourceId: z.string(),
  title: z.string(),
  schoolName: z.string(),
  status: z.enum(RESOURCE_STATUSES),
  similarity: z.number(),
  sameFile: z.boolean(),
});
export type TDuplicateMatch = z.infer<typeof ZDuplicateMatch>;
export const ZScreening = z.object({
  id: z.string(),
  createdAt: z.string(),
  safetyHits: z.array(ZSafetyHit),
  duplicates: z.array(ZDuplicateMatch),
  isFlagged: z.boolean(),
  textLength: z.number().int(),
});
export type TScreening = z.infer<typeof ZScreening>;
export const ZReviewStep = z.object({
  id: z.string(),
  action: z.enum(['submit', 'screen', 'approve', 'return', 'publish', 'withdraw']),
  level: z.enum(REVIEW_LEVELS).nullable(),
  actorName: z.string().nullable(),
  comment: z.string(),
  createdAt: z.string(),
});
export const ZReviewDetail = z.object({
  resource: ZResource,
  screening: ZScreening.nullable(),
  steps: z.array(ZReviewStep),
});
export type TReviewDetail = z.infer<typeof ZReviewDetail>;
export const ZReviewSettings = z.object({
  levels: z
    .array(z.enum(REVIEW_LEVELS))
    .min(1, '至少保留一级审核')
    .refine((l) => new Set(l).size === l.length, '审核级别不能重复'),
  /** Similarity (0–1) from which a match counts as a near-duplicate and is flagged. */
  duplicateThreshold: z.number().min(0.5, '阈值不低于 0.5').max(1, '阈值不超过 1'),
});
export type TReviewSettings = z.infer<typeof ZReviewSettings>;

// curriculum catalogue
export const ZCurriculumNode = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['unit', 'lesson']),
  seq: z.number().int(),
  children: z.array(z.object({ id: z.string(), title: z.string(), kind: z.enum(['unit', 'lesson']), seq: z.number().int() })),
});
export const ZCurriculumQuery = z.object({
  edition: z.enum(EDITIONS, { message: '请选择教材版本' }),
  subject: ZSubject,
  gradeLevel: ZGradeLevel,
  term: z.enum(TERMS, { message: '请选择上册或下册' }),
});
export const ZCurriculumBook = z.object({
  edition: z.enum(EDITIONS),
  subject: ZSubject,
  gradeLevel: ZGradeLevel,
  term: z.enum(TERMS),
  units: z
    .array(
      z.object({
        title: z.string().trim().min(1, '单元名称不能为空').max(80),
        lessons: z.array(z.string().trim().min(1, '课名不能为空').max(80)).default([]),
      }),
    )
    .min(1, '每册至少一个单元'),
});
export type TCurriculumBook = z.infer<typeof ZCurriculumBook>;
export const ZCurriculumImportRequest = z.object({ books: z.array(ZCurriculumBook).min(1, '没有可导入的教材').max(500) });
export const ZCurriculumImportResult = z.object({ books: z.number().int(), units: z.number().int(), lessons: z.number().int() });
export const ZCurriculumBookSummary = z.object({
  edition: z.enum(EDITIONS),
  subject: z.string(),
  gradeLevel: z.number().int(),
  term: z.enum(TERMS),
  units: z.number().int(),
  lessons: z.number().int(),
});

// sensitive words
export const ZSensitiveWord = z.object({
  id: z.string(),
  word: z.string(),
  category: z.string(),
  isEnabled: z.boolean(),
  source: z.enum(['lexicon', 'admin']),
  createdAt: z.string(),
});
export const ZSensitiveWordsQuery = z.object({
  q: z.string().trim().max(32).optional(),
  category: z.string().trim().max(32).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZAddSensitiveWordsRequest = z.object({
  words: z
    .array(z.string().trim().min(2, '敏感词至少 2 个字').max(32, '敏感词不超过 32 个字'))
    .min(1, '请至少填写一个词')
    .max(1000, '一次最多 1000 个词'),
  category: z.string().trim().min(1, '请填写类别').max(32).default('自定义'),
});
export const ZUpdateSensitiveWordRequest = z.object({ isEnabled: z.boolean() });
export const ZScanTextRequest = z.object({ text: z.string().max(20000, '文本不超过 20000 字') });

// social: favourites, ratings, comments, collections
export const ZRateRequest = z.object({
  stars: z.coerce.number().int().min(1, '评分为 1–5 星').max(5, '评分为 1–5 星'),
});
export const ZCommentRequest = z.object({ body: z.string().trim().min(2, '评论至少 2 个字').max(500, '评论不超过 500 个字') });
export const ZComment = z.object({
  id: z.string(),
  authorName: z.string(),
  authorSchool: z.string(),
  body: z.string(),
  /** A comment with listed words is held: only its author and the resource's moderators see it, until one publishes it. */
  status: z.enum(['published', 'held']),
  /** The words that held it, in context (for its author and moderators; empty otherwise). */
  hits: z.array(ZSafetyHit),
  createdAt: z.string(),
  canDelete: z.boolean(),
  canPublish: z.boolean(),
});
export type TComment = z.infer<typeof ZComment>;
export const ZCommentList = z.object({ items: z.array(ZComment), total: z.number().int(), canModerate: z.boolean() });
export const ZFavouriteState = z.object({ isFavourite: z.boolean(), favouriteCount: z.number().int() });
export const ZRatingState = z.object({ stars: z.number().int(), ratingAverage: z.number().nullable(), ratingCount: z.number().int() });
export const ZForMeResponse = z.object({
  /** The subjects and grades the teacher teaches (from their class assignments), or their school subjects. */
  pairs: z.array(z.object({ subject: z.string(), gradeLevel: z.number().int().nullable() })),
  items: z.array(ZResourceSummary),
});
export const ZCatalogueCountsQuery = ZListResourcesQuery.pick({
  subject: true,
  gradeLevel: true,
  term: true,
  edition: true,
  type: true,
  mark: true,
});
export const ZCatalogueCounts = z.object({
  total: z.number().int(),
  units: z.array(z.object({ unitId: z.string(), count: z.number().int() })),
});

export const COLLECTION_KINDS = ['directory', 'collection'] as const;
export const COLLECTION_KIND_NAMES: Record<(typeof COLLECTION_KINDS)[number], string> = { directory: '资源目录', collection: '专题合集' };
export const ZCollectionInput = z.object({
  kind: z.enum(COLLECTION_KINDS).default('collection'),
  title: z.string().trim().min(2, '名称至少 2 个字').max(60, '名称不超过 60 个字'),
  description: z.string().trim().max(1000).default(''),
  subject: ZSubject.nullable().default(null),
  gradeLevel: ZGradeLevel.nullable().default(null),
  /** A community (共同体) or other group the directory serves, by name. */
  community: z.string().trim().max(60).default(''),
  audience: z.enum(AUDIENCES).default('school'),
});
export type TCollectionInput = z.infer<typeof ZCollectionInput>;
export const ZCollection = z.object({
  id: z.string(),
  kind: z.enum(COLLECTION_KINDS),
  title: z.string(),
  description: z.string(),
  subject: z.string().nullable(),
  gradeLevel: z.number().int().nullable(),
  community: z.string(),
  audience: z.enum(AUDIENCES),
  ownerName: z.string(),
  schoolName: z.string(),
  itemCount: z.number().int(),
  updatedAt: z.string(),
  canEdit: z.boolean(),
});
export const ZCollectionDetail = ZCollection.extend({
  items: z.array(ZResourceSummary.extend({ note: z.string() })),
});
export type TCollection = z.infer<typeof ZCollection>;
export type TCollectionDetail = z.infer<typeof ZCollectionDetail>;
export const ZCollectionItemRequest = z.object({ resourceId: ZId, note: z.string().trim().max(200).default('') });
export const ZListCollectionsQuery = z.object({
  kind: z.enum(COLLECTION_KINDS).optional(),
  subject: ZSubject.optional(),
  gradeLevel: ZGradeLevel.optional(),
  community: z.string().trim().max(60).optional(),
  mine: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const ZUpdateCollectionRequest = ZCollectionInput.partial();
export const ZCollectionItemParams = z.object({ id: ZId, resourceId: ZId });
/** The items of a collection in their new order (each once); items left out keep their order after these. */
export const ZCollectionOrderRequest = z.object({
  resourceIds: z
    .array(ZId)
    .min(1, '请给出资源的新顺序')
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, { message: '同一资源只能出现一次' }),
});

// statistics
export const ZResourceStatsQuery = z.object({
  unitId: ZId.optional(),
  days: z.coerce.number().int().min(7, '统计天数为 7–365').max(365, '统计天数为 7–365').default(30),
});
/** The units whose statistics the caller may open (their own and those below). */
export const ZStatsScope = z.object({ id: z.string(), name: z.string(), kind: z.string() });
export const ZResourceStats = z.object({
  scopeName: z.string(),
  totals: z.object({
    published: z.number().int(),
    inReview: z.number().int(),
    downloads: z.number().int(),
    views: z.number().int(),
    contributors: z.number().int(),
  }),
  daily: z.array(z.object({ day: z.string(), downloads: z.number().int(), views: z.number().int(), published: z.number().int() })),
  byType: z.array(z.object({ type: z.enum(RESOURCE_TYPES), count: z.number().int() })),
  bySubject: z.array(z.object({ subject: z.string(), count: z.number().int() })),
  byUnit: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      published: z.number().int(),
      downloads: z.number().int(),
      contributors: z.number().int(),
    }),
  ),
  topResources: z.array(z.object({ id: z.string(), title: z.string(), schoolName: z.string(), downloads: z.number().int() })),
});
export type TResourceStats = z.infer<typeof ZResourceStats>;
export const ZResourceUsage = z.object({
  totals: z.object({ downloads: z.number().int(), views: z.number().int(), favourites: z.number().int(), ratings: z.number().int() }),
  daily: z.array(z.object({ day: z.string(), downloads: z.number().int(), views: z.number().int() })),
  bySchool: z.array(z.object({ schoolName: z.string(), downloads: z.number().int() })),
});

// push upward
export const ZPushItem = z.object({
  id: z.string(),
  resourceId: z.string(),
  title: z.string(),
  schoolName: z.string(),
  status: z.enum(PUSH_STATUSES),
  requestedBy: z.string(),
  requestedAt: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export type TPushItem = z.infer<typeof ZPushItem>;
export const ZPushQueueQuery = z.object({
  status: z.enum(PUSH_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** The subjects a resource may carry (the school subjects). */
export const RESOURCE_SUBJECTS = SUBJECTS;
