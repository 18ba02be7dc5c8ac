import type { FacetCount, FacetKey, SearchPlan, SearchResult } from './index-types.ts';

/*
 * Facets in the index: each facet's values dictionary-coded, and per document two group codes —
 * a group is a distinct combination of facet values, (kind, subject, grade, term, edition, unit,
 * type) and (level, school, district, visibility scope). A query's filters and the caller's
 * visibility become a pass table over the groups; matches are counted per group and the counts
 * rolled up to every facet afterwards.
 */

export class Dict {
  readonly codes = new Map<string, number>();
  /** values[code - 1]; code 0 means "no value". */
  readonly values: string[] = [];
  readonly labels: (string | null)[] = [];
  code(value: string | null, label: string | null = null): number {
    if (value === null) return 0;
    let c = this.codes.get(value);
    if (c === undefined) {
      this.values.push(value);
      this.labels.push(label);
      c = this.values.length;
      this.codes.set(value, c);
    } else if (label !== null) this.labels[c - 1] = label;
    return c;
  }
  get size(): number {
    return this.values.length;
  }
}

/** The facets grouped in the first group code; the second holds the rest and the visibility scope. */
export const GROUP1: readonly FacetKey[] = ['kind', 'subject', 'grade', 'term', 'edition', 'unit', 'type'];
export const GROUP2: readonly FacetKey[] = ['level', 'school', 'district'];
/** Position of the scope in a GROUP2 combination. */
export const SCOPE_DIM = GROUP2.length;

/** Distinct combinations of dictionary codes, numbered from 1 (0 is "no group": a dead slot). */
export class Groups {
  private readonly map = new Map<string, number>();
  /** The combination of group g at [(g - 1) * dims, g * dims). */
  members: Int32Array;
  count = 0;
  constructor(readonly dims: number) {
    this.members = new Int32Array(dims * 64);
  }
  /** The map's key of a combination: one UTF-16 unit per value while they fit (cheaper than join), else joined. */
  private static key(values: ArrayLike<number>): string {
    let small = true;
    for (let i = 0; i < values.length; i++) if (values[i]! > 0xffff) small = false;
    return small ? String.fromCharCode(...Array.from(values)) : `,${Array.from(values).join(',')}`;
  }
  code(values: number[]): number {
    const key = Groups.key(values);
    let g = this.map.get(key);
    if (g === undefined) {
      g = ++this.count;
      if (g * this.dims > this.members.length) {
        const m = new Int32Array(this.members.length * 2);
        m.set(this.members);
        this.members = m;
      }
      this.members.set(values, (g - 1) * this.dims);
      this.map.set(key, g);
    }
    return g;
  }
  member(g: number, dim: number): number {
    return this.members[(g - 1) * this.dims + dim]!;
  }
  /** Takes the combinations of a snapshot (members of `count` groups). */
  restore(members: Int32Array, count: number): void {
    this.members = new Int32Array(Math.max(members.length * 2, this.dims * 64));
    this.members.set(members);
    this.count = count;
    for (let g = 1; g <= count; g++) this.map.set(Groups.key(members.subarray((g - 1) * this.dims, g * this.dims)), g);
  }
}

/** A column of group codes per slot: 16 bits until there are 65,535 groups. */
export type GroupColumn = Uint16Array | Uint32Array;

/** A group column wide enough for the code (16 bits until there are 65,535 groups). */
export function fitGroup(column: GroupColumn, code: number): GroupColumn {
  if (code <= 0xffff || column instanceof Uint32Array) return column;
  return Uint32Array.from(column);
}

/**
 * The filters and the caller's visibility as pass (1) / fail (0) tables over the groups of each
 * column; null when a filter names a value no document has (nothing can match).
 */
export function passTables(
  plan: Pick<SearchPlan, 'filters' | 'visible'>,
  dicts: Record<FacetKey, Dict>,
  g1: Groups,
  g2: Groups,
): { pass1: Uint8Array; pass2: Uint8Array } | null {
  const filters1: { dim: number; code: number }[] = [];
  const filters2: { dim: number; code: number }[] = [];
  for (const [f, value] of Object.entries(plan.filters) as [FacetKey, string | undefined][]) {
    if (value === undefined) continue;
    const code = dicts[f].codes.get(value);
    if (code === undefined) return null;
    const i1 = GROUP1.indexOf(f);
    if (i1 >= 0) filters1.push({ dim: i1, code });
    else filters2.push({ dim: GROUP2.indexOf(f), code });
  }
  const pass1 = new Uint8Array(g1.count + 1);
  for (let g = 1; g <= g1.count; g++) pass1[g] = filters1.every((x) => g1.member(g, x.dim) === x.code) ? 1 : 0;
  const visible = plan.visible;
  const pass2 = new Uint8Array(g2.count + 1);
  for (let g = 1; g <= g2.count; g++) {
    const sc = g2.member(g, SCOPE_DIM);
    const seen = sc === 0 || (visible !== null && sc < visible.length && visible[sc] === 1);
    pass2[g] = seen && filters2.every((x) => g2.member(g, x.dim) === x.code) ? 1 : 0;
  }
  return { pass1, pass2 };
}

/** Adds each group's count to the counts of its facet values. */
function rollUp(groups: Groups, dims: readonly FacetKey[], counts: Int32Array, perFacet: Partial<Record<FacetKey, Int32Array>>): void {
  const targets = dims.map((f) => perFacet[f] ?? null);
  for (let g = 1; g < counts.length; g++) {
    const c = counts[g]!;
    if (c === 0) continue;
    for (let j = 0; j < targets.length; j++) {
      const t = targets[j];
      if (t) t[groups.member(g, j)]! += c;
    }
  }
}

/** The counts per group of both columns as the facets' most frequent values, `limit` of each. */
export function facetCounts(
  plan: Pick<SearchPlan, 'facets' | 'facetLimit'>,
  dicts: Record<FacetKey, Dict>,
  groups: [Groups, Groups],
  counts: [Int32Array, Int32Array],
): SearchResult['facets'] {
  const facets: SearchResult['facets'] = {};
  const perFacet = Object.fromEntries(plan.facets.map((f) => [f, new Int32Array(dicts[f].size + 1)])) as Partial<
    Record<FacetKey, Int32Array>
  >;
  rollUp(groups[0], GROUP1, counts[0], perFacet);
  rollUp(groups[1], GROUP2, counts[1], perFacet);
  for (const f of plan.facets) facets[f] = topValues(dicts[f], perFacet[f]!, plan.facetLimit);
  return facets;
}

export function emptyFacets(plan: Pick<SearchPlan, 'facets'>): SearchResult['facets'] {
  return Object.fromEntries(plan.facets.map((f) => [f, []]));
}

function topValues(dict: Dict, counts: Int32Array, limit: number): FacetCount[] {
  const out: FacetCount[] = [];
  for (let code = 1; code < counts.length; code++) {
    if (counts[code]! > 0) out.push({ value: dict.values[code - 1]!, label: dict.labels[code - 1] ?? null, count: counts[code]! });
  }
  out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return out.slice(0, limit);
}
