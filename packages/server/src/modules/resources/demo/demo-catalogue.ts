import {
  EDITION_NAMES,
  RESOURCE_TYPE_NAMES,
  TERM_NAMES,
  type Audience,
  type ResourceMark,
  type ResourceType,
  type Term,
} from '@qiming/shared';
import type { DocSection, DocSpec } from './documents.ts';

/**
 * What the demo resources say: titles, descriptions and file contents composed from the
 * curriculum catalogue (the real unit and lesson names of the shipped books), varied by a seeded
 * random source so the same demo comes out on every machine.
 */

export type Rng = () => number;
/** mulberry32: a small, fast, seeded generator. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export function weighted<T>(rng: Rng, pairs: readonly [T, number][]): T {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
}

const GRADE_CN = ['', '一', '二', '三', '四', '五', '六'];
const NUM_CN = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];
export const gradeName = (g: number) => `${GRADE_CN[g]}年级`;

export type CatalogueUnit = {
  id: string;
  subject: string;
  gradeLevel: number;
  term: Term;
  edition: string;
  /** Position in its book, from 0. */
  index: number;
  title: string;
  lessons: { id: string; title: string }[];
};

/** "第八单元 分数的初步认识": 语文 units carry their number already; 数学 and 英语 units are numbered here. */
export function unitLabel(u: CatalogueUnit): string {
  if (/^第.+单元/.test(u.title) || /^(Unit|Recycle)/.test(u.title)) return u.title;
  return `第${NUM_CN[u.index + 1] ?? u.index + 1}单元 ${u.title}`;
}
const bare = (u: CatalogueUnit) => u.title.replace(/^第.+?单元\s*/, '');

export type Plan = {
  type: ResourceType;
  unit: CatalogueUnit;
  /** The lesson the resource is for, or null for a whole-unit resource (tests, reviews). */
  lesson: { id: string; title: string } | null;
  period: number;
};

export type Composed = {
  title: string;
  description: string;
  knowledgePoints: string[];
  keywords: string[];
  doc: DocSpec;
};

const book = (u: CatalogueUnit) =>
  `${EDITION_NAMES[u.edition as keyof typeof EDITION_NAMES]}${u.subject}${gradeName(u.gradeLevel)}${TERM_NAMES[u.term]}`;

/** Things a lesson's resources talk about: its knowledge points, in the words of the subject. */
function pointsOf(p: Plan): string[] {
  const l = p.lesson?.title ?? bare(p.unit);
  if (p.unit.subject === '英语') {
    const topic = p.unit.title.replace(/^Unit \d+\s*/, '');
    return [`${topic} 核心词汇`, `${topic} 句型`, 'Let’s talk'];
  }
  if (p.unit.subject === '语文') {
    if (/拼音/.test(p.unit.title)) return [`${l} 的认读`, '声母韵母拼读', '四声'];
    if (/识字/.test(p.unit.title)) return [`${l} 生字`, '识字方法', '书写笔顺'];
    if (/习作|口语/.test(l)) return [l, '表达与交流'];
    return [`《${l}》生字词`, `《${l}》朗读`, '理解课文内容'];
  }
  return [l, bare(p.unit)].filter((x, i, a) => a.indexOf(x) === i);
}

const FRACTION_QUESTIONS = [
  '把一张圆形纸片平均分成 4 份，每份是它的（　　）。',
  '3/8 读作（　　），它的分母是（　　），分子是（　　）。',
  '比较大小：1/3 ○ 1/5，2/7 ○ 5/7。',
  '一块蛋糕平均分给 6 个同学，每人分得这块蛋糕的几分之几？',
  '计算：3/10 + 4/10 =（　　），1 − 5/9 =（　　）。',
  '小明看一本书，第一天看了全书的 1/4，第二天看了全书的 2/5，两天一共看了全书的几分之几？',
  '把 2/3、3/4、5/6 通分，并按从小到大的顺序排列。',
  '一根绳子长 3/4 米，剪去它的 1/3，还剩多少米？',
];

function questions(p: Plan, rng: Rng, n: number): string[] {
  const l = p.lesson?.title ?? bare(p.unit);
  if (p.unit.subject === '数学' && /分数/.test(p.unit.title + l)) {
    const qs = [...FRACTION_QUESTIONS].sort(() => rng() - 0.5);
    return qs.slice(0, n).map((q, i) => `${i + 1}. ${q}`);
  }
  const bank: Record<string, string[]> = {
    数学: [
      `结合“${l}”的学习，用自己的话说一说解题思路。`,
      `看图列式计算，并写出单位名称。`,
      `在横线上填上合适的数，说说你是怎样想的。`,
      `判断对错：学完“${l}”后，小红说的方法正确吗？`,
      `生活中哪些地方用到了“${bare(p.unit)}”的知识？举两个例子。`,
      `解决问题：先读题，再圈出关键信息，最后列式解答。`,
    ],
    语文: [
      `给《${l}》中的加点字注音。`,
      `照样子写词语，再选一个说一句话。`,
      `朗读课文，找出你最喜欢的句子抄写下来。`,
      `读了《${l}》，你明白了什么道理？`,
      `选词填空，并说说为什么这样填。`,
      `仿照课文中的句式，写一写你身边的事物。`,
    ],
    英语: [
      'Listen and tick (√) the right picture.',
      'Look, read and match the words with the pictures.',
      'Read and choose the right answer.',
      `Talk with your partner about “${p.unit.title.replace(/^Unit \d+\s*/, '')}”.`,
      'Look and write the missing letters.',
      'Read the dialogue and answer the questions.',
    ],
  };
  const qs = [...(bank[p.unit.subject] ?? bank['数学'])].sort(() => rng() - 0.5);
  return qs.slice(0, n).map((q, i) => `${i + 1}. ${q}`);
}

/** The sections of the file of a resource of each type: what a teacher would actually find in it. */
function sections(p: Plan, rng: Rng, kps: string[]): DocSection[] {
  const l = p.lesson?.title ?? bare(p.unit);
  const isEnglish = p.unit.subject === '英语';
  switch (p.type) {
    case 'lesson_plan':
      return [
        {
          heading: '一、教学目标',
          paragraphs: [
            `1. 知识与技能：${kps.map((k) => `掌握${k}`).join('，')}。`,
            `2. 过程与方法：通过观察、操作、交流，经历“${l}”的学习过程。`,
            '3. 情感态度与价值观：激发学习兴趣，养成认真倾听、乐于表达的习惯。',
          ],
        },
        { heading: '二、教学重难点', paragraphs: [`重点：${kps[0]}。`, `难点：${kps[kps.length - 1]}在实际情境中的运用。`] },
        { heading: '三、教学准备', paragraphs: [isEnglish ? '单词卡片、教学课件、录音。' : '教学课件、学习单、实物教具。'] },
        {
          heading: '四、教学过程',
          paragraphs: [
            `（一）情境导入：出示与“${l}”有关的生活情境，引发学生思考。`,
            '（二）探究新知：学生独立尝试，再在小组内交流方法，教师引导归纳。',
            '（三）巩固练习：分层完成课堂练习，同桌互评。',
            '（四）课堂小结：说一说这节课你有什么收获。',
          ],
        },
        { heading: '五、板书设计', paragraphs: [`${l}`, kps.join(' → ')] },
        {
          heading: '六、教学反思',
          paragraphs: [
            pick(rng, [
              '学生参与度高，操作环节时间可再充分一些。',
              '练习设计有梯度，后进生需要更多个别指导。',
              '情境贴近生活，学生能主动表达自己的想法。',
            ]),
          ],
        },
      ];
    case 'study_guide':
      return [
        { heading: '【学习目标】', paragraphs: kps.map((k, i) => `${i + 1}. 我能理解并说出${k}。`) },
        { heading: '【课前预习】', paragraphs: [`读一读课本中“${l}”的内容，圈出不明白的地方。`, ...questions(p, rng, 2)] },
        { heading: '【课堂探究】', paragraphs: ['活动一：独立思考，写出你的想法。', '活动二：小组合作，比一比谁的方法多。'] },
        { heading: '【达标检测】', paragraphs: questions(p, rng, 3) },
        { heading: '【我的收获】', paragraphs: ['今天我学会了：____________________'] },
      ];
    case 'exam_paper':
      return [
        { heading: '一、基础知识（40分）', paragraphs: questions(p, rng, 3) },
        { heading: '二、综合运用（30分）', paragraphs: questions(p, rng, 3) },
        { heading: '三、拓展提升（30分）', paragraphs: questions(p, rng, 2) },
        { heading: '参考答案与评分标准', paragraphs: ['答案见教师用书，主观题按要点给分，书写工整另加 2 分。'] },
      ];
    case 'exercise_set':
      return [
        { heading: '基础练习', paragraphs: questions(p, rng, 3) },
        { heading: '能力提升', paragraphs: questions(p, rng, 2) },
        { heading: '拓展挑战', paragraphs: questions(p, rng, 1) },
      ];
    case 'courseware':
    case 'micro_lesson':
    case 'media':
      return [
        { heading: '情境导入', paragraphs: [isEnglish ? 'Let’s sing and chant!' : `观察图片，说一说你发现了什么。`, `今天我们学习：${l}`] },
        { heading: '探究新知', paragraphs: kps.map((k) => (isEnglish ? `Look and say: ${k}` : `想一想：${k}`)) },
        { heading: '练一练', paragraphs: questions(p, rng, 3) },
        { heading: '课堂小结', paragraphs: [isEnglish ? 'What have you learned today?' : '这节课你有什么收获？还有什么疑问？'] },
      ];
  }
}

/** Title, description, tags and file contents of one planned resource. */
export function compose(p: Plan, rng: Rng, authorName: string, schoolName: string): Composed {
  const l = p.lesson?.title ?? bare(p.unit);
  const u = unitLabel(p.unit);
  const g = gradeName(p.unit.gradeLevel);
  const t = TERM_NAMES[p.unit.term];
  const lessonName = p.unit.subject === '英语' ? p.unit.title : `《${l}》`;
  const titles: Record<ResourceType, string[]> = {
    courseware: [`${lessonName}教学课件`, `${lessonName}课件（第${NUM_CN[p.period]}课时）`, `${g}${p.unit.subject}${lessonName}精品课件`],
    lesson_plan: [`${lessonName}教学设计`, `${lessonName}教案（第${NUM_CN[p.period]}课时）`, `${u} ${l} 教学设计`],
    study_guide: [`${lessonName}预习导学案`, `${lessonName}学习任务单`, `${lessonName}导学案`],
    micro_lesson: [`微课：${l}`, `${lessonName}微课视频`, `${l}（微课）`],
    exam_paper: [`${g}${p.unit.subject}${t}${u}单元测试卷`, `${u}单元检测卷（A卷）`, `${g}${t}${bare(p.unit)}达标测试`],
    media: [`${lessonName}教学图片素材`, `${l} 课堂素材`, `${lessonName}配套素材`],
    exercise_set: [`${lessonName}分层练习`, `${lessonName}课时作业`, `${u}同步习题集`],
  };
  const kps = pointsOf(p).slice(0, 3);
  const typeName = RESOURCE_TYPE_NAMES[p.type];
  const whats: Record<ResourceType, string> = {
    courseware: `含情境导入、探究新知、练一练和课堂小结，共 ${int(rng, 12, 28)} 页`,
    lesson_plan: '包括教学目标、重难点、教学过程、板书设计和教学反思',
    study_guide: '分课前预习、课堂探究、达标检测三部分，可直接打印给学生使用',
    micro_lesson: `时长约 ${int(rng, 5, 9)} 分钟，讲解${kps[0]}，适合课前预习或课后复习`,
    exam_paper: '题型全面、难度适中，附参考答案与评分标准',
    media: '可插入课件或打印张贴，帮助学生直观理解',
    exercise_set: '按基础、提升、挑战三层设计，便于分层布置作业',
  };
  const description = `本${typeName}依据${book(p.unit)}${u}编写，围绕“${kps.join('、')}”展开，${whats[p.type]}。${pick(rng, [
    '已在课堂中使用，学生反馈良好。',
    '欢迎老师们根据学情调整使用。',
    '配合教材和练习册使用效果更佳。',
    '适合新授课和复习课。',
  ])}`;
  const keywords = [typeName, bare(p.unit), ...(p.unit.subject === '数学' && /分数/.test(p.unit.title) ? ['分数'] : [])].map((k) =>
    k.slice(0, 32),
  );
  const title = pick(rng, titles[p.type]).slice(0, 80);
  return {
    title,
    description,
    knowledgePoints: kps.map((k) => k.slice(0, 32)),
    keywords: [...new Set(keywords)],
    doc: { title, subtitle: `${book(p.unit)} ${u} · ${schoolName} ${authorName}`, sections: sections(p, rng, kps) },
  };
}

export const AUDIENCE_WEIGHTS: [Audience, number][] = [
  ['school', 2],
  ['district', 4],
  ['city', 2],
  ['public', 3],
];

export const MARK_WEIGHTS: [ResourceMark[], number][] = [
  [[], 40],
  [['famous_teacher'], 3],
  [['famous_school'], 2],
  [['famous_lesson'], 2],
  [['famous_teacher', 'famous_lesson'], 1],
];

/** What teachers write under a resource they used. */
export const DEMO_COMMENTS = [
  '非常实用，明天上课就用，谢谢分享！',
  '教学设计思路清晰，环节紧凑，学习了。',
  '练习题有梯度，很适合我们班的学生。',
  '课件做得很精美，孩子们一定喜欢。',
  '板书设计很有启发，借鉴一下。',
  '如果能附上学生的作品就更好了。',
  '情境导入很贴近生活，点赞！',
  '微课讲解清楚，学生在家也能看懂。',
  '题目难度适中，作为单元复习很合适。',
  '我们教研组一起研讨了这份教案，收获很大。',
];

/** 简谱 melodies for music 素材 (public-domain children's songs). */
export const DEMO_MELODIES: { title: string; jianpu: string }[] = [
  { title: '《小星星》旋律音频', jianpu: '1155665 4433221 5544332 5544332 1155665 4433221' },
  { title: '《两只老虎》旋律音频', jianpu: '1231 1231 345 345' },
  { title: '《欢乐颂》旋律音频', jianpu: '3345543211233 22 3345543211232 11' },
];
