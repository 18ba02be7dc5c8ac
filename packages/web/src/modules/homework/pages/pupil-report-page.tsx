import { Card, Col, Row, Skeleton, Statistic, Table, Tag } from 'antd';
import { useParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { EChart } from '../../../lib/echart.tsx';
import { usePupilReport } from '../homework.api.ts';

/** /homework/:id/pupils/:pupilId — one pupil against the class, item by item and point by point. */
export function PupilReportPage() {
  const t = useT();
  const { id = '', pupilId = '' } = useParams();
  const q = usePupilReport(id, pupilId);
  if (q.isLoading) return <Skeleton active />;
  if (q.error) return <LoadError error={q.error} />;
  const r = q.data!;
  return (
    <div>
      <PageTitle title={`${r.pupil.name} · ${r.assignment.title}`} back />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hw_score')} value={r.pupil.score ?? '—'} suffix={`/ ${r.assignment.maxScore}`} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hw_class_average')} value={r.classAverage ?? '—'} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hw_rank')} value={r.pupil.rank ?? '—'} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('hw_chart_pupil_kp')} style={{ marginBottom: 16 }}>
        <EChart
          testId="chart-pupil-kp"
          label={t('hw_chart_pupil_kp')}
          height={Math.max(200, r.knowledgePoints.length * 40)}
          option={{
            grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
            legend: { top: 0 },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'value', min: 0, max: 1 },
            yAxis: { type: 'category', data: r.knowledgePoints.map((k) => k.name) },
            series: [
              { name: t('hw_pupil_rate'), type: 'bar', data: r.knowledgePoints.map((k) => k.rate), itemStyle: { color: '#1f6fd1' } },
              { name: t('hw_class_rate'), type: 'bar', data: r.knowledgePoints.map((k) => k.classRate), itemStyle: { color: '#bfbfbf' } },
            ],
          }}
        />
      </Card>
      <Card size="small" title={t('hw_items_analysis')}>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={r.items}
          scroll={{ x: 480 }}
          columns={[
            { title: t('hw_q_no'), dataIndex: 'position', width: 60 },
            { title: t('hw_stem'), dataIndex: 'stemPreview', ellipsis: true },
            { title: t('hw_score'), key: 's', width: 90, render: (_: unknown, i) => `${i.score ?? '—'}/${i.maxScore}` },
            {
              title: t('hw_result'),
              dataIndex: 'isCorrect',
              width: 80,
              render: (v: boolean | null) =>
                v === null ? '—' : <Tag color={v ? 'success' : 'error'}>{v ? t('hw_correct') : t('hw_wrong')}</Tag>,
            },
            { title: t('hw_class_rate'), dataIndex: 'classRate', width: 100, render: (v: number) => `${Math.round(v * 100)}%` },
          ]}
        />
      </Card>
    </div>
  );
}
