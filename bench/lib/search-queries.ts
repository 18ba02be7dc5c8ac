import type { TSearchQuery } from '@qiming/shared';
import { CURRICULUM, GRADE_WORDS } from '../../packages/server/src/modules/search/fixtures/curriculum.ts';
import { random } from '../../packages/server/src/modules/search/fixtures/generate.ts';

/** Queries as teachers type them: a lesson, a lesson and a type, a grade and a subject, synonyms, pinyin, English; some with filters. */
export function teacherQueries(count: number): Partial<TSearchQuery>[] {
  const rnd = random(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: Partial<TSearchQuery>[] = [];
  const shapes: (() => Partial<TSearchQuery>)[] = [
    () => ({ q: pick(pick(CURRICULUM).lessons) }),
    () => ({ q: `${pick(pick(CURRICULUM).lessons)} ${pick(['课件', '教案', '微课', '练习', '导学案', 'ppt', '视频', '教学设计'])}` }),
    () => {
      const u = pick(CURRICULUM);
      return { q: `${GRADE_WORDS[u.grade]} ${u.subject} ${pick(['课件', '试卷', '教案', '期末'])}` };
    },
    () => ({ q: pick(pick(CURRICULUM).knowledgePoints) }),
    () => {
      const u = pick(CURRICULUM);
      return { q: pick(u.lessons), subject: u.subject, grade: u.grade };
    },
    () => ({ q: pick(['分数', '课件', '古诗', '面积', '乘法', '方程', '阅读理解', '口算', '单元测试', '期末复习']) }),
    () => ({ q: pick(['fs', 'mj', 'cf', 'xs', 'gs', 'zfx']) }),
    () => ({
      q: `${pick(['人教版', '统编版'])} ${pick(GRADE_WORDS.slice(1))} ${pick(['上册', '下册'])} ${pick(['课件', '教案'])}`,
      type: pick(['课件', '教案']),
    }),
  ];
  for (let i = 0; i < count; i++) out.push(shapes[i % shapes.length]!());
  return out;
}
