import type { TGradable, TItemPart } from '../schemas/items.ts';

export type TResponseIssue = { path: (string | number)[]; message: string };

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The checks of one response, collecting its issues (methods, not closures made per call: this runs for every answer). */
class ShapeCheck {
  readonly issues: TResponseIssue[] = [];
  constructor(
    readonly response: Record<string, unknown>,
    private readonly at: (string | number)[],
  ) {}

  add(path: (string | number)[], message: string) {
    this.issues.push({ path: [...this.at, ...path], message });
  }

  only(keys: string[]) {
    for (const k of Object.keys(this.response)) if (!keys.includes(k)) this.add([k], `多余的字段 ${k}`);
  }

  idList(field: string, known: Set<string>, max: number, what: string) {
    const v = this.response[field];
    if (!Array.isArray(v)) return this.add([field], `${field} 应为列表`);
    if (v.length > max) this.add([field], `最多 ${max} 项`);
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (typeof x !== 'string') this.add([field, i], '应为文字');
      else if (!known.has(x)) this.add([field, i], `${what} ${x} 不存在`);
      else if (seen.has(x)) this.add([field, i], `${what} ${x} 重复`);
      else seen.add(x);
    });
  }

  text(field: string, maxLength: number) {
    const v = this.response[field];
    if (typeof v !== 'string') this.add([field], `${field} 应为文字`);
    else if (v.length > maxLength) this.add([field], `不超过 ${maxLength} 字`);
  }
}

const ids = (list: { id: string }[]) => new Set(list.map((o) => o.id));

/**
 * Whether a response has the shape the item expects: the right keys, ids that exist, one entry
 * per blank. Returns every problem (empty list = fine). `null`/`undefined` is a valid “not yet
 * answered”; partial answers (some blanks empty, an unfinished order) are valid too.
 */
export function checkResponseShape(item: TGradable, response: unknown, at: (string | number)[] = []): TResponseIssue[] {
  if (response === null || response === undefined) return [];
  if (!isObj(response)) return [{ path: [...at], message: '作答格式不正确' }];
  const c = new ShapeCheck(response, at);
  const { issues } = c;
  switch (item.type) {
    case 'single_choice': {
      c.only(['choice']);
      const v = response.choice;
      if (typeof v !== 'string') c.add(['choice'], 'choice 应为选项编号');
      else if (v !== '' && !item.options.some((o) => o.id === v)) c.add(['choice'], `选项 ${v} 不存在`);
      break;
    }
    case 'multiple_choice':
      c.only(['choices']);
      c.idList('choices', ids(item.options), item.options.length, '选项');
      break;
    case 'true_false':
      c.only(['value']);
      if (typeof response.value !== 'boolean') c.add(['value'], 'value 应为 true 或 false');
      break;
    case 'fill_blank': {
      c.only(['blanks']);
      const v = response.blanks;
      if (!Array.isArray(v)) c.add(['blanks'], 'blanks 应为列表');
      else {
        if (v.length !== item.blanks.length) c.add(['blanks'], `应有 ${item.blanks.length} 个空的作答，收到 ${v.length} 个`);
        v.forEach((x, i) => {
          if (typeof x !== 'string') c.add(['blanks', i], '应为文字');
          else if (x.length > 500) c.add(['blanks', i], '不超过 500 字');
        });
      }
      break;
    }
    case 'numeric':
      c.only(['value']);
      c.text('value', 100);
      break;
    case 'matching': {
      c.only(['pairs']);
      const v = response.pairs;
      if (!Array.isArray(v)) {
        c.add(['pairs'], 'pairs 应为列表');
        break;
      }
      const left = ids(item.left);
      const right = ids(item.right);
      const used = new Set<string>();
      v.forEach((p, i) => {
        if (!isObj(p) || typeof p.left !== 'string' || typeof p.right !== 'string') return c.add(['pairs', i], '每组应为 { left, right }');
        if (!left.has(p.left)) c.add(['pairs', i, 'left'], `左侧 ${p.left} 不存在`);
        else if (used.has(p.left)) c.add(['pairs', i, 'left'], `左侧 ${p.left} 连了两次`);
        if (!right.has(p.right)) c.add(['pairs', i, 'right'], `右侧 ${p.right} 不存在`);
        used.add(p.left);
      });
      break;
    }
    case 'ordering':
      c.only(['order']);
      c.idList('order', ids(item.elements), item.elements.length, '排序项');
      break;
    case 'short_answer':
      c.only(['text']);
      c.text('text', 20_000);
      break;
    case 'essay':
      c.only(['text']);
      c.text('text', item.maxLength * 2);
      break;
    case 'composite': {
      c.only(['parts']);
      const parts = response.parts;
      if (!isObj(parts)) {
        c.add(['parts'], 'parts 应为以小题编号为键的对象');
        break;
      }
      const byId = new Map<string, TItemPart>(item.parts.map((p) => [p.id, p]));
      for (const [id, r] of Object.entries(parts)) {
        const p = byId.get(id);
        if (!p) c.add(['parts', id], `小题 ${id} 不存在`);
        else issues.push(...checkResponseShape(p, r, [...at, 'parts', id]));
      }
      break;
    }
  }
  return issues;
}
