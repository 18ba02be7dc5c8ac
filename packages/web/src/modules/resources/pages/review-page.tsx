import { CheckOutlined, RollbackOutlined } from '@ant-design/icons';
import type { TSafetyHit } from '@qiming/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Progress,
  Row,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { LoadError, PageTitle, RowList } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { formatDateTime, gradeName } from '../../../lib/labels.ts';
import { FilePreview } from '../components/file-preview.tsx';
import { audienceName, editionName, reviewLevelName, statusName, termName, typeName } from '../labels.ts';
import { useApprove, useReturn, useReviewDetail } from '../resources.api.ts';

const FIELD: Record<TSafetyHit['field'], MessageKey> = {
  title: 'res_field_title',
  description: 'res_field_description',
  keywords: 'res_field_keywords',
  text: 'res_field_text',
};
const STEP: Record<string, MessageKey> = {
  submit: 'res_step_submit',
  screen: 'res_step_screen',
  approve: 'res_step_approve',
  return: 'res_step_return',
  publish: 'res_step_publish',
  withdraw: 'res_step_withdraw',
};

/** One reviewer's page: the file, the metadata, the screening report with every hit in context and the closest resources, and the decision. */
export function ReviewPage() {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { id } = useParams();
  const detail = useReviewDetail(id);
  const approve = useApprove();
  const ret = useReturn();
  const [comment, setComment] = useState('');
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  if (detail.error) return <LoadError error={detail.error} onRetry={() => void detail.refetch()} />;
  if (!detail.data) return <Skeleton active />;
  const { resource: r, screening, steps } = detail.data;
  const decide = (p: Promise<unknown>, ok: string) =>
    p.then(
      () => {
        void message.success(ok);
        void navigate('/resources/review');
      },
      (e: unknown) => void message.error(errorMessage(e)),
    );

  return (
    <div data-testid="review-page">
      <PageTitle
        back
        title={r.title}
        subtitle={`${typeName(t, r.type)} · ${r.schoolName} ${r.authorName} · ${statusName(t, r.status)}${r.currentReviewLevel ? ` · ${reviewLevelName(t, r.currentReviewLevel)}` : ''}`}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('res_screening')} data-testid="screening">
              {!screening ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              ) : (
                <Space orientation="vertical" size={12} style={{ width: '100%' }}>
                  {screening.isFlagged ? (
                    <Alert type="error" showIcon title={t('res_flagged')} />
                  ) : (
                    <Alert type="success" showIcon title={t('res_clean')} />
                  )}
                  <Typography.Text strong>{t('res_safety')}</Typography.Text>
                  {screening.safetyHits.length === 0 ? (
                    <Typography.Text type="secondary">{t('res_safety_none')}</Typography.Text>
                  ) : (
                    <RowList
                      items={screening.safetyHits}
                      rowKey={(h) => `${h.field}:${h.offset}:${h.word}`}
                      render={(h) => (
                        <Space wrap size={6} data-testid="safety-hit">
                          <Tag>{t(FIELD[h.field])}</Tag>
                          <Tag color="red">{h.category}</Tag>
                          <span>
                            …{h.before}
                            <mark style={{ background: '#ffccc7', padding: '0 2px' }}>{h.word}</mark>
                            {h.after}…
                          </span>
                        </Space>
                      )}
                    />
                  )}
                  <Typography.Text strong>{t('res_duplicates')}</Typography.Text>
                  {screening.duplicates.length === 0 ? (
                    <Typography.Text type="secondary">{t('res_duplicates_none')}</Typography.Text>
                  ) : (
                    <RowList
                      items={screening.duplicates}
                      rowKey={(d) => d.resourceId}
                      render={(d) => (
                        <div style={{ width: '100%' }} data-testid="duplicate">
                          <Space wrap size={6}>
                            <Link to={`/resources/${d.resourceId}`}>{d.title}</Link>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {d.schoolName} · {statusName(t, d.status)}
                            </Typography.Text>
                            {d.sameFile && <Tag color="red">{t('res_same_file')}</Tag>}
                          </Space>
                          <Progress
                            percent={Math.round(d.similarity * 100)}
                            size="small"
                            status={d.similarity >= 0.85 ? 'exception' : 'normal'}
                            format={() => t('res_similarity', { p: Math.round(d.similarity * 100) })}
                          />
                        </div>
                      )}
                    />
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('res_text_length', { n: screening.textLength })}
                  </Typography.Text>
                </Space>
              )}
            </Card>
            <Card size="small" title={t('res_preview')}>
              <FilePreview id={r.id} file={r.file} title={r.title} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {r.policies.canReview ? (
              <Card size="small" title={t('res_review_open')}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Input.TextArea
                    data-testid="approve-comment"
                    value={comment}
                    onChange={(e) => setComment(e.target.value)}
                    placeholder={t('res_approve_comment')}
                    maxLength={500}
                    autoSize={{ minRows: 2 }}
                  />
                  <Space wrap>
                    <Button
                      type="primary"
                      icon={<CheckOutlined />}
                      data-testid="review-approve"
                      loading={approve.isPending}
                      onClick={() => void decide(approve.mutateAsync({ id: r.id, comment }), t('res_approved'))}
                    >
                      {t('res_approve')}
                    </Button>
                    <Button danger icon={<RollbackOutlined />} data-testid="review-return" onClick={() => setReturning(true)}>
                      {t('res_return')}
                    </Button>
                  </Space>
                </Space>
              </Card>
            ) : (
              <Alert type="info" showIcon title={t('res_not_your_level')} />
            )}
            <Card size="small" title={t('res_details')}>
              <Descriptions
                size="small"
                column={1}
                items={[
                  {
                    key: 's',
                    label: t('res_subject'),
                    children: `${r.subject} · ${gradeName(t, r.gradeLevel)}${termName(t, r.term)} · ${editionName(t, r.edition)}`,
                  },
                  ...(r.unit ? [{ key: 'u', label: t('res_unit'), children: r.unit.path.join(' / ') }] : []),
                  { key: 'a', label: t('res_audience'), children: audienceName(t, r.audience) },
                  { key: 'd', label: t('res_description'), children: r.description || '—' },
                  { key: 'k', label: t('res_keywords'), children: r.keywords.join('、') || '—' },
                ]}
              />
            </Card>
            <Card size="small" title={t('res_steps')}>
              <Timeline
                items={steps.map((s) => ({
                  color: s.action === 'return' ? 'red' : s.action === 'publish' || s.action === 'approve' ? 'green' : 'blue',
                  content: (
                    <div>
                      <Typography.Text strong>{t(STEP[s.action])}</Typography.Text>
                      {s.level && <Typography.Text type="secondary"> · {reviewLevelName(t, s.level)}</Typography.Text>}
                      <div style={{ fontSize: 12, color: '#8a94a6' }}>
                        {s.actorName ?? ''} {formatDateTime(s.createdAt)}
                      </div>
                      {s.comment && <div>{s.comment}</div>}
                    </div>
                  ),
                }))}
              />
            </Card>
          </Space>
        </Col>
      </Row>
      <Modal
        open={returning}
        title={t('res_return')}
        okText={t('res_return')}
        okButtonProps={{
          danger: true,
          disabled: reason.trim().length < 2,
          loading: ret.isPending,
          ...({ 'data-testid': 'return-confirm' } as object),
        }}
        onCancel={() => setReturning(false)}
        onOk={() => void decide(ret.mutateAsync({ id: r.id, reason }), t('res_returned'))}
      >
        <Input.TextArea
          data-testid="return-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('res_return_reason')}
          maxLength={500}
          autoSize={{ minRows: 3 }}
        />
      </Modal>
    </div>
  );
}
