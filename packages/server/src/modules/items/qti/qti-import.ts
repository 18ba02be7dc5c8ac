import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { ZItemContent, type TItemContent } from '@qiming/shared';
import JSZip from 'jszip';

/**
 * QTI import: QTI 3.0 (`qti-assessment-item`, kebab-case) and QTI 2.1/2.2 (`assessmentItem`,
 * camelCase) items, alone or in an IMS content package (.zip with imsmanifest.xml). Both are
 * read through one normalised view (QTI 3 names lose `qti-` and become camelCase). Choice, text
 * entry, extended text, match, order and inline choice interactions map to Qiming's types; the
 * match_correct / map_response / map_response_point templates and explicit processing built from
 * match/mapResponse set the partial-credit rule. Anything that cannot be mapped is reported for
 * that item with the reason, never dropped silently.
 */

export type QtiVersion = '2.1' | '3.0';
export type QtiItemResult =
  | { ok: true; identifier: string; title: string; file: string; content: TItemContent; notes: string[] }
  | { ok: false; identifier: string; title: string; file: string; reasons: string[] };
export type QtiDefaults = { subject?: string | null; grade?: number | null; knowledgePointIdFor: (code: string) => string | null };

export class QtiError extends Error {}

const camel = (s: string) => s.replace(/^qti-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const nameOf = (n: Node): string => camel((n as Element).localName ?? n.nodeName);
const isEl = (n: Node | null | undefined): n is Element => !!n && n.nodeType === 1;
const kids = (el: Element): Element[] => Array.from(el.childNodes).filter(isEl);
const att = (el: Element, name: string): string | null => {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return el.getAttribute(name) ?? el.getAttribute(kebab);
};
function findAll(el: Element, name: string, out: Element[] = []): Element[] {
  for (const k of kids(el)) {
    if (nameOf(k) === name) out.push(k);
    findAll(k, name, out);
  }
  return out;
}
const find = (el: Element, name: string) => findAll(el, name)[0];
const textOf = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();

const INTERACTIONS = new Set([
  'choiceInteraction',
  'textEntryInteraction',
  'extendedTextInteraction',
  'matchInteraction',
  'orderInteraction',
  'inlineChoiceInteraction',
]);
const UNSUPPORTED = new Set([
  'associateInteraction',
  'gapMatchInteraction',
  'hottextInteraction',
  'hotspotInteraction',
  'graphicOrderInteraction',
  'graphicAssociateInteraction',
  'graphicGapMatchInteraction',
  'selectPointInteraction',
  'positionObjectInteraction',
  'sliderInteraction',
  'mediaInteraction',
  'uploadInteraction',
  'drawingInteraction',
  'endAttemptInteraction',
  'customInteraction',
  'portableCustomInteraction',
]);
const SKIP_IN_TEXT = new Set([
  ...INTERACTIONS,
  ...UNSUPPORTED,
  'prompt',
  'rubricBlock',
  'feedbackBlock',
  'feedbackInline',
  'templateBlock',
  'templateInline',
]);
const BLOCKS = new Set(['p', 'div', 'ul', 'ol', 'li', 'table', 'tr', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre']);

/** XHTML (QTI body content) back to Qiming's formatted text. */
function toRich(el: Element, ctx: { blank?: (e: Element) => string; notes: string[]; reasons: string[] }): string {
  const walk = (n: Node): string => {
    if (n.nodeType === 3 || n.nodeType === 4) return (n.nodeValue ?? '').replace(/\s*\n\s*/g, ' ').replace(/\$/g, '\\$');
    if (!isEl(n)) return '';
    const name = nameOf(n);
    const inner = () => Array.from(n.childNodes).map(walk).join('');
    if (name === 'textEntryInteraction' || name === 'inlineChoiceInteraction') return ctx.blank ? ctx.blank(n) : '____';
    if (SKIP_IN_TEXT.has(name)) return '';
    if (att(n, 'dataTex') !== null) {
      const tex = att(n, 'dataTex')!;
      return att(n, 'dataDisplay') === 'true' ? `$$${tex}$$` : `$${tex}$`;
    }
    switch (name) {
      case 'br':
        return '\n';
      case 'strong':
      case 'b':
        return `**${inner()}**`;
      case 'em':
      case 'i':
        return `*${inner()}*`;
      case 'u':
        return `__${inner()}__`;
      case 'span':
        return (n.getAttribute('class') ?? '').includes('underline') ? `__${inner()}__` : inner();
      case 'img': {
        const src = n.getAttribute('src') ?? '';
        if (!/^(https?:\/\/|\/(?!\/)|data:image\/)/i.test(src))
          ctx.reasons.push(`图片 ${src || '(无地址)'} 不是网址，无法导入（请先把图片放到网上，用完整地址引用）`);
        return `![${n.getAttribute('alt') ?? ''}](${src})`;
      }
      case 'math': {
        const tex = findAll(n, 'annotation').find((a) => /tex/i.test(a.getAttribute('encoding') ?? ''));
        const alt = n.getAttribute('alttext');
        if (tex) return `$${textOf(tex)}$`;
        if (alt) return `$${alt}$`;
        ctx.notes.push('MathML 公式没有 TeX 注释，已按文字导入');
        return textOf(n);
      }
      case 'td':
      case 'th':
        return `${inner().trim()} | `;
      case 'table':
        ctx.notes.push('表格已转为按行排列的文字');
        return `\n\n${inner()}\n\n`;
      default:
        return BLOCKS.has(name) ? `\n\n${inner()}\n\n` : inner();
    }
  };
  return Array.from(el.childNodes)
    .map(walk)
    .join('')
    .split(/\n{2,}/)
    .map((p) =>
      p
        .replace(/ \| $/gm, '')
        .replace(/^[ \t]+|[ \t]+$/g, '')
        .replace(/^\n+|\n+$/g, ''),
    )
    .filter((p) => p.trim())
    .join('\n\n');
}

type Decl = {
  cardinality: string;
  baseType: string;
  correct: string[];
  mapping: { key: string; value: number; caseSensitive: boolean }[];
  upper: number | null;
};

function declarations(root: Element): Map<string, Decl> {
  const out = new Map<string, Decl>();
  for (const d of kids(root).filter((k) => nameOf(k) === 'responseDeclaration')) {
    const correct = find(d, 'correctResponse');
    const mapping = find(d, 'mapping');
    out.set(att(d, 'identifier') ?? '', {
      cardinality: att(d, 'cardinality') ?? 'single',
      baseType: att(d, 'baseType') ?? 'identifier',
      correct: correct ? findAll(correct, 'value').map((v) => (v.textContent ?? '').trim()) : [],
      mapping: mapping
        ? findAll(mapping, 'mapEntry').map((e) => ({
            key: (att(e, 'mapKey') ?? '').trim(),
            value: Number(att(e, 'mappedValue') ?? 0),
            caseSensitive: att(e, 'caseSensitive') === 'true',
          }))
        : [],
      upper: mapping && att(mapping, 'upperBound') ? Number(att(mapping, 'upperBound')) : null,
    });
  }
  return out;
}

/** How the item's processing scores each response: exactly (match correct) or by its mapping. */
function processing(root: Element): {
  template: 'match' | 'map' | null;
  custom: Map<string, { mode: 'exact' | 'map'; points: number | null }>;
} {
  const rp = kids(root).find((k) => nameOf(k) === 'responseProcessing');
  const custom = new Map<string, { mode: 'exact' | 'map'; points: number | null }>();
  if (!rp) return { template: null, custom };
  const template = att(rp, 'template') ?? att(rp, 'templateLocation') ?? '';
  if (/match_correct/.test(template)) return { template: 'match', custom };
  if (/map_response/.test(template)) return { template: 'map', custom };
  for (const m of findAll(rp, 'mapResponse')) custom.set(att(m, 'identifier') ?? '', { mode: 'map', points: null });
  for (const cond of findAll(rp, 'responseIf')) {
    const match = find(cond, 'match');
    const v = match && find(match, 'variable');
    if (!v || !find(match, 'correct')) continue;
    const base = findAll(cond, 'baseValue').find((b) => /float|integer/.test(att(b, 'baseType') ?? ''));
    custom.set(att(v, 'identifier') ?? '', { mode: 'exact', points: base ? Number(base.textContent) : null });
  }
  return { template: null, custom };
}

const parseJson = <T>(s: string | null): T | undefined => {
  if (!s) return undefined;
  try {
    return JSON.parse(s) as T;
  } catch {
    return undefined;
  }
};
const round = (x: number) => Math.round(x * 1000) / 1000;

type Group = { kind: string; els: Element[]; container: Element };

/** One item document → a Qiming item, or the reasons it cannot be one. */
export function convertQtiItem(xml: string, file: string, defaults: QtiDefaults): QtiItemResult & { version: QtiVersion } {
  const doc = parseXml(xml, file);
  const root = doc.documentElement!;
  const version = qtiVersion(root);
  const identifier = att(root, 'identifier') ?? file;
  const title = att(root, 'title') ?? identifier;
  const notes: string[] = [];
  const reasons: string[] = [];
  const fail = () => ({ ok: false as const, identifier, title, file, reasons, version });
  const body = kids(root).find((k) => nameOf(k) === 'itemBody');
  if (!body) {
    reasons.push('没有题目内容（itemBody）');
    return fail();
  }
  const unsupported = [
    ...new Set(
      allElements(body)
        .map(nameOf)
        .filter((n) => UNSUPPORTED.has(n)),
    ),
  ];
  if (unsupported.length) reasons.push(`不支持的交互类型：${unsupported.join('、')}`);
  const interactions = allElements(body).filter((e) => INTERACTIONS.has(nameOf(e)));
  if (interactions.length === 0 && !unsupported.length) reasons.push('题目中没有可作答的交互（interaction）');
  if (reasons.length) return fail();

  const decls = declarations(root);
  const rp = processing(root);
  const modeOf = (rid: string): 'exact' | 'map' => rp.custom.get(rid)?.mode ?? (rp.template === 'map' ? 'map' : 'exact');
  const ctx = { notes, reasons };

  // group the interactions: each text-entry container (Qiming) or all text entries (others) is one fill-in item
  const groups: Group[] = [];
  for (const el of interactions) {
    const kind = nameOf(el);
    const partOwner = closest(el, (e) => e.getAttribute('data-qiming-part') !== null && e !== el);
    const container =
      kind === 'textEntryInteraction' ? (closest(el, (e) => e.getAttribute('data-qiming-type') !== null) ?? partOwner ?? body) : el;
    const same = groups.find((g) => g.kind === kind && g.container === container && kind === 'textEntryInteraction');
    if (same) same.els.push(el);
    else groups.push({ kind, els: [el], container });
  }
  const blankIndex = new Map<Element, number>();
  for (const g of groups) g.els.forEach((e, i) => blankIndex.set(e, i + 1));

  const partOf = (g: Group) => {
    const el = g.els[0]!;
    const rid = att(el, 'responseIdentifier') ?? '';
    const d = decls.get(rid);
    const qType = (g.container.getAttribute('data-qiming-type') ?? el.getAttribute('data-qiming-type')) || null;
    const prompt = kids(el).find((k) => nameOf(k) === 'prompt');
    const promptText = prompt ? toRich(prompt, ctx) : '';
    const declaredScore = Number((g.container.getAttribute('data-qiming-score') ?? el.getAttribute('data-qiming-score')) || NaN);
    const pointsFor = (rids: string[]) => {
      if (!Number.isNaN(declaredScore)) return declaredScore;
      let s = 0;
      for (const r of rids) {
        const dd = decls.get(r);
        const cp = rp.custom.get(r)?.points;
        if (modeOf(r) === 'exact' && cp) s += cp;
        else if (dd?.upper) s += dd.upper;
        else if (dd?.mapping.length)
          s +=
            Math.max(0, ...dd.mapping.filter((m) => m.value > 0).map((m) => m.value)) *
            (dd.cardinality === 'single' ? 1 : dd.mapping.filter((m) => m.value > 0).length);
        else s += cp ?? 1;
      }
      return round(s) || 1;
    };
    const choicesOf = (tag: string, scope: Element = el) =>
      findAll(scope, tag).map((c) => ({ id: att(c, 'identifier') ?? '', text: toRich(c, ctx) || textOf(c) }));
    const explanation = g.container.getAttribute('data-qiming-explanation') ?? el.getAttribute('data-qiming-explanation') ?? '';
    const base = { explanation };
    const missingKey = () => reasons.push(`交互 ${rid} 没有正确答案（correctResponse）`);
    switch (g.kind) {
      case 'choiceInteraction': {
        const max = Number(att(el, 'maxChoices') ?? 1);
        const options = choicesOf('simpleChoice');
        const fixedOrder = att(el, 'shuffle') !== 'true' || findAll(el, 'simpleChoice').some((c) => att(c, 'fixed') === 'true');
        if (!d?.correct.length) missingKey();
        if (qType === 'true_false')
          return { ...base, type: 'true_false', stem: promptText, score: pointsFor([rid]), answer: d?.correct[0] === 'true' };
        if (max === 1 && d?.cardinality !== 'multiple')
          return {
            ...base,
            type: 'single_choice',
            stem: promptText,
            score: pointsFor([rid]),
            options,
            answer: d?.correct[0] ?? '',
            fixedOrder,
          };
        const scoring = el.getAttribute('data-qiming-scoring') ?? (modeOf(rid) === 'map' ? 'proportional' : 'all_or_nothing');
        return {
          ...base,
          type: 'multiple_choice',
          stem: promptText,
          score: pointsFor([rid]),
          options,
          answers: d?.correct ?? [],
          scoring,
          fixedOrder,
        };
      }
      case 'textEntryInteraction': {
        const stem = toRich(g.container, { ...ctx, blank: (e) => `{{${blankIndex.get(e) ?? 0}}}` });
        const rids = g.els.map((e) => att(e, 'responseIdentifier') ?? '');
        if (qType === 'numeric') {
          const dd = decls.get(rids[0]!);
          if (!dd?.correct.length) missingKey();
          return {
            ...base,
            type: 'numeric',
            stem: stem.replace(/\{\{1\}\}.*$/s, '').trim() || promptText,
            score: pointsFor(rids),
            answer: dd?.correct[0] ?? '',
            rule: parseJson(g.container.getAttribute('data-qiming-rule')) ?? {},
          };
        }
        const blanks = g.els.map((e, i) => {
          const dd = decls.get(rids[i]!);
          const accepted = [
            ...new Set([...(dd?.correct ?? []), ...(dd?.mapping.filter((m) => m.value > 0).map((m) => m.key) ?? [])]),
          ].filter(Boolean);
          if (!accepted.length) reasons.push(`第 ${i + 1} 个空（${rids[i]}）没有答案`);
          const numeric =
            parseJson<object>(e.getAttribute('data-qiming-numeric')) ?? (/float|integer/.test(dd?.baseType ?? '') ? {} : undefined);
          return {
            id: e.getAttribute('data-qiming-blank') ?? `b${i + 1}`,
            accepted,
            weight: Number(e.getAttribute('data-qiming-weight') ?? 1),
            ...(numeric ? { numeric } : {}),
          };
        });
        const caseSensitive = rids.some((r) => decls.get(r)?.mapping.some((m) => m.caseSensitive));
        return {
          ...base,
          type: 'fill_blank',
          stem: stem || `${promptText}\n\n${blanks.map((_, i) => `{{${i + 1}}}`).join('　')}`.trim(),
          score: pointsFor(rids),
          blanks,
          normalization: parseJson(g.container.getAttribute('data-qiming-normalization')) ?? {
            ignoreCase: !caseSensitive,
            ignoreSpaces: true,
            ignorePunctuation: false,
          },
          anyOrder: g.container.getAttribute('data-qiming-any-order') === 'true',
        };
      }
      case 'extendedTextInteraction': {
        const rubricBlocks = findAll(closest(el, (e) => nameOf(e) === 'itemBody') ?? body, 'rubricBlock');
        const ref = rubricBlocks.find((r) => (att(r, 'use') ?? '').includes('reference'));
        const referenceAnswer = ref ? toRich(ref, ctx) : '';
        if (qType === 'essay') {
          const rubric =
            parseJson<{ id: string; name: string; description: string; points: number }[]>(el.getAttribute('data-qiming-rubric')) ?? [];
          return {
            ...base,
            type: 'essay',
            stem: promptText,
            score: pointsFor([rid]),
            referenceAnswer,
            rubric,
            minLength: Number(el.getAttribute('data-qiming-min-length') ?? 0),
            maxLength: Number(att(el, 'expectedLength') ?? 5000),
          };
        }
        return {
          ...base,
          type: 'short_answer',
          stem: promptText,
          score: pointsFor([rid]),
          referenceAnswer,
          acceptedAnswers: parseJson(el.getAttribute('data-qiming-accepted')) ?? d?.correct ?? [],
          keywords: parseJson(el.getAttribute('data-qiming-keywords')) ?? [],
          ...(el.getAttribute('data-qiming-normalization')
            ? { normalization: parseJson(el.getAttribute('data-qiming-normalization')) }
            : {}),
        };
      }
      case 'matchInteraction': {
        const sets = findAll(el, 'simpleMatchSet');
        if (sets.length !== 2) {
          reasons.push('连线题应有两组选项（simpleMatchSet）');
          return null;
        }
        const pairs = (d?.correct ?? []).map((v) => {
          const [left, right] = v.split(/\s+/);
          return { left: left ?? '', right: right ?? '' };
        });
        if (!pairs.length) missingKey();
        if (new Set(pairs.map((p) => p.left)).size !== pairs.length) reasons.push('有左项对应多个右项，启明的连线题每个左项只连一个右项');
        const scoring = el.getAttribute('data-qiming-scoring') ?? (modeOf(rid) === 'map' ? 'per_pair' : 'all_or_nothing');
        return {
          ...base,
          type: 'matching',
          stem: promptText,
          score: pointsFor([rid]),
          left: choicesOf('simpleAssociableChoice', sets[0]),
          right: choicesOf('simpleAssociableChoice', sets[1]),
          pairs,
          scoring,
        };
      }
      case 'orderInteraction': {
        if (!d?.correct.length) missingKey();
        return {
          ...base,
          type: 'ordering',
          stem: promptText,
          score: pointsFor([rid]),
          elements: choicesOf('simpleChoice'),
          order: d?.correct ?? [],
          scoring: el.getAttribute('data-qiming-scoring') ?? 'all_or_nothing',
        };
      }
      case 'inlineChoiceInteraction': {
        if (!d?.correct.length) missingKey();
        notes.push('下拉选择（inline choice）已转为单选题');
        return {
          ...base,
          type: 'single_choice',
          stem: '',
          score: pointsFor([rid]),
          options: choicesOf('inlineChoice'),
          answer: d?.correct[0] ?? '',
          fixedOrder: att(el, 'shuffle') !== 'true',
        };
      }
    }
    return null;
  };

  const parts = groups.map(partOf);
  if (reasons.length || parts.some((p) => !p)) return fail();
  // text outside the interactions: the passage of a composite, or the stem's lead-in
  const passageEl = kids(body).find((k) => (k.getAttribute('class') ?? '').includes('qiming-passage'));
  const lead = passageEl ? toRich(passageEl, ctx) : toRich(body, { ...ctx, blank: () => '（　　）' });

  const meta = {
    subject: body.getAttribute('data-qiming-subject') || defaults.subject || undefined,
    grade: Number(body.getAttribute('data-qiming-grade') || defaults.grade || NaN),
    difficulty: Number(body.getAttribute('data-qiming-difficulty') || 3),
    source: body.getAttribute('data-qiming-source') ?? `QTI ${version} 导入：${identifier}`,
    textbookUnit: body.getAttribute('data-qiming-textbook-unit') ?? '',
    tags: parseJson<string[]>(body.getAttribute('data-qiming-tags')) ?? [],
    explanation:
      body.getAttribute('data-qiming-explanation') ??
      (kids(root)
        .filter((k) => nameOf(k) === 'modalFeedback')
        .map((f) => toRich(f, ctx))
        .join('\n\n') ||
        ''),
    knowledgePointIds: [] as string[],
  };
  for (const code of (body.getAttribute('data-qiming-knowledge-points') ?? '').split(/\s+/).filter(Boolean)) {
    const id = defaults.knowledgePointIdFor(code);
    if (id) meta.knowledgePointIds.push(id);
    else notes.push(`知识点 ${code} 在本平台不存在，已略去`);
  }
  if (!meta.subject) reasons.push('题目没有学科：请在导入时选择学科');
  if (Number.isNaN(meta.grade)) reasons.push('题目没有年级：请在导入时选择年级');
  if (reasons.length) return fail();

  // the item's full score: Qiming's own attribute, else the MAXSCORE outcome's default
  const maxOutcome = kids(root).find((k) => nameOf(k) === 'outcomeDeclaration' && att(k, 'identifier') === 'MAXSCORE');
  const maxValue = maxOutcome && find(maxOutcome, 'value');
  const itemScore = Number(body.getAttribute('data-qiming-score') || (maxValue ? maxValue.textContent : '') || NaN);
  let candidate: Record<string, unknown>;
  if (parts.length === 1) {
    const p = parts[0]!;
    const stem = p.type === 'fill_blank' || p.type === 'numeric' ? (p.stem as string) : [lead, p.stem].filter(Boolean).join('\n\n');
    candidate = {
      ...meta,
      ...p,
      stem,
      explanation: meta.explanation || p.explanation,
      score: Number.isNaN(itemScore) ? p.score : itemScore,
    };
  } else {
    const withIds = parts.map((p, i) => {
      const owner = closest(groups[i]!.els[0]!, (e) => e.getAttribute('data-qiming-part') !== null) ?? groups[i]!.container;
      return { id: owner.getAttribute('data-qiming-part') ?? `p${i + 1}`, ...p!, stem: (p!.stem as string) || `第 ${i + 1} 小题` };
    });
    candidate = {
      ...meta,
      type: 'composite',
      stem: lead || title,
      score: round(withIds.reduce((s, p) => s + (p.score as number), 0)),
      parts: withIds,
    };
  }
  const parsed = ZItemContent.safeParse(candidate);
  if (!parsed.success) {
    reasons.push(...parsed.error.issues.map((i) => `${i.path.join('.') || '题目'}：${i.message}`));
    return fail();
  }
  return { ok: true, identifier, title, file, content: parsed.data, notes, version };
}

function allElements(el: Element, out: Element[] = []): Element[] {
  for (const k of kids(el)) {
    out.push(k);
    allElements(k, out);
  }
  return out;
}
function closest(el: Element, test: (e: Element) => boolean): Element | null {
  let n: Node | null = el.parentNode;
  while (isEl(n)) {
    if (test(n)) return n;
    n = n.parentNode;
  }
  return null;
}

function parseXml(xml: string, file: string) {
  const errors: string[] = [];
  let doc;
  try {
    doc = new DOMParser({ onError: (level, msg) => level !== 'warning' && errors.push(String(msg)) }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw new QtiError(`${file}：不是有效的 XML（${(e as Error).message.split('\n')[0]}）`);
  }
  if (errors.length || !doc.documentElement) throw new QtiError(`${file}：不是有效的 XML（${errors[0]?.split('\n')[0] ?? '没有根元素'}）`);
  return doc;
}

function qtiVersion(root: Element): QtiVersion {
  const ns = root.namespaceURI ?? '';
  const name = nameOf(root);
  if (name !== 'assessmentItem')
    throw new QtiError(`不是 QTI 题目：根元素是 <${root.nodeName}>，应为 <assessmentItem>（QTI 2.1）或 <qti-assessment-item>（QTI 3.0）`);
  if (/imsqtiasi_v3p0/.test(ns) || root.nodeName.startsWith('qti-')) return '3.0';
  if (/imsqti_v2p[12]/.test(ns) || root.nodeName === 'assessmentItem') return '2.1';
  throw new QtiError(`不支持的 QTI 命名空间：${ns}`);
}

/**
 * The item documents of an upload: the file itself when it is an item, or the items an IMS
 * content package lists in its manifest. Throws QtiError for anything else.
 */
export async function readQtiUpload(buf: Buffer, fileName: string): Promise<{ file: string; xml: string }[]> {
  const isZip = buf.length > 4 && buf[0] === 0x50 && buf[1] === 0x4b;
  if (!isZip) {
    const xml = buf.toString('utf8').replace(/^\uFEFF/, '');
    if (!xml.trimStart().startsWith('<')) throw new QtiError('文件既不是 QTI 题目（.xml），也不是 IMS 内容包（.zip）');
    // validates now: a file that is not QTI is an error for the whole upload
    qtiVersion(parseXml(xml, fileName).documentElement!);
    return [{ file: fileName, xml }];
  }
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buf);
  } catch {
    throw new QtiError('压缩包无法打开：请上传 IMS 内容包（.zip，内含 imsmanifest.xml）');
  }
  const manifestFile = zip.file('imsmanifest.xml');
  if (!manifestFile) throw new QtiError('压缩包中没有 imsmanifest.xml：请上传 IMS 内容包');
  const manifest = parseXml(await manifestFile.async('string'), 'imsmanifest.xml').documentElement!;
  const resources = findAll(manifest, 'resource').filter((r) => /imsqti_item/.test(r.getAttribute('type') ?? ''));
  if (!resources.length)
    throw new QtiError('内容包的 imsmanifest.xml 中没有 QTI 题目资源（type 为 imsqti_item_xmlv2p1 或 imsqti_item_xmlv3p0）');
  const out: { file: string; xml: string }[] = [];
  for (const r of resources) {
    const href = r.getAttribute('href') ?? '';
    const f = zip.file(href);
    out.push({ file: href, xml: f ? await f.async('string') : '' });
  }
  return out;
}
