import ExcelJS from 'exceljs';
import type { TAssignmentAnalysis } from '@qiming/shared';
import type { AuthedContext } from '../../core/context.ts';
import { pdfMake } from '../../core/pdf/pdf.ts';
import { getAnalysis } from './analysis.service.ts';

/**
 * The assignment analysis as a workbook (exceljs) and as a printable PDF (pdfmake with the CJK font
 * of core/pdf).
 */

const BAND_NAMES = { excellent: '优秀', good: '良好', medium: '中等', pass: '及格', fail: '待及格' } as const;
const STATUS_NAMES = { not_started: '未作答', in_progress: '作答中', submitted: '待批改', graded: '已批改' } as const;
const QUALITY_NAMES = { excellent: '优秀', good: '良好', fair: '尚可', poor: '差' } as const;
const TYPE_NAMES: Record<string, string> = {
  single_choice: '单选题',
  multiple_choice: '多选题',
  true_false: '判断题',
  fill_blank: '填空题',
  numeric: '计算题',
  matching: '连线题',
  ordering: '排序题',
  short_answer: '简答题',
  essay: '作文题',
  composite: '综合题',
};
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const dash = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x);

const fileBase = (a: TAssignmentAnalysis) => `${a.assignment.title}-分析`.replace(/[\\/:*?"<>|]/g, '_');

export async function exportAnalysisXlsx(ctx: AuthedContext, assignmentId: string, classId?: string) {
  const a = await getAnalysis(ctx, assignmentId, classId);
  const wb = new ExcelJS.Workbook();
  wb.creator = '启明智慧教育平台';
  const head = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  };

  const summary = wb.addWorksheet('概况');
  summary.columns = [
    { header: '项目', key: 'k', width: 18 },
    { header: '数值', key: 'v', width: 40 },
  ];
  head(summary);
  summary.addRows([
    { k: '作业', v: a.assignment.title },
    { k: '班级', v: a.assignment.classes.map((c) => c.name).join('、') },
    { k: '满分', v: a.test.maxScore },
    { k: '应交人数', v: a.pupils.length },
    { k: '已交人数', v: a.test.n },
    { k: '平均分', v: a.test.mean },
    { k: '中位数', v: a.test.median },
    { k: '标准差', v: a.test.sd },
    { k: '最高分 / 最低分', v: `${a.test.max} / ${a.test.min}` },
    { k: '信度（Cronbach α）', v: dash(a.test.alpha) },
    ...a.bands.map((b) => ({ k: `${BAND_NAMES[b.band]}人数`, v: b.count })),
  ]);

  const pupils = wb.addWorksheet('学生成绩');
  pupils.columns = [
    { header: '名次', key: 'rank', width: 8 },
    { header: '学号', key: 'no', width: 14 },
    { header: '姓名', key: 'name', width: 12 },
    { header: '班级', key: 'cls', width: 16 },
    { header: '得分', key: 'score', width: 10 },
    { header: '等级', key: 'band', width: 10 },
    { header: '状态', key: 'status', width: 10 },
    { header: '作答次数', key: 'attempts', width: 10 },
    { header: '用时（分钟）', key: 'mins', width: 12 },
    { header: '提交时间', key: 'at', width: 20 },
  ];
  head(pupils);
  for (const p of [...a.pupils].sort((x, y) => (x.rank ?? 1e9) - (y.rank ?? 1e9)))
    pupils.addRow({
      rank: p.rank ?? '',
      no: p.studentNo ?? '',
      name: p.name,
      cls: p.className ?? '',
      score: p.score ?? '',
      band: p.band ? BAND_NAMES[p.band] : '',
      status: STATUS_NAMES[p.status],
      attempts: p.attempts,
      mins: p.durationSeconds === null ? '' : Math.round(p.durationSeconds / 6) / 10,
      at: p.submittedAt ? new Date(p.submittedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '',
    });

  const items = wb.addWorksheet('题目分析');
  items.columns = [
    { header: '题号', key: 'pos', width: 6 },
    { header: '题型', key: 'type', width: 10 },
    { header: '题干', key: 'stem', width: 40 },
    { header: '分值', key: 'max', width: 6 },
    { header: '平均分', key: 'avg', width: 8 },
    { header: '正确率', key: 'rate', width: 8 },
    { header: '难度 p', key: 'p', width: 8 },
    { header: '区分度 D', key: 'd', width: 9 },
    { header: '点二列相关 r', key: 'r', width: 12 },
    { header: '质量', key: 'q', width: 8 },
    { header: '选项分布', key: 'opts', width: 36 },
  ];
  head(items);
  for (const i of a.items)
    items.addRow({
      pos: i.position,
      type: TYPE_NAMES[i.type] ?? i.type,
      stem: i.stemPreview,
      max: i.maxScore,
      avg: i.averageScore,
      rate: pct(i.correctRate),
      p: i.p,
      d: dash(i.discrimination),
      r: dash(i.pointBiserial),
      q: i.quality ? QUALITY_NAMES[i.quality] : '—',
      opts: i.options
        ? i.options.map((o) => `${o.id}${o.isKey ? '✓' : ''}:${o.count}`).join('  ') + (i.unanswered ? `  未答:${i.unanswered}` : '')
        : '',
    });

  const kps = wb.addWorksheet('知识点');
  kps.columns = [
    { header: '知识点', key: 'name', width: 30 },
    { header: '题数', key: 'items', width: 8 },
    { header: '得分率', key: 'rate', width: 10 },
    { header: '平均掌握度（BKT）', key: 'mastery', width: 18 },
  ];
  head(kps);
  for (const k of a.knowledgePoints)
    kps.addRow({ name: k.name, items: k.items, rate: pct(k.rate), mastery: k.mastery === null ? '—' : pct(k.mastery) });

  return { fileName: `${fileBase(a)}.xlsx`, buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}

// --- PDF ---------------------------------------------------------------------------------------

function bar(count: number, max: number, width = 120) {
  const w = max > 0 ? Math.max(count > 0 ? 2 : 0, (count / max) * width) : 0;
  return { canvas: [{ type: 'rect', x: 0, y: 2, w, h: 8, color: '#1677ff' }], width: width + 4 };
}

export async function exportAnalysisPdf(ctx: AuthedContext, assignmentId: string, classId?: string) {
  const a = await getAnalysis(ctx, assignmentId, classId);
  const pdf = pdfMake();
  const maxBin = Math.max(1, ...a.histogram.map((h) => h.count));
  const table = (widths: unknown[], header: string[], rows: unknown[][]) => ({
    table: { headerRows: 1, widths, body: [header.map((h) => ({ text: h, bold: true, fillColor: '#f0f5ff' })), ...rows] },
    layout: 'lightHorizontalLines',
    fontSize: 9,
    margin: [0, 4, 0, 12],
  });
  const doc = {
    info: { title: `${a.assignment.title} 作业分析`, creator: '启明智慧教育平台' },
    defaultStyle: { font: 'CJK', fontSize: 10 },
    pageMargins: [40, 48, 40, 48],
    footer: (page: number, pages: number) => ({ text: `${page} / ${pages}`, alignment: 'center', fontSize: 8, color: '#888' }),
    content: [
      { text: `${a.assignment.title} · 作业分析`, fontSize: 16, bold: true },
      {
        text: `${a.assignment.classes.map((c) => c.name).join('、')}\u3000满分 ${a.test.maxScore}\u3000已交 ${a.test.n}/${a.pupils.length} 人\u3000生成于 ${new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}`,
        color: '#555',
        margin: [0, 4, 0, 12],
      },
      table(
        ['*', '*', '*', '*', '*', '*'],
        ['平均分', '中位数', '标准差', '最高分', '最低分', '信度 α'],
        [[a.test.mean, a.test.median, a.test.sd, a.test.max, a.test.min, dash(a.test.alpha)]],
      ),
      { text: '分数分布', bold: true, fontSize: 12 },
      table(
        [80, 'auto', '*'],
        ['分数段', '人数', ''],
        a.histogram.map((h) => [`${h.from}–${h.to}`, h.count, bar(h.count, maxBin)]),
      ),
      table(
        ['*', '*', '*', '*', '*'],
        a.bands.map((b) => BAND_NAMES[b.band]),
        [a.bands.map((b) => b.count)],
      ),
      { text: '题目分析', bold: true, fontSize: 12 },
      table(
        [24, 44, '*', 36, 40, 36, 40, 30],
        ['题号', '题型', '题干', '正确率', '难度 p', '区分度', '相关 r', '质量'],
        a.items.map((i) => [
          i.position,
          TYPE_NAMES[i.type] ?? i.type,
          i.stemPreview,
          pct(i.correctRate),
          i.p,
          dash(i.discrimination),
          dash(i.pointBiserial),
          i.quality ? QUALITY_NAMES[i.quality] : '—',
        ]),
      ),
      ...(a.knowledgePoints.length
        ? [
            { text: '知识点掌握', bold: true, fontSize: 12 },
            table(
              ['*', 40, 60, 80],
              ['知识点', '题数', '得分率', '平均掌握度'],
              a.knowledgePoints.map((k) => [k.name, k.items, pct(k.rate), k.mastery === null ? '—' : pct(k.mastery)]),
            ),
          ]
        : []),
      { text: '学生成绩', bold: true, fontSize: 12, pageBreak: 'before' },
      table(
        [30, 70, 60, '*', 44, 44, 50],
        ['名次', '学号', '姓名', '班级', '得分', '等级', '状态'],
        [...a.pupils]
          .sort((x, y) => (x.rank ?? 1e9) - (y.rank ?? 1e9))
          .map((p) => [
            p.rank ?? '',
            p.studentNo ?? '',
            p.name,
            p.className ?? '',
            p.score ?? '',
            p.band ? BAND_NAMES[p.band] : '',
            STATUS_NAMES[p.status],
          ]),
      ),
    ],
  };
  return { fileName: `${fileBase(a)}.pdf`, buffer: await pdf.createPdf(doc).getBuffer() };
}
