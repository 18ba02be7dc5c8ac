import { CheckCircleFilled, ClockCircleFilled, CloseCircleFilled, ReloadOutlined } from '@ant-design/icons';
import { checkResponseShape, gradeResponse, presentItemForPupil, type TGradeResult, type TItemContent } from '@qiming/shared';
import { Alert, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useT } from '../../../lib/i18n.ts';
import { keyText } from '../../homework/components/attempt-result.tsx';
import { ItemAnswer, type Response } from '../../homework/components/item-answer.tsx';
import { RichText } from './rich-text.tsx';

function Verdict({ result }: { result: TGradeResult }) {
  const t = useT();
  if (result.needsManualGrading)
    return (
      <Tag icon={<ClockCircleFilled />} color="gold">
        {t('editor_try_manual')}
      </Tag>
    );
  return result.isCorrect ? (
    <Tag icon={<CheckCircleFilled />} color="success">
      {t('editor_try_correct')}
    </Tag>
  ) : (
    <Tag icon={<CloseCircleFilled />} color="error">
      {t('editor_try_wrong')}
    </Tag>
  );
}

/**
 * The item as a pupil sees it (the same component the homework page uses, options shuffled as a
 * pupil would get them), with 试做: answer it and have it graded by the shared grading engine —
 * the very function the server grades submissions with.
 */
export function ItemPreview({ item, problems }: { item: TItemContent | null; problems: number }) {
  const t = useT();
  const [seed, setSeed] = useState(1);
  const [response, setResponse] = useState<Response>(null);
  const [result, setResult] = useState<TGradeResult | null>(null);
  const [shapeError, setShapeError] = useState<string | null>(null);
  const pupil = useMemo(() => (item ? presentItemForPupil(item, { shuffleSeed: `preview-${seed}` }) : null), [item, seed]);
  const reset = () => {
    setResponse(null);
    setResult(null);
    setShapeError(null);
  };
  const grade = () => {
    if (!item) return;
    const issues = checkResponseShape(item, response ?? null);
    if (issues.length) {
      setShapeError(issues[0]!.message);
      setResult(null);
      return;
    }
    setShapeError(null);
    setResult(gradeResponse(item, response ?? null));
  };
  return (
    <Card
      size="small"
      title={t('items_as_pupil')}
      data-testid="item-preview"
      extra={
        <Button size="small" icon={<ReloadOutlined />} onClick={() => (setSeed((s) => s + 1), reset())}>
          {t('editor_reshuffle')}
        </Button>
      }
    >
      {problems > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('editor_preview_incomplete', { n: problems })} />
      )}
      {pupil ? (
        <>
          <Typography.Text type="secondary">{t('items_points', { n: item!.score })}</Typography.Text>
          <ItemAnswer
            item={pupil}
            value={response}
            onChange={(r) => {
              setResponse(r);
              setResult(null);
            }}
            testId="try"
          />
          <Space style={{ marginTop: 12 }} wrap>
            <Button type="primary" onClick={grade} data-testid="try-grade">
              {t('editor_try_grade')}
            </Button>
            <Button onClick={reset}>{t('editor_try_reset')}</Button>
          </Space>
          {shapeError && <Alert type="error" showIcon style={{ marginTop: 12 }} title={shapeError} />}
          {result && (
            <div style={{ marginTop: 12 }} data-testid="try-result">
              <Space>
                <Verdict result={result} />
                <Typography.Text strong data-testid="try-score">
                  {t('editor_try_score', { score: result.score, max: result.maxScore })}
                </Typography.Text>
                {result.suggestedScore !== undefined && (
                  <Typography.Text type="secondary">{t('editor_try_suggested', { n: result.suggestedScore })}</Typography.Text>
                )}
              </Space>
              {result.reason && <div>{t(`editor_reason_${result.reason}`)}</div>}
              <Descriptions column={1} size="small" style={{ marginTop: 8 }}>
                <Descriptions.Item label={t('editor_key')}>
                  <RichText text={keyText(item!)} inline />
                </Descriptions.Item>
                {result.blanks && (
                  <Descriptions.Item label={t('editor_blanks')}>
                    {result.blanks.map((b, i) => (
                      <Tag key={b.id} color={b.isCorrect ? 'success' : 'error'}>
                        {t('editor_blank_n', { n: i + 1 })} {b.score}/{b.maxScore}
                      </Tag>
                    ))}
                  </Descriptions.Item>
                )}
                {result.parts && (
                  <Descriptions.Item label={t('editor_parts')}>
                    {result.parts.map((p, i) => (
                      <Tag key={p.id} color={p.result.needsManualGrading ? 'gold' : p.result.isCorrect ? 'success' : 'error'}>
                        （{i + 1}）{p.result.score}/{p.result.maxScore}
                      </Tag>
                    ))}
                  </Descriptions.Item>
                )}
              </Descriptions>
              {item!.explanation && (
                <Card size="small" title={t('items_explanation')} style={{ marginTop: 8 }}>
                  <RichText text={item!.explanation} />
                </Card>
              )}
            </div>
          )}
        </>
      ) : (
        <Typography.Text type="secondary">{t('editor_preview_empty')}</Typography.Text>
      )}
    </Card>
  );
}
