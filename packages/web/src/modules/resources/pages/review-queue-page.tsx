import { WarningOutlined } from '@ant-design/icons';
import type { TResourceSummary } from '@qiming/shared';
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime, gradeName } from '../../../lib/labels.ts';
import { reviewLevelName, typeName } from '../labels.ts';
import { useReviewQueue } from '../resources.api.ts';

type Row = TResourceSummary & { isFlagged: boolean };

export function ReviewQueuePage() {
  const t = useT();
  const [page, setPage] = useState(1);
  const q = useReviewQueue(page);
  return (
    <div data-testid="review-queue">
      <PageTitle title={t('res_review_title')} subtitle={t('res_review_subtitle')} />
      <Card size="small">
        {q.error ? (
          <LoadError error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <Table<Row>
            rowKey="id"
            loading={q.isLoading}
            dataSource={q.data?.items ?? []}
            locale={{ emptyText: <EmptyHint text={t('res_review_empty')} /> }}
            pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            scroll={{ x: 560 }}
            columns={[
              {
                title: t('res_title'),
                key: 'title',
                render: (_, r) => (
                  <Space orientation="vertical" size={2}>
                    <Link to={`/resources/review/${r.id}`}>{r.title}</Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {typeName(t, r.type)} · {r.subject} {gradeName(t, r.gradeLevel)} · {r.schoolName} {r.authorName}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: t('res_screening'),
                key: 'flag',
                width: 140,
                render: (_, r) =>
                  r.isFlagged ? (
                    <Tag color="red" icon={<WarningOutlined />} data-testid="review-flagged">
                      {t('res_flagged')}
                    </Tag>
                  ) : (
                    <Tag color="green">{t('res_clean')}</Tag>
                  ),
              },
              {
                title: t('res_status'),
                key: 'level',
                width: 110,
                render: (_, r) => (r.currentReviewLevel ? reviewLevelName(t, r.currentReviewLevel) : ''),
              },
              { title: t('res_updated'), key: 'at', width: 150, responsive: ['md'], render: (_, r) => formatDateTime(r.updatedAt) },
              {
                title: t('res_actions'),
                key: 'go',
                width: 90,
                render: (_, r) => (
                  <Link to={`/resources/review/${r.id}`}>
                    <Button size="small" type="primary" data-testid={`review-open-${r.id}`}>
                      {t('res_review_open')}
                    </Button>
                  </Link>
                ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
