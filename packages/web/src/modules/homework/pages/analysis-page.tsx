import { EditOutlined, FileExcelOutlined, FilePdfOutlined } from '@ant-design/icons';
import type { TAssignmentAnalysis, TItemAnalysis, TPupilResult } from '@qiming/shared';
import { App, Button, Card, Col, Descriptions, Row, Segmented, Skeleton, Statistic, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { downloadFile, errorMessage } from '../../../lib/api.ts';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { EChart } from '../../../lib/echart.tsx';
import { useAnalysis } from '../homework.api.ts';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const BAND_COLORS = { excellent: '#389e0d', good: '#1f6fd1', medium: '#13c2c2', pass: '#faad14', fail: '#f5222d' } as const;

function Charts({ a }: { a: TAssignmentAnalysis }) {
  const t = useT();
  const bandName = (b: keyof typeof BAND_COLORS) => t(`hw_band_${b}` as MessageKey);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('hw_chart_distribution')}>
          <EChart
            testId="chart-distribution"
            label={t('hw_chart_distribution')}
            option={{
              grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
              tooltip: { trigger: 'axis' },
              xAxis: { type: 'category', data: a.histogram.map((h) => `${h.from}-${h.to}`), axisLabel: { rotate: 30 } },
              yAxis: { type: 'value', minInterval: 1 },
              series: [{ type: 'bar', data: a.histogram.map((h) => h.count), itemStyle: { color: '#1f6fd1', borderRadius: [4, 4, 0, 0] } }],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('hw_chart_bands')}>
          <EChart
            testId="chart-bands"
            label={t('hw_chart_bands')}
            option={{
              tooltip: { trigger: 'item' },
              legend: { bottom: 0 },
              series: [
                {
                  type: 'pie',
                  radius: ['40%', '68%'],
                  data: a.bands.map((b) => ({ name: bandName(b.band), value: b.count, itemStyle: { color: BAND_COLORS[b.band] } })),
                },
              ],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('hw_chart_items')}>
          <EChart
            testId="chart-items"
            label={t('hw_chart_items')}
            option={{
              grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
              tooltip: { trigger: 'axis' },
              legend: { top: 0 },
              xAxis: { type: 'category', data: a.items.map((i) => `${t('hw_q_short')}${i.position}`) },
              yAxis: { type: 'value', min: -0.2, max: 1 },
              series: [
                { name: t('hw_correct_rate'), type: 'bar', data: a.items.map((i) => i.correctRate), itemStyle: { color: '#52c41a' } },
                {
                  name: t('hw_discrimination'),
                  type: 'bar',
                  data: a.items.map((i) => i.discrimination ?? 0),
                  itemStyle: { color: '#faad14' },
                },
              ],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('hw_chart_kp')}>
          {a.knowledgePoints.length ? (
            <EChart
              testId="chart-kp"
              label={t('hw_chart_kp')}
              height={Math.max(200, a.knowledgePoints.length * 36)}
              option={{
                grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
                tooltip: { trigger: 'axis' },
                legend: { top: 0 },
                xAxis: { type: 'value', min: 0, max: 1 },
                yAxis: { type: 'category', data: a.knowledgePoints.map((k) => k.name) },
                series: [
                  { name: t('hw_kp_rate'), type: 'bar', data: a.knowledgePoints.map((k) => k.rate), itemStyle: { color: '#1f6fd1' } },
                  {
                    name: t('hw_kp_mastery'),
                    type: 'bar',
                    data: a.knowledgePoints.map((k) => k.mastery ?? 0),
                    itemStyle: { color: '#722ed1' },
                  },
                ],
              }}
            />
          ) : (
            <EmptyHint text={t('hw_no_kp')} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

function ItemsTable({ items }: { items: TItemAnalysis[] }) {
  const t = useT();
  const quality = { excellent: 'success', good: 'blue', fair: 'warning', poor: 'error' } as const;
  return (
    <Table<TItemAnalysis>
      rowKey="key"
      size="small"
      pagination={false}
      dataSource={items}
      scroll={{ x: 820 }}
      columns={[
        { title: t('hw_q_no'), dataIndex: 'position', width: 60 },
        { title: t('hw_stem'), dataIndex: 'stemPreview', ellipsis: true },
        { title: t('hw_correct_rate'), dataIndex: 'correctRate', width: 90, render: pct },
        { title: <Tooltip title={t('hw_p_help')}>{t('hw_p')}</Tooltip>, dataIndex: 'p', width: 80 },
        {
          title: <Tooltip title={t('hw_d_help')}>{t('hw_discrimination')}</Tooltip>,
          dataIndex: 'discrimination',
          width: 90,
          render: (v: number | null) => v ?? '—',
        },
        {
          title: <Tooltip title={t('hw_r_help')}>{t('hw_point_biserial')}</Tooltip>,
          dataIndex: 'pointBiserial',
          width: 100,
          render: (v: number | null) => v ?? '—',
        },
        {
          title: t('hw_quality'),
          dataIndex: 'quality',
          width: 80,
          render: (v: TItemAnalysis['quality']) => (v ? <Tag color={quality[v]}>{t(`hw_quality_${v}` as MessageKey)}</Tag> : '—'),
        },
        {
          title: t('hw_options'),
          key: 'options',
          width: 240,
          render: (_: unknown, i) =>
            i.options ? (
              <span>
                {i.options.map((o) => (
                  <Tag key={o.id} color={o.isKey ? 'green' : o.count ? 'red' : undefined}>
                    {o.text.slice(0, 8)}: {o.count}
                  </Tag>
                ))}
                {i.unanswered > 0 && <Tag>{t('hw_unanswered_n', { n: i.unanswered })}</Tag>}
              </span>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

function PupilsTable({ pupils, assignmentId }: { pupils: TPupilResult[]; assignmentId: string }) {
  const t = useT();
  return (
    <Table<TPupilResult>
      rowKey="userId"
      size="small"
      dataSource={[...pupils].sort((x, y) => (x.rank ?? 1e9) - (y.rank ?? 1e9))}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      scroll={{ x: 640 }}
      columns={[
        { title: t('hw_rank'), dataIndex: 'rank', width: 60, render: (v: number | null) => v ?? '—' },
        { title: t('student_no'), dataIndex: 'studentNo', width: 110 },
        { title: t('person_name'), dataIndex: 'name', width: 100 },
        { title: t('hw_score'), dataIndex: 'score', width: 80, render: (v: number | null) => v ?? '—' },
        {
          title: t('hw_band'),
          dataIndex: 'band',
          width: 80,
          render: (v: TPupilResult['band']) => (v ? <Tag color={BAND_COLORS[v]}>{t(`hw_band_${v}` as MessageKey)}</Tag> : '—'),
        },
        { title: t('hw_status'), dataIndex: 'status', width: 90, render: (v: TPupilResult['status']) => t(`hw_status_${v}` as MessageKey) },
        {
          title: t('actions'),
          key: 'a',
          width: 140,
          render: (_: unknown, p) =>
            p.attemptId && p.status !== 'in_progress' && p.status !== 'not_started' ? (
              <span style={{ display: 'flex', gap: 8 }}>
                <Link to={`/my/attempts/${p.attemptId}`}>{t('hw_view_answers')}</Link>
                <Link to={`/homework/${assignmentId}/pupils/${p.userId}`}>{t('hw_report')}</Link>
              </span>
            ) : null,
        },
      ]}
    />
  );
}

/** /homework/:id — the teacher's analysis of one assignment, with charts and exports. */
export function AnalysisPage() {
  const t = useT();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const [classId, setClassId] = useState<string | undefined>();
  const q = useAnalysis(id, classId);
  if (q.isLoading) return <Skeleton active />;
  if (q.error) return <LoadError error={q.error} onRetry={() => void q.refetch()} />;
  const a = q.data!;
  const download = (ext: 'xlsx' | 'pdf') =>
    downloadFile(`/api/assignments/${id}/analysis.${ext}`, { classId }, `analysis.${ext}`).catch(
      (e: unknown) => void message.error(errorMessage(e)),
    );
  return (
    <div>
      <PageTitle
        title={a.assignment.title}
        back
        subtitle={a.assignment.classes.map((c) => c.name).join('、')}
        extra={
          <>
            <Link to={`/homework/${id}/grading`}>
              <Button icon={<EditOutlined />} data-testid="open-grading">
                {t('hw_grading')} {a.assignment.pendingManual ? `(${a.assignment.pendingManual})` : ''}
              </Button>
            </Link>
            <Button icon={<FileExcelOutlined />} onClick={() => void download('xlsx')} data-testid="export-xlsx">
              {t('hw_export_xlsx')}
            </Button>
            <Button icon={<FilePdfOutlined />} onClick={() => void download('pdf')} data-testid="export-pdf">
              {t('hw_export_pdf')}
            </Button>
          </>
        }
      />
      {a.assignment.classes.length > 1 && (
        <Segmented
          style={{ marginBottom: 12 }}
          value={classId ?? 'all'}
          onChange={(v) => setClassId(v === 'all' ? undefined : (v as string))}
          options={[{ value: 'all', label: t('hw_all_classes') }, ...a.assignment.classes.map((c) => ({ value: c.id, label: c.name }))]}
        />
      )}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {[
          [t('hw_submitted'), `${a.test.n}/${a.pupils.length}`],
          [t('hw_average'), a.test.mean],
          [t('hw_median'), a.test.median],
          [t('hw_sd'), a.test.sd],
          [t('hw_max_min'), `${a.test.max}/${a.test.min}`],
          [t('hw_alpha'), a.test.alpha ?? '—'],
        ].map(([label, value]) => (
          <Col xs={12} md={8} xl={4} key={String(label)}>
            <Card size="small">
              <Statistic title={label} value={value as string} />
            </Card>
          </Col>
        ))}
      </Row>
      {a.test.n === 0 ? (
        <Card>
          <EmptyHint text={t('hw_analysis_empty')} />
        </Card>
      ) : (
        <>
          <Charts a={a} />
          <Card size="small" title={t('hw_items_analysis')} style={{ marginTop: 16 }}>
            <ItemsTable items={a.items} />
          </Card>
        </>
      )}
      <Card size="small" title={t('hw_pupils')} style={{ marginTop: 16 }}>
        <PupilsTable pupils={a.pupils} assignmentId={id} />
      </Card>
      <Descriptions size="small" style={{ marginTop: 8 }} column={1}>
        <Descriptions.Item label={t('hw_about_stats')}>{t('hw_about_stats_text')}</Descriptions.Item>
      </Descriptions>
    </div>
  );
}
