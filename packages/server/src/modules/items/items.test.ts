import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { knowledgePointId } from './knowledge-points.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const w = () => t.world;
const choice = (over: Record<string, unknown> = {}) => ({
  type: 'single_choice',
  subject: '数学',
  grade: 3,
  score: 2,
  stem: '$3 \\times 4 = $ ?',
  options: [
    { id: 'A', text: '7' },
    { id: 'B', text: '12' },
    { id: 'C', text: '34' },
  ],
  answer: 'B',
  knowledgePointIds: [knowledgePointId('MA-NA-3-02')],
  ...over,
});

describe('banks', () => {
  it('401 without a session; 403 for a pupil', async () => {
    expect((await t.anon().get('/api/item-banks')).status).toBe(401);
    expect((await (await t.as('student_a1')).get('/api/item-banks')).status).toBe(403);
  });

  it('a teacher sees its school’s bank and its district’s shared bank, not another school’s', async () => {
    const teacher = await t.as('teacher_a1');
    const names = (await teacher.get('/api/item-banks')).body.map((b: { name: string }) => b.name).sort();
    expect(names).toEqual(['实验小学数学校本题库', '市南区数学共享题库'].sort());
    const own = (await teacher.get(`/api/item-banks/${w().items.bankA}`)).body;
    expect(own).toMatchObject({ itemCount: 1, policies: { canEdit: true }, shareScope: 'school' });
    // the district bank is readable but only the district's people may change it
    expect((await teacher.get(`/api/item-banks/${w().items.bankD1}`)).body.policies.canEdit).toBe(false);
    expect((await teacher.patch(`/api/item-banks/${w().items.bankD1}`, { name: '改名' })).status).toBe(403);
    expect((await teacher.get(`/api/item-banks/${w().items.bankX}`)).status).toBe(404);
    expect((await teacher.get(`/api/item-banks/${w().foreign.bankY}`)).status).toBe(404);
  });

  it('creates a bank for its own school (201), refuses another school (404) and bad input (400)', async () => {
    const teacher = await t.as('teacher_a2');
    const bad = await teacher.post('/api/item-banks', { name: 'x', ownerUnitId: 'nope', shareScope: 'galaxy' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual([
      'name',
      'ownerUnitId',
      'shareScope',
    ]);
    expect((await teacher.post('/api/item-banks', { name: '另一所学校的题库', ownerUnitId: w().units.schoolX })).status).toBe(404);
    // a teacher cannot own a district bank
    expect((await teacher.post('/api/item-banks', { name: '区县题库', ownerUnitId: w().units.d1 })).status).toBe(403);
    const ok = await teacher.post('/api/item-banks', {
      name: '三年级语文题库',
      ownerUnitId: w().units.schoolA,
      subject: '语文',
      shareScope: 'district',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: '三年级语文题库', ownerUnitName: '市南区实验小学', shareScope: 'district', itemCount: 0 });
    // shared district-wide: a teacher of school B (same district) now sees it; school X (other district) does not
    const b = await t.as('teacher_b1');
    expect((await b.get(`/api/item-banks/${ok.body.id}`)).status).toBe(200);
    expect((await (await t.as('teacher_x1')).get(`/api/item-banks/${ok.body.id}`)).status).toBe(404);
  });

  it('a bank cannot be shared narrower than its owner', async () => {
    const d1 = await t.as('d1_researcher');
    const r = await d1.post('/api/item-banks', { name: '区县题库', ownerUnitId: w().units.d1, shareScope: 'school' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.issues[0].path).toEqual(['body', 'shareScope']);
  });
});

describe('items', () => {
  it('creates an item (201) with knowledge points; lists and filters it', async () => {
    const teacher = await t.as('teacher_a1');
    const res = await teacher.post('/api/items', { bankId: w().items.bankA, content: choice() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'single_choice',
      version: 1,
      stemPreview: '3 × 4 = ?',
      knowledgePoints: [{ name: '多位数乘一位数' }],
    });
    const list = await teacher.get(`/api/items?bankId=${w().items.bankA}&type=single_choice`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(res.body.id);
    // by the parent strand: the point lies under 数与代数
    const byStrand = await teacher.get(`/api/items?knowledgePointId=${knowledgePointId('MA-NA')}`);
    expect(byStrand.body.items.map((i: { id: string }) => i.id)).toContain(res.body.id);
    const byText = await teacher.get(`/api/items?q=${encodeURIComponent('3 × 4')}`);
    expect(byText.body.total).toBeGreaterThanOrEqual(1);
    const none = await teacher.get(`/api/items?difficulty=5&type=single_choice`);
    expect(none.body.items.map((i: { id: string }) => i.id)).not.toContain(res.body.id);
    // by id (a paper builder's rows): only those the teacher may see
    const byIds = await teacher.get(`/api/items?ids=${res.body.id},${w().items.itemX}`);
    expect(byIds.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
    expect((await teacher.get('/api/items?ids=nope')).status).toBe(400);
  });

  it('lists every problem of a bad item (400) and changes nothing', async () => {
    const teacher = await t.as('teacher_a1');
    const before = (await teacher.get(`/api/items?bankId=${w().items.bankA}`)).body.total;
    const r = await teacher.post('/api/items', {
      bankId: w().items.bankA,
      content: { ...choice(), answer: 'Z', options: [{ id: 'A', text: '' }], difficulty: 9 },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const paths = r.body.error.details.issues.map((i: { path: (string | number)[] }) => i.path.slice(2).join('.')).sort();
    expect(paths).toEqual(expect.arrayContaining(['difficulty', 'options', 'options.0.text']));
    const unknownType = await teacher.post('/api/items', { bankId: w().items.bankA, content: { ...choice(), type: 'riddle' } });
    expect(unknownType.status).toBe(400);
    const badKp = await teacher.post('/api/items', {
      bankId: w().items.bankA,
      content: choice({ knowledgePointIds: [knowledgePointId('CN-RD-3-01')] }),
    });
    expect(badKp.status).toBe(400);
    expect(badKp.body.error.details.issues[0].message).toBe('该知识点不属于数学');
    expect((await teacher.get(`/api/items?bankId=${w().items.bankA}`)).body.total).toBe(before);
  });

  it('another school’s item: 404; a read-only bank: 403', async () => {
    const teacher = await t.as('teacher_a1');
    expect((await teacher.get(`/api/items/${w().items.itemX}`)).status).toBe(404);
    expect((await teacher.get(`/api/items/${w().foreign.itemY}`)).status).toBe(404);
    expect((await teacher.put(`/api/items/${w().items.itemX}`, { content: choice(), baseVersion: 1 })).status).toBe(404);
    expect((await teacher.post('/api/items', { bankId: w().items.bankX, content: choice() })).status).toBe(404);
    expect((await teacher.post('/api/items', { bankId: w().items.bankD1, content: choice() })).status).toBe(403);
    const other = await t.as('teacher_x1');
    const list = await other.get('/api/items?pageSize=100');
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(w().items.itemA);
  });

  it('an edit is a new version; the old one stays for papers that pinned it; stale edits conflict (409)', async () => {
    const teacher = await t.as('teacher_a1');
    const created = (await teacher.post('/api/items', { bankId: w().items.bankA, content: choice() })).body;
    const edited = await teacher.put(`/api/items/${created.id}`, { content: choice({ answer: 'C', stem: '改过的题干' }), baseVersion: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, stemPreview: '改过的题干' });
    expect(edited.body.versionId).not.toBe(created.versionId);
    const stale = await teacher.put(`/api/items/${created.id}`, { content: choice(), baseVersion: 1 });
    expect(stale.status).toBe(409);
    const old = await t.ctx.db
      .selectFrom('item_versions')
      .select(['version', 'content'])
      .where('id', '=', created.versionId)
      .executeTakeFirstOrThrow();
    expect((old.content as { answer: string }).answer).toBe('B');
    await expect(t.ctx.db.updateTable('item_versions').set({ version: 9 }).where('id', '=', created.versionId).execute()).rejects.toThrow(
      /immutable/,
    );
  });

  it('archives an item (it leaves the lists); audit records every change', async () => {
    const teacher = await t.as('teacher_a1');
    const created = (await teacher.post('/api/items', { bankId: w().items.bankA, content: choice() })).body;
    expect((await teacher.del(`/api/items/${created.id}`)).status).toBe(200);
    expect((await teacher.get(`/api/items/${created.id}`)).status).toBe(404);
    const actions = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', created.id).execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['items.item.archive', 'items.item.create']);
  });

  it('pupil view strips answers and shuffles by seed', async () => {
    const teacher = await t.as('teacher_a1');
    const created = (await teacher.post('/api/items', { bankId: w().items.bankA, content: choice() })).body;
    const a = (await teacher.get(`/api/items/${created.id}/pupil-view?seed=s1`)).body;
    expect(a).not.toHaveProperty('answer');
    expect(a.options.map((o: { id: string }) => o.id).sort()).toEqual(['A', 'B', 'C']);
    expect((await teacher.get(`/api/items/${created.id}/pupil-view?seed=s1`)).body).toEqual(a);
  });

  it('grade preview: grades without storing; a response of the wrong shape is a 400', async () => {
    const teacher = await t.as('teacher_a1');
    const ok = await teacher.post('/api/items/grade-preview', { content: choice(), response: { choice: 'B' } });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ score: 2, isCorrect: true });
    const bad = await teacher.post('/api/items/grade-preview', { content: choice(), response: { choices: ['B'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual([
      'body.response.choices',
      'body.response.choice',
    ]);
  });
});

describe('knowledge points', () => {
  it('the shipped tree per subject and grade', async () => {
    const teacher = await t.as('teacher_a1');
    const maths = (await teacher.get('/api/knowledge-points?subject=数学&grade=3')).body;
    const strands = maths.filter((k: { parentId: string | null }) => !k.parentId).map((k: { name: string }) => k.name);
    expect(strands).toEqual(['数与代数', '图形与几何', '统计与概率', '综合与实践']);
    expect(maths.some((k: { name: string; grade: number }) => k.name === '分数的初步认识' && k.grade === 3)).toBe(true);
    expect(maths.every((k: { grade: number | null }) => k.grade === null || k.grade === 3)).toBe(true);
    const chinese = (await teacher.get('/api/knowledge-points?subject=语文')).body;
    expect(chinese.filter((k: { parentId: string | null }) => !k.parentId).map((k: { name: string }) => k.name)).toEqual([
      '识字与写字',
      '阅读',
      '写话/习作',
      '口语交际',
      '综合性学习',
    ]);
    expect(chinese.filter((k: { grade: number | null }) => k.grade === 6).length).toBeGreaterThan(10);
    expect((await teacher.get('/api/knowledge-points?subject=火星语')).status).toBe(400);
    expect((await t.anon().get('/api/knowledge-points?subject=数学')).status).toBe(401);
  });

  it('counts the visible items under each point once, for one bank when asked; another school’s bank: 404', async () => {
    const teacher = await t.as('teacher_a1');
    const other = await t.as('teacher_x1');
    const counts = async (as: typeof teacher, query = '') => {
      const res = await as.get(`/api/knowledge-points?subject=数学&grade=3${query}`);
      expect(res.status).toBe(200);
      return new Map<string, number>(res.body.map((k: { id: string; itemCount: number }) => [k.id, k.itemCount]));
    };
    const [strand, point, sub] = ['MA-NA', 'MA-NA-3-02', 'MA-NA-3-02-1'].map(knowledgePointId) as [string, string, string];
    const before = await counts(teacher);
    const beforeBank = await counts(teacher, `&bankId=${w().items.bankA}`);
    const beforeOther = await counts(other);
    // one item tagged with a point and a point below it counts once for each ancestor
    const res = await teacher.post('/api/items', { bankId: w().items.bankA, content: choice({ knowledgePointIds: [point, sub] }) });
    expect(res.status).toBe(201);
    const after = await counts(teacher);
    expect([after.get(strand)! - before.get(strand)!, after.get(point)! - before.get(point)!, after.get(sub)! - before.get(sub)!]).toEqual([
      1, 1, 1,
    ]);
    const afterBank = await counts(teacher, `&bankId=${w().items.bankA}`);
    expect(afterBank.get(point)! - beforeBank.get(point)!).toBe(1);
    expect((await counts(teacher, `&bankId=${w().items.bankD1}`)).get(point)).toBeLessThan(after.get(point)!);
    // a teacher of another school does not see the item in the counts, nor the bank
    expect((await counts(other)).get(point)).toBe(beforeOther.get(point));
    expect((await other.get(`/api/knowledge-points?subject=数学&bankId=${w().items.bankA}`)).status).toBe(404);
    expect((await teacher.get('/api/knowledge-points?subject=数学&bankId=nope')).status).toBe(400);
  });
});

describe('papers', () => {
  it('a teacher builds a paper from visible items, pinned at their versions', async () => {
    const teacher = await t.as('teacher_a1');
    const i1 = (await teacher.post('/api/items', { bankId: w().items.bankA, content: choice() })).body;
    const res = await teacher.post('/api/papers', {
      title: '三年级乘法小测',
      subject: '数学',
      grade: 3,
      ownerUnitId: w().units.schoolA,
      sections: [
        { title: '一、选择题', items: [{ itemId: i1.id, score: 5 }] },
        { title: '二、计算题', items: [{ itemId: w().items.itemD1 }] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ totalScore: 10, itemCount: 2, policies: { canEdit: true } });
    expect(res.body.sections[0].items[0]).toMatchObject({ itemId: i1.id, version: 1, score: 5 });
    // the item changes; the paper keeps version 1 until refreshed
    await teacher.put(`/api/items/${i1.id}`, { content: choice({ answer: 'A' }), baseVersion: 1 });
    const p = (await teacher.get(`/api/papers/${res.body.id}`)).body;
    expect(p.sections[0].items[0]).toMatchObject({ version: 1, latestVersion: 2 });
    const refreshed = await teacher.put(`/api/papers/${res.body.id}`, { ...strip(p), refreshVersions: true });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.sections[0].items[0]).toMatchObject({ version: 2 });
    // preview as a pupil: no answers
    const preview = (await teacher.get(`/api/papers/${res.body.id}/preview?seed=x`)).body;
    expect(preview.sections[0].items[0].item).not.toHaveProperty('answer');
    expect(preview.totalScore).toBe(10);
  });

  it('refuses items it cannot see, duplicates and bad input (400), another school’s paper (404)', async () => {
    const teacher = await t.as('teacher_a1');
    const bad = await teacher.post('/api/papers', {
      title: '试卷',
      subject: '数学',
      grade: 3,
      ownerUnitId: w().units.schoolA,
      sections: [{ title: '一', items: [{ itemId: w().items.itemX }, { itemId: w().items.itemA }, { itemId: w().items.itemA }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: (string | number)[] }) => i.path.join('.'))).toEqual([
      'body.sections.0.items.0.itemId',
      'body.sections.0.items.2.itemId',
    ]);
    const empty = await teacher.post('/api/papers', {
      title: 'x',
      subject: '数学',
      grade: 9,
      ownerUnitId: w().units.schoolA,
      sections: [],
    });
    expect(empty.body.error.details.issues.map((i: { path: string[] }) => i.path.at(-1)).sort()).toEqual(['grade', 'sections', 'title']);
    expect((await teacher.get(`/api/papers/${w().foreign.paperY}`)).status).toBe(404);
    expect((await (await t.as('teacher_x1')).get(`/api/papers/${w().items.paperA}`)).status).toBe(404);
    expect((await (await t.as('teacher_x1')).del(`/api/papers/${w().items.paperA}`)).status).toBe(404);
    const list = (await teacher.get('/api/papers')).body;
    expect(list.items.map((p: { title: string }) => p.title)).toContain('三年级数学单元练习');
  });

  it('automatic assembly meets what it can and says what it cannot', async () => {
    const teacher = await t.as('teacher_a1');
    const r = await teacher.post('/api/papers/assemble', {
      subject: '数学',
      grade: 3,
      sections: [
        { type: 'numeric', count: 2, scorePerItem: 5 },
        { type: 'essay', count: 1, scorePerItem: 10 },
      ],
      totalScore: 100,
      knowledgePointIds: [knowledgePointId('MA-GG-3-03')],
    });
    expect(r.status).toBe(200);
    expect(r.body.sections[0].items).toHaveLength(2);
    expect(r.body.shortfalls.map((s: { constraint: string }) => s.constraint).sort()).toEqual([
      'knowledge_point',
      'total_score',
      'type_count',
    ]);
    expect(r.body.shortfalls.find((s: { constraint: string }) => s.constraint === 'knowledge_point').message).toContain('面积');
    expect((await teacher.post('/api/papers/assemble', { subject: '数学', grade: 3, sections: [] })).status).toBe(400);
    expect(
      (
        await teacher.post('/api/papers/assemble', {
          subject: '数学',
          grade: 3,
          bankIds: [w().items.bankX],
          sections: [{ type: 'numeric', count: 1, scorePerItem: 1 }],
        })
      ).status,
    ).toBe(404);
  });
});

const strip = (p: {
  title: string;
  subject: string;
  grade: number;
  durationMinutes: number;
  sections: { title: string; instructions: string; items: { itemId: string; score: number }[] }[];
}) => ({
  title: p.title,
  subject: p.subject,
  grade: p.grade,
  durationMinutes: p.durationMinutes,
  sections: p.sections.map((s) => ({
    title: s.title,
    instructions: s.instructions,
    items: s.items.map((i) => ({ itemId: i.itemId, score: i.score })),
  })),
});

describe('QTI import and export', () => {
  const form = (name: string, text: string | Buffer) => {
    const f = new FormData();
    f.append('file', new Blob([text]), name);
    return f;
  };
  const choiceXml = `<?xml version="1.0"?><assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="c1" title="t" adaptive="false" timeDependent="false">
    <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>B</value></correctResponse></responseDeclaration>
    <itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>1+1=?</prompt><simpleChoice identifier="A">1</simpleChoice><simpleChoice identifier="B">2</simpleChoice></choiceInteraction></itemBody>
    <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/></assessmentItem>`;

  it('401 / 400 for a file that is not QTI (nothing changes) / 404 for another school’s bank / 200 with a report', async () => {
    const teacher = await t.as('teacher_a1');
    const url = `/api/item-banks/${w().items.bankA}/qti-import?grade=3`;
    expect((await t.anon().request('POST', url, form('a.xml', choiceXml))).status).toBe(401);
    const before = (await teacher.get(`/api/items?bankId=${w().items.bankA}`)).body.total;
    const notQti = await teacher.request('POST', url, form('page.xml', '<html><body/></html>'));
    expect(notQti.status).toBe(400);
    expect(notQti.body.error).toMatchObject({ code: 'QTI_INVALID', message: expect.stringContaining('不是 QTI 题目') });
    expect((await teacher.request('POST', url, form('a.txt', 'hello'))).status).toBe(400);
    expect((await teacher.get(`/api/items?bankId=${w().items.bankA}`)).body.total).toBe(before);
    expect((await teacher.request('POST', `/api/item-banks/${w().items.bankX}/qti-import?grade=3`, form('a.xml', choiceXml))).status).toBe(
      404,
    );
    const ok = await teacher.request('POST', url, form('a.xml', choiceXml));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ versions: ['2.1'], skipped: [], imported: [{ identifier: 'c1', type: 'single_choice' }] });
    expect((await teacher.get(`/api/items?bankId=${w().items.bankA}`)).body.total).toBe(before + 1);
  });

  it('exports an item as QTI 3.0 and a bank as a content package; another school’s: 404', async () => {
    const teacher = await t.as('teacher_a1');
    const xml = await teacher.get(`/api/items/${w().items.itemA}/qti`);
    expect(xml.status).toBe(200);
    expect(xml.body).toContain('<qti-assessment-item');
    const zip = await teacher.get(`/api/item-banks/${w().items.bankA}/qti-export`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect((await teacher.get(`/api/items/${w().items.itemX}/qti`)).status).toBe(404);
    expect((await teacher.get(`/api/item-banks/${w().foreign.bankY}/qti-export`)).status).toBe(404);
  });
});
