import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import type { TGradingResponse, TItemContent } from '@qiming/shared';
import { Alert, App, Badge, Button, Card, Col, Input, InputNumber, List, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { keyText } from '../components/attempt-result.tsx';
import { RichText } from '../components/item-answer.tsx';
import { useGradeItem, useGradingOverview, useGradingQueue } from '../homework.api.ts';

function responseText(r: unknown): string {
  if (!r || typeof r !== 'object') return '';
  const o = r as Record<string, unknown>;
  if (typeof o.text === 'string') return o.text;
  if (typeof o.value === 'string' || typeof o.value === 'boolean') return String(o.value);
  if (typeof o.choice === 'string') return o.choice;
  if (Array.isArray(o.choices)) return o.choices.join('、');
  if (Array.isArray(o.blanks)) return o.blanks.map((b, i) => `(${i + 1}) ${String(b)}`).join('　');
  return JSON.stringify(r);
}

/**
 * The grading view (阅卷): one question across all pupils, driven from the keyboard —
 * ←/→ (or K/J) previous/next pupil, digits set the score, Enter saves and moves on.
 */
function Queue({ assignmentId, itemKey }: { assignmentId: string; itemKey: string }) {
  const t = useT();
  const { message } = App.useApp();
  const q = useGradingQueue(assignmentId, itemKey);
  const grade = useGradeItem(assignmentId);
  const [index, setIndex] = useState(0);
  const [score, setScore] = useState<number | null>(null);
  const [rubric, setRubric] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const commentRef = useRef<TextAreaRef>(null);
  const responses = useMemo(() => q.data?.responses ?? [], [q.data]);
  const current: TGradingResponse | undefined = responses[index];
  const content = q.data?.item.content as TItemContent | undefined;
  const criteria = content?.type === 'essay' ? content.rubric : [];
  const max = q.data?.item.score ?? 0;

  useEffect(() => {
    if (!current) return;
    setScore(current.score ?? current.suggestedScore ?? null);
    setRubric(current.rubricScores ?? {});
    setComment(current.comment ?? '');
  }, [current]);

  // start at the first answer still waiting for a grade
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !responses.length) return;
    started.current = true;
    const first = responses.findIndex((r) => !r.gradedAt);
    if (first > 0) setIndex(first);
  }, [responses]);

  const go = useCallback(
    (d: number) => setIndex((i) => Math.min(Math.max(0, i + d), Math.max(0, responses.length - 1))),
    [responses.length],
  );

  const save = useCallback(async () => {
    if (!current) return;
    const useRubric = criteria.length > 0 && Object.keys(rubric).length > 0;
    const value = useRubric ? Object.values(rubric).reduce((a, b) => a + b, 0) : score;
    if (value === null || value === undefined) {
      message.warning(t('hw_grade_missing'));
      return;
    }
    try {
      await grade.mutateAsync({
        attemptId: current.attemptId,
        key: itemKey,
        body: { score: value, ...(useRubric ? { rubricScores: rubric } : {}), comment: comment || undefined },
      });
      message.success(t('hw_grade_saved', { name: current.student.name, score: value }));
      await q.refetch();
      go(1);
    } catch (e) {
      message.error(errorMessage(e));
    }
  }, [current, criteria.length, rubric, score, grade, itemKey, comment, message, t, q, go]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLTextAreaElement || (e.target instanceof HTMLInputElement && e.target.type !== 'radio');
      if (e.key === 'Enter' && !e.shiftKey && (!typing || e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        void save();
        return;
      }
      if (typing) return;
      if (e.key === 'ArrowRight' || e.key === 'j') go(1);
      else if (e.key === 'ArrowLeft' || e.key === 'k') go(-1);
      else if (/^[0-9]$/.test(e.key) && Number(e.key) <= max) setScore(Number(e.key));
      else if (e.key === 'c') {
        e.preventDefault();
        commentRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, save, max]);

  if (q.isLoading) return <Skeleton active />;
  if (q.error) return <LoadError error={q.error} />;
  if (!responses.length || !content) return <EmptyHint text={t('hw_grading_none')} />;
  const done = responses.filter((r) => r.gradedAt).length;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('hw_question_n', { n: q.data!.item.position })} extra={<Tag>{t('hw_points', { n: max })}</Tag>}>
        <RichText text={content.stem} />
        <Typography.Text type="secondary">
          {t('hw_key')}：{keyText(content)}
        </Typography.Text>
      </Card>
      <Card
        size="small"
        data-testid="grading-card"
        title={
          <Space>
            <Button size="small" icon={<LeftOutlined />} onClick={() => go(-1)} disabled={index === 0} aria-label={t('hw_prev')} />
            <span data-testid="grading-student">{current!.student.name}</span>
            <Typography.Text type="secondary">{current!.student.className}</Typography.Text>
            <Button
              size="small"
              icon={<RightOutlined />}
              onClick={() => go(1)}
              disabled={index >= responses.length - 1}
              aria-label={t('hw_next')}
            />
          </Space>
        }
        extra={
          <Typography.Text type="secondary">
            {index + 1}/{responses.length} · {t('hw_graded_n', { n: done })}
          </Typography.Text>
        }
      >
        <div
          style={{ background: '#fafafa', padding: 12, borderRadius: 6, minHeight: 80, whiteSpace: 'pre-wrap' }}
          data-testid="grading-response"
        >
          {responseText(current!.response) || <Typography.Text type="secondary">{t('hw_no_answer')}</Typography.Text>}
        </div>
        {current!.suggestedScore !== null && (
          <Alert style={{ marginTop: 8 }} type="info" title={t('hw_suggested', { n: current!.suggestedScore })} />
        )}
        <div style={{ marginTop: 12, display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'flex-start' }}>
          {criteria.length ? (
            criteria.map((c) => (
              <div key={c.id}>
                <Typography.Text>
                  {c.name}（≤{c.points}）
                </Typography.Text>
                <br />
                <InputNumber
                  min={0}
                  max={c.points}
                  step={0.5}
                  value={rubric[c.id]}
                  onChange={(v) => setRubric((r) => ({ ...r, [c.id]: v ?? 0 }))}
                  data-testid={`rubric-${c.id}`}
                />
              </div>
            ))
          ) : (
            <div>
              <Typography.Text>{t('hw_score')}</Typography.Text>
              <br />
              <InputNumber min={0} max={max} step={0.5} value={score} onChange={setScore} data-testid="grade-score" />
            </div>
          )}
          <div style={{ flex: 1, minWidth: 220 }}>
            <Typography.Text>{t('hw_comment')}</Typography.Text>
            <Input.TextArea
              ref={commentRef}
              rows={2}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              maxLength={2000}
              data-testid="grade-comment"
            />
          </div>
        </div>
        <div style={{ marginTop: 12, display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
          <Typography.Text type="secondary">{t('hw_grading_keys')}</Typography.Text>
          <Button type="primary" onClick={() => void save()} loading={grade.isPending} data-testid="grade-save">
            {t('hw_save_next')}
          </Button>
        </div>
      </Card>
    </Space>
  );
}

export function GradingPage() {
  const t = useT();
  const { id = '' } = useParams();
  const overview = useGradingOverview(id);
  const [key, setKey] = useState<string | null>(null);
  const items = overview.data?.items ?? [];
  const selected = key ?? items[0]?.key ?? null;
  if (overview.isLoading) return <Skeleton active />;
  if (overview.error) return <LoadError error={overview.error} />;
  return (
    <div>
      <PageTitle title={t('hw_grading_title', { title: overview.data!.title })} back />
      <Row gutter={16}>
        <Col xs={24} md={7}>
          <Card size="small" title={t('hw_questions')} style={{ marginBottom: 16 }}>
            <List
              size="small"
              dataSource={items}
              renderItem={(i) => (
                <List.Item
                  onClick={() => setKey(i.key)}
                  style={{ cursor: 'pointer', background: i.key === selected ? '#e6f4ff' : undefined, paddingInline: 8 }}
                  data-testid={`grading-item-${i.position}`}
                >
                  <span>
                    {t('hw_q_short')}
                    {i.position} <Typography.Text type="secondary">{i.stemPreview.slice(0, 14)}</Typography.Text>
                  </span>
                  {i.pending > 0 ? <Badge count={i.pending} /> : <Tag color="green">{t('hw_done_short')}</Tag>}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} md={17}>
          {selected ? <Queue key={selected} assignmentId={id} itemKey={selected} /> : <EmptyHint text={t('hw_grading_none')} />}
        </Col>
      </Row>
    </div>
  );
}
