import { PUSH_STATUSES, type TPushItem } from '@qiming/shared';
import { App, Button, Card, Popconfirm, Segmented, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime } from '../../../lib/labels.ts';
import { pushStatusName } from '../labels.ts';
import { usePush, usePushQueue } from '../resources.api.ts';

const COLOURS: Record<string, string> = { queued: 'processing', sent: 'success', failed: 'error', cancelled: 'default' };

export function PushQueuePage() {
  const t = useT();
  const { message } = App.useApp();
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const q = usePushQueue(status || undefined, page);
  const push = usePush();
  const counts = q.data?.counts ?? {};
  return (
    <div data-testid="push-queue">
      <PageTitle title={t('res_push_title')} subtitle={t('res_push_subtitle')} />
      <Card size="small">
        <div style={{ overflowX: 'auto', marginBottom: 12 }}>
          <Segmented
            value={status}
            onChange={(v) => {
              setStatus(String(v));
              setPage(1);
            }}
            options={[
              { value: '', label: t('res_all_status') },
              ...PUSH_STATUSES.map((s) => ({ value: s, label: `${pushStatusName(t, s)} ${counts[s] ?? 0}` })),
            ]}
          />
        </div>
        {q.error ? (
          <LoadError error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <Table<TPushItem>
            rowKey="id"
            loading={q.isLoading}
            dataSource={q.data?.items ?? []}
            locale={{ emptyText: <EmptyHint text={t('res_push_empty')} /> }}
            pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            scroll={{ x: 640 }}
            columns={[
              { title: t('res_title'), key: 'title', render: (_, r) => <Link to={`/resources/${r.resourceId}`}>{r.title}</Link> },
              { title: t('res_school'), dataIndex: 'schoolName', key: 'school', responsive: ['md'] },
              {
                title: t('res_status'),
                key: 'status',
                width: 100,
                render: (_, r) => <Tag color={COLOURS[r.status]}>{pushStatusName(t, r.status)}</Tag>,
              },
              { title: t('res_requested_by'), dataIndex: 'requestedBy', key: 'by', width: 120 },
              { title: t('res_requested_at'), key: 'at', width: 150, render: (_, r) => formatDateTime(r.requestedAt) },
              { title: t('res_attempts'), dataIndex: 'attempts', key: 'n', width: 90, responsive: ['lg'] },
              {
                title: t('res_actions'),
                key: 'a',
                width: 110,
                render: (_, r) =>
                  r.status === 'queued' && (
                    <Popconfirm
                      title={t('res_push_cancel')}
                      onConfirm={() =>
                        push.mutateAsync({ id: r.resourceId, on: false }).then(
                          () => undefined,
                          (e: unknown) => void message.error(errorMessage(e)),
                        )
                      }
                    >
                      <Button size="small">{t('res_push_cancel')}</Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
