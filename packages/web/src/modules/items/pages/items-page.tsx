import { DIFFICULTY_NAMES, GRADE_LEVELS, GRADE_NAMES, ITEM_TYPE_NAMES, ITEM_TYPES, SUBJECTS, type TItemSummary } from '@qiming/shared';
import { ApartmentOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Drawer, Grid, Input, Row, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useCan } from '../../identity/identity.api.ts';
import { KnowledgePointFilter } from '../components/knowledge-point-tree.tsx';
import { PupilItemView } from '../components/pupil-item-view.tsx';
import { RichText } from '../components/rich-text.tsx';
import { useBanks, useItem, useItems, usePupilView, type ItemFilters } from '../items.api.ts';

/** 题库: the items of every bank shared with the user, searchable; each opens as a pupil sees it. */
export function ItemsPage() {
  const t = useT();
  const [filters, setFilters] = useState<ItemFilters>({});
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const [kpName, setKpName] = useState<string>();
  const [treeOpen, setTreeOpen] = useState(false);
  const screens = Grid.useBreakpoint();
  const can = useCan();
  const banks = useBanks();
  const items = useItems(filters, page, 20);
  const set = (patch: Partial<ItemFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  // the tree follows the subject filter, or the chosen bank's subject
  const treeSubject = filters.subject ?? banks.data?.find((b) => b.id === filters.bankId)?.subject ?? undefined;
  const pickKp = (id: string | undefined, name?: string) => {
    set({ knowledgePointId: id });
    setKpName(name);
    setTreeOpen(false);
  };
  const tree = (
    <KnowledgePointFilter
      subject={treeSubject}
      grade={filters.grade}
      bankId={filters.bankId}
      value={filters.knowledgePointId}
      onChange={pickKp}
    />
  );
  const wide = !!screens.lg;
  return (
    <>
      <PageTitle
        title={t('nav_items')}
        extra={
          can('items.manage') && (
            <Space wrap>
              <Link to="/papers">
                <Button data-testid="open-papers">{t('paper_back_to_list')}</Button>
              </Link>
              <Link to={`/items/new${filters.bankId ? `?bankId=${filters.bankId}` : ''}`}>
                <Button type="primary" icon={<PlusOutlined />} data-testid="new-item">
                  {t('items_new')}
                </Button>
              </Link>
            </Space>
          )
        }
      />
      <Row gutter={16}>
        {wide && (
          <Col lg={7} xl={6}>
            <Card
              size="small"
              title={t('items_kp_tree')}
              style={{ position: 'sticky', top: 16, maxHeight: 'calc(100vh - 120px)', overflow: 'auto' }}
            >
              {tree}
            </Card>
          </Col>
        )}
        <Col xs={24} lg={17} xl={18}>
          <Card>
            <Space wrap className="qm-toolbar" style={{ marginBottom: 12 }}>
              <Select
                allowClear
                placeholder={t('items_bank')}
                style={{ width: 240 }}
                loading={banks.isLoading}
                options={banks.data?.map((b) => ({ value: b.id, label: `${b.name}（${b.itemCount}）` }))}
                onChange={(v?: string) => set({ bankId: v })}
                data-testid="items-bank"
              />
              <Select
                allowClear
                placeholder={t('items_subject')}
                style={{ width: 120 }}
                options={SUBJECTS.map((s) => ({ value: s, label: s }))}
                onChange={(v?: string) => {
                  set({ subject: v, knowledgePointId: undefined });
                  setKpName(undefined);
                }}
                data-testid="items-subject"
              />
              <Select
                allowClear
                placeholder={t('items_grade')}
                style={{ width: 110 }}
                options={GRADE_LEVELS.map((g) => ({ value: g, label: GRADE_NAMES[g] }))}
                onChange={(v?: number) => set({ grade: v })}
              />
              <Select
                allowClear
                placeholder={t('items_type')}
                style={{ width: 150 }}
                options={ITEM_TYPES.map((x) => ({ value: x, label: ITEM_TYPE_NAMES[x] }))}
                onChange={(v?: string) => set({ type: v })}
                data-testid="items-type"
              />
              <Select
                allowClear
                placeholder={t('items_difficulty')}
                style={{ width: 110 }}
                options={[1, 2, 3, 4, 5].map((d) => ({ value: d, label: DIFFICULTY_NAMES[d] }))}
                onChange={(v?: number) => set({ difficulty: v })}
              />
              <Input.Search
                allowClear
                placeholder={t('items_search')}
                style={{ width: 220 }}
                onSearch={(v) => set({ q: v.trim() || undefined })}
                data-testid="items-search"
              />
              {!wide && (
                <Button icon={<ApartmentOutlined />} onClick={() => setTreeOpen(true)} data-testid="open-kp-tree">
                  {t('items_kp_tree')}
                </Button>
              )}
              {filters.knowledgePointId && (
                <Tag color="blue" closable onClose={() => pickKp(undefined)} data-testid="kp-filter-tag">
                  {t('items_kp_filter', { name: kpName ?? '' })}
                </Tag>
              )}
            </Space>
            {items.isError ? (
              <LoadError error={items.error} onRetry={() => void items.refetch()} />
            ) : (
              <Table<TItemSummary>
                rowKey="id"
                size="middle"
                loading={items.isFetching}
                dataSource={items.data?.items}
                scroll={{ x: 760 }}
                locale={{ emptyText: <EmptyHint text={t('items_empty')} /> }}
                pagination={{ current: page, pageSize: 20, total: items.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
                onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
                columns={[
                  { title: t('items_stem'), dataIndex: 'stemPreview', render: (s: string) => <span data-testid="item-row">{s}</span> },
                  {
                    title: t('items_type'),
                    dataIndex: 'type',
                    width: 120,
                    render: (x: TItemSummary['type']) => <Tag>{ITEM_TYPE_NAMES[x]}</Tag>,
                  },
                  { title: t('items_grade'), dataIndex: 'grade', width: 90, render: (g: 1) => GRADE_NAMES[g] },
                  { title: t('items_difficulty'), dataIndex: 'difficulty', width: 80, render: (d: number) => DIFFICULTY_NAMES[d] },
                  {
                    title: t('items_knowledge_points'),
                    dataIndex: 'knowledgePoints',
                    width: 200,
                    render: (k: TItemSummary['knowledgePoints']) => k.map((x) => <Tag key={x.id}>{x.name}</Tag>),
                  },
                  { title: t('items_score'), dataIndex: 'score', width: 70, align: 'right' },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
      {!wide && (
        <Drawer
          open={treeOpen}
          onClose={() => setTreeOpen(false)}
          title={t('items_kp_tree')}
          placement="left"
          width={Math.min(360, window.innerWidth)}
        >
          {tree}
        </Drawer>
      )}
      <ItemDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

function ItemDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useT();
  const item = useItem(id);
  const pupil = usePupilView(id);
  const c = item.data?.content;
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      title={t('items_detail')}
      extra={
        item.data?.policies.canEdit && (
          <Link to={`/items/${item.data.id}/edit`}>
            <Button icon={<EditOutlined />} data-testid="edit-item">
              {t('items_edit')}
            </Button>
          </Link>
        )
      }
      width={Math.min(640, typeof window === 'undefined' ? 640 : window.innerWidth)}
    >
      {item.isError && <LoadError error={item.error} onRetry={() => void item.refetch()} />}
      {c && (
        <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('items_type')}>{ITEM_TYPE_NAMES[c.type]}</Descriptions.Item>
          <Descriptions.Item label={t('items_bank')}>{item.data!.bankName}</Descriptions.Item>
          <Descriptions.Item label={t('items_source')}>{c.source || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('items_version')}>{item.data!.version}</Descriptions.Item>
        </Descriptions>
      )}
      <Card size="small" title={t('items_as_pupil')}>
        {pupil.data && <PupilItemView item={pupil.data} />}
      </Card>
      {c?.explanation && (
        <Card size="small" title={t('items_explanation')} style={{ marginTop: 12 }}>
          <RichText text={c.explanation} />
        </Card>
      )}
    </Drawer>
  );
}
