import { PlusOutlined, SendOutlined } from '@ant-design/icons';
import { GRADE_NAMES, SUBJECTS, type TPaper } from '@qiming/shared';
import { Button, Input, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { AssignModal } from '../../homework/pages/assignments-page.tsx';
import { usePaperList } from '../items.api.ts';

type Row = Omit<TPaper, 'sections'>;

/** 试卷: the papers of the teacher's school (and those shared with it), each to edit or to assign. */
export function PapersPage() {
  const t = useT();
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<{ subject?: string; q?: string }>({});
  const [assigning, setAssigning] = useState<string | null>(null);
  const list = usePaperList({ page, ...filter });
  return (
    <>
      <PageTitle
        title={t('paper_list_title')}
        extra={
          <Link to="/papers/new">
            <Button type="primary" icon={<PlusOutlined />} data-testid="new-paper">
              {t('paper_new_title')}
            </Button>
          </Link>
        }
      />
      <Space wrap className="qm-toolbar" style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('items_subject')}
          style={{ width: 120 }}
          options={SUBJECTS.map((s) => ({ value: s, label: s }))}
          onChange={(subject?: string) => (setFilter((f) => ({ ...f, subject })), setPage(1))}
        />
        <Input.Search
          allowClear
          placeholder={t('paper_search')}
          style={{ width: 220 }}
          onSearch={(v) => (setFilter((f) => ({ ...f, q: v.trim() || undefined })), setPage(1))}
        />
      </Space>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Row>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items}
          scroll={{ x: 720 }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          locale={{
            emptyText: (
              <EmptyHint
                text={t('paper_list_empty')}
                action={
                  <Link to="/papers/new">
                    <Button>{t('paper_new_title')}</Button>
                  </Link>
                }
              />
            ),
          }}
          columns={[
            { title: t('paper_title_label'), dataIndex: 'title', render: (v: string, p) => <Link to={`/papers/${p.id}/edit`}>{v}</Link> },
            { title: t('items_subject'), dataIndex: 'subject', width: 80 },
            { title: t('items_grade'), dataIndex: 'grade', width: 90, render: (g: 1) => GRADE_NAMES[g] },
            { title: t('paper_count'), dataIndex: 'itemCount', width: 80, align: 'right' },
            { title: t('paper_total'), dataIndex: 'totalScore', width: 80, align: 'right' },
            { title: t('paper_owner'), dataIndex: 'ownerUnitName', width: 160 },
            { title: t('paper_updated'), dataIndex: 'updatedAt', width: 130, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
            {
              title: t('actions'),
              key: 'a',
              width: 100,
              render: (_: unknown, p) => (
                <Button size="small" icon={<SendOutlined />} onClick={() => setAssigning(p.id)} disabled={p.itemCount === 0}>
                  {t('paper_assign')}
                </Button>
              ),
            },
          ]}
        />
      )}
      <AssignModal open={!!assigning} onClose={() => setAssigning(null)} paperId={assigning ?? undefined} />
    </>
  );
}
