import { CheckCircleOutlined, CloudUploadOutlined, DisconnectOutlined, LoadingOutlined, WarningOutlined } from '@ant-design/icons';
import type { TAttempt, TPupilItem } from '@qiming/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Modal, Progress, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { clearLocal, submitKeyFor, useAttemptSync, type SaveState } from '../attempt-sync.ts';
import { AttemptResult } from '../components/attempt-result.tsx';
import { isAnswered, ItemAnswer } from '../components/item-answer.tsx';
import { fetchAttempt, hwKeys, startAttempt, submitAttempt } from '../homework.api.ts';

function SaveBadge({ state }: { state: SaveState }) {
  const t = useT();
  const map = {
    saved: { color: 'success', icon: <CheckCircleOutlined />, text: t('hw_saved') },
    saving: { color: 'processing', icon: <LoadingOutlined />, text: t('hw_saving') },
    offline: { color: 'warning', icon: <DisconnectOutlined />, text: t('hw_offline') },
    error: { color: 'error', icon: <WarningOutlined />, text: t('hw_save_failed') },
    closed: { color: 'default', icon: <WarningOutlined />, text: t('hw_closed_now') },
  } as const;
  const m = map[state];
  return (
    <Tag color={m.color} icon={m.icon} data-testid="save-state" data-state={state}>
      {m.text}
    </Tag>
  );
}

function Countdown({ deadline, serverTime, onExpire }: { deadline: string; serverTime: string; onExpire: () => void }) {
  const t = useT();
  // the server's clock decides: correct for a pupil's device that is minutes off
  const [skew] = useState(() => new Date(serverTime).getTime() - Date.now());
  const [now, setNow] = useState(() => Date.now() + skew);
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now() + skew), 1000);
    return () => clearInterval(h);
  }, [skew]);
  const left = Math.max(0, new Date(deadline).getTime() - now);
  useEffect(() => {
    if (left === 0) onExpire();
  }, [left, onExpire]);
  if (left > 24 * 3600_000) return null;
  const s = Math.floor(left / 1000);
  const text = `${Math.floor(s / 3600) ? `${Math.floor(s / 3600)}:` : ''}${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return (
    <Tag color={left < 5 * 60_000 ? 'error' : 'blue'} data-testid="countdown">
      {t('hw_time_left', { time: text })}
    </Tag>
  );
}

function Answering({ attempt, onDone }: { attempt: TAttempt; onDone: (a: TAttempt) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const sync = useAttemptSync(attempt);
  const [submitting, setSubmitting] = useState(false);
  const answered = attempt.items.filter((i) => isAnswered(sync.responses[i.key] ?? null)).length;

  const submit = async () => {
    setSubmitting(true);
    try {
      const done = await submitAttempt(attempt.id, submitKeyFor(attempt.id), sync.latest.current);
      clearLocal(attempt.id);
      onDone(done);
    } catch (e) {
      if (isAppError(e, 'ATTEMPT_NOT_OPEN') || isAppError(e, 'HOMEWORK_CLOSED') || isAppError(e, 'ATTEMPT_DEADLINE_PASSED')) {
        message.warning(errorMessage(e));
        clearLocal(attempt.id);
        onDone(await fetchAttempt(attempt.id));
      } else message.error(isAppError(e, 'NETWORK_ERROR') ? t('hw_submit_offline') : errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };
  const confirmSubmit = () => {
    const missing = attempt.items.length - answered;
    Modal.confirm({
      title: t('hw_submit_confirm_title'),
      content: missing ? t('hw_submit_confirm_missing', { n: missing }) : t('hw_submit_confirm_body'),
      okText: t('hw_submit'),
      cancelText: t('hw_cancel'),
      onOk: submit,
      okButtonProps: { 'data-testid': 'submit-confirm' } as Record<string, string>,
    });
  };

  let section = '';
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={12}>
      <Card size="small" style={{ position: 'sticky', top: 0, zIndex: 5 }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', justifyContent: 'space-between' }}>
          <Space wrap>
            <SaveBadge state={sync.state} />
            <Countdown
              deadline={attempt.deadlineAt}
              serverTime={attempt.serverTime}
              onExpire={() => void fetchAttempt(attempt.id).then(onDone, () => {})}
            />
          </Space>
          <div style={{ minWidth: 160, flex: 1, maxWidth: 320 }}>
            <Progress
              percent={Math.round((answered / Math.max(1, attempt.items.length)) * 100)}
              format={() => `${answered}/${attempt.items.length}`}
              size="small"
            />
          </div>
        </div>
        {sync.state === 'offline' && <Typography.Text type="warning">{t('hw_offline_hint')}</Typography.Text>}
      </Card>
      {attempt.instructions && <Alert type="info" title={attempt.instructions} />}
      {attempt.items.map((it, i) => {
        const header = it.sectionTitle !== section ? it.sectionTitle : null;
        section = it.sectionTitle;
        return (
          <div key={it.key}>
            {header && (
              <Typography.Title level={5} style={{ margin: '8px 0' }}>
                {header}
              </Typography.Title>
            )}
            <Card
              size="small"
              data-testid={`question-${i + 1}`}
              title={
                <span>
                  {t('hw_question_n', { n: i + 1 })} <Typography.Text type="secondary">{t('hw_points', { n: it.score })}</Typography.Text>
                </span>
              }
              extra={isAnswered(sync.responses[it.key] ?? null) ? <Tag color="green">{t('hw_answered')}</Tag> : null}
            >
              <ItemAnswer
                item={it.item as TPupilItem}
                value={sync.responses[it.key] ?? null}
                onChange={(v) => sync.change(it.key, v)}
                testId={`q${i + 1}`}
              />
            </Card>
          </div>
        );
      })}
      <Button
        type="primary"
        size="large"
        block
        icon={<CloudUploadOutlined />}
        loading={submitting}
        onClick={confirmSubmit}
        data-testid="submit-attempt"
      >
        {t('hw_submit')}
      </Button>
    </Space>
  );
}

/** /my/homework/:assignmentId — start or resume, answer with autosave, submit, see the result. */
export function AttemptPage() {
  const t = useT();
  const { assignmentId = '' } = useParams();
  const client = useQueryClient();
  // starting is idempotent (an open attempt is resumed), so it can be fetched like data
  const start = useQuery({
    queryKey: ['homework', 'start', assignmentId],
    queryFn: () => startAttempt(assignmentId),
    retry: false,
    staleTime: Infinity,
    gcTime: 0,
  });
  const [done, setDone] = useState<TAttempt | null>(null);
  const attempt = done ?? start.data;

  if (start.isLoading) return <Skeleton active />;
  if (start.error && !done) {
    const e = start.error;
    if (isAppError(e, 'ATTEMPTS_EXHAUSTED') || isAppError(e, 'HOMEWORK_CLOSED') || isAppError(e, 'HOMEWORK_NOT_OPEN'))
      return (
        <Result
          status="info"
          title={errorMessage(e)}
          extra={
            <Link to="/my/homework">
              <Button type="primary">{t('hw_back_to_list')}</Button>
            </Link>
          }
        />
      );
    return <LoadError error={e} onRetry={() => void start.refetch()} />;
  }
  if (!attempt) return null;
  const finished = attempt.status !== 'in_progress';
  return (
    <div style={{ maxWidth: 820, margin: '0 auto' }}>
      <PageTitle title={attempt.title} back subtitle={finished ? t('hw_result') : t('hw_max_score', { n: attempt.maxScore })} />
      {finished ? (
        <AttemptResult attempt={attempt} />
      ) : (
        <Answering
          attempt={attempt}
          onDone={(a) => {
            setDone(a);
            void client.invalidateQueries({ queryKey: ['homework', 'mine'] });
            client.setQueryData(hwKeys.attempt(a.id), a);
            window.scrollTo({ top: 0 });
          }}
        />
      )}
    </div>
  );
}

/** /my/attempts/:attemptId — a finished attempt (also for parents and teachers, read-only). */
export function AttemptResultPage() {
  const { attemptId = '' } = useParams();
  const q = useQuery({ queryKey: hwKeys.attempt(attemptId), queryFn: () => fetchAttempt(attemptId) });
  if (q.isLoading) return <Skeleton active />;
  if (q.error) return <LoadError error={q.error} onRetry={() => void q.refetch()} />;
  const a = q.data!;
  return (
    <div style={{ maxWidth: 820, margin: '0 auto' }}>
      <PageTitle title={a.title} back subtitle={a.user.name} />
      <AttemptResult attempt={a} />
    </div>
  );
}
