import { CloudUploadOutlined } from '@ant-design/icons';
import { RESOURCE_STATUSES, type TResourceSummary } from '@qiming/shared';
import { App, Button, Card, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime, gradeName } from '../../../lib/labels.ts';
import { reviewLevelName, STATUS_COLOURS, statusName, typeName } from '../labels.ts';
import { useDeleteResource, useMyResources, useResource, useSubmitResource, useWithdrawResource } from '../resources.api.ts';

/** The returned reason of one row, fetched when the row shows it. */
function ReturnedReason({ id }: { id: string }) {
  const t = useT();
  const r = useResource(id);
  if (!r.data?.returnReason) return null;
  return (
    <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="returned-reason">
      {t('res_returned_reason', { reason: r.data.returnReason })}
    </Typography.Text>
  );
}

export function MyResourcesPage() {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [status, setStatus] = useState<string>('');
  const [page, setPage] = useState(1);
  const list = useMyResources(status || undefined, page);
  const submit = useSubmitResource();
  const withdraw = useWithdrawResource();
  const remove = useDeleteResource();
  const act = (p: Promise<unknown>, ok: string) =>
    p.then(
      () => void message.success(ok),
      (e: unknown) => void message.error(errorMessage(e)),
    );

  const columns = [
    {
      title: t('res_title'),
      key: 'title',
      render: (_: unknown, r: TResourceSummary) => (
        <Space orientation="vertical" size={2}>
          <Link to={`/resources/${r.id}`}>{r.title}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {typeName(t, r.type)} · {r.subject} {gradeName(t, r.gradeLevel)}
            {r.unitTitle ? ` · ${r.unitTitle}` : ''}
          </Typography.Text>
          {r.status === 'returned' && <ReturnedReason id={r.id} />}
        </Space>
      ),
    },
    {
      title: t('res_status'),
      key: 'status',
      width: 150,
      render: (_: unknown, r: TResourceSummary) => (
        <Space orientation="vertical" size={2}>
          <Tag color={STATUS_COLOURS[r.status]} data-testid={`status-${r.id}`}>
            {statusName(t, r.status)}
          </Tag>
          {r.currentReviewLevel && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('res_at_level', { level: reviewLevelName(t, r.currentReviewLevel) })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('res_updated'),
      key: 'updated',
      width: 150,
      responsive: ['md' as const],
      render: (_: unknown, r: TResourceSummary) => formatDateTime(r.updatedAt),
    },
    {
      title: t('res_actions'),
      key: 'actions',
      width: 200,
      render: (_: unknown, r: TResourceSummary) => (
        <Space wrap size={4}>
          {['draft', 'returned', 'withdrawn'].includes(r.status) && (
            <>
              <Button size="small" onClick={() => void navigate(`/resources/${r.id}/edit`)}>
                {r.status === 'returned' ? t('res_resubmit') : t('res_edit')}
              </Button>
              {r.fileName && (
                <Button
                  size="small"
                  type="primary"
                  loading={submit.isPending}
                  onClick={() => void act(submit.mutateAsync(r.id), t('res_submitted'))}
                >
                  {t('res_submit')}
                </Button>
              )}
              <Popconfirm title={t('res_delete_confirm')} onConfirm={() => act(remove.mutateAsync(r.id), t('res_saved'))}>
                <Button size="small" danger>
                  {t('res_delete')}
                </Button>
              </Popconfirm>
            </>
          )}
          {['in_review', 'published'].includes(r.status) && (
            <Popconfirm
              title={t('res_withdraw_confirm')}
              onConfirm={() => act(withdraw.mutateAsync({ id: r.id, reason: '' }), t('res_saved'))}
            >
              <Button size="small">{t('res_withdraw')}</Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="my-resources">
      <PageTitle
        title={t('res_mine_title')}
        extra={
          <Link to="/resources/upload">
            <Button type="primary" icon={<CloudUploadOutlined />}>
              {t('res_upload')}
            </Button>
          </Link>
        }
      />
      <Card size="small">
        <div style={{ overflowX: 'auto', marginBottom: 12 }}>
          <Segmented
            value={status}
            onChange={(v) => {
              setStatus(String(v));
              setPage(1);
            }}
            options={[{ value: '', label: t('res_all_status') }, ...RESOURCE_STATUSES.map((s) => ({ value: s, label: statusName(t, s) }))]}
          />
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<TResourceSummary>
            rowKey="id"
            size="middle"
            loading={list.isLoading}
            dataSource={list.data?.items ?? []}
            columns={columns}
            locale={{ emptyText: <EmptyHint text={t('res_mine_empty')} /> }}
            pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            scroll={{ x: 560 }}
          />
        )}
      </Card>
    </div>
  );
}
