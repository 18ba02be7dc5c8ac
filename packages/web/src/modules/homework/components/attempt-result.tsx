import { CheckCircleFilled, ClockCircleFilled, CloseCircleFilled, MinusCircleFilled } from '@ant-design/icons';
import type { TAttempt, TItemContent } from '@qiming/shared';
import { Alert, Card, Progress, Space, Tag, Typography } from 'antd';
import { useT } from '../../../lib/i18n.ts';
import { ItemAnswer, RichText, type Response } from './item-answer.tsx';
import type { TPupilItem } from '@qiming/shared';

/** The answer key of an item in words, for the pupil's result page (解析). */
export function keyText(c: TItemContent): string {
  const opt = (options: { id: string; text: string }[], id: string) => options.find((o) => o.id === id)?.text ?? id;
  switch (c.type) {
    case 'single_choice':
      return opt(c.options, c.answer);
    case 'multiple_choice':
      return c.answers.map((a) => opt(c.options, a)).join('；');
    case 'true_false':
      return c.answer ? '对' : '错';
    case 'fill_blank':
      return c.blanks.map((b, i) => `(${i + 1}) ${b.accepted.join(' 或 ')}`).join('；');
    case 'numeric':
      return c.answer;
    case 'matching':
      return c.pairs.map((p) => `${opt(c.left, p.left)} — ${opt(c.right, p.right)}`).join('；');
    case 'ordering':
      return c.order.map((o) => opt(c.elements, o)).join(' → ');
    case 'short_answer':
    case 'essay':
      return c.referenceAnswer || '—';
    case 'composite':
      return c.parts.map((p, i) => `(${i + 1}) ${keyText(p as unknown as TItemContent)}`).join('　');
  }
}

function Verdict({ result }: { result: NonNullable<TAttempt['items'][number]['result']> }) {
  const t = useT();
  if (result.needsManualGrading)
    return (
      <Tag icon={<ClockCircleFilled />} color="gold">
        {t('hw_waiting_grade')}
      </Tag>
    );
  if (result.isCorrect)
    return (
      <Tag icon={<CheckCircleFilled />} color="success">
        {t('hw_correct')} {result.score}/{result.maxScore}
      </Tag>
    );
  if ((result.score ?? 0) > 0)
    return (
      <Tag icon={<MinusCircleFilled />} color="warning">
        {t('hw_partly')} {result.score}/{result.maxScore}
      </Tag>
    );
  return (
    <Tag icon={<CloseCircleFilled />} color="error">
      {t('hw_wrong')} 0/{result.maxScore}
    </Tag>
  );
}

export function AttemptResult({ attempt }: { attempt: TAttempt }) {
  const t = useT();
  const percent = attempt.maxScore ? Math.round(((attempt.score ?? 0) / attempt.maxScore) * 100) : 0;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={16}>
      <Card data-testid="attempt-result">
        <div style={{ display: 'flex', alignItems: 'center', gap: 24, flexWrap: 'wrap' }}>
          <Progress
            type="circle"
            percent={percent}
            size={96}
            format={() => <span data-testid="attempt-score">{attempt.score ?? 0}</span>}
          />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('hw_your_score', { score: attempt.score ?? 0, max: attempt.maxScore })}
            </Typography.Title>
            {attempt.pendingManual > 0 && (
              <Typography.Text type="warning">{t('hw_pending_manual', { n: attempt.pendingManual })}</Typography.Text>
            )}
            {attempt.passed !== null && (
              <div style={{ marginTop: 8 }}>
                <Tag color={attempt.passed ? 'success' : 'error'} style={{ fontSize: 16, padding: '4px 12px' }} data-testid="attempt-pass">
                  {attempt.passed ? t('hw_passed') : t('hw_failed')}
                </Tag>
              </div>
            )}
          </div>
        </div>
        {!attempt.answersVisible && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t('hw_answers_hidden')} />}
      </Card>
      {attempt.items.map((it, i) => (
        <Card
          key={it.key}
          size="small"
          title={
            <span>
              {t('hw_question_n', { n: i + 1 })} <Typography.Text type="secondary">{t('hw_points', { n: it.score })}</Typography.Text>
            </span>
          }
          extra={it.result && <Verdict result={it.result} />}
        >
          <ItemAnswer
            item={it.item as TPupilItem}
            value={(it.response as Response) ?? null}
            onChange={() => {}}
            disabled
            testId={`result-${i + 1}`}
          />
          {it.result?.comment && (
            <Alert style={{ marginTop: 8 }} type="success" title={t('hw_teacher_comment', { text: it.result.comment })} />
          )}
          {it.solution !== null && (
            <div style={{ marginTop: 8, background: '#f6f8fb', padding: 8, borderRadius: 6 }}>
              <Typography.Text strong>{t('hw_key')}：</Typography.Text>
              <Typography.Text>{keyText(it.solution as TItemContent)}</Typography.Text>
              {(it.solution as TItemContent).explanation && (
                <div style={{ marginTop: 4 }}>
                  <Typography.Text strong>{t('hw_explanation')}：</Typography.Text>
                  <RichText text={(it.solution as TItemContent).explanation} />
                </div>
              )}
            </div>
          )}
        </Card>
      ))}
    </Space>
  );
}
