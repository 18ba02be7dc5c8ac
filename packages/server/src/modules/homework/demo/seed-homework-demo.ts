import { randomUUID } from 'node:crypto';
import { gradeResponse, type TGradeResult, type TItemContent } from '@qiming/shared';
import type { AppContext } from '../../../core/context.ts';
import { withTransaction, type Tx } from '../../../core/db/database.ts';
import { buildBank, buildItem, buildPaper, existingKnowledgePoints, getPaperForDelivery, knowledgePointId } from '../../items/index.ts';
import { buildStatement, insertStatements, isoDuration, scoreOf, type XapiStatement } from '../../lrs/index.ts';
import * as repo from '../homework.repository.ts';
import { item } from '../homework.factory.ts';
import { traceMastery, type Observation } from '../knowledge-tracing.ts';
import { answerStatements, type GradedAnswer } from '../learning-records.ts';
import { knowledgePointsOf, optionCount, type SnapshotItem } from '../paper-snapshot.ts';
import { hashSeed, seededRandom } from '../seeded-random.ts';
import { snapshotFromDelivery } from '../snapshot-cache.ts';

/**
 * Demo homework for the demo head teacher (t11005, 三年级(1)班, who teaches 语文): a bank of third-grade 语文 items
 * on the shipped knowledge points, two closed assignments every pupil has done (so the analysis
 * pages show real charts) — one with a short answer still waiting in the grading view — and one
 * open for today that the demo pupil (s112024001) has not started. Pupils' answers are simulated
 * from a fixed ability per pupil; everything is graded by the real grading engine and written
 * with its xAPI statements, mastery and 错题本 rows, in a few batched inserts.
 */

const DAY = 86_400_000;

/** The section a demo item type goes in, as a 语文 paper names them. */
const SECTION_NAMES: Partial<Record<TItemContent['type'], string>> = {
  single_choice: '选择题',
  multiple_choice: '选择题',
  true_false: '判断题',
  fill_blank: '填空题',
  short_answer: '简答题',
};

type Spec = { content: TItemContent; right: Record<string, unknown>; wrongs: Record<string, unknown>[] };

/** Third-grade 语文 items (t11005 teaches 语文 to 三年级(1)班), each on a shipped knowledge point. */
function demoItems(kp: (code: string) => string): Spec[] {
  const choice = (stem: string, options: string[], answer: number, code: string, difficulty = 2): Spec => ({
    content: item({
      type: 'single_choice',
      subject: '语文',
      stem,
      options: options.map((text, i) => ({ id: 'ABCD'[i], text })),
      answer: 'ABCD'[answer],
      knowledgePointIds: [kp(code)],
      difficulty,
    }),
    right: { choice: 'ABCD'[answer] },
    wrongs: options.map((_, i) => ({ choice: 'ABCD'[i] })).filter((_, i) => i !== answer),
  });
  const tf = (stem: string, answer: boolean, code: string, difficulty = 1): Spec => ({
    content: item({ type: 'true_false', subject: '语文', stem, answer, knowledgePointIds: [kp(code)], difficulty }),
    right: { value: answer },
    wrongs: [{ value: !answer }],
  });
  const blanks = (stem: string, accepted: string[][], wrongs: string[][], code: string, difficulty = 2): Spec => ({
    content: item({
      type: 'fill_blank',
      subject: '语文',
      stem,
      blanks: accepted.map((a, i) => ({ id: `b${i + 1}`, accepted: a })),
      knowledgePointIds: [kp(code)],
      difficulty,
      score: 2 * accepted.length,
    }),
    right: { blanks: accepted.map((a) => a[0]) },
    wrongs: wrongs.map((w) => ({ blanks: w })),
  });
  return [
    choice('下列加点字读音完全正确的一项是（　）', ['晨曦（xī）', '蜻蜓（qīn）', '奔跑（bēng）', '汹涌（xiōng yǒng）'], 0, 'CN-LW-3-03'),
    choice('“寒冷”的反义词是（　）', ['凉爽', '炎热', '温和', '暖和'], 1, 'CN-LW-3-03', 1),
    choice('“小心翼翼”的意思是（　）', ['非常害怕', '举动十分谨慎', '动作很快', '心里很着急'], 1, 'CN-RD-3-02', 3),
    tf('“春眠不觉晓，处处闻啼鸟”的作者是孟浩然。', true, 'CN-RD-3-05'),
    blanks(
      '补全古诗：两个黄鹂鸣{{1}}，一行白鹭上{{2}}。',
      [['翠柳'], ['青天']],
      [
        ['绿柳', '青天'],
        ['翠柳', '蓝天'],
      ],
      'CN-RD-3-05',
    ),
    blanks(
      '照样子写词语：红彤彤、{{1}}（ABB 式）',
      [['绿油油', '金灿灿', '白花花', '黑乎乎', '亮晶晶', '胖乎乎', '绿莹莹']],
      [['绿绿的']],
      'CN-RD-3-02',
      2,
    ),
    choice(
      '《守株待兔》告诉我们的道理是（　）',
      ['要勤劳', '不能把偶然的事当作必然，不劳而获', '兔子跑得快', '要爱护树木'],
      1,
      'CN-RD-3-06',
      2,
    ),
    tf('《陶罐和铁罐》中，铁罐最后被人们挖了出来。', false, 'CN-RD-3-06', 2),
    choice('“他的脸红得像苹果。”这句话用了什么修辞手法？（　）', ['拟人', '比喻', '夸张', '排比'], 1, 'CN-RD-3-02', 2),
    choice('读一段话，找关键句：一段话中概括全段意思的句子通常叫（　）', ['过渡句', '中心句', '疑问句', '感叹句'], 1, 'CN-RD-3-03', 3),
    {
      content: item({
        type: 'multiple_choice',
        subject: '语文',
        stem: '下列哪些是描写秋天的词语？',
        options: [
          { id: 'A', text: '秋高气爽' },
          { id: 'B', text: '五谷丰登' },
          { id: 'C', text: '鸟语花香' },
          { id: 'D', text: '硕果累累' },
        ],
        answers: ['A', 'B', 'D'],
        knowledgePointIds: [kp('CN-RD-3-02')],
        difficulty: 3,
        score: 3,
      }),
      right: { choices: ['A', 'B', 'D'] },
      wrongs: [{ choices: ['A', 'C'] }, { choices: ['A', 'B'] }],
    },
    {
      content: item({
        type: 'short_answer',
        subject: '语文',
        stem: '读了《守株待兔》，你想对那个农夫说什么？用一两句话写下来。',
        referenceAnswer: '不能只靠运气，要靠自己的劳动。',
        keywords: [
          { words: ['劳动', '干活', '种田', '努力'], points: 2 },
          { words: ['运气', '偶然', '等'], points: 1 },
        ],
        knowledgePointIds: [kp('CN-RD-3-06')],
        score: 3,
      }),
      right: { text: '农夫，你不能只等着兔子撞树，要靠自己努力劳动才有收获。' },
      wrongs: [{ text: '兔子好吃。' }],
    },
  ];
}

export async function seedHomeworkDemo(app: AppContext): Promise<{ assignments: number; attempts: number } | null> {
  const db = app.db;
  if (await db.selectFrom('hw_assignments').select('id').limit(1).executeTakeFirst()) return null;
  const head = await db
    .selectFrom('users as u')
    .innerJoin('role_grants as g', 'g.user_id', 'u.id')
    .innerJoin('org_units as c', 'c.id', 'g.scope_id')
    .select(['u.id as teacher_id', 'c.id as class_id', 'c.path as class_path'])
    .where('u.username', '=', 't11005')
    .where('g.role', '=', 'head_teacher')
    .executeTakeFirst();
  if (!head) return null;
  const schoolIds = head.class_path.split('/').filter(Boolean);
  const school = await db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', 'in', schoolIds)
    .where('kind', 'in', ['school', 'teaching_point'])
    .executeTakeFirstOrThrow();
  const codes = ['CN-LW-3-03', 'CN-RD-3-02', 'CN-RD-3-03', 'CN-RD-3-05', 'CN-RD-3-06'];
  const present = await existingKnowledgePoints(db, codes.map(knowledgePointId));
  // without the shipped tree (items module not synced) there is nothing to tag: no demo homework
  if (present.size < codes.length) return null;
  const kp = (code: string) => knowledgePointId(code);
  const pupils = await db
    .selectFrom('students as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 'u.username', 'u.display_name'])
    .where('s.class_id', '=', head.class_id)
    .where('s.status', '=', 'enrolled')
    .orderBy('s.student_no')
    .execute();
  if (!pupils.length) return null;

  const specs = demoItems(kp);
  const f = { db };
  const bank = await buildBank(f, { owner: school, name: '三年级语文同步练习', subject: '语文' });
  const built: { id: string; versionId: string; spec: Spec }[] = [];
  for (const s of specs) built.push({ ...(await buildItem(f, { bankId: bank.id, content: s.content })), spec: s });
  const paperOf = async (title: string, picks: number[]) => {
    // a section per item type, numbered in the order they first appear (一、选择题 二、判断题 …)
    const kinds = [...new Set(picks.map((i) => SECTION_NAMES[specs[i].content.type] ?? '综合题'))];
    const p = await buildPaper(f, {
      owner: school,
      title,
      subject: '语文',
      items: picks.map((i) => ({ id: built[i].id, versionId: built[i].versionId, score: specs[i].content.score })),
      sectionOf: (n) => {
        const kind = SECTION_NAMES[specs[picks[n]].content.type] ?? '综合题';
        return `${'一二三四五六七八九十'[kinds.indexOf(kind)]}、${kind}`;
      },
    });
    return snapshotFromDelivery(await getPaperForDelivery(db, p.id));
  };
  const now = Date.now();
  const plans = [
    { title: '第一单元 字词与古诗 练习', picks: [0, 1, 2, 3, 4, 5], opens: now - 6 * DAY, closes: now - 4 * DAY, done: 1 },
    { title: '第二单元 寓言故事 小测验', picks: [6, 7, 8, 9, 10, 11], opens: now - 3 * DAY, closes: now - 1 * DAY, done: 0.93 },
    { title: '今日作业：词语与阅读', picks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], opens: now - 2 * 3600_000, closes: now + DAY, done: 0.4 },
  ];
  const responseRows: (Parameters<typeof repo.upsertGradedResponses>[1][number] & { graded_by: string | null; graded_at: Date | null })[] =
    [];
  const attemptRows: repo.AttemptRow[] = [];
  const statements: XapiStatement[] = [];
  const observations = new Map<string, Observation[]>();
  const wrong = new Map<string, repo.WrongItemInput>();
  const assignmentRows: Parameters<typeof repo.insertAssignment>[1][] = [];
  const recipients: { assignment_id: string; user_id: string; class_id: string; school_id: string }[] = [];

  for (const plan of plans) {
    const paper = await paperOf(plan.title, plan.picks);
    const id = randomUUID();
    assignmentRows.push({
      id,
      kind: 'homework',
      title: plan.title,
      owner_unit_id: school.id,
      owner_path: school.path,
      subject: '语文',
      paper_id: paper.paperId,
      bank_id: null,
      draw_count: null,
      draw_filters: null,
      paper,
      max_score: paper.maxScore,
      opens_at: new Date(plan.opens),
      closes_at: new Date(plan.closes),
      time_limit_minutes: null,
      max_attempts: 1,
      shuffle_items: false,
      shuffle_options: true,
      show_answers: 'after_close',
      pass_score: null,
      instructions: '认真审题，写完检查一遍再提交。',
      created_by: head.teacher_id,
      created_at: new Date(plan.opens - 3600_000),
    });
    const rand = seededRandom(hashSeed(plan.title));
    pupils.forEach((p) => {
      recipients.push({ assignment_id: id, user_id: p.user_id, class_id: head.class_id, school_id: school.id });
      // the demo pupil leaves today's homework open for whoever signs in as them
      const isDemoPupil = p.username === 's112024001';
      if (rand() >= plan.done || (isDemoPupil && plan.closes > now)) return;
      // the demo pupil is a middling one, so that their 错题本 and practice have something to show
      const ability = isDemoPupil ? 0.5 : 0.45 + 0.5 * ((hashSeed(p.user_id) % 1000) / 1000);
      const started = plan.opens + rand() * (plan.closes - plan.opens) * 0.6;
      const submitted = started + (8 + rand() * 20) * 60_000;
      if (submitted > now) return;
      const attemptId = randomUUID();
      const answers: (GradedAnswer & { result: TGradeResult })[] = paper.items.map((it: SnapshotItem) => {
        const spec = specs[built.findIndex((b) => b.id === it.itemId)];
        const pRight = Math.min(0.97, ability + (3 - it.content.difficulty) * 0.08);
        const response = rand() < pRight ? spec.right : spec.wrongs[Math.floor(rand() * spec.wrongs.length)];
        return { item: it, response, result: gradeResponse(it.content, response) };
      });
      // the teacher has already graded most short answers (with the keyword suggestion); a few wait in the grading view
      const gradedByTeacher = new Set<string>();
      for (const a of answers)
        if (a.result.needsManualGrading && rand() < 0.8) {
          const score = a.result.suggestedScore ?? 0;
          a.result = { ...a.result, score, isCorrect: score >= a.result.maxScore, needsManualGrading: false };
          gradedByTeacher.add(a.item.key);
        }
      const pending = answers.filter((a) => a.result.needsManualGrading).length;
      const auto = Math.round(answers.reduce((s, a) => s + (a.result.needsManualGrading ? 0 : a.result.score), 0) * 100) / 100;
      attemptRows.push({
        id: attemptId,
        assignment_id: id,
        user_id: p.user_id,
        attempt_no: 1,
        status: pending ? 'submitted' : 'graded',
        seed: hashSeed(`${id}:${p.user_id}:1`) & 0x7fffffff,
        item_order: paper.items.map((i) => i.key),
        drawn_items: null,
        started_at: new Date(started),
        deadline_at: new Date(plan.closes),
        submitted_at: new Date(submitted),
        graded_at: pending ? null : new Date(submitted),
        submit_key: null,
        auto_score: auto,
        score: auto,
        max_score: paper.maxScore,
        pending_manual: pending,
        revision: 1,
      });
      for (const a of answers) {
        const { score: _s, maxScore: _m, isCorrect: _c, needsManualGrading: _n, isAnswered: _i, ...detail } = a.result;
        responseRows.push({
          attempt_id: attemptId,
          item_key: a.item.key,
          item_id: a.item.itemId,
          response: a.response,
          saved_at: new Date(submitted),
          score: a.result.needsManualGrading ? null : a.result.score,
          max_score: a.item.score,
          is_correct: a.result.needsManualGrading ? null : a.result.isCorrect,
          needs_manual: a.result.needsManualGrading || gradedByTeacher.has(a.item.key),
          detail: Object.keys(detail).length ? detail : null,
          graded_by: gradedByTeacher.has(a.item.key) ? head.teacher_id : null,
          graded_at: gradedByTeacher.has(a.item.key) ? new Date(submitted + DAY / 4) : null,
        });
        if (!a.result.needsManualGrading) {
          const list = observations.get(p.user_id) ?? [];
          list.push({
            knowledgePointIds: knowledgePointsOf(a.item),
            credit: a.result.score / (a.result.maxScore || 1),
            itemType: a.item.content.type,
            optionCount: optionCount(a.item.content),
          });
          observations.set(p.user_id, list);
          if (a.result.score < a.result.maxScore)
            wrong.set(`${p.user_id}:${a.item.itemId}`, {
              user_id: p.user_id,
              item_id: a.item.itemId,
              item: { versionId: a.item.versionId, score: a.item.score, content: a.item.content },
              knowledge_point_ids: knowledgePointsOf(a.item),
              subject: '语文',
              last_response: a.response,
              assignment_id: id,
              at: new Date(submitted),
            });
        }
      }
      const ctx = {
        user: { id: p.user_id, name: p.display_name },
        registration: attemptId,
        assignmentId: id,
        classId: head.class_id,
        schoolId: school.id,
        subject: '语文',
        verb: 'answered' as const,
        at: new Date(submitted),
      };
      statements.push(
        buildStatement({
          verb: 'attempted',
          actor: { userId: p.user_id, name: p.display_name },
          object: { kind: 'assignment', id, name: plan.title },
          registration: attemptId,
          assignmentId: id,
          classId: head.class_id,
          schoolId: school.id,
          timestamp: new Date(started),
        }),
        ...answerStatements(ctx, answers),
        buildStatement({
          verb: 'completed',
          actor: { userId: p.user_id, name: p.display_name },
          object: { kind: 'assignment', id, name: plan.title },
          result: { score: scoreOf(auto, paper.maxScore), completion: true, duration: isoDuration(submitted - started) },
          registration: attemptId,
          assignmentId: id,
          classId: head.class_id,
          schoolId: school.id,
          timestamp: new Date(submitted),
        }),
      );
    });
  }

  const mastery = [...observations].flatMap(([userId, obs]) =>
    [...traceMastery(new Map(), obs)].map(([kpId, v]) => ({
      user_id: userId,
      knowledge_point_id: kpId,
      p_mastery: v.p,
      observations: v.observations,
      correct: v.correct,
    })),
  );
  await withTransaction(db, async (tx: Tx) => {
    for (const a of assignmentRows) await repo.insertAssignment(tx, a);
    await repo.insertAssignmentClasses(
      tx,
      assignmentRows.map((a) => ({
        assignment_id: a.id,
        class_id: head.class_id,
        class_path: head.class_path,
        whole_class: true,
        group_name: null,
      })),
    );
    await repo.insertRecipients(tx, recipients);
    for (let i = 0; i < attemptRows.length; i += 500)
      await tx
        .insertInto('hw_attempts')
        .values(attemptRows.slice(i, i + 500).map((r) => ({ ...r, item_order: JSON.stringify(r.item_order), drawn_items: null })))
        .execute();
    for (let i = 0; i < responseRows.length; i += 1000)
      await tx
        .insertInto('hw_responses')
        .values(
          responseRows.slice(i, i + 1000).map((r) => ({
            ...r,
            response: r.response === null ? null : JSON.stringify(r.response),
            detail: r.detail === null ? null : JSON.stringify(r.detail),
          })),
        )
        .execute();
    await insertStatements(tx, statements);
    for (let i = 0; i < mastery.length; i += 1000) await repo.upsertMastery(tx, mastery.slice(i, i + 1000));
    const wrongRows = [...wrong.values()];
    for (let i = 0; i < wrongRows.length; i += 500) await repo.upsertWrongItems(tx, wrongRows.slice(i, i + 500));
  });
  return { assignments: assignmentRows.length, attempts: attemptRows.length };
}
