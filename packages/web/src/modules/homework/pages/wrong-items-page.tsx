import { ThunderboltOutlined } from '@ant-design/icons';
import type { TItemContent, TPracticeAnswerResult, TPracticeSet, TPupilItem, TWrongItem } from '@qiming/shared';
import { Alert, App, Button, Card, Col, List, Progress, Row, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useCurrentUser } from '../../identity/identity.api.ts';
import { keyText } from '../components/attempt-result.tsx';
import { ItemAnswer, type Response } from '../components/item-answer.tsx';
import { useMastery, usePracticeAnswer, useStartPractice, useWrongItems } from '../homework.api.ts';

function PracticeItem({ setId, item, index }: { setId: string; item: TPracticeSet['items'][number]; index: number }) {
  const t = useT();
  const { message } = App.useApp();
  const answer = usePracticeAnswer(setId);
  const [value, setValue] = useState<Response>(null);
  const [result, setResult] = useState<TPracticeAnswerResult | null>(null);
  const reasons = { wrong_item: t('hw_reason_wrong'), similar: t('hw_reason_similar'), weak_point: t('hw_reason_weak') };
  return (
    <Card
      size="small"
      title={`${t('hw_question_n', { n: index + 1 })}`}
      extra={<Tag>{reasons[item.reason]}</Tag>}
      data-testid={`practice-${index + 1}`}
    >
      <ItemAnswer item={item.item as TPupilItem} value={value} onChange={setValue} disabled={!!result} testId={`p${index + 1}`} />
      {result ? (
        <Alert
          style={{ marginTop: 8 }}
          type={result.isCorrect ? 'success' : 'error'}
          title={result.isCorrect ? t('hw_practice_right') : t('hw_practice_wrong', { key: keyText(result.solution as TItemContent) })}
          description={
            <>
              {result.wrongItemCleared && <div>{t('hw_cleared')}</div>}
              {result.mastery.map((m) => (
                <div key={m.knowledgePointId}>
                  {t('hw_mastery_change', { before: Math.round(m.before * 100), after: Math.round(m.after * 100) })}
                </div>
              ))}
            </>
          }
        />
      ) : (
        <Button
          style={{ marginTop: 8 }}
          type="primary"
          disabled={!value}
          loading={answer.isPending}
          onClick={() =>
            answer.mutateAsync({ key: item.key, response: value! }).then(setResult, (e: unknown) => void message.error(errorMessage(e)))
          }
          data-testid={`practice-check-${index + 1}`}
        >
          {t('hw_check')}
        </Button>
      )}
    </Card>
  );
}

function Practice({ set, onClose }: { set: TPracticeSet; onClose: () => void }) {
  const t = useT();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('hw_practice')}
        </Typography.Title>
        <Button onClick={onClose}>{t('hw_practice_end')}</Button>
      </div>
      {set.items.map((it, i) => (
        <PracticeItem key={it.key} setId={set.id} item={it} index={i} />
      ))}
    </Space>
  );
}

/** /my/wrong-items (a pupil) or /children/:childId/wrong-items (a parent, read-only): the 错题本 and mastery. */
export function WrongItemsPage() {
  const t = useT();
  const { message } = App.useApp();
  const me = useCurrentUser();
  const { childId } = useParams();
  const [status, setStatus] = useState<'open' | 'mastered' | 'all'>('open');
  const [page, setPage] = useState(1);
  const wrong = useWrongItems(me.id, status, page, childId);
  const mastery = useMastery(me.id, childId);
  const start = useStartPractice();
  const [set, setSet] = useState<TPracticeSet | null>(null);
  const practise = (body: { source: 'wrong_items' | 'weak_points'; itemId?: string }) =>
    start.mutateAsync({ ...body, count: 5 }).then(setSet, (e: unknown) => void message.error(errorMessage(e)));

  if (set) return <Practice set={set} onClose={() => setSet(null)} />;
  return (
    <div>
      <PageTitle
        title={childId ? t('hw_child_wrong_book') : t('hw_wrong_book')}
        back={!!childId}
        extra={
          !childId && (
            <Button
              type="primary"
              icon={<ThunderboltOutlined />}
              loading={start.isPending}
              onClick={() => void practise({ source: 'weak_points' })}
              data-testid="practice-weak"
            >
              {t('hw_practice_weak')}
            </Button>
          )
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Segmented<'open' | 'mastered' | 'all'>
            style={{ marginBottom: 12 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={[
              { value: 'open', label: t('hw_wrong_open') },
              { value: 'mastered', label: t('hw_wrong_mastered') },
              { value: 'all', label: t('hw_filter_all') },
            ]}
          />
          {wrong.isLoading ? (
            <Skeleton active />
          ) : wrong.error ? (
            <LoadError error={wrong.error} />
          ) : (
            <List<TWrongItem>
              dataSource={wrong.data?.items}
              pagination={{ current: page, total: wrong.data?.total, pageSize: 10, onChange: setPage, hideOnSinglePage: true }}
              locale={{ emptyText: <EmptyHint text={t('hw_wrong_empty')} /> }}
              renderItem={(w) => (
                <List.Item>
                  <Card
                    size="small"
                    style={{ width: '100%' }}
                    data-testid={`wrong-${w.itemId}`}
                    title={w.stemPreview}
                    extra={
                      w.masteredAt ? (
                        <Tag color="success">{t('hw_wrong_mastered')}</Tag>
                      ) : (
                        <Tag color="error">{t('hw_wrong_times', { n: w.wrongCount })}</Tag>
                      )
                    }
                  >
                    <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
                      {w.assignmentTitle ?? ''} · {dayjs(w.lastWrongAt).format('YYYY-MM-DD')}
                      {w.knowledgePoints.map((k) => (
                        <Tag key={k.id} style={{ marginLeft: 6 }}>
                          {k.name}
                        </Tag>
                      ))}
                    </Typography.Paragraph>
                    <Typography.Paragraph style={{ marginBottom: 4 }}>
                      {t('hw_key')}：{keyText(w.solution as TItemContent)}
                    </Typography.Paragraph>
                    {!childId && !w.masteredAt && (
                      <Button
                        size="small"
                        onClick={() => void practise({ source: 'wrong_items', itemId: w.itemId })}
                        data-testid={`redo-${w.itemId}`}
                      >
                        {t('hw_redo')}
                      </Button>
                    )}
                  </Card>
                </List.Item>
              )}
            />
          )}
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('hw_mastery_title')}>
            {mastery.data?.length ? (
              mastery.data.map((m) => (
                <div key={m.knowledgePointId} style={{ marginBottom: 8 }}>
                  <Typography.Text>{m.name}</Typography.Text>
                  <Progress
                    percent={Math.round(m.pMastery * 100)}
                    size="small"
                    status={m.mastered ? 'success' : m.pMastery < 0.5 ? 'exception' : 'active'}
                  />
                </div>
              ))
            ) : (
              <EmptyHint text={t('hw_mastery_empty')} />
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('hw_mastery_help')}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
