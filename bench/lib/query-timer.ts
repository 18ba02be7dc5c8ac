import { performance } from 'node:perf_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * A Kysely plugin that times every query from compilation to its result (waiting for a
 * connection included) and adds the time up by statement, such as `insert users` or
 * `select students`. With it a benchmark can tell database time from time spent in JavaScript.
 */
export type QueryTimer = KyselyPlugin & {
  totals: () => { statement: string; count: number; ms: number }[];
  totalMs: () => number;
  reset: () => void;
};

type Node = { kind?: string; [key: string]: unknown };

/** The first table a query names, breadth first (the target of insert/update/delete, the first FROM of a select). */
function firstTable(root: Node): string | null {
  const queue: unknown[] = [root];
  for (let i = 0; i < queue.length && i < 500; i++) {
    const n = queue[i] as Node;
    if (!n || typeof n !== 'object') continue;
    if (n.kind === 'TableNode') {
      const id = (n.table as { identifier?: { name?: string } } | undefined)?.identifier?.name;
      if (id) return id;
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') queue.push(...(Array.isArray(v) ? v : [v]));
  }
  return null;
}

const VERBS: Record<string, string> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

function describe(node: RootOperationNode): string {
  if (node.kind === 'RawNode') {
    const text = node.sqlFragments.join('?').replace(/\s+/g, ' ').trim();
    if (/^SELECT pg_advisory_xact_lock/i.test(text)) return 'advisory lock (sql)';
    const verb = /^(\w+)/.exec(text)?.[1].toLowerCase() ?? 'sql';
    // ANALYZE, SET, …: the statement itself says what it is
    if (!['select', 'insert', 'update', 'delete', 'with'].includes(verb)) return `${text.slice(0, 48)} (sql)`;
    // the target named in the text, else a table passed as sql.table(), else the first FROM
    const table =
      /^(?:UPDATE|INSERT INTO|DELETE FROM)\s+"?(\w+)/i.exec(text)?.[1] ??
      firstTable(node as unknown as Node) ??
      /\bFROM\s+"?(\w+)/i.exec(text)?.[1];
    return `${verb} ${table ?? '?'} (sql)`;
  }
  const verb = VERBS[node.kind] ?? node.kind;
  return `${verb} ${firstTable(node as unknown as Node) ?? '?'}`;
}

export function createQueryTimer(): QueryTimer {
  const started = new WeakMap<object, { at: number; statement: string }>();
  const totals = new Map<string, { count: number; ms: number }>();
  return {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      started.set(queryId, { at: performance.now(), statement: describe(node) });
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const s = started.get(queryId);
      if (s) {
        const t = totals.get(s.statement) ?? { count: 0, ms: 0 };
        t.count++;
        t.ms += performance.now() - s.at;
        totals.set(s.statement, t);
      }
      return result;
    },
    totals: () => [...totals].map(([statement, t]) => ({ statement, ...t })).sort((a, b) => b.ms - a.ms),
    totalMs: () => [...totals.values()].reduce((n, t) => n + t.ms, 0),
    reset: () => totals.clear(),
  };
}
