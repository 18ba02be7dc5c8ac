import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * A write this process is about to send (seen as the statement is built, so before it runs and
 * before its transaction commits). `valuesOf(column)` tells which values of a column the write
 * touches when the statement says so plainly — `WHERE column = v`, `WHERE column IN (…)` among
 * ANDed conditions, or the inserted rows — and null when it cannot be told.
 */
export type TableWrite = {
  table: string;
  kind: 'insert' | 'update' | 'delete';
  /** The columns an update sets, or an insert fills. */
  columns: string[];
  valuesOf: (column: string) => unknown[] | null;
};

type Node = OperationNode & Record<string, unknown>;
const nameOf = (n: unknown): string | null => {
  const node = n as Node | undefined;
  if (!node) return null;
  const kind: string = node.kind;
  switch (kind) {
    case 'IdentifierNode':
      return node.name as string;
    case 'ColumnNode':
      return nameOf(node.column);
    case 'ReferenceNode':
      return nameOf(node.column);
    case 'TableNode':
      return nameOf((node.table as Node).identifier);
    case 'AliasNode':
      return nameOf(node.node);
    default:
      return null;
  }
};

function valuesFromWhere(where: Node | undefined, column: string): unknown[] | null {
  if (!where) return null;
  if (where.kind === 'WhereNode') return valuesFromWhere(where.where as Node, column);
  if (where.kind === 'ParensNode') return valuesFromWhere(where.node as Node, column);
  if (where.kind === 'AndNode') return valuesFromWhere(where.left as Node, column) ?? valuesFromWhere(where.right as Node, column);
  if (where.kind !== 'BinaryOperationNode') return null;
  const op = (where.operator as Node).operator;
  if ((op !== '=' && op !== 'in') || nameOf(where.leftOperand) !== column) return null;
  const right = where.rightOperand as Node;
  if (right.kind === 'ValueNode') return [right.value];
  if (right.kind === 'PrimitiveValueListNode') return [...(right.values as unknown[])];
  if (right.kind === 'ValueListNode') {
    const vs = right.values as Node[];
    return vs.every((v) => v.kind === 'ValueNode') ? vs.map((v) => v.value) : null;
  }
  return null;
}

function valuesFromInsert(node: Node, column: string): unknown[] | null {
  const i = ((node.columns as Node[] | undefined) ?? []).findIndex((c) => nameOf(c) === column);
  const values = node.values as Node | undefined;
  if (i < 0 || values?.kind !== 'ValuesNode') return null;
  const out: unknown[] = [];
  for (const row of values.values as Node[]) {
    if (row.kind === 'PrimitiveValueListNode') out.push((row.values as unknown[])[i]);
    else {
      const v = (row.values as Node[])[i];
      if (v?.kind !== 'ValueNode') return null;
      out.push(v.value);
    }
  }
  return out;
}

function describe(node: RootOperationNode): TableWrite | null {
  const n = node as unknown as Node;
  const kind: string = n.kind;
  switch (kind) {
    case 'UpdateQueryNode': {
      const table = nameOf(n.table);
      if (!table) return null;
      const columns = ((n.updates as Node[] | undefined) ?? []).map((u) => nameOf(u.column) ?? '');
      return { table, kind: 'update', columns, valuesOf: (c) => valuesFromWhere(n.where as Node, c) };
    }
    case 'DeleteQueryNode': {
      const froms = (n.from as Node).froms as Node[];
      const table = froms.length === 1 ? nameOf(froms[0]) : null;
      if (!table) return null;
      return { table, kind: 'delete', columns: [], valuesOf: (c) => valuesFromWhere(n.where as Node, c) };
    }
    case 'InsertQueryNode': {
      const table = nameOf(n.into);
      if (!table) return null;
      const columns = ((n.columns as Node[] | undefined) ?? []).map((c) => nameOf(c) ?? '');
      return { table, kind: 'insert', columns, valuesOf: (c) => valuesFromInsert(n, c) };
    }
    default:
      return null;
  }
}

/**
 * A Kysely plugin that tells watchers of a table about each insert, update or delete of it that
 * this process sends through the query builder (hand-written `sql` is not seen). Selects cost a
 * kind check.
 */
export class TableWrites implements KyselyPlugin {
  private readonly watchers = new Map<string, Set<(w: TableWrite) => void>>();

  /** Calls `fn` for each write of the tables; returns a function that stops it. */
  watch(tables: readonly string[], fn: (w: TableWrite) => void): () => void {
    for (const t of tables) {
      let set = this.watchers.get(t);
      if (!set) this.watchers.set(t, (set = new Set()));
      set.add(fn);
    }
    return () => {
      for (const t of tables) this.watchers.get(t)?.delete(fn);
    };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    if (this.watchers.size && (kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode' || kind === 'InsertQueryNode')) {
      const w = describe(args.node);
      const fns = w && this.watchers.get(w.table);
      if (w && fns) for (const fn of fns) fn(w);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
