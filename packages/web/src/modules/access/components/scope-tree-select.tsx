import type { OrgKind, TOrgUnit } from '@qiming/shared';
import { useQueryClient } from '@tanstack/react-query';
import { TreeSelect } from 'antd';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { orgKindName } from '../../../lib/labels.ts';
import { loadUnits, useOrgUnits } from '../../org/org.api.ts';

type Node = { id: string; pId?: string; value: string; title: string; isLeaf: boolean; selectable: boolean };

/**
 * Picks an organisation unit, loading the tree a level at a time. `kinds` limits which nodes may
 * be chosen (a teacher's scope is a class, a school administrator's a school); others only open.
 */
export function ScopeTreeSelect({
  value,
  onChange,
  kinds,
  ...rest
}: {
  value?: string;
  onChange?: (value: string) => void;
  kinds?: readonly OrgKind[] | null;
  'data-testid'?: string;
}) {
  const t = useT();
  const client = useQueryClient();
  const roots = useOrgUnits(null);
  const [nodes, setNodes] = useState<Node[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);

  const toNode = (u: TOrgUnit): Node => ({
    id: u.id,
    pId: u.parentId ?? undefined,
    value: u.id,
    title: `${u.name}（${orgKindName(t, u.kind)}）`,
    isLeaf: !u.hasChildren,
    selectable: !kinds || kinds.includes(u.kind),
  });

  useEffect(() => {
    if (roots.data) setNodes(roots.data.map((u) => ({ ...toNode(u), pId: undefined })));
  }, [roots.data, kinds, t]);

  return (
    <TreeSelect
      {...rest}
      value={value}
      onChange={onChange}
      treeDataSimpleMode
      treeData={nodes}
      showSearch={{ treeNodeFilterProp: 'title' }}
      loading={roots.isPending}
      placeholder={t('grant_scope_placeholder')}
      notFoundContent={roots.isError ? errorMessage(roots.error) : (loadError ?? t('grant_scope_empty'))}
      styles={{ popup: { root: { maxHeight: 400, overflow: 'auto' } } }}
      style={{ width: '100%' }}
      loadData={async (node) => {
        const id = String(node.value);
        if (nodes.some((n) => n.pId === id)) return;
        try {
          const children = await loadUnits(client, id);
          setNodes((current) => [...current, ...children.filter((c) => !current.some((n) => n.id === c.id)).map(toNode)]);
        } catch (e) {
          setLoadError(errorMessage(e));
        }
      }}
    />
  );
}
