import { GRADE_NAMES, type TKnowledgePoint } from '@qiming/shared';
import { Empty, Input, Skeleton, Tree, TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import { LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useKnowledgePoints } from '../items.api.ts';

export type TKpNode = { key: string; value: string; name: string; count: number; grade: number | null; children: TKpNode[] };

/**
 * The flat list the API gives (strands, then each grade's points, then their sub-points, each with
 * its parent) as a tree, in the API's order. A point whose parent is not in the list (another
 * grade's strand filtered away) becomes a root rather than vanishing.
 */
export function buildKpTree(points: readonly TKnowledgePoint[]): TKpNode[] {
  const nodes = new Map(
    points.map((p) => [p.id, { key: p.id, value: p.id, name: p.name, count: p.itemCount, grade: p.grade, children: [] as TKpNode[] }]),
  );
  const roots: TKpNode[] = [];
  for (const p of points) {
    const node = nodes.get(p.id)!;
    const parent = p.parentId ? nodes.get(p.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** The nodes whose name contains the text, with their ancestors (so the tree shows where they sit). */
export function filterKpTree(nodes: readonly TKpNode[], text: string): TKpNode[] {
  const q = text.trim();
  if (!q) return nodes as TKpNode[];
  return nodes.flatMap((n) => {
    if (n.name.includes(q)) return [n];
    const children = filterKpTree(n.children, q);
    return children.length ? [{ ...n, children }] : [];
  });
}

const allKeys = (nodes: readonly TKpNode[]): string[] => nodes.flatMap((n) => [n.key, ...allKeys(n.children)]);

/**
 * 知识点树 as a filter: each point with the number of items under it; picking one shows its items
 * (and those of the points below it), picking it again clears the filter.
 */
export function KnowledgePointFilter({
  subject,
  grade,
  bankId,
  value,
  onChange,
}: {
  subject?: string;
  grade?: number;
  bankId?: string;
  value?: string;
  onChange: (id: string | undefined, name?: string) => void;
}) {
  const t = useT();
  const kps = useKnowledgePoints(subject, grade, bankId);
  const [text, setText] = useState('');
  const tree = useMemo(() => buildKpTree(kps.data ?? []), [kps.data]);
  const shown = useMemo(() => filterKpTree(tree, text), [tree, text]);
  if (!subject) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kp_pick_subject')} />;
  if (kps.isError) return <LoadError error={kps.error} onRetry={() => void kps.refetch()} />;
  if (kps.isLoading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (tree.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kp_none')} />;
  return (
    <div data-testid="kp-tree">
      <Input.Search
        allowClear
        size="small"
        placeholder={t('kp_search')}
        onChange={(e) => setText(e.target.value)}
        style={{ marginBottom: 8 }}
      />
      <Tree<TKpNode>
        blockNode
        treeData={shown}
        selectedKeys={value ? [value] : []}
        defaultExpandedKeys={tree.map((n) => n.key)}
        {...(text.trim() ? { expandedKeys: allKeys(shown) } : {})}
        fieldNames={{ key: 'key', children: 'children' }}
        titleRender={(n) => (
          <span data-testid="kp-node" data-kp={n.name} style={{ display: 'inline-flex', gap: 6, width: '100%' }}>
            <span style={{ flex: 1 }}>
              {n.name}
              {!grade && n.grade ? <span style={{ color: '#999', marginInlineStart: 4 }}>{GRADE_NAMES[n.grade as 1]}</span> : null}
            </span>
            <span style={{ color: n.count ? '#1677ff' : '#bbb' }} data-testid="kp-count">
              {n.count}
            </span>
          </span>
        )}
        onSelect={(keys, info) => onChange(keys.length ? String(keys[0]) : undefined, keys.length ? info.node.name : undefined)}
      />
    </div>
  );
}

/** Picks the knowledge points an item trains, from the tree of its subject and grade. */
export function KnowledgePointPicker({
  subject,
  grade,
  value,
  onChange,
  status,
  testId,
}: {
  subject: string;
  grade?: number;
  value: string[];
  onChange: (ids: string[]) => void;
  status?: 'error';
  testId?: string;
}) {
  const t = useT();
  const kps = useKnowledgePoints(subject, grade);
  const tree = useMemo(() => {
    const toSelect = (n: TKpNode): object => ({ value: n.value, title: n.name, children: n.children.map(toSelect) });
    return buildKpTree(kps.data ?? []).map(toSelect);
  }, [kps.data]);
  return (
    <TreeSelect
      multiple
      allowClear
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll={false}
      loading={kps.isLoading}
      status={status}
      placeholder={t('kp_pick')}
      notFoundContent={t('kp_none')}
      value={value}
      onChange={(v: string[]) => onChange(v)}
      treeData={tree}
      style={{ width: '100%' }}
      data-testid={testId}
      popupMatchSelectWidth={false}
    />
  );
}
