import { CloudUploadOutlined, DownloadOutlined, HeartFilled, HeartOutlined, LoginOutlined } from '@ant-design/icons';
import { RESOURCE_MARKS } from '@qiming/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Input,
  Popconfirm,
  Rate,
  Row,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useIsVisitor, useSignInPath } from '../../../app/public-layout.tsx';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDate, formatDateTime, gradeName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { EChart } from '../../../lib/echart.tsx';
import { FilePreview } from '../components/file-preview.tsx';
import { ResourceCard } from '../components/resource-card.tsx';
import {
  audienceName,
  editionName,
  formatSize,
  levelName,
  licenceName,
  markName,
  pushStatusName,
  reviewLevelName,
  STATUS_COLOURS,
  statusName,
  termName,
  TYPE_COLOURS,
  typeName,
} from '../labels.ts';
import {
  downloadUrl,
  useAddComment,
  useComments,
  useDeleteComment,
  useFavourite,
  usePublishComment,
  usePush,
  useRate,
  useRelated,
  useResource,
  useSetMarks,
  useSubmitResource,
  useUsage,
} from '../resources.api.ts';

function Comments({ id, canComment, signIn }: { id: string; canComment: boolean; signIn: string | null }) {
  const t = useT();
  const { message } = App.useApp();
  const comments = useComments(id);
  const add = useAddComment();
  const del = useDeleteComment();
  const publish = usePublishComment();
  const [body, setBody] = useState('');
  const items = comments.data?.items ?? [];
  return (
    <Card
      size="small"
      title={`${t('res_comments')} ${comments.data ? items.filter((c) => c.status === 'published').length : ''}`}
      data-testid="res-comments"
    >
      {canComment && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Input.TextArea
            data-testid="comment-input"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder={t('res_comment_placeholder')}
            autoSize={{ minRows: 1, maxRows: 4 }}
            maxLength={500}
          />
          <Button
            type="primary"
            data-testid="comment-send"
            loading={add.isPending}
            disabled={body.trim().length < 2}
            onClick={() =>
              void add.mutateAsync({ id, body }).then(
                () => setBody(''),
                (e: unknown) => void message.error(errorMessage(e)),
              )
            }
          >
            {t('res_comment_send')}
          </Button>
        </Space.Compact>
      )}
      {signIn && (
        <div style={{ marginBottom: 12 }}>
          <Link to={signIn} data-testid="comment-sign-in">
            <LoginOutlined /> {t('res_sign_in_to_comment')}
          </Link>
        </div>
      )}
      {comments.isLoading ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('res_comments_empty')} />
      ) : (
        <Flex vertical>
          {items.map((c, i) => (
            <Flex
              key={c.id}
              data-testid="comment"
              gap={8}
              justify="space-between"
              align="flex-start"
              style={{ padding: '10px 0', borderTop: i ? '1px solid #f0f0f0' : undefined }}
            >
              <div style={{ minWidth: 0 }}>
                <Space size={6} wrap>
                  <Typography.Text strong>{c.authorName}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {c.authorSchool} · {formatDateTime(c.createdAt)}
                  </Typography.Text>
                </Space>
                <Typography.Paragraph style={{ margin: '2px 0 0' }}>{c.body}</Typography.Paragraph>
                {c.status === 'held' && (
                  <Tag color="orange" data-testid="comment-held">
                    {t('res_comment_held', { words: [...new Set(c.hits.map((h) => h.word))].join('、') })}
                  </Tag>
                )}
              </div>
              <Space size={0} style={{ flex: 'none' }}>
                {c.canPublish && (
                  <Button size="small" type="link" onClick={() => void publish.mutateAsync(c.id)}>
                    {t('res_comment_publish')}
                  </Button>
                )}
                {c.canDelete && (
                  <Popconfirm title={t('res_delete_confirm')} onConfirm={() => del.mutateAsync(c.id)}>
                    <Button size="small" type="link" danger>
                      {t('res_delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  );
}

function Usage({ id }: { id: string }) {
  const t = useT();
  const usage = useUsage(id, true);
  if (!usage.data) return null;
  const d = usage.data.daily;
  return (
    <Card size="small" title={t('res_usage')}>
      <EChart
        label={t('res_usage')}
        height={200}
        option={{
          tooltip: { trigger: 'axis' },
          legend: { top: 0, data: [t('res_stats_views'), t('res_stats_downloads')] },
          grid: { left: 32, right: 12, top: 30, bottom: 24 },
          xAxis: { type: 'category', data: d.map((x) => x.day.slice(5)) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: t('res_stats_views'), type: 'line', smooth: true, data: d.map((x) => x.views) },
            { name: t('res_stats_downloads'), type: 'bar', data: d.map((x) => x.downloads) },
          ],
        }}
      />
      {usage.data.bySchool.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {usage.data.bySchool.map((s) => `${s.schoolName} ${s.downloads}`).join(' · ')}
        </Typography.Text>
      )}
    </Card>
  );
}

export function ResourcePage() {
  const t = useT();
  const can = useCan();
  const { message } = App.useApp();
  const { id } = useParams();
  const res = useResource(id);
  const related = useRelated(id);
  const favourite = useFavourite();
  const rate = useRate();
  const push = usePush();
  const marks = useSetMarks();
  const submit = useSubmitResource();
  const isVisitor = useIsVisitor();
  const signIn = useSignInPath();
  if (res.error) return <LoadError error={res.error} onRetry={() => void res.refetch()} />;
  if (!res.data) return <Skeleton active />;
  const r = res.data;
  const isPublished = r.status === 'published';
  const canSocial = isPublished && can('resource.contribute');
  const isOwner = r.policies.canEdit || r.policies.canWithdraw;
  const run = (p: Promise<unknown>, ok?: string) =>
    p.then(
      () => ok && void message.success(ok),
      (e: unknown) => void message.error(errorMessage(e)),
    );

  return (
    <div data-testid="resource-page">
      <PageTitle
        back
        title={<span data-testid="resource-title">{r.title}</span>}
        subtitle={
          <Space size={4} wrap>
            <Tag color={TYPE_COLOURS[r.type]}>{typeName(t, r.type)}</Tag>
            {r.marks.map((m) => (
              <Tag key={m} color="red">
                {markName(t, m)}
              </Tag>
            ))}
            {!isPublished && <Tag color={STATUS_COLOURS[r.status]}>{statusName(t, r.status)}</Tag>}
            <span>
              {r.schoolName} · {r.authorName}
            </span>
          </Space>
        }
        extra={
          <>
            {r.file && (
              <Button type="primary" icon={<DownloadOutlined />} href={downloadUrl(r.id)} data-testid="res-download">
                {t('res_download')} · {formatSize(r.file.size)}
              </Button>
            )}
            {isVisitor && isPublished && (
              <Link to={signIn}>
                <Button data-testid="res-favourite-sign-in" icon={<HeartOutlined />}>
                  {t('res_sign_in_to_favourite')}
                </Button>
              </Link>
            )}
            {canSocial && r.me && (
              <Button
                data-testid="res-favourite"
                icon={r.me.isFavourite ? <HeartFilled style={{ color: '#eb2f96' }} /> : <HeartOutlined />}
                onClick={() => void run(favourite.mutateAsync({ id: r.id, on: !r.me!.isFavourite }))}
              >
                {r.me.isFavourite ? t('res_favourited') : t('res_favourite')}
              </Button>
            )}
            {r.policies.canPush && (
              <Button
                data-testid="res-push"
                icon={<CloudUploadOutlined />}
                onClick={() =>
                  void run(
                    push.mutateAsync({ id: r.id, on: r.push?.status !== 'queued' }),
                    r.push?.status !== 'queued' ? t('res_pushed') : undefined,
                  )
                }
              >
                {r.push?.status === 'queued' ? t('res_push_cancel') : t('res_push')}
              </Button>
            )}
            {r.policies.canEdit && (
              <Link to={`/resources/${r.id}/edit`}>
                <Button>{t('res_edit')}</Button>
              </Link>
            )}
            {r.policies.canSubmit && (
              <Button onClick={() => void run(submit.mutateAsync(r.id), t('res_submitted'))}>{t('res_submit')}</Button>
            )}
          </>
        }
      />
      {r.returnReason && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('res_returned_reason', { reason: r.returnReason })} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('res_preview')}>
              <FilePreview id={r.id} file={r.file} title={r.title} />
            </Card>
            {r.description && (
              <Card size="small" title={t('res_description')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{r.description}</Typography.Paragraph>
              </Card>
            )}
            {isPublished && <Comments id={r.id} canComment={canSocial} signIn={isVisitor ? signIn : null} />}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('res_details')}>
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Rate
                    data-testid="res-rate"
                    disabled={!canSocial || isOwner}
                    value={r.me?.rating ?? Math.round(r.ratingAverage ?? 0)}
                    onChange={(stars) => void run(rate.mutateAsync({ id: r.id, stars }), t('res_rated'))}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.ratingAverage ? t('res_rating_summary', { avg: r.ratingAverage, n: r.ratingCount }) : t('res_no_rating')}
                  </Typography.Text>
                  {isVisitor && isPublished && (
                    <Link to={signIn} style={{ fontSize: 12 }} data-testid="rate-sign-in">
                      {t('res_sign_in_to_rate')}
                    </Link>
                  )}
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('res_downloads', { n: r.downloadCount })} · {t('res_views', { n: r.viewCount })}
                </Typography.Text>
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
                    ...(r.knowledgePoints.length
                      ? [{ key: 'k', label: t('res_knowledge_points'), children: r.knowledgePoints.join('、') }]
                      : []),
                    ...(r.keywords.length ? [{ key: 'w', label: t('res_keywords'), children: r.keywords.join('、') }] : []),
                    { key: 'sc', label: t('res_school'), children: `${r.schoolName}${r.districtName ? `（${r.districtName}）` : ''}` },
                    { key: 'l', label: t('res_level'), children: levelName(t, r.level) },
                    { key: 'a', label: t('res_audience'), children: audienceName(t, r.audience) },
                    { key: 'lc', label: t('res_licence'), children: licenceName(t, r.licence) },
                    ...(r.publishedAt ? [{ key: 'p', label: t('res_published_at'), children: formatDate(r.publishedAt) }] : []),
                    ...(r.currentReviewLevel
                      ? [
                          {
                            key: 'rv',
                            label: t('res_status'),
                            children: t('res_at_level', { level: reviewLevelName(t, r.currentReviewLevel) }),
                          },
                        ]
                      : []),
                    ...(r.push ? [{ key: 'ps', label: t('res_push'), children: pushStatusName(t, r.push.status) }] : []),
                    ...(r.file ? [{ key: 'f', label: t('res_file'), children: `${r.file.name}（${formatSize(r.file.size)}）` }] : []),
                  ]}
                />
                {r.policies.canMark && (
                  <Select
                    mode="multiple"
                    style={{ width: '100%' }}
                    placeholder={t('res_marks_set')}
                    value={r.marks}
                    onChange={(m: string[]) => void run(marks.mutateAsync({ id: r.id, marks: m }))}
                    options={RESOURCE_MARKS.map((m) => ({ value: m, label: markName(t, m) }))}
                  />
                )}
              </Space>
            </Card>
            {(isOwner || r.policies.canPush) && isPublished && <Usage id={r.id} />}
            <Card size="small" title={t('res_related')}>
              {related.data?.length ? (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {related.data.map((x) => (
                    <ResourceCard key={x.id} r={x} />
                  ))}
                </Space>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('res_related_empty')} />
              )}
            </Card>
          </Space>
        </Col>
      </Row>
    </div>
  );
}
