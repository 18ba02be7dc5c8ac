import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REVIEW_LEVEL_NAMES, RESOURCE_TYPES, type Audience, type ResourceMark, type ResourceType, type ReviewLevel } from '@qiming/shared';
import { sql, type Insertable } from 'kysely';
import type { AppContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import type { DB } from '../../../core/db/schema.ts';
import { notify } from '../../notify/index.ts';
import { indexDocuments } from '../../search/index.ts';
import { mimeOf } from '../files.ts';
import { buildSearchDocument } from '../indexing.ts';
import { simhash } from '../screening/simhash.ts';
import { screenResource } from '../screening/screening.service.ts';
import { reviewChain } from '../workflow.service.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../screening/screening.service.ts';
import {
  AUDIENCE_WEIGHTS,
  compose,
  DEMO_COMMENTS,
  DEMO_MELODIES,
  int,
  MARK_WEIGHTS,
  pick,
  seeded,
  weighted,
  type CatalogueUnit,
  type Composed,
  type Plan,
  type Rng,
} from './demo-catalogue.ts';
import {
  buildPdfFont,
  docxDocument,
  fractionBarPng,
  fractionCirclePng,
  melodyWav,
  pdfDocument,
  plainText,
  pptxDocument,
  tagMp4,
  tianzigePng,
} from './documents.ts';

/**
 * The demo resource centre: about two hundred resources of every type on the shipped curriculum,
 * by teachers of the demo schools, published to their school, district, the city or everyone;
 * some marked 名师 / 名校 / 名课; with real files (PDF, .docx, .pptx, PNG, WAV, MP4), search
 * index entries, review histories, usage, ratings, comments and favourites. A few wait for
 * review (one with a sensitive word, one a near-copy of a published one) so the demo reviewers
 * have a queue, and the demo teacher t11005 has drafts and a returned resource.
 */

const DAY = 86_400_000;
const ASSETS = path.join(import.meta.dirname, 'assets');
const BATCH = 2000;

type Teacher = { id: string; username: string; name: string; subjects: string[]; schoolId: string; schoolPath: string; schoolName: string };
type Grant = { userId: string; role: string; unitId: string; unitKind: string; unitPath: string };
type Seeded = Composed & {
  id: string;
  plan: Plan;
  author: Teacher;
  audience: Audience;
  marks: ResourceMark[];
  status: 'published' | 'in_review' | 'returned' | 'draft' | 'withdrawn';
  chain: ReviewLevel[];
  reviewIndex: number;
  returnReason: string | null;
  file: { name: string; data: Buffer; text: string } | null;
  createdAt: Date;
  publishedAt: Date | null;
  level: 'school' | 'district' | 'city';
};

/**
 * Inserts many rows in a few statements: each batch travels as one JSON parameter and becomes
 * rows of the table's own type (json_populate_recordset), far cheaper than thousands of bound
 * parameters on the embedded database. Columns missing from the first row keep their defaults.
 */
async function insertMany<T extends keyof DB>(tx: Tx, table: T, rows: Insertable<DB[T]>[]): Promise<void> {
  if (!rows.length) return;
  const cols = sql.join(Object.keys(rows[0]).map((c) => sql.ref(c)));
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = JSON.stringify(rows.slice(i, i + BATCH));
    await sql`INSERT INTO ${sql.table(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${sql.table(table)}, ${batch}::json)`.execute(
      tx,
    );
  }
}

const TYPE_WEIGHTS: [ResourceType, number][] = [
  ['courseware', 3],
  ['lesson_plan', 3],
  ['study_guide', 2],
  ['micro_lesson', 1],
  ['exam_paper', 1.5],
  ['media', 1],
  ['exercise_set', 2],
];

const ACCENTS: Record<string, { rgb: [number, number, number]; hex: string }> = {
  数学: { rgb: [0.18, 0.44, 0.71], hex: '2F6FB5' },
  语文: { rgb: [0.7, 0.25, 0.22], hex: 'B3403A' },
  英语: { rgb: [0.23, 0.61, 0.43], hex: '3B9B6D' },
};

export async function seedResourcesDemo(
  app: AppContext,
): Promise<{ resources: number; published: number; pending: number; files: number } | null> {
  const db = app.db;
  if (await db.selectFrom('resources').select('id').limit(1).executeTakeFirst()) return null;
  const teachers: Teacher[] = (
    await db
      .selectFrom('teachers as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .innerJoin('org_units as s', 's.id', 't.school_id')
      .select(['u.id', 'u.username', 'u.display_name', 't.subjects', 's.id as school_id', 's.path', 's.name as school_name'])
      .orderBy('u.username')
      .execute()
  ).map((t) => ({
    id: t.id,
    username: t.username,
    name: t.display_name,
    subjects: t.subjects,
    schoolId: t.school_id,
    schoolPath: t.path,
    schoolName: t.school_name,
  }));
  const t11005 = teachers.find((t) => t.username === 't11005');
  if (!t11005) return null; // not the demo region
  const grants: Grant[] = (
    await db
      .selectFrom('role_grants as g')
      .innerJoin('org_units as u', 'u.id', 'g.scope_id')
      .select(['g.user_id', 'g.role', 'u.id', 'u.kind', 'u.path'])
      .where('g.role', 'in', ['school_admin', 'bureau_admin', 'researcher'])
      .where('g.scope_path', 'is not', null)
      .execute()
  ).map((g) => ({ userId: g.user_id, role: g.role, unitId: g.id, unitKind: g.kind, unitPath: g.path }));
  const units = await db.selectFrom('org_units').select(['id', 'kind', 'path', 'name']).where('kind', 'in', ['district', 'city']).execute();
  const ancestor = (p: string, kind: string) => units.find((u) => u.kind === kind && p.startsWith(u.path));
  const catalogue = await loadCatalogue(app);
  if (!catalogue.length) return null;

  const rng = seeded(20261201);
  const now = Date.now();
  const bySubject = (subject: string) => teachers.filter((t) => t.subjects.includes(subject));
  const authorFor = (subject: string): Teacher => {
    const pool = bySubject(subject);
    return pool.length ? pick(rng, pool) : pick(rng, teachers);
  };

  // what to make: every type for the fraction units (the search showcase), then a few units of every book
  const plans: Plan[] = [];
  const planFor = (unit: CatalogueUnit, type: ResourceType, k: number): Plan => ({
    type,
    unit,
    lesson: type === 'exam_paper' || !unit.lessons.length ? null : unit.lessons[k % unit.lessons.length],
    period: 1 + (k % 2),
  });
  const fractionUnits = catalogue.filter((u) => u.subject === '数学' && /分数/.test(u.title));
  for (const u of fractionUnits) RESOURCE_TYPES.forEach((type, k) => plans.push(planFor(u, type, k)));
  const books = new Map<string, CatalogueUnit[]>();
  for (const u of catalogue)
    books.set(`${u.subject}${u.gradeLevel}${u.term}`, [...(books.get(`${u.subject}${u.gradeLevel}${u.term}`) ?? []), u]);
  for (const bookUnits of books.values()) {
    const chosen = [...bookUnits].sort(() => rng() - 0.5).slice(0, 3);
    for (const u of chosen) for (let k = 0; k < int(rng, 1, 2); k++) plans.push(planFor(u, weighted(rng, TYPE_WEIGHTS), int(rng, 0, 5)));
  }

  const resources: Seeded[] = [];
  const make = (plan: Plan, author: Teacher, over: Partial<Seeded> = {}): Seeded => {
    const composed = compose(plan, rng, author.name, author.schoolName);
    const audience = over.audience ?? weighted(rng, AUDIENCE_WEIGHTS);
    const createdAt = new Date(now - int(rng, 6, 150) * DAY - int(rng, 0, 86_000) * 1000);
    const s: Seeded = {
      ...composed,
      id: randomUUID(),
      plan,
      author,
      audience,
      marks: [],
      status: 'published',
      chain: reviewChain(DEFAULT_REVIEW_SETTINGS, 'school', audience),
      reviewIndex: 0,
      returnReason: null,
      file: null,
      createdAt,
      publishedAt: new Date(createdAt.getTime() + int(rng, 1, 4) * DAY),
      level:
        audience === 'city' || audience === 'public'
          ? weighted(rng, [
              ['school', 5],
              ['district', 2],
              ['city', 1],
            ] as const)
          : 'school',
      ...over,
    };
    s.reviewIndex = s.status === 'published' ? s.chain.length - 1 : s.reviewIndex;
    if (s.status === 'published') s.marks = weighted(rng, MARK_WEIGHTS);
    resources.push(s);
    return s;
  };
  for (const p of plans) {
    // the demo head teacher teaches 语文 in grade 3: some of that grade's 语文 resources are hers
    const author = p.unit.subject === '语文' && p.unit.gradeLevel === 3 && rng() < 0.5 ? t11005 : authorFor(p.unit.subject);
    make(p, author);
  }
  // 音乐 素材 (no textbook unit): melodies for music lessons
  const musicTeachers = bySubject('音乐');

  // waiting for review, returned, drafts
  const school = (name: string) => teachers.filter((t) => t.schoolName.includes(name));
  const shiyan = school('实验小学');
  const haibin = school('海滨小学');
  const zhanshan = school('湛山小学');
  const laoshan = school('金家岭');
  const chinese3 = catalogue.filter((u) => u.subject === '语文' && u.gradeLevel === 3 && u.term === 'first');
  const maths = catalogue.filter((u) => u.subject === '数学');
  const pendingPlan = (units: CatalogueUnit[], type: ResourceType) => planFor(pick(rng, units), type, int(rng, 0, 4));
  const draft = (p: Plan, over: Partial<Seeded>) => make(p, t11005, { publishedAt: null, chain: [], ...over });
  draft(pendingPlan(chinese3, 'lesson_plan'), { status: 'draft', audience: 'district' });
  draft(pendingPlan(chinese3, 'study_guide'), { status: 'draft', audience: 'school' });
  draft(pendingPlan(chinese3, 'courseware'), {
    status: 'returned',
    audience: 'district',
    chain: ['school', 'district'],
    returnReason: '课件中古诗的作者与出处有误（第 5 页），请核对教材后重新提交。',
  });
  const inReview = (author: Teacher, p: Plan, audience: Audience, reviewIndex: number, over: Partial<Seeded> = {}) =>
    make(p, author, {
      status: 'in_review',
      audience,
      chain: reviewChain(DEFAULT_REVIEW_SETTINGS, 'school', audience),
      reviewIndex,
      publishedAt: null,
      ...over,
    });
  inReview(t11005, pendingPlan(chinese3, 'courseware'), 'school', 0);
  inReview(
    pick(
      rng,
      shiyan.filter((t) => t.subjects.includes('数学')),
    ),
    planFor(fractionUnits[0], 'courseware', 1),
    'district',
    0,
  );
  inReview(pick(rng, shiyan), pendingPlan(maths, 'exercise_set'), 'school', 0);
  inReview(pick(rng, haibin), pendingPlan(maths, 'lesson_plan'), 'district', 1);
  inReview(pick(rng, zhanshan), pendingPlan(chinese3, 'study_guide'), 'district', 1, {
    description: '本学案配套统编版三年级上册，含课前预习与达标检测。更多配套资料请访问 0008-qq.cn 下载。',
  });
  // a near-copy of a published lesson plan from another school, re-titled
  const original = resources.find(
    (r) => r.status === 'published' && r.plan.type === 'lesson_plan' && !r.author.schoolName.includes('湛山'),
  )!;
  const copy = inReview(pick(rng, zhanshan), original.plan, 'district', 1);
  Object.assign(copy, {
    title: `${original.title}（修改版）`.slice(0, 80),
    description: original.description,
    knowledgePoints: original.knowledgePoints,
    keywords: original.keywords,
    doc: {
      ...original.doc,
      title: `${original.doc.title}（修改版）`,
      subtitle: original.doc.subtitle?.replace(original.author.name, copy.author.name),
    },
  });
  inReview(pick(rng, laoshan), pendingPlan(maths, 'exam_paper'), 'public', 2);
  make(pendingPlan(maths, 'study_guide'), pick(rng, haibin), { status: 'withdrawn', publishedAt: null });

  // files
  const videos = new Map<string, Buffer>();
  const video = (subject: string) => {
    const name = subject === '数学' ? 'math.mp4' : subject === '英语' ? 'english.mp4' : 'chinese.mp4';
    if (!videos.has(name)) videos.set(name, readFileSync(path.join(ASSETS, name)));
    return videos.get(name)!;
  };
  const pdfs: Seeded[] = [];
  for (const r of resources) {
    const kind = fileKind(r, rng);
    const base = r.title.replace(/[\\/:*?"<>|《》（）]/g, '').slice(0, 60);
    const accent = ACCENTS[r.plan.unit.subject] ?? ACCENTS['数学'];
    const text = plainText(r.doc);
    if (kind === 'pdf') {
      pdfs.push(r);
      r.file = { name: `${base}.pdf`, data: Buffer.alloc(0), text };
    } else if (kind === 'docx') r.file = { name: `${base}.docx`, data: docxDocument(r.doc, r.author.name), text };
    else if (kind === 'pptx') r.file = { name: `${base}.pptx`, data: pptxDocument(r.doc, r.author.name, accent.hex), text };
    else if (kind === 'mp4') r.file = { name: `${base}.mp4`, data: tagMp4(video(r.plan.unit.subject), r.id), text: '' };
    else if (kind === 'png') {
      const colour = accent.rgb.map((c) => Math.round(c * 255)) as [number, number, number];
      const parts = int(rng, 2, 8);
      const data =
        r.plan.unit.subject === '语文'
          ? tianzigePng(int(rng, 6, 8), int(rng, 3, 5), colour)
          : rng() < 0.5
            ? fractionCirclePng(parts, int(rng, 1, parts - 1), colour)
            : fractionBarPng(parts, int(rng, 1, parts - 1), colour);
      r.file = { name: `${base}.png`, data, text: '' };
    } else {
      const melody = pick(rng, DEMO_MELODIES);
      r.file = { name: `${base}.wav`, data: melodyWav(melody.jianpu), text: '' };
    }
  }
  const font = buildPdfFont([...pdfs.map((r) => plainText(r.doc)), '— 0123456789 —']);
  for (const r of pdfs) r.file!.data = pdfDocument(font, r.doc, (ACCENTS[r.plan.unit.subject] ?? ACCENTS['数学']).rgb);
  for (const m of DEMO_MELODIES) {
    if (!musicTeachers.length) break;
    const author = pick(rng, musicTeachers);
    const unit = { ...catalogue[0], id: '', title: '音乐欣赏', lessons: [], subject: '音乐', gradeLevel: int(rng, 1, 3) };
    const r = make({ type: 'media', unit, lesson: null, period: 1 }, author, { audience: 'public' });
    Object.assign(r, {
      title: m.title,
      description: `${m.title.replace('音频', '')}的旋律（简谱 ${m.jianpu.slice(0, 12)}…），可用于音乐课听唱、节奏练习和课间律动。`,
      knowledgePoints: ['听唱', '节奏'],
      keywords: ['素材', '音乐', '旋律'],
      file: { name: `${m.title}.wav`, data: melodyWav(m.jianpu), text: '' },
    });
  }

  const hashes = new Map<string, { size: number; name: string; text: string; data: Buffer }>();
  for (const r of resources) {
    const h = createHash('sha256').update(r.file!.data).digest('hex');
    (r as Seeded & { hash: string }).hash = h;
    hashes.set(h, { size: r.file!.data.length, name: r.file!.name, text: r.file!.text, data: r.file!.data });
  }
  const entries = [...hashes];
  for (let i = 0; i < entries.length; i += 16) await Promise.all(entries.slice(i, i + 16).map(([h, f]) => app.storage.put(h, f.data)));

  const reviewerOf = (level: ReviewLevel, schoolPath: string, except: string) => {
    const kinds = level === 'school' ? ['school', 'teaching_point'] : level === 'district' ? ['district'] : ['city', 'province'];
    return grants.filter((g) => kinds.includes(g.unitKind) && schoolPath.startsWith(g.unitPath) && g.userId !== except);
  };
  const hashOf = (r: Seeded) => (r as Seeded & { hash: string }).hash;
  const visiblePathOf = (r: Seeded): string | null =>
    r.audience === 'public'
      ? null
      : r.audience === 'school'
        ? r.author.schoolPath
        : (ancestor(r.author.schoolPath, r.audience)?.path ?? r.author.schoolPath);
  const usage = simulateUsage(resources, teachers, rng, now);

  await withTransaction(db, async (tx) => {
    await insertMany(
      tx,
      'stored_files',
      entries.map(([hash, f]) => ({
        hash,
        size: f.size,
        mime: mimeOf(f.name),
        storage_key: hash,
        text_content: f.text,
        created_at: new Date(now - 160 * DAY),
      })),
    );
    await insertMany(
      tx,
      'resources',
      resources.map((r) => {
        const u = usage.get(r.id);
        return {
          id: r.id,
          type: r.plan.type,
          title: r.title,
          description: r.description,
          subject: r.plan.unit.subject,
          grade_level: r.plan.unit.gradeLevel,
          term: r.plan.unit.term,
          edition: r.plan.unit.edition,
          unit_id: r.plan.lesson?.id ?? (r.plan.unit.id || null),
          knowledge_points: r.knowledgePoints,
          keywords: r.keywords,
          author_name: r.author.name,
          licence: pick(rng, ['platform', 'platform', 'cc-by-nc', 'cc-by-nc-sa', 'cc-by']),
          level: r.level,
          marks: r.marks,
          owner_id: r.author.id,
          school_id: r.author.schoolId,
          school_path: r.author.schoolPath,
          audience: r.audience,
          visible_path: visiblePathOf(r),
          status: r.status,
          review_levels: r.chain,
          review_index: r.reviewIndex,
          return_reason: r.returnReason,
          file_hash: hashOf(r),
          file_name: r.file!.name,
          simhash:
            r.status === 'published' ? simhash([r.title, r.description, r.keywords.join('，'), r.file!.text].join('\n')).toString() : null,
          download_count: u?.downloads ?? 0,
          view_count: u?.views ?? 0,
          favourite_count: u?.favourites.length ?? 0,
          rating_sum: u?.ratings.reduce((s, x) => s + x.stars, 0) ?? 0,
          rating_count: u?.ratings.length ?? 0,
          comment_count: u?.comments.length ?? 0,
          submitted_at: r.status === 'draft' ? null : new Date(r.createdAt.getTime() + 3600_000),
          published_at: r.publishedAt,
          created_at: r.createdAt,
          updated_at: r.publishedAt ?? new Date(r.createdAt.getTime() + 3600_000),
        };
      }),
    );

    // review histories: submitted, screened, approved at each level (by a reviewer there), published or returned
    const steps: Insertable<DB['resource_review_steps']>[] = [];
    const step = (r: Seeded, action: string, level: ReviewLevel | null, actor: string | null, at: number, comment = '') =>
      steps.push({
        id: randomUUID(),
        resource_id: r.id,
        action,
        level,
        actor_id: actor,
        comment,
        created_at: new Date(r.createdAt.getTime() + at),
      });
    for (const r of resources) {
      if (r.status === 'draft') continue;
      step(r, 'submit', null, r.author.id, 3600_000);
      if (r.status !== 'in_review') step(r, 'screen', null, null, 3601_000, '未发现敏感内容和重复资源');
      const passed = r.status === 'published' || r.status === 'withdrawn' ? r.chain.length : r.reviewIndex;
      for (let i = 0; i < passed; i++) {
        const who = reviewerOf(r.chain[i], r.author.schoolPath, r.author.id)[0]?.userId ?? null;
        step(r, 'approve', r.chain[i], who, 3600_000 * (5 + i * 12), pick(rng, ['', '内容规范，同意通过。', '设计合理，推荐使用。']));
      }
      if (r.status === 'published' || r.status === 'withdrawn')
        step(r, 'publish', r.chain[r.chain.length - 1], null, 3600_000 * (6 + passed * 12));
      if (r.status === 'withdrawn') step(r, 'withdraw', null, r.author.id, 3600_000 * (7 + passed * 12), '内容需要更新，先撤回');
      if (r.status === 'returned')
        step(
          r,
          'return',
          r.chain[0],
          reviewerOf('school', r.author.schoolPath, r.author.id)[0]?.userId ?? null,
          3600_000 * 5,
          r.returnReason!,
        );
    }
    await insertMany(tx, 'resource_review_steps', steps);

    // the ones waiting are screened for real, against everything published above
    for (const r of resources.filter((x) => x.status === 'in_review')) {
      const screening = await screenResource(tx, {
        id: r.id,
        title: r.title,
        description: r.description,
        keywords: r.keywords,
        file_hash: hashOf(r),
      });
      await tx
        .insertInto('resource_review_steps')
        .values({
          id: randomUUID(),
          resource_id: r.id,
          action: 'screen',
          level: null,
          actor_id: null,
          comment: screening.isFlagged
            ? `发现 ${screening.safetyHits.length} 处敏感词、${screening.duplicates.length} 个相似资源，请审核人重点核查`
            : '未发现敏感内容和重复资源',
          created_at: new Date(r.createdAt.getTime() + 3602_000),
        })
        .execute();
      const level = r.chain[r.reviewIndex];
      await notify(tx, {
        userIds: reviewerOf(level, r.author.schoolPath, r.author.id).map((g) => g.userId),
        kind: 'resource.review_requested',
        title: `待审核：${r.title}`,
        body: `${REVIEW_LEVEL_NAMES[level]}${screening.isFlagged ? '（自动筛查发现问题，请重点核查）' : ''}`,
        link: `/resources/review/${r.id}`,
      });
    }
    const returned = resources.find((r) => r.status === 'returned')!;
    await notify(tx, {
      userIds: [returned.author.id],
      kind: 'resource.returned',
      title: `已退回：${returned.title}`,
      body: `学校审核退回，原因：${returned.returnReason}`,
      link: `/resources/${returned.id}`,
    });

    // usage: views and downloads over the last weeks, favourites, ratings, comments
    const events: Insertable<DB['resource_events']>[] = [];
    const favourites: Insertable<DB['resource_favourites']>[] = [];
    const ratings: Insertable<DB['resource_ratings']>[] = [];
    const comments: Insertable<DB['resource_comments']>[] = [];
    for (const [id, u] of usage) {
      events.push(
        ...u.events.map((e) => ({ resource_id: id, kind: e.kind, user_id: e.user.id, viewer_school_path: e.user.schoolPath, at: e.at })),
      );
      favourites.push(...u.favourites.map((f) => ({ user_id: f.id, resource_id: id, created_at: new Date(now - int(rng, 1, 30) * DAY) })));
      ratings.push(
        ...u.ratings.map((x) => ({
          user_id: x.user.id,
          resource_id: id,
          stars: x.stars,
          updated_at: new Date(now - int(rng, 1, 30) * DAY),
        })),
      );
      comments.push(
        ...u.comments.map((c) => ({
          id: randomUUID(),
          resource_id: id,
          user_id: c.user.id,
          body: c.body,
          status: 'published',
          hits: [] as never,
          created_at: c.at,
        })),
      );
    }
    await insertMany(tx, 'resource_events', events);
    await insertMany(tx, 'resource_favourites', favourites);
    await insertMany(tx, 'resource_ratings', ratings);
    await insertMany(tx, 'resource_comments', comments);

    // push upward (报送): a few of the city-wide and public ones, marked by their school's administrators
    const pushable = resources.filter(
      (r) => r.status === 'published' && (r.audience === 'city' || r.audience === 'public') && r.marks.length,
    );
    const pushRows = pushable.slice(0, 8).flatMap((r) => {
      const by = reviewerOf('school', r.author.schoolPath, r.author.id).find((g) => g.role === 'school_admin');
      return by
        ? [
            {
              id: randomUUID(),
              resource_id: r.id,
              status: 'queued',
              requested_by: by.userId,
              requested_at: new Date(now - int(rng, 1, 9) * DAY),
              attempts: 0,
              updated_at: new Date(now - DAY),
            },
          ]
        : [];
    });
    await insertMany(tx, 'resource_push_queue', pushRows);

    await seedCollections(tx, resources, grants, ancestor, now);

    const published = resources.filter((r) => r.status === 'published');
    const unitTitles = new Map(
      catalogue.flatMap((u) => [
        [u.id, { title: u.title, parent: null as string | null }],
        ...u.lessons.map((l) => [l.id, { title: l.title, parent: u.title }] as const),
      ]),
    );
    await indexDocuments(
      tx,
      published.map((r) => {
        const unitId = r.plan.lesson?.id ?? (r.plan.unit.id || null);
        const t = unitId ? unitTitles.get(unitId) : undefined;
        const u = usage.get(r.id);
        return buildSearchDocument(
          {
            id: r.id,
            title: r.title,
            description: r.description,
            keywords: r.keywords,
            subject: r.plan.unit.subject,
            grade_level: r.plan.unit.gradeLevel,
            term: r.plan.unit.term,
            edition: r.plan.unit.edition,
            unit_id: unitId,
            unit_title: t?.title ?? null,
            unit_parent_title: t?.parent ?? null,
            type: r.plan.type,
            level: r.level,
            school_id: r.author.schoolId,
            school_name: r.author.schoolName,
            knowledge_points: r.knowledgePoints,
            author_name: r.author.name,
            audience: r.audience,
            visible_path: visiblePathOf(r),
            download_count: u?.downloads ?? 0,
            favourite_count: u?.favourites.length ?? 0,
            view_count: u?.views ?? 0,
            rating_sum: u?.ratings.reduce((s, x) => s + x.stars, 0) ?? 0,
            rating_count: u?.ratings.length ?? 0,
            published_at: r.publishedAt,
            updated_at: r.publishedAt ?? r.createdAt,
          },
          r.file!.text,
          ancestor(r.author.schoolPath, 'district')?.id ?? null,
        );
      }),
    );
  });
  return {
    resources: resources.length,
    published: resources.filter((r) => r.status === 'published').length,
    pending: resources.filter((r) => r.status === 'in_review').length,
    files: hashes.size,
  };
}

async function loadCatalogue(app: AppContext): Promise<CatalogueUnit[]> {
  const rows = await app.db
    .selectFrom('curriculum_units')
    .select(['id', 'parent_id', 'kind', 'seq', 'title', 'subject', 'grade_level', 'term', 'edition'])
    .where('edition', '=', 'pep')
    .orderBy('subject')
    .orderBy('grade_level')
    .orderBy('term')
    .orderBy('seq')
    .execute();
  const unitRows = rows.filter((r) => r.kind === 'unit');
  const index = new Map<string, number>();
  return unitRows.map((u) => {
    const book = `${u.subject}${u.grade_level}${u.term}`;
    const i = index.get(book) ?? 0;
    index.set(book, i + 1);
    return {
      id: u.id,
      subject: u.subject,
      gradeLevel: u.grade_level,
      term: u.term as CatalogueUnit['term'],
      edition: u.edition,
      index: i,
      title: u.title,
      lessons: rows.filter((l) => l.parent_id === u.id).map((l) => ({ id: l.id, title: l.title })),
    };
  });
}

/** The file format of a resource: what teachers of each type usually share. */
function fileKind(r: Seeded, rng: Rng): 'pdf' | 'docx' | 'pptx' | 'mp4' | 'png' | 'wav' {
  switch (r.plan.type) {
    case 'courseware':
      return rng() < 0.65 ? 'pptx' : 'pdf';
    case 'lesson_plan':
      return rng() < 0.55 ? 'docx' : 'pdf';
    case 'study_guide':
    case 'exercise_set':
      return rng() < 0.5 ? 'docx' : 'pdf';
    case 'exam_paper':
      return rng() < 0.75 ? 'pdf' : 'docx';
    case 'micro_lesson':
      return 'mp4';
    case 'media':
      return r.plan.unit.subject === '英语' ? 'wav' : 'png';
  }
}

type Usage = {
  downloads: number;
  views: number;
  events: { kind: 'view' | 'download'; user: Teacher; at: Date }[];
  favourites: Teacher[];
  ratings: { user: Teacher; stars: number }[];
  comments: { user: Teacher; body: string; at: Date }[];
};

/** Who used which published resource: more for marked and wide-audience ones, by teachers who can see them. */
function simulateUsage(resources: Seeded[], teachers: Teacher[], rng: Rng, now: number): Map<string, Usage> {
  const out = new Map<string, Usage>();
  const cityPath = (p: string) => p.split('/').slice(0, 3).join('/') + '/';
  for (const r of resources) {
    if (r.status !== 'published') continue;
    const scope =
      r.audience === 'school'
        ? r.author.schoolPath
        : r.audience === 'district'
          ? r.author.schoolPath.split('/').slice(0, 4).join('/') + '/'
          : cityPath(r.author.schoolPath);
    const viewers = teachers.filter((t) => t.schoolPath.startsWith(scope) && t.id !== r.author.id);
    if (!viewers.length) continue;
    const boost = (r.marks.length ? 2.2 : 1) * (r.audience === 'school' ? 0.6 : 1) * (/分数/.test(r.title) ? 1.5 : 1);
    const downloads = Math.round(int(rng, 0, 18) * boost);
    const views = downloads * 2 + int(rng, 1, 12);
    const since = Math.max(r.publishedAt!.getTime(), now - 60 * DAY);
    const at = () => new Date(since + rng() * (now - since));
    const events: Usage['events'] = [
      ...Array.from({ length: downloads }, () => ({ kind: 'download' as const, user: pick(rng, viewers), at: at() })),
      ...Array.from({ length: views }, () => ({ kind: 'view' as const, user: pick(rng, viewers), at: at() })),
    ];
    const distinct = [...new Set(events.filter((e) => e.kind === 'download').map((e) => e.user))];
    const ratings = distinct.slice(0, int(rng, 0, 6)).map((user) => ({
      user,
      stars: weighted(rng, [
        [5, 5],
        [4, 4],
        [3, 1.5],
        [2, 0.3],
      ] as const),
    }));
    const favourites = distinct.slice(0, int(rng, 0, 4));
    const comments =
      rng() < 0.3 ? distinct.slice(0, int(rng, 1, 2)).map((user) => ({ user, body: pick(rng, DEMO_COMMENTS), at: at() })) : [];
    out.set(r.id, { downloads, views, events, favourites, ratings, comments });
  }
  return out;
}

/** 资源目录 and 专题合集 curated by the demo schools and bureaus. */
async function seedCollections(
  tx: Tx,
  resources: Seeded[],
  grants: Grant[],
  ancestor: (p: string, kind: string) => { id: string; path: string; name: string } | undefined,
  now: number,
) {
  const published = resources.filter((r) => r.status === 'published');
  const shiyan = published.find((r) => r.author.schoolName.includes('实验小学'))?.author;
  if (!shiyan) return;
  const district = ancestor(shiyan.schoolPath, 'district');
  const researcher = grants.find((g) => g.role === 'researcher' && g.unitKind === 'district' && shiyan.schoolPath.startsWith(g.unitPath));
  const cityResearcher = grants.find((g) => g.role === 'researcher' && g.unitKind === 'city');
  const schoolAdmin = grants.find((g) => g.role === 'school_admin' && g.unitId === shiyan.schoolId);
  const specs = [
    {
      owner: researcher,
      kind: 'directory',
      title: '三年级数学《分数的初步认识》资源目录',
      description: '市南区数学教研组整理的第八单元全套资源：课件、教案、学案、微课、练习和单元测试。',
      subject: '数学',
      grade: 3,
      community: '市南区小学数学教研共同体',
      audience: 'district' as Audience,
      visiblePath: district?.path ?? null,
      items: published.filter((r) => r.plan.unit.title === '分数的初步认识' && r.audience !== 'school'),
    },
    {
      owner: schoolAdmin,
      kind: 'directory',
      title: '统编版语文三年级上册 校本资源目录',
      description: '实验小学语文组按单元整理的三年级上册备课资源。',
      subject: '语文',
      grade: 3,
      community: '',
      audience: 'school' as Audience,
      visiblePath: shiyan.schoolPath,
      items: published.filter(
        (r) => r.plan.unit.subject === '语文' && r.plan.unit.gradeLevel === 3 && r.author.schoolId === shiyan.schoolId,
      ),
    },
    {
      owner: cityResearcher,
      kind: 'collection',
      title: '名师课堂精选',
      description: '全市名师、名校、名课资源精选，面向社会公开。',
      subject: null,
      grade: null,
      community: '',
      audience: 'public' as Audience,
      visiblePath: null,
      items: published.filter((r) => r.marks.length && r.audience === 'public'),
    },
  ];
  for (const s of specs) {
    if (!s.owner || !s.items.length) continue;
    const id = randomUUID();
    const ownerUnit = s.owner.unitId;
    await tx
      .insertInto('resource_collections')
      .values({
        id,
        kind: s.kind,
        title: s.title,
        description: s.description,
        subject: s.subject,
        grade_level: s.grade,
        community: s.community,
        owner_id: s.owner.userId,
        school_id: ownerUnit,
        audience: s.audience,
        visible_path: s.visiblePath,
        created_at: new Date(now - 20 * DAY),
        updated_at: new Date(now - 2 * DAY),
      })
      .execute();
    await insertMany(
      tx,
      'resource_collection_items',
      s.items.slice(0, 30).map((r, seq) => ({ collection_id: id, resource_id: r.id, seq, note: '' })),
    );
  }
}
