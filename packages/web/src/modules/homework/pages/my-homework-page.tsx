import { BookOutlined, EditOutlined, EyeOutlined } from '@ant-design/icons';
import type { TMyAssignment } from '@qiming/shared';
import { Button, Card, List, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useHome } from '../../home/home.api.ts';
import { useChildAssignments, useMyAssignments } from '../homework.api.ts';

const fmt = (iso: string) => dayjs(iso).format('MM-DD HH:mm');

function StateTag({ a }: { a: TMyAssignment }) {
  const t = useT();
  if (a.openAttemptId) return <Tag color="processing">{t('hw_state_in_progress')}</Tag>;
  if (a.lastAttempt?.status === 'submitted') return <Tag color="gold">{t('hw_state_waiting')}</Tag>;
  if (a.lastAttempt) return <Tag color="success">{t('hw_state_done')}</Tag>;
  if (a.state === 'not_open') return <Tag>{t('hw_state_not_open')}</Tag>;
  if (a.state === 'closed') return <Tag color="error">{t('hw_state_missed')}</Tag>;
  return <Tag color="blue">{t('hw_state_todo')}</Tag>;
}

/** Assignments as cards: what to do, until when, and the result. `readOnly` for parents. */
export function AssignmentCards({ items, readOnly }: { items: TMyAssignment[]; readOnly?: boolean }) {
  const t = useT();
  return (
    <List
      dataSource={items}
      grid={{ gutter: 12, xs: 1, sm: 1, md: 2, lg: 2, xl: 3 }}
      locale={{ emptyText: <EmptyHint text={readOnly ? t('hw_child_empty') : t('hw_my_empty')} /> }}
      renderItem={(a) => (
        <List.Item>
          <Card
            size="small"
            data-testid={`my-assignment-${a.id}`}
            title={
              <Space>
                <BookOutlined />
                <span>{a.title}</span>
              </Space>
            }
            extra={<StateTag a={a} />}
          >
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {a.subject ?? ''} · {t('hw_items_n', { n: a.itemCount })} · {t('hw_max_score', { n: a.maxScore })}
              <br />
              {t('hw_window', { from: fmt(a.opensAt), to: fmt(a.closesAt) })}
              {a.timeLimitMinutes ? ` · ${t('hw_time_limit', { n: a.timeLimitMinutes })}` : ''}
            </Typography.Paragraph>
            {a.bestScore !== null && (
              <Typography.Paragraph style={{ marginBottom: 8 }}>
                {t('hw_score')}：<Typography.Text strong>{a.bestScore}</Typography.Text> / {a.maxScore}
                {a.passed !== null && (
                  <Tag style={{ marginLeft: 8 }} color={a.passed ? 'success' : 'error'}>
                    {a.passed ? t('hw_passed') : t('hw_failed')}
                  </Tag>
                )}
              </Typography.Paragraph>
            )}
            <Space wrap>
              {!readOnly && a.canStart && (
                <Link to={`/my/homework/${a.id}`}>
                  <Button type="primary" icon={<EditOutlined />} data-testid="start-assignment">
                    {a.openAttemptId ? t('hw_continue') : a.attemptsUsed ? t('hw_retry') : t('hw_start')}
                  </Button>
                </Link>
              )}
              {a.lastAttempt && a.lastAttempt.status !== 'in_progress' && (
                <Link to={`/my/attempts/${a.lastAttempt.id}`}>
                  <Button icon={<EyeOutlined />}>{t('hw_view_result')}</Button>
                </Link>
              )}
            </Space>
          </Card>
        </List.Item>
      )}
    />
  );
}

export function MyHomeworkPage() {
  const t = useT();
  const [filter, setFilter] = useState<'todo' | 'done' | 'all'>('todo');
  const q = useMyAssignments(filter);
  return (
    <div>
      <PageTitle
        title={t('hw_my_title')}
        extra={
          <Link to="/my/wrong-items">
            <Button>{t('hw_wrong_book')}</Button>
          </Link>
        }
      />
      <Segmented
        value={filter}
        onChange={setFilter}
        style={{ marginBottom: 12 }}
        options={[
          { value: 'todo', label: t('hw_filter_todo') },
          { value: 'done', label: t('hw_filter_done') },
          { value: 'all', label: t('hw_filter_all') },
        ]}
      />
      {q.isLoading ? (
        <Skeleton active />
      ) : q.error ? (
        <LoadError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <AssignmentCards items={q.data ?? []} />
      )}
    </div>
  );
}

/** /children/:childId/homework — a parent's read-only view of a child's homework and results. */
export function ChildHomeworkPage() {
  const t = useT();
  const { childId = '' } = useParams();
  const q = useChildAssignments(childId);
  return (
    <div>
      <PageTitle
        title={t('hw_child_title')}
        back
        extra={
          <Link to={`/children/${childId}/wrong-items`}>
            <Button>{t('hw_wrong_book')}</Button>
          </Link>
        }
      />
      {q.isLoading ? (
        <Skeleton active />
      ) : q.error ? (
        <LoadError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <AssignmentCards items={q.data ?? []} readOnly />
      )}
    </div>
  );
}

/** /children/homework — a parent's children, each with their homework (one child: shown at once). */
export function ChildrenHomeworkPage() {
  const t = useT();
  const home = useHome();
  if (home.isLoading) return <Skeleton active />;
  if (home.error) return <LoadError error={home.error} />;
  const children = home.data?.children ?? [];
  return (
    <div>
      <PageTitle title={t('hw_child_title')} />
      {children.length === 0 && <EmptyHint text={t('hw_child_empty')} />}
      {children.map((c) => (
        <ChildSection key={c.id} childId={c.id} name={c.name} className={c.className} />
      ))}
    </div>
  );
}

function ChildSection({ childId, name, className }: { childId: string; name: string; className: string | null }) {
  const t = useT();
  const q = useChildAssignments(childId);
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      title={`${name}${className ? ` · ${className}` : ''}`}
      extra={
        <Link to={`/children/${childId}/wrong-items`}>
          <Button size="small">{t('hw_wrong_book')}</Button>
        </Link>
      }
    >
      {q.isLoading ? <Skeleton active /> : q.error ? <LoadError error={q.error} /> : <AssignmentCards items={q.data ?? []} readOnly />}
    </Card>
  );
}
