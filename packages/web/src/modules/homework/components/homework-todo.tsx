import { CheckCircleOutlined, EditOutlined, RightOutlined } from '@ant-design/icons';
import type { TMyAssignment } from '@qiming/shared';
import { Button, Card, Flex, Skeleton, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useAssignments, useChildAssignments, useMyAssignments } from '../homework.api.ts';

/** What the home page shows of homework: the first few of each list, and a link to the whole list. */
const HOME_ROWS = 5;
const due = (iso: string) => dayjs(iso).format('MM-DD HH:mm');

/** A homework still to do: open, not finished, attempts left. */
const isToDo = (a: TMyAssignment) => a.canStart && (a.openAttemptId !== null || a.attemptsUsed === 0);

function TodoRow({ title, meta, action, isLast }: { title: string; meta: ReactNode; action: ReactNode; isLast: boolean }) {
  return (
    <Flex
      justify="space-between"
      align="center"
      gap={12}
      wrap
      style={{ padding: '10px 0', borderBottom: isLast ? undefined : '1px solid #f0f0f0' }}
    >
      <div style={{ minWidth: 0, flex: '1 1 200px' }}>
        <Typography.Text strong ellipsis style={{ display: 'block' }}>
          {title}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {meta}
        </Typography.Text>
      </div>
      {action}
    </Flex>
  );
}

/** The frame of a homework list on the home page: title, a link to the whole list, and its load, error and empty states. */
function HomeList<T extends { id: string }>({
  title,
  allTo,
  query,
  rows,
  empty,
  row,
}: {
  title: string;
  allTo: string;
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  rows: T[];
  empty: ReactNode;
  row: (item: T) => { title: string; meta: ReactNode; action: ReactNode };
}) {
  const t = useT();
  const shown = rows.slice(0, HOME_ROWS);
  return (
    <Card
      title={title}
      data-testid="home-homework"
      extra={
        <Link to={allTo}>
          {t('home_hw_all')} <RightOutlined />
        </Link>
      }
    >
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : query.isError ? (
        <LoadError error={query.error} onRetry={() => void query.refetch()} />
      ) : shown.length === 0 ? (
        empty
      ) : (
        shown.map((item, i) => <TodoRow key={item.id} isLast={i === shown.length - 1} {...row(item)} />)
      )}
    </Card>
  );
}

/** A pupil's home: the homework to do now, soonest due first, each a tap away. */
export function PupilHomeworkCard() {
  const t = useT();
  const q = useMyAssignments('todo');
  return (
    <HomeList
      title={t('home_hw_todo_title')}
      allTo="/my/homework"
      query={q}
      rows={(q.data ?? []).filter(isToDo).sort((a, b) => a.closesAt.localeCompare(b.closesAt))}
      empty={
        <EmptyHint
          text={t('home_hw_todo_empty')}
          action={
            <Link to="/my/wrong-items">
              <Button>{t('hw_wrong_book')}</Button>
            </Link>
          }
        />
      }
      row={(a) => ({
        title: a.title,
        meta: [a.subject, t('hw_items_n', { n: a.itemCount }), t('home_hw_due', { time: due(a.closesAt) })].filter(Boolean).join(' · '),
        action: (
          <Link to={`/my/homework/${a.id}`}>
            <Button type="primary" icon={<EditOutlined />} data-testid="home-start-assignment">
              {a.openAttemptId ? t('hw_continue') : t('hw_start')}
            </Button>
          </Link>
        ),
      })}
    />
  );
}

/** A teacher's home: open assignments, how many have handed in, and what waits for grading. */
export function TeacherHomeworkCard() {
  const t = useT();
  const q = useAssignments({ state: 'open', page: 1, pageSize: HOME_ROWS });
  return (
    <HomeList
      title={t('home_hw_teacher_title')}
      allTo="/homework"
      query={q}
      rows={q.data?.items ?? []}
      empty={
        <EmptyHint
          text={t('home_hw_teacher_empty')}
          action={
            <Link to="/homework">
              <Button type="primary">{t('home_hw_assign')}</Button>
            </Link>
          }
        />
      }
      row={(a) => ({
        title: a.title,
        meta: (
          <>
            {a.classes.map((c) => c.name).join('、')} · {t('home_hw_due', { time: due(a.closesAt) })} ·{' '}
            {t('home_hw_submitted', { n: a.submitted, total: a.recipients })}
          </>
        ),
        action: (
          <Flex gap={8} align="center">
            {a.pendingManual > 0 && a.policies.canGrade && (
              <Link to={`/homework/${a.id}/grading`}>
                <Tag color="gold" style={{ marginInlineEnd: 0, cursor: 'pointer' }}>
                  {t('home_hw_pending_grading', { n: a.pendingManual })}
                </Tag>
              </Link>
            )}
            <Link to={`/homework/${a.id}`}>
              <Button size="small">{t('home_hw_analysis')}</Button>
            </Link>
          </Flex>
        ),
      })}
    />
  );
}

/** On a parent's child card: how much homework the child still has to do. */
export function ChildHomeworkLine({ childId }: { childId: string }) {
  const t = useT();
  const q = useChildAssignments(childId);
  if (!q.data) return null;
  const todo = q.data.filter(isToDo).length;
  return todo > 0 ? (
    <Typography.Text>
      <EditOutlined /> {t('home_hw_child_todo', { n: todo })}
    </Typography.Text>
  ) : (
    <Typography.Text type="secondary">
      <CheckCircleOutlined /> {t('home_hw_child_none')}
    </Typography.Text>
  );
}
