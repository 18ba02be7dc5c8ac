import { ITEM_TYPES, PART_TYPES, gradeResponse } from '@qiming/shared';
import { describe, expect, it } from 'vitest';
import { removeBlankMark } from './components/interaction-editor.tsx';
import { changeType, checkDraft, emptyDraft, emptyPart, finalizeDraft, issuesByPath, nextId, type TDraft } from './item-draft.ts';

const meta = { subject: '数学' as const, grade: 3 as const };

describe('item drafts', () => {
  it('a fresh draft of every type is refused until its texts are filled in, with the messages on the fields', () => {
    for (const type of ITEM_TYPES) {
      const r = checkDraft(emptyDraft(type, meta));
      expect(r.item, type).toBeNull();
      expect(Object.keys(r.errors!), type).toContain(type === 'fill_blank' ? 'blanks.0.accepted' : 'stem');
    }
  });

  it('a filled-in single choice passes the shared schema and grades with the shared engine', () => {
    const d = emptyDraft('single_choice', meta) as Extract<TDraft, { type: 'single_choice' }>;
    const filled: TDraft = {
      ...d,
      stem: '$\\frac{1}{2}$ 等于',
      options: d.options.map((o, i) => ({ ...o, text: ['0.5', '2', '0.2', '5'][i]! })),
      answer: 'A',
    };
    const r = checkDraft(filled);
    expect(r.errors).toBeNull();
    expect(gradeResponse(r.item!, { choice: 'A' })).toMatchObject({ score: 5, isCorrect: true });
    expect(gradeResponse(r.item!, { choice: 'B' })).toMatchObject({ score: 0, isCorrect: false });
  });

  it('names each option and blank error by its path', () => {
    const d = emptyDraft('single_choice', meta) as Extract<TDraft, { type: 'single_choice' }>;
    const r = checkDraft({ ...d, stem: '题', options: d.options.map((o, i) => ({ ...o, text: i === 1 ? '' : 'x' })) });
    expect(r.errors).toEqual({ 'options.1.text': ['选项内容不能为空'] });
  });

  it('server issues drop the body/content prefix and group by field', () => {
    expect(
      issuesByPath(
        [
          { path: ['body', 'content', 'knowledgePointIds', 0], message: '知识点不存在' },
          { path: ['body', 'content', 'knowledgePointIds', 0], message: '知识点不存在' },
          { path: ['body', 'content', 'stem'], message: '题干不能为空' },
        ],
        ['body', 'content'],
      ),
    ).toEqual({ 'knowledgePointIds.0': ['知识点不存在'], stem: ['题干不能为空'] });
  });

  it('a composite scores the sum of its parts, an essay the sum of its rubric', () => {
    const c = emptyDraft('composite', meta) as Extract<TDraft, { type: 'composite' }>;
    const withParts = { ...c, parts: [emptyPart('numeric', 'p1', 2), emptyPart('essay', 'p2')] };
    const f = finalizeDraft(withParts) as typeof c;
    expect(f.parts[1]!.score).toBe(10);
    expect(f.score).toBe(12);
    expect(finalizeDraft(emptyDraft('essay', meta)).score).toBe(10);
  });

  it('changing the type keeps the metadata, the stem and choice options', () => {
    const d = { ...emptyDraft('single_choice', meta), stem: '哪个大？', difficulty: 5, source: '期末卷' } as TDraft;
    const m = changeType(d, 'multiple_choice');
    expect(m).toMatchObject({ type: 'multiple_choice', stem: '哪个大？', difficulty: 5, source: '期末卷', answers: [] });
    expect(changeType(d, 'fill_blank')).toMatchObject({ type: 'fill_blank', stem: '{{1}}' });
    for (const t of PART_TYPES) expect(changeType(d, t).type).toBe(t);
  });

  it('gives ids a teacher never types and renumbers blanks when one is removed', () => {
    expect(nextId([{ id: 'A' }, { id: 'C' }], 'letter')).toBe('B');
    expect(nextId([{ id: 'b1' }], 'blank')).toBe('b2');
    expect(removeBlankMark('甲{{1}}乙{{2}}丙{{3}}', 2)).toBe('甲{{1}}乙丙{{2}}');
  });
});
