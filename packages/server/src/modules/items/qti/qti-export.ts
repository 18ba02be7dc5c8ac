import { parseRichText, type TGradable, type TItemContent, type TItemPart, type TRichInline } from '@qiming/shared';
import JSZip from 'jszip';

/**
 * QTI 3.0 export (IMS Question & Test Interoperability, `qti-assessment-item`). Each interaction
 * uses the standard response-processing templates where one response decides the score
 * (match_correct, map_response); items with several responses (fill-in blanks, composites) get
 * explicit response processing that adds up the parts. What QTI has no word for — subject, grade,
 * difficulty, knowledge points, the exact partial-credit rule, normalisation, numeric equivalence —
 * travels in `data-qiming-*` attributes (QTI 3 allows data-* on body elements), so a Qiming import
 * of a Qiming export gives back the same item; other tools read the standard parts.
 */
export const QTI3_NS = 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0';
const TEMPLATE = 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attr = (name: string, v: string | number | boolean | undefined | null) =>
  v === undefined || v === null || v === '' ? '' : ` ${name}="${esc(String(v))}"`;

function inlineXhtml(list: TRichInline[], blank: (n: number) => string): string {
  return list
    .map((x) => {
      switch (x.t) {
        case 'text':
          return esc(x.v);
        case 'math':
          // TeX kept in data-tex (read back by Qiming); the text is the TeX too, for tools without MathML from TeX
          return `<span class="qiming-math"${attr('data-tex', x.v)}${x.display ? ' data-display="true"' : ''}>${esc(x.v)}</span>`;
        case 'img':
          return `<img${attr('src', x.src)}${attr('alt', x.alt)}/>`;
        case 'b':
          return `<strong>${inlineXhtml(x.children, blank)}</strong>`;
        case 'i':
          return `<em>${inlineXhtml(x.children, blank)}</em>`;
        case 'u':
          return `<span class="qiming-underline">${inlineXhtml(x.children, blank)}</span>`;
        case 'blank':
          return blank(x.n);
        case 'br':
          return '<br/>';
      }
    })
    .join('');
}

/** Formatted text as XHTML paragraphs; `{{n}}` becomes what `blank` renders. */
export function richToXhtml(text: string, blank: (n: number) => string = () => '____'): string {
  return parseRichText(text)
    .map((b) => `<p>${inlineXhtml(b, blank)}</p>`)
    .join('');
}
const inlineOnly = (text: string) =>
  parseRichText(text)
    .map((b) => inlineXhtml(b, () => '____'))
    .join('<br/>');

type Part = { rid: string; decl: string; body: string; processing: string };

const scoreAdd = (points: string) =>
  `<qti-set-outcome-value identifier="SCORE"><qti-sum><qti-variable identifier="SCORE"/>${points}</qti-sum></qti-set-outcome-value>`;
const exact = (rid: string, score: number) =>
  `<qti-response-condition><qti-response-if><qti-match><qti-variable identifier="${rid}"/><qti-correct identifier="${rid}"/></qti-match>${scoreAdd(
    `<qti-base-value base-type="float">${score}</qti-base-value>`,
  )}</qti-response-if></qti-response-condition>`;
const mapped = (rid: string) =>
  `<qti-response-condition><qti-response-if><qti-not><qti-is-null><qti-variable identifier="${rid}"/></qti-is-null></qti-not>${scoreAdd(`<qti-map-response identifier="${rid}"/>`)}</qti-response-if></qti-response-condition>`;
const values = (vs: string[]) => vs.map((v) => `<qti-value>${esc(v)}</qti-value>`).join('');

/** One interaction (a whole item or a composite's part): declarations, body, and its share of processing. */
function interaction(p: TGradable, prefix: string, partAttrs = ''): Part[] {
  const rid = `${prefix}RESPONSE`;
  const choices = (opts: { id: string; text: string }[]) =>
    opts.map((o) => `<qti-simple-choice${attr('identifier', o.id)}>${inlineOnly(o.text)}</qti-simple-choice>`).join('');
  const prompt = `<qti-prompt>${richToXhtml(p.stem)}</qti-prompt>`;
  switch (p.type) {
    case 'single_choice':
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="single" base-type="identifier"><qti-correct-response>${values([p.answer])}</qti-correct-response></qti-response-declaration>`,
          body: `<qti-choice-interaction response-identifier="${rid}" max-choices="1"${attr('shuffle', !p.fixedOrder)} data-qiming-type="single_choice"${partAttrs}>${prompt}${choices(p.options)}</qti-choice-interaction>`,
          processing: exact(rid, p.score),
        },
      ];
    case 'true_false':
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="single" base-type="identifier"><qti-correct-response>${values([p.answer ? 'true' : 'false'])}</qti-correct-response></qti-response-declaration>`,
          body: `<qti-choice-interaction response-identifier="${rid}" max-choices="1" shuffle="false" data-qiming-type="true_false"${partAttrs}>${prompt}<qti-simple-choice identifier="true">对</qti-simple-choice><qti-simple-choice identifier="false">错</qti-simple-choice></qti-choice-interaction>`,
          processing: exact(rid, p.score),
        },
      ];
    case 'multiple_choice': {
      const share = Math.round((p.score / p.answers.length) * 1000) / 1000;
      const mapping =
        p.scoring === 'all_or_nothing'
          ? ''
          : `<qti-mapping lower-bound="0" upper-bound="${p.score}" default-value="0">${p.options
              .map((o) => `<qti-map-entry${attr('map-key', o.id)} mapped-value="${p.answers.includes(o.id) ? share : -p.score}"/>`)
              .join('')}</qti-mapping>`;
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="multiple" base-type="identifier"><qti-correct-response>${values(p.answers)}</qti-correct-response>${mapping}</qti-response-declaration>`,
          body: `<qti-choice-interaction response-identifier="${rid}" max-choices="0"${attr('shuffle', !p.fixedOrder)} data-qiming-type="multiple_choice"${attr('data-qiming-scoring', p.scoring)}${partAttrs}>${prompt}${choices(p.options)}</qti-choice-interaction>`,
          processing: p.scoring === 'all_or_nothing' ? exact(rid, p.score) : mapped(rid),
        },
      ];
    }
    case 'numeric':
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="single" base-type="string"><qti-correct-response>${values([p.answer])}</qti-correct-response></qti-response-declaration>`,
          body: `<div data-qiming-type="numeric"${attr('data-qiming-rule', JSON.stringify(p.rule))}${partAttrs}>${richToXhtml(p.stem)}<p><qti-text-entry-interaction response-identifier="${rid}" expected-length="12"/>${p.rule.units[0] ? esc(p.rule.units[0]) : ''}</p></div>`,
          processing: exact(rid, p.score),
        },
      ];
    case 'fill_blank': {
      const total = p.blanks.reduce((s, b) => s + b.weight, 0);
      const parts = p.blanks.map((b, i) => {
        const r = `${prefix}RESPONSE_${i + 1}`;
        const pts = Math.round(((p.score * b.weight) / total) * 1000) / 1000;
        return {
          rid: r,
          decl: `<qti-response-declaration identifier="${r}" cardinality="single" base-type="string"><qti-correct-response>${values([b.accepted[0]!])}</qti-correct-response><qti-mapping default-value="0">${b.accepted
            .map((a) => `<qti-map-entry${attr('map-key', a)} mapped-value="${pts}" case-sensitive="${!p.normalization.ignoreCase}"/>`)
            .join('')}</qti-mapping></qti-response-declaration>`,
          body: '',
          processing: mapped(r),
        };
      });
      const stem = richToXhtml(p.stem, (n) => {
        const b = p.blanks[n - 1];
        return b
          ? `<qti-text-entry-interaction response-identifier="${prefix}RESPONSE_${n}"${attr('data-qiming-blank', b.id)}${attr('data-qiming-weight', b.weight)}${
              b.numeric ? attr('data-qiming-numeric', JSON.stringify(b.numeric)) : ''
            }/>`
          : '____';
      });
      parts[0]!.body = `<div data-qiming-type="fill_blank"${attr('data-qiming-normalization', JSON.stringify(p.normalization))}${p.anyOrder ? ' data-qiming-any-order="true"' : ''}${partAttrs}>${stem}</div>`;
      return parts;
    }
    case 'matching': {
      const share = Math.round((p.score / p.pairs.length) * 1000) / 1000;
      const pairs = p.pairs.map((x) => `${x.left} ${x.right}`);
      const mapping =
        p.scoring === 'per_pair'
          ? `<qti-mapping lower-bound="0" default-value="0">${pairs.map((k) => `<qti-map-entry map-key="${esc(k)}" mapped-value="${share}"/>`).join('')}</qti-mapping>`
          : '';
      const set = (list: { id: string; text: string }[], max: number) =>
        `<qti-simple-match-set>${list.map((o) => `<qti-simple-associable-choice${attr('identifier', o.id)} match-max="${max}">${inlineOnly(o.text)}</qti-simple-associable-choice>`).join('')}</qti-simple-match-set>`;
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="multiple" base-type="directedPair"><qti-correct-response>${values(pairs)}</qti-correct-response>${mapping}</qti-response-declaration>`,
          body: `<qti-match-interaction response-identifier="${rid}" max-associations="${p.left.length}" shuffle="true" data-qiming-type="matching"${attr('data-qiming-scoring', p.scoring)}${partAttrs}>${prompt}${set(p.left, 1)}${set(p.right, p.left.length)}</qti-match-interaction>`,
          processing: p.scoring === 'per_pair' ? mapped(rid) : exact(rid, p.score),
        },
      ];
    }
    case 'ordering':
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="ordered" base-type="identifier"><qti-correct-response>${values(p.order)}</qti-correct-response></qti-response-declaration>`,
          body: `<qti-order-interaction response-identifier="${rid}" shuffle="true" data-qiming-type="ordering"${attr('data-qiming-scoring', p.scoring)}${partAttrs}>${prompt}${choices(p.elements)}</qti-order-interaction>`,
          processing: exact(rid, p.score),
        },
      ];
    case 'short_answer':
    case 'essay': {
      const extra =
        p.type === 'essay'
          ? `${attr('data-qiming-rubric', JSON.stringify(p.rubric))}${attr('data-qiming-min-length', p.minLength)}${attr('expected-length', p.maxLength)}`
          : `${attr('data-qiming-accepted', JSON.stringify(p.acceptedAnswers))}${attr('data-qiming-keywords', JSON.stringify(p.keywords))}${attr('data-qiming-normalization', JSON.stringify(p.normalization))}`;
      const rubric =
        p.type === 'essay'
          ? `<qti-rubric-block use="scoring" view="scorer"><ul>${p.rubric.map((r) => `<li>${esc(r.name)}（${r.points} 分）${r.description ? `：${esc(r.description)}` : ''}</li>`).join('')}</ul></qti-rubric-block>`
          : '';
      const reference = p.referenceAnswer
        ? `<qti-rubric-block use="ext:reference-answer" view="scorer">${richToXhtml(p.referenceAnswer)}</qti-rubric-block>`
        : '';
      return [
        {
          rid,
          decl: `<qti-response-declaration identifier="${rid}" cardinality="single" base-type="string"/>`,
          body: `${rubric}${reference}<qti-extended-text-interaction response-identifier="${rid}" data-qiming-type="${p.type}"${extra}${partAttrs}>${prompt}</qti-extended-text-interaction>`,
          // scored by a teacher: no automatic processing
          processing: '',
        },
      ];
    }
    case 'composite':
      return [];
  }
}

/** The item's metadata as data attributes on the body, with knowledge points by their portable codes. */
function metaAttrs(c: TItemContent, kpCodes: Map<string, string>): string {
  return [
    attr('data-qiming-subject', c.subject),
    attr('data-qiming-grade', c.grade),
    attr('data-qiming-difficulty', c.difficulty),
    attr('data-qiming-score', c.score),
    attr('data-qiming-knowledge-points', c.knowledgePointIds.map((id) => kpCodes.get(id) ?? id).join(' ')),
    attr('data-qiming-source', c.source),
    attr('data-qiming-textbook-unit', c.textbookUnit),
    attr('data-qiming-tags', c.tags.length ? JSON.stringify(c.tags) : ''),
  ].join('');
}

const feedback = (text: string, id = 'explanation') =>
  text
    ? `<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="${id}" show-hide="show"><qti-content-body>${richToXhtml(text)}</qti-content-body></qti-modal-feedback>`
    : '';

/** One item as a QTI 3.0 `qti-assessment-item` document. */
export function itemToQti3(c: TItemContent, identifier: string, title: string, kpCodes: Map<string, string>): string {
  let parts: Part[];
  let body: string;
  if (c.type === 'composite') {
    parts = c.parts.flatMap((p) =>
      interaction(
        p as TItemPart,
        `${p.id}_`,
        `${attr('data-qiming-part', p.id)}${attr('data-qiming-score', p.score)}${p.explanation ? attr('data-qiming-explanation', p.explanation) : ''}`,
      ),
    );
    body = `<div class="qiming-passage">${richToXhtml(c.stem)}</div>${parts.map((p) => p.body).join('')}`;
  } else {
    parts = interaction(c, '');
    body = parts.map((p) => p.body).join('');
  }
  const single = parts.length === 1 && c.type !== 'composite' && c.type !== 'fill_blank';
  const onlyPart = parts[0];
  const template =
    single && onlyPart?.processing.includes('qti-map-response')
      ? `<qti-response-processing template="${TEMPLATE}/map_response.xml"/>`
      : single && onlyPart?.processing
        ? `<qti-response-processing template="${TEMPLATE}/match_correct.xml"/>`
        : parts.some((p) => p.processing)
          ? `<qti-response-processing>${parts.map((p) => p.processing).join('')}</qti-response-processing>`
          : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<qti-assessment-item xmlns="${QTI3_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${QTI3_NS} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"` +
    `${attr('identifier', identifier)}${attr('title', title)} adaptive="false" time-dependent="false" xml:lang="zh-CN">` +
    parts.map((p) => p.decl).join('') +
    `<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>0</qti-value></qti-default-value></qti-outcome-declaration>` +
    `<qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>${c.score}</qti-value></qti-default-value></qti-outcome-declaration>` +
    `<qti-outcome-declaration identifier="FEEDBACK" cardinality="single" base-type="identifier"/>` +
    `<qti-item-body${metaAttrs(c, kpCodes)}${c.explanation ? attr('data-qiming-explanation', c.explanation) : ''}>${body}</qti-item-body>` +
    template +
    feedback(c.explanation) +
    `</qti-assessment-item>\n`
  );
}

/** An IMS content package: imsmanifest.xml listing each item file (QTI 3.0 resources). */
export async function qtiPackage(items: { identifier: string; title: string; xml: string }[], title: string): Promise<Buffer> {
  const zip = new JSZip();
  const resources = items
    .map(
      (it) =>
        `<resource identifier="${esc(it.identifier)}" type="imsqti_item_xmlv3p0" href="items/${esc(it.identifier)}.xml"><file href="items/${esc(it.identifier)}.xml"/></resource>`,
    )
    .join('');
  zip.file(
    'imsmanifest.xml',
    `<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="qiming-export"><metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata><organizations/><resources>${resources}</resources></manifest>\n`,
  );
  zip.file('README.txt', `${title}\n由启明智慧教育平台导出（QTI 3.0）。Exported from Qiming as QTI 3.0 items.\n`);
  for (const it of items) zip.file(`items/${it.identifier}.xml`, it.xml);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
