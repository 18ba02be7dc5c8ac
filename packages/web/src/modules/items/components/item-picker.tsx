import { PlusOutlined } from '@ant-design/icons';
import { DIFFICULTY_NAMES, ITEM_TYPE_NAMES, ITEM_TYPES, type TItemSummary } from '@qiming/shared';
import { Button, Collapse, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useBanks, useItems, type ItemFilters } from '../items.api.ts';
import { KnowledgePointFilter } from './knowledge-point-tree.tsx';

/**
 * 手动选题: the items of the banks the teacher can see, for the paper's subject and grade, filtered
 * by bank, type, difficulty, text and the knowledge-point tree; items already on the paper are
 * marked and cannot be added twice.
 */
export function ItemPicker({
  subject,
  grade,
  taken,
  onAdd,
}: {
  subject: string;
  grade: number;
  taken: ReadonlySet<string>;
  onAdd: (items: TItemSummary[]) => void;
}) {
  const t = useT();
  const [filters, setFilters] = useState<ItemFilters>({});
  const [page, setPage] = useState(1);
  const [kpName, setKpName] = useState<string>();
  const [picked, setPicked] = useState<Map<string, TItemSummary>>(new Map());
  const banks = useBanks();
  const items = useItems({ ...filters, subject, grade }, page, 10);
  const set = (patch: Partial<ItemFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const rows = items.data?.items ?? [];
  const fresh = [...picked.values()].filter((r) => !taken.has(r.id));
  return (
    <div>
      <Collapse
        size="small"
        style={{ marginBottom: 8 }}
        items={[
          {
            key: 'kp',
            label: kpName ? t('items_kp_filter', { name: kpName }) : t('paper_picker_by_kp'),
            children: (
              <div style={{ maxHeight: 360, overflow: 'auto' }}>
                <KnowledgePointFilter
                  subject={subject}
                  grade={grade}
                  bankId={filters.bankId}
                  value={filters.knowledgePointId}
                  onChange={(id, name) => {
                    set({ knowledgePointId: id });
                    setKpName(name);
                  }}
                />
              </div>
            ),
          },
        ]}
      />
      <Space wrap style={{ marginBottom: 8 }}>
        <Select
          allowClear
          placeholder={t('items_bank')}
          style={{ width: 180 }}
          options={banks.data?.map((b) => ({ value: b.id, label: b.name }))}
          onChange={(v?: string) => set({ bankId: v })}
          data-testid="picker-bank"
        />
        <Select
          allowClear
          placeholder={t('items_type')}
          style={{ width: 130 }}
          options={ITEM_TYPES.map((x) => ({ value: x, label: ITEM_TYPE_NAMES[x] }))}
          onChange={(v?: string) => set({ type: v })}
          data-testid="picker-type"
        />
        <Select
          allowClear
          placeholder={t('items_difficulty')}
          style={{ width: 100 }}
          options={[1, 2, 3, 4, 5].map((d) => ({ value: d, label: DIFFICULTY_NAMES[d] }))}
          onChange={(v?: number) => set({ difficulty: v })}
        />
        <Input.Search
          allowClear
          placeholder={t('items_search')}
          style={{ width: 180 }}
          onSearch={(v) => set({ q: v.trim() || undefined })}
        />
      </Space>
      {items.isError ? (
        <LoadError error={items.error} onRetry={() => void items.refetch()} />
      ) : (
        <Table<TItemSummary>
          rowKey="id"
          size="small"
          loading={items.isFetching}
          dataSource={rows}
          scroll={{ x: 560 }}
          rowSelection={{
            selectedRowKeys: [...picked.keys()],
            onChange: (keys, selected) =>
              setPicked((old) => {
                // rows of other pages stay picked (antd keeps their keys, not their rows)
                const known = new Map([...old, ...selected.filter(Boolean).map((r) => [r.id, r] as const)]);
                return new Map(keys.map(String).flatMap((k) => (known.has(k) ? [[k, known.get(k)!] as const] : [])));
              }),
            getCheckboxProps: (r) => ({ disabled: taken.has(r.id) }),
            preserveSelectedRowKeys: true,
          }}
          locale={{ emptyText: <EmptyHint text={t('paper_picker_empty')} /> }}
          pagination={{
            current: page,
            pageSize: 10,
            total: items.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            size: 'small',
          }}
          columns={[
            { title: t('items_stem'), dataIndex: 'stemPreview', render: (s: string) => <span data-testid="picker-row">{s}</span> },
            {
              title: t('items_type'),
              dataIndex: 'type',
              width: 110,
              render: (x: TItemSummary['type']) => <Tag>{ITEM_TYPE_NAMES[x]}</Tag>,
            },
            { title: t('items_difficulty'), dataIndex: 'difficulty', width: 70, render: (d: number) => DIFFICULTY_NAMES[d] },
            { title: t('items_score'), dataIndex: 'score', width: 60, align: 'right' },
            {
              title: '',
              key: 'add',
              width: 80,
              render: (_: unknown, r) =>
                taken.has(r.id) ? (
                  <Tag color="green">{t('paper_on_paper')}</Tag>
                ) : (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => onAdd([r])} data-testid="picker-add">
                    {t('paper_add')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <Button
        type="primary"
        disabled={fresh.length === 0}
        onClick={() => {
          onAdd(fresh);
          setPicked(new Map());
        }}
        data-testid="picker-add-selected"
      >
        {t('paper_add_selected', { n: fresh.length })}
      </Button>
    </div>
  );
}
