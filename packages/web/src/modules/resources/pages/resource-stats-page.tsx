import { Card, Col, Empty, Row, Segmented, Select, Skeleton, Statistic, Table } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { EChart } from '../../../lib/echart.tsx';
import { typeName } from '../labels.ts';
import { useStats, useStatsScopes } from '../resources.api.ts';

/** Statistics of a school, district or city: totals, daily use, types, subjects, the units below and the most used resources. */
export function ResourceStatsPage() {
  const t = useT();
  const scopes = useStatsScopes();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [days, setDays] = useState(30);
  const stats = useStats(unitId, days);
  const s = stats.data;
  return (
    <div data-testid="resource-stats">
      <PageTitle
        title={t('res_stats_title')}
        subtitle={s?.scopeName}
        extra={
          <>
            <Select
              data-testid="stats-unit"
              style={{ minWidth: 200 }}
              placeholder={t('res_stats_unit')}
              value={unitId}
              onChange={setUnitId}
              showSearch
              optionFilterProp="label"
              options={(scopes.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            />
            <Segmented
              value={days}
              onChange={(v) => setDays(Number(v))}
              options={[7, 30, 90].map((n) => ({ value: n, label: t('res_stats_days', { n }) }))}
            />
          </>
        }
      />
      {stats.error ? (
        <LoadError error={stats.error} onRetry={() => void stats.refetch()} />
      ) : !s ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          {(
            [
              ['res_stats_published', s.totals.published],
              ['res_stats_in_review', s.totals.inReview],
              ['res_stats_downloads', s.totals.downloads],
              ['res_stats_views', s.totals.views],
              ['res_stats_contributors', s.totals.contributors],
            ] as const
          ).map(([k, v]) => (
            <Col key={k} xs={12} sm={8} lg={4}>
              <Card size="small">
                <Statistic title={t(k)} value={v} />
              </Card>
            </Col>
          ))}
          <Col xs={24}>
            <Card size="small" title={t('res_stats_daily')}>
              <EChart
                testId="stats-daily"
                label={t('res_stats_daily')}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0, data: [t('res_stats_views'), t('res_stats_downloads')] },
                  grid: { left: 40, right: 16, top: 30, bottom: 28 },
                  xAxis: { type: 'category', data: s.daily.map((d) => d.day.slice(5)) },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    {
                      name: t('res_stats_views'),
                      type: 'line',
                      smooth: true,
                      areaStyle: { opacity: 0.15 },
                      data: s.daily.map((d) => d.views),
                    },
                    { name: t('res_stats_downloads'), type: 'line', smooth: true, data: s.daily.map((d) => d.downloads) },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small" title={t('res_stats_by_type')}>
              <EChart
                label={t('res_stats_by_type')}
                option={{
                  tooltip: { trigger: 'item' },
                  series: [
                    {
                      type: 'pie',
                      radius: ['40%', '70%'],
                      data: s.byType.filter((x) => x.count).map((x) => ({ name: typeName(t, x.type), value: x.count })),
                    },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small" title={t('res_stats_by_subject')}>
              {s.bySubject.length ? (
                <EChart
                  label={t('res_stats_by_subject')}
                  option={{
                    tooltip: { trigger: 'axis' },
                    grid: { left: 40, right: 16, top: 16, bottom: 28 },
                    xAxis: { type: 'category', data: s.bySubject.map((x) => x.subject) },
                    yAxis: { type: 'value', minInterval: 1 },
                    series: [{ type: 'bar', data: s.bySubject.map((x) => x.count), barMaxWidth: 36 }],
                  }}
                />
              ) : (
                <Empty description={t('res_stats_empty')} />
              )}
            </Card>
          </Col>
          {s.byUnit.length > 0 && (
            <Col xs={24} lg={12}>
              <Card size="small" title={t('res_stats_by_unit')}>
                <Table
                  size="small"
                  rowKey="unitId"
                  pagination={false}
                  dataSource={s.byUnit}
                  onRow={(u) => ({ onClick: () => setUnitId(u.unitId), style: { cursor: 'pointer' } })}
                  columns={[
                    { title: t('res_stats_unit'), dataIndex: 'name', key: 'n' },
                    { title: t('res_stats_published'), dataIndex: 'published', key: 'p', width: 80 },
                    { title: t('res_stats_downloads'), dataIndex: 'downloads', key: 'd', width: 80 },
                    { title: t('res_stats_contributors'), dataIndex: 'contributors', key: 'c', width: 90 },
                  ]}
                />
              </Card>
            </Col>
          )}
          <Col xs={24} lg={s.byUnit.length ? 12 : 24}>
            <Card size="small" title={t('res_stats_top')}>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={s.topResources}
                locale={{ emptyText: t('res_stats_empty') }}
                columns={[
                  {
                    title: t('res_title'),
                    key: 't',
                    render: (_: unknown, r: { id: string; title: string }) => <Link to={`/resources/${r.id}`}>{r.title}</Link>,
                  },
                  { title: t('res_school'), dataIndex: 'schoolName', key: 's', responsive: ['md'] },
                  { title: t('res_stats_downloads'), dataIndex: 'downloads', key: 'd', width: 80 },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}
