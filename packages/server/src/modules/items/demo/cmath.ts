import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ZItemContent, type TItemContent } from '@qiming/shared';
import { knowledgePointId } from '../knowledge-points.ts';

/**
 * CMATH (XiaoMi/cmath, `cmath_dev.jsonl`, CC BY 4.0): Chinese primary-school maths word
 * problems with numeric answers, turned into numeric items. Each gets a knowledge point from the
 * words of the problem (the first rule of its grade that matches, else the grade's main
 * arithmetic point) and a difficulty from its number of reasoning steps.
 */
export const CMATH_FILE = path.join(import.meta.dirname, '..', 'data', 'cmath_dev.jsonl');
export const CMATH_SOURCE = 'CMATH dev (XiaoMi/cmath, CC BY 4.0)';

type Row = { grade: number; input: string; golden: string; reasoning_step: number };

const RULES: Record<number, [RegExp, string][]> = {
  1: [
    [/元|角|钱/, 'MA-NA-1-08'],
    [/时|点钟/, 'MA-NA-1-09'],
    [/比.*多|比.*少|还剩|还有|剩/, 'MA-NA-1-07'],
  ],
  2: [
    [/厘米|米/, 'MA-GG-2-01'],
    [/余|剩下|最多能/, 'MA-NA-2-07'],
    [/平均|每.*分|分给|分成/, 'MA-NA-2-04'],
    [/倍|每|一共.*个.*个/, 'MA-NA-2-02'],
    [/克|千克/, 'MA-NA-2-09'],
  ],
  3: [
    [/周长/, 'MA-GG-3-02-2'],
    [/面积|平方/, 'MA-GG-3-03-2'],
    [/几分之|\d+\/\d+|分数/, 'MA-NA-3-04-4'],
    [/倍/, 'MA-NA-3-03'],
    [/吨/, 'MA-NA-3-10'],
    [/秒|分钟|小时/, 'MA-NA-3-08-2'],
    [/年|月|日|天/, 'MA-NA-3-09'],
    [/平均|每.*分/, 'MA-NA-3-05'],
    [/每|一共/, 'MA-NA-3-02-2'],
  ],
  4: [
    [/平均/, 'MA-SP-4-02-1'],
    [/角|度/, 'MA-GG-4-02-2'],
    [/公顷|平方千米/, 'MA-GG-4-01'],
    [/小数|\d+\.\d+/, 'MA-NA-4-07'],
    [/亿|万/, 'MA-NA-4-01-1'],
    [/鸡|兔/, 'MA-CP-4-03'],
    [/除|平均|每/, 'MA-NA-4-03'],
  ],
  5: [
    [/表面积/, 'MA-GG-5-04-2'],
    [/面积/, 'MA-GG-5-02'],
    [/体积|容积|立方/, 'MA-GG-5-04-3'],
    [/棵|植树/, 'MA-CP-5-01'],
    [/几分之|\d+\/\d+|分数/, 'MA-NA-5-06'],
    [/x|X|方程/, 'MA-NA-5-03-5'],
    [/\d+\.\d+/, 'MA-NA-5-01'],
  ],
  6: [
    [/圆柱|圆锥/, 'MA-GG-6-03'],
    [/圆/, 'MA-GG-6-02'],
    [/折|利息|利率|税/, 'MA-NA-6-05'],
    [/%|百分/, 'MA-NA-6-04-3'],
    [/比例尺/, 'MA-NA-6-07-3'],
    [/比/, 'MA-NA-6-03-3'],
    [/几分之|\d+\/\d+|分数/, 'MA-NA-6-01-3'],
  ],
};
const DEFAULT_POINT: Record<number, string> = {
  1: 'MA-NA-1-07',
  2: 'MA-NA-2-01',
  3: 'MA-NA-3-01',
  4: 'MA-NA-4-04',
  5: 'MA-NA-5-02',
  6: 'MA-NA-6-02-3',
};

/** Units a pupil may type after the number: those the problem itself uses. Longest first. */
const UNITS = [
  '平方千米',
  '平方厘米',
  '平方分米',
  '立方厘米',
  '立方分米',
  '平方米',
  '立方米',
  '千克',
  '千米',
  '厘米',
  '分米',
  '毫米',
  '毫升',
  '公顷',
  '小时',
  '分钟',
  '元',
  '角',
  '米',
  '克',
  '吨',
  '升',
  '秒',
  '天',
  '个',
  '只',
  '本',
  '人',
  '页',
  '棵',
  '辆',
  '支',
  '块',
  '朵',
  '盆',
  '次',
  '下',
  '张',
  '条',
  '件',
  '箱',
  '袋',
  '名',
  '岁',
  '道',
  '台',
  '瓶',
  '双',
  '把',
  '颗',
  '根',
  '户',
  '种',
  '套',
  '盒',
  '包',
  '筐',
  '份',
  '杯',
  '粒',
];

export function cmathItem(row: Row, index: number): TItemContent | null {
  const rules = RULES[row.grade] ?? [];
  const code = rules.find(([re]) => re.test(row.input))?.[1] ?? DEFAULT_POINT[row.grade]!;
  const units = UNITS.filter((u) => row.input.includes(u)).slice(0, 20);
  const parsed = ZItemContent.safeParse({
    type: 'numeric',
    subject: '数学',
    grade: row.grade,
    score: 5,
    difficulty: Math.min(5, Math.max(1, row.reasoning_step)),
    stem: row.input,
    answer: row.golden,
    rule: { units },
    knowledgePointIds: [knowledgePointId(code)],
    source: `${CMATH_SOURCE} #${index + 1}`,
    tags: ['应用题'],
  });
  return parsed.success ? parsed.data : null;
}

/** Every CMATH problem that converts to a valid item, and how many did not. */
export function loadCmathItems(file = CMATH_FILE): { items: TItemContent[]; skipped: number } {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
  const items = rows.map(cmathItem);
  return { items: items.filter((x): x is TItemContent => !!x), skipped: items.filter((x) => !x).length };
}
