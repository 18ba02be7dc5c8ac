import { AuditOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button } from 'antd';
import { Link } from 'react-router';
import { useT } from '../../../lib/i18n.ts';
import { useReviewQueue } from '../resources.api.ts';

/** On a reviewer's home page: how many resources wait for their review, when any do. */
export function ReviewTodo() {
  const t = useT();
  const queue = useReviewQueue(1);
  const waiting = queue.data?.total ?? 0;
  if (!waiting) return null;
  const page = queue.data?.items ?? [];
  // flagged ones are counted when the whole queue is on the first page; otherwise the queue page tells
  const flagged = waiting <= page.length ? page.filter((r) => r.isFlagged).length : 0;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<AuditOutlined />}
      data-testid="home-review-todo"
      title={t('home_review_waiting', { n: waiting })}
      description={flagged ? t('home_review_flagged', { n: flagged }) : undefined}
      action={
        <Link to="/resources/review">
          <Button type="primary" size="small">
            {t('home_review_open')} <RightOutlined />
          </Button>
        </Link>
      }
    />
  );
}
