import { performance } from 'node:perf_hooks';
import { gradeResponse, ZItemContent, type TItemContent, type TItemContentInput } from '@qiming/shared';
import { envNumber, writeResult } from './lib/report.ts';

/*
 * Grading throughput on one core: the pure engine (`gradeResponse`) over a mix of every
 * auto-graded type with right, wrong and tricky answers (full-width digits, 1/2 vs 50%, mixed
 * numbers, Chinese punctuation, any-order blanks). Two runs:
 *  - warm: the same item objects for many answers (a class's answers to one paper, as homework
 *    grades them), so each item's normalised keys are computed once;
 *  - cold: every answer gets its own copy of its item (as if each were loaded from the database),
 *    so normalising the keys is paid for every answer.
 * Knobs: BENCH_GRADING_SECONDS=3.
 *
 *   node --import tsx bench/grading.ts
 */

const meta = { subject: '数学', grade: 4, score: 4 } as const;
const mk = (x: Record<string, unknown>) => ZItemContent.parse({ ...meta, ...x } as TItemContentInput);
const opts = (...ids: string[]) => ids.map((id) => ({ id, text: `选项 ${id}` }));

const cases: { name: string; item: TItemContent; responses: unknown[] }[] = [
  {
    name: 'single_choice',
    item: mk({ type: 'single_choice', stem: 'x', options: opts('A', 'B', 'C', 'D'), answer: 'C' }),
    responses: [{ choice: 'C' }, { choice: 'A' }],
  },
  {
    name: 'multiple_choice',
    item: mk({ type: 'multiple_choice', stem: 'x', options: opts('A', 'B', 'C', 'D', 'E'), answers: ['A', 'C', 'E'] }),
    responses: [{ choices: ['A', 'C', 'E'] }, { choices: ['A', 'C'] }, { choices: ['A', 'B'] }],
  },
  { name: 'true_false', item: mk({ type: 'true_false', stem: 'x', answer: false }), responses: [{ value: false }, { value: true }] },
  {
    name: 'fill_blank',
    item: mk({
      type: 'fill_blank',
      stem: '《静夜思》的作者是{{1}}，他是{{2}}代诗人，诗中写到了{{3}}。',
      blanks: [
        { id: 'a', accepted: ['李白', '李太白'] },
        { id: 'b', accepted: ['唐', '唐朝'] },
        { id: 'c', accepted: ['明月', '月亮', '月光'] },
      ],
    }),
    responses: [{ blanks: ['李白', '唐', '明月'] }, { blanks: [' 李 太白 ', '唐朝。', '月光'] }, { blanks: ['杜甫', '宋', ''] }],
  },
  {
    name: 'fill_blank any order',
    item: mk({
      type: 'fill_blank',
      stem: '写出三个质数：{{1}}、{{2}}、{{3}}',
      anyOrder: true,
      blanks: ['a', 'b', 'c'].map((id) => ({ id, accepted: ['2', '3', '5', '7', '11', '13'] })),
    }),
    responses: [{ blanks: ['7', '２', '11'] }, { blanks: ['3', '3', '9'] }],
  },
  {
    name: 'numeric',
    item: mk({ type: 'numeric', stem: 'x', answer: '1又1/2', rule: { units: ['千克'] } }),
    responses: [{ value: '1.5' }, { value: '3/2' }, { value: '１又１/２千克' }, { value: '150%' }, { value: '1.6' }, { value: '1,500' }],
  },
  {
    name: 'numeric tolerance',
    item: mk({ type: 'numeric', stem: 'x', answer: '3.14', rule: { tolerance: 0.01 } }),
    responses: [{ value: '3.14' }, { value: '3.141' }, { value: '22/7' }],
  },
  {
    name: 'matching',
    item: mk({
      type: 'matching',
      stem: 'x',
      left: opts('l1', 'l2', 'l3', 'l4'),
      right: opts('r1', 'r2', 'r3', 'r4', 'r5'),
      pairs: [1, 2, 3, 4].map((i) => ({ left: `l${i}`, right: `r${i}` })),
    }),
    responses: [
      { pairs: [1, 2, 3, 4].map((i) => ({ left: `l${i}`, right: `r${i}` })) },
      {
        pairs: [
          { left: 'l1', right: 'r2' },
          { left: 'l2', right: 'r1' },
        ],
      },
    ],
  },
  {
    name: 'ordering',
    item: mk({
      type: 'ordering',
      stem: 'x',
      elements: opts('a', 'b', 'c', 'd', 'e'),
      order: ['a', 'b', 'c', 'd', 'e'],
      scoring: 'adjacent_pairs',
    }),
    responses: [{ order: ['a', 'b', 'c', 'd', 'e'] }, { order: ['b', 'c', 'd', 'e', 'a'] }],
  },
  {
    name: 'short_answer',
    item: mk({ type: 'short_answer', stem: 'x', acceptedAnswers: ['处处闻啼鸟'], keywords: [{ words: ['啼鸟', '鸟'], points: 2 }] }),
    responses: [{ text: '处处闻啼鸟。' }, { text: '到处都能听到鸟叫' }],
  },
];

const pairs = cases.flatMap((c) => c.responses.map((r) => ({ name: c.name, item: c.item, response: r })));
const seconds = envNumber('BENCH_GRADING_SECONDS', 3);

function run(label: string, nextItem: (i: number) => TItemContent) {
  // warm-up: one second, so the optimising compiler has settled before the clock starts
  const warmUntil = performance.now() + 1000;
  for (let i = 0; performance.now() < warmUntil; i++) gradeResponse(nextItem(i), pairs[i % pairs.length]!.response);
  let n = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let j = 0; j < 1000; j++, n++) checksum += gradeResponse(nextItem(n), pairs[n % pairs.length]!.response).score;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSecond = Math.round(n / elapsed);
  // per CPU-second: what one core does when it is ours alone (the machine is shared, so wall time is not)
  const perCpuSecond = Math.round(n / cpuSeconds);
  console.log(
    `${label.padEnd(6)} ${perCpuSecond.toLocaleString('en-US')} answers per CPU-second; ${perSecond.toLocaleString('en-US')} answers/s of wall time ` +
      `(${n.toLocaleString('en-US')} answers, ${elapsed.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU, checksum ${Math.round(checksum)})`,
  );
  return { perSecond, perCpuSecond };
}

function perType(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cases) {
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < 300) {
      for (let j = 0; j < 500; j++, n++) gradeResponse(c.item, c.responses[n % c.responses.length]);
    }
    out[c.name] = Math.round(n / ((performance.now() - started) / 1000));
  }
  return out;
}

console.log(`grading: ${pairs.length} (item, response) pairs over ${cases.length} item kinds, ${seconds} s per run, one core`);
const warm = run('warm', (i) => pairs[i % pairs.length]!.item);
// cold: a fresh copy of the item for every answer, made before the clock starts
// (a whole number of rounds of the pairs, so each copy meets its own item's responses)
const copies = Array.from({ length: pairs.length * 7500 }, (_, i) => structuredClone(pairs[i % pairs.length]!.item));
const cold = run('cold', (i) => copies[i % copies.length]!);
const byType = perType();
for (const [k, v] of Object.entries(byType)) console.log(`  ${k.padEnd(22)} ${v.toLocaleString('en-US')} answers/s (warm)`);
const goal = 200_000;
console.log(
  `goal ≥ ${goal.toLocaleString('en-US')} answers/s on one core (per CPU-second): warm ${warm.perCpuSecond >= goal ? 'met ✓' : 'missed ✗'}, cold ${cold.perCpuSecond >= goal ? 'met ✓' : 'missed ✗'}`,
);
console.log(`written to ${writeResult('grading', { warm, cold, perType: byType, goal })}`);
