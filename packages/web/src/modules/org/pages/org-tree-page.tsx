import type { TOrgUnit } from '@qiming/shared';
import { useQueryClient } from '@tanstack/react-query';
import { App, Card, Skeleton, Space, Tag, Tree, Typography } from 'antd';
import type { DataNode, EventDataNode } from 'antd/es/tree';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { orgKindName } from '../../../lib/labels.ts';
import { loadUnits, useOrgUnits } from '../org.api.ts';

type UnitNode = DataNode & { unit: TOrgUnit; children?: UnitNode[] };

function replaceChildren(nodes: UnitNode[], key: string, children: UnitNode[]): UnitNode[] {
  return nodes.map((n) => {
    if (n.key === key) return { ...n, children };
    if (n.children) return { ...n, children: replaceChildren(n.children, key, children) };
    return n;
  });
}

/** The organisation tree, a level at a time: open a node to load its children, click a school to open it. */
export function OrgTreePage() {
  const t = useT();
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const roots = useOrgUnits(null);
  const [tree, setTree] = useState<UnitNode[]>([]);
  const [expanded, setExpanded] = useState<string[]>([]);

  const toNode = (unit: TOrgUnit): UnitNode => ({
    key: unit.id,
    unit,
    isLeaf: !unit.hasChildren,
    title: (
      <Space size={6} wrap={false}>
        <span>{unit.name}</span>
        <Tag bordered={false} color={unit.kind === 'school' || unit.kind === 'teaching_point' ? 'blue' : 'default'}>
          {orgKindName(t, unit.kind)}
        </Tag>
        {unit.isCentral && (
          <Tag bordered={false} color="green">
            {t('org_central_school')}
          </Tag>
        )}
        {unit.code && (
          <Typography.Text type="secondary" className="qm-org-code" style={{ fontSize: 12 }}>
            {unit.code}
          </Typography.Text>
        )}
      </Space>
    ),
  });

  const loadChildren = async (key: string) => {
    try {
      const children = await loadUnits(client, key);
      setTree((current) => replaceChildren(current, key, children.map(toNode)));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  // A single root (a district admin's district, a school admin's school) opens by itself.
  // Rebuilt when the language changes, which collapses the tree: acceptable.
  useEffect(() => {
    if (!roots.data) return;
    setTree(roots.data.map(toNode));
    const only = roots.data.length === 1 ? roots.data[0] : null;
    if (only?.hasChildren) {
      setExpanded([only.id]);
      void loadChildren(only.id);
    } else setExpanded([]);
  }, [roots.data, t]);

  const loadData = async (node: EventDataNode<UnitNode>) => {
    if (!node.children) await loadChildren(String(node.key));
  };

  const open = (unit: TOrgUnit) => {
    if (unit.kind === 'school' || unit.kind === 'teaching_point') void navigate(`/schools/${unit.id}`);
    else if (unit.kind === 'class') void navigate(`/classes/${unit.id}`);
  };

  return (
    <>
      <PageTitle title={t('nav_org')} subtitle={t('org_tree_hint')} />
      <Card>
        {roots.isPending && <Skeleton active />}
        {roots.isError && <LoadError error={roots.error} onRetry={() => void roots.refetch()} />}
        {roots.data && roots.data.length === 0 && <EmptyHint text={t('org_tree_empty')} />}
        {tree.length > 0 && (
          <div style={{ overflowX: 'auto' }}>
            <Tree<UnitNode>
              showLine
              blockNode
              treeData={tree}
              loadData={loadData}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys.map(String))}
              onSelect={(_keys, info) => open(info.node.unit)}
              data-testid="org-tree"
            />
          </div>
        )}
      </Card>
    </>
  );
}
