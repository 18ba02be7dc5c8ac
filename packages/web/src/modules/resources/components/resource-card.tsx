import { DownloadOutlined, StarFilled } from '@ant-design/icons';
import type { TResourceSummary } from '@qiming/shared';
import { Card, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../../lib/i18n.ts';
import { formatDate, gradeName } from '../../../lib/labels.ts';
import { markName, termName, TYPE_COLOURS, typeName } from '../labels.ts';

/** A resource in a list: type, title, where it belongs in the curriculum, who made it, how it is used. */
export function ResourceCard({ r }: { r: TResourceSummary }) {
  const t = useT();
  return (
    <Card
      size="small"
      hoverable
      data-testid="resource-card"
      style={{ height: '100%' }}
      styles={{ body: { display: 'flex', flexDirection: 'column', gap: 6 } }}
    >
      <Space size={4} wrap>
        <Tag color={TYPE_COLOURS[r.type]}>{typeName(t, r.type)}</Tag>
        {r.marks.map((m) => (
          <Tag key={m} color="red">
            {markName(t, m)}
          </Tag>
        ))}
      </Space>
      <Link to={`/resources/${r.id}`} style={{ fontWeight: 500, fontSize: 15, lineHeight: 1.4 }}>
        {r.title}
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
        {r.subject} · {gradeName(t, r.gradeLevel)}
        {termName(t, r.term)}
        {r.unitTitle ? ` · ${r.unitTitle}` : ''}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
        {r.schoolName} · {r.authorName} · {formatDate(r.publishedAt ?? r.updatedAt)}
      </Typography.Text>
      <Space size={12} style={{ fontSize: 12, color: '#8a94a6', marginTop: 'auto' }}>
        <span>
          <DownloadOutlined /> {r.downloadCount}
        </span>
        <span>
          <StarFilled style={{ color: r.ratingAverage ? '#fadb14' : undefined }} /> {r.ratingAverage ?? t('res_no_rating')}
        </span>
      </Space>
    </Card>
  );
}
