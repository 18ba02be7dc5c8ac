import { randomUUID } from 'node:crypto';
import {
  EDITION_NAMES,
  TERM_NAMES,
  ZCurriculumBook,
  GRADE_NAMES,
  type Edition,
  type GradeLevel,
  type TCurriculumBook,
  type Term,
  type TValidationIssue,
} from '@qiming/shared';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { recordAudit } from '../../../core/audit/audit.ts';
import type { AuthedContext } from '../../../core/context.ts';
import { withTransaction, type Db, type DbOrTx } from '../../../core/db/database.ts';
import { AppError } from '../../../core/errors.ts';
import { PEP_CATALOGUE } from './pep-catalogue.ts';

export type BookKey = { edition: string; subject: string; gradeLevel: number; term: string };

/** One textbook's units with their lessons, in order. */
export async function getBook(db: DbOrTx, key: BookKey) {
  const rows = await db
    .selectFrom('curriculum_units')
    .select(['id', 'parent_id', 'kind', 'seq', 'title'])
    .where('edition', '=', key.edition)
    .where('subject', '=', key.subject)
    .where('grade_level', '=', key.gradeLevel)
    .where('term', '=', key.term)
    .orderBy('seq')
    .execute();
  return rows
    .filter((r) => !r.parent_id)
    .map((u) => ({
      id: u.id,
      title: u.title,
      kind: 'unit' as const,
      seq: u.seq,
      children: rows.filter((l) => l.parent_id === u.id).map((l) => ({ id: l.id, title: l.title, kind: 'lesson' as const, seq: l.seq })),
    }));
}

export async function listBooks(db: DbOrTx) {
  const rows = await db
    .selectFrom('curriculum_units')
    .select([
      'edition',
      'subject',
      'grade_level',
      'term',
      sql<number>`count(*) FILTER (WHERE kind = 'unit')`.as('units'),
      sql<number>`count(*) FILTER (WHERE kind = 'lesson')`.as('lessons'),
    ])
    .groupBy(['edition', 'subject', 'grade_level', 'term'])
    .orderBy('edition')
    .orderBy('subject')
    .orderBy('grade_level')
    .orderBy('term')
    .execute();
  return rows.map((r) => ({
    edition: r.edition as Edition,
    subject: r.subject,
    gradeLevel: r.grade_level,
    term: r.term as Term,
    units: Number(r.units),
    lessons: Number(r.lessons),
  }));
}

/**
 * Adds books to the catalogue. A unit or lesson already present (same book, parent and title)
 * is kept, so importing the same file twice changes nothing; new ones are appended in order.
 */
export async function importBooks(db: DbOrTx, books: TCurriculumBook[]) {
  let units = 0;
  let lessons = 0;
  for (const b of books) {
    const key = { edition: b.edition, subject: b.subject, grade_level: b.gradeLevel, term: b.term };
    const existing = await db
      .selectFrom('curriculum_units')
      .select(['id', 'parent_id', 'title', 'seq'])
      .where('edition', '=', b.edition)
      .where('subject', '=', b.subject)
      .where('grade_level', '=', b.gradeLevel)
      .where('term', '=', b.term)
      .execute();
    let seq = existing.reduce((m, r) => Math.max(m, r.seq), 0);
    for (const u of b.units) {
      let unit = existing.find((r) => !r.parent_id && r.title === u.title);
      if (!unit) {
        unit = { id: randomUUID(), parent_id: null, title: u.title, seq: ++seq };
        await db
          .insertInto('curriculum_units')
          .values({ ...key, id: unit.id, parent_id: null, kind: 'unit', seq: unit.seq, title: u.title, created_at: new Date() })
          .execute();
        units++;
      }
      const newLessons = u.lessons.filter((l) => !existing.some((r) => r.parent_id === unit.id && r.title === l));
      if (newLessons.length) {
        await db
          .insertInto('curriculum_units')
          .values(
            newLessons.map((title) => ({
              ...key,
              id: randomUUID(),
              parent_id: unit.id,
              kind: 'lesson',
              seq: ++seq,
              title,
              created_at: new Date(),
            })),
          )
          .execute();
        lessons += newLessons.length;
      }
    }
  }
  return { books: books.length, units, lessons };
}

/** The catalogue shipped with Qiming is loaded into an empty catalogue (at start-up). */
export async function ensureShippedCatalogue(db: Db): Promise<void> {
  const any = await db.selectFrom('curriculum_units').select('id').limit(1).executeTakeFirst();
  if (!any) await withTransaction(db, (tx) => importBooks(tx, PEP_CATALOGUE));
}

export async function importCatalogue(ctx: AuthedContext, books: TCurriculumBook[], source: string) {
  return withTransaction(ctx.db, async (tx) => {
    const result = await importBooks(tx, books);
    await recordAudit(tx, ctx, { action: 'resource.curriculum.import', targetType: 'curriculum', summary: { source, ...result } });
    return result;
  });
}

const HEADERS = ['教材版本', '学科', '年级', '册次', '单元', '课'] as const;
const byName = <K extends string>(names: Record<K, string>, value: string): K | undefined =>
  (Object.keys(names) as K[]).find((k) => names[k] === value || k === value);

/**
 * Reads a workbook with the columns 教材版本 | 学科 | 年级 | 册次 | 单元 | 课 (a row per lesson, or a
 * unit row with 课 empty) into books. Every bad row is reported with its row number and column.
 */
export async function parseCatalogueWorkbook(data: Buffer): Promise<TCurriculumBook[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError('FILE_INVALID');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('FILE_INVALID', { message: '工作簿中没有工作表' });
  const header = (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? '').trim());
  const missing = HEADERS.filter((h) => !header.includes(h));
  if (missing.length) throw new AppError('FILE_INVALID', { message: `缺少列：${missing.join('、')}（第一行应为 ${HEADERS.join(' | ')}）` });
  const col = (h: (typeof HEADERS)[number]) => header.indexOf(h) + 1;
  const books = new Map<string, TCurriculumBook>();
  const issues: TValidationIssue[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const cell = (h: (typeof HEADERS)[number]) => String(row.getCell(col(h)).text ?? '').trim();
    if (HEADERS.every((h) => !cell(h))) return;
    const edition = byName(EDITION_NAMES, cell('教材版本'));
    const gradeText = cell('年级');
    const grade = Number(/^\d$/.test(gradeText) ? gradeText : byName(GRADE_NAMES as Record<string, string>, gradeText));
    const term = byName(TERM_NAMES, cell('册次')) ?? byName({ first: '上', second: '下' } as Record<Term, string>, cell('册次'));
    const unit = cell('单元');
    const problems: [string, string][] = [];
    if (!edition) problems.push(['教材版本', `未知的教材版本“${cell('教材版本')}”`]);
    if (!(grade >= 1 && grade <= 6)) problems.push(['年级', `年级应为 1–6 或“一年级”…“六年级”`]);
    if (!term) problems.push(['册次', '册次应为“上册”或“下册”']);
    if (!unit) problems.push(['单元', '单元不能为空']);
    const parsedSubject = ZCurriculumBook.shape.subject.safeParse(cell('学科'));
    if (!parsedSubject.success) problems.push(['学科', `未知的学科“${cell('学科')}”`]);
    for (const [c, message] of problems) issues.push({ path: ['file', n, c], message: `第 ${n} 行「${c}」：${message}` });
    if (problems.length) return;
    const key = `${edition}|${cell('学科')}|${grade}|${term}`;
    let book = books.get(key);
    if (!book)
      books.set(key, (book = { edition: edition!, subject: parsedSubject.data!, gradeLevel: grade as GradeLevel, term: term!, units: [] }));
    let u = book.units.find((x) => x.title === unit);
    if (!u) book.units.push((u = { title: unit, lessons: [] }));
    const lesson = cell('课');
    if (lesson && !u.lessons.includes(lesson)) u.lessons.push(lesson);
  });
  if (issues.length)
    throw new AppError('VALIDATION_FAILED', {
      message: `文件中有 ${issues.length} 处错误，未导入任何内容`,
      details: { issues: issues.slice(0, 200) },
    });
  if (!books.size) throw new AppError('FILE_INVALID', { message: '文件中没有数据行' });
  return [...books.values()];
}
