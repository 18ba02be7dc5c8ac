import { CloudDownloadOutlined, SafetyOutlined, SearchOutlined } from '@ant-design/icons';
import { ROLES, type Role, type TAuditRecord, type TAuditVerifyResult } from '@qiming/shared';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Row, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime, roleName } from '../../../lib/labels.ts';
import { exportAudit, useAuditRecords, useVerifyAudit, type AuditFilters } from '../audit.api.ts';

type FilterValues = { range?: [Dayjs | null, Dayjs | null] | null; actor?: string; action?: string; outcome?: 'success' | 'failure' };

const isRole = (r: string | null): r is Role => !!r && (ROLES as readonly string[]).includes(r);

function toFilters(v: FilterValues): AuditFilters {
  const [from, to] = v.range ?? [];
  return {
    from: from ? from.startOf('day').toISOString() : undefined,
    to: to ? to.endOf('day').toISOString() : undefined,
    actor: v.actor?.trim() || undefined,
    action: v.action?.trim() || undefined,
    outcome: v.outcome,
  };
}

function VerifyResult({ result }: { result: TAuditVerifyResult }) {
  const t = useT();
  return result.ok ? (
    <Alert
      type="success"
      showIcon
      data-testid="audit-verify-result"
      title={t('audit_verify_ok', { count: result.checked })}
      description={t('audit_verify_algorithm', { algorithm: result.algorithm })}
    />
  ) : (
    <Alert
      type="error"
      showIcon
      data-testid="audit-verify-result"
      title={t('audit_verify_broken')}
      description={
        <>
          <div>{t('audit_verify_first_broken', { id: result.firstBrokenId ?? '—' })}</div>
          {result.reason && <div>{t('audit_verify_reason', { reason: result.reason })}</div>}
          <div>
            {t('audit_verify_checked', { count: result.checked })} · {t('audit_verify_algorithm', { algorithm: result.algorithm })}
          </div>
        </>
      }
    />
  );
}

/** 审计日志: search, export and verify the hash-chained audit log. */
export function AuditPage() {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState(false);
  const pageSize = 50;
  const records = useAuditRecords(filters, page, pageSize);
  const verify = useVerifyAudit();

  const runExport = async () => {
    setExporting(true);
    try {
      await exportAudit(filters);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageTitle
        title={t('nav_audit')}
        subtitle={t('audit_subtitle')}
        extra={
          <>
            <Button icon={<CloudDownloadOutlined />} loading={exporting} onClick={() => void runExport()} data-testid="audit-export">
              {t('audit_export')}
            </Button>
            <Button
              type="primary"
              icon={<SafetyOutlined />}
              loading={verify.isPending}
              onClick={() => verify.mutate(undefined, { onError: (e) => void message.error(errorMessage(e)) })}
              data-testid="audit-verify"
            >
              {t('audit_verify')}
            </Button>
          </>
        }
      />
      {verify.data && (
        <div style={{ marginBottom: 16 }}>
          <VerifyResult result={verify.data} />
        </div>
      )}
      <Card style={{ marginBottom: 16 }}>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => {
            setFilters(toFilters(v));
            setPage(1);
          }}
        >
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item name="range" label={t('audit_time')}>
                <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[true, true]} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="actor" label={t('audit_actor')}>
                <Input allowClear placeholder={t('audit_actor_placeholder')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="action" label={t('audit_action')}>
                <Input allowClear placeholder="auth.login" />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="outcome" label={t('audit_outcome')}>
                <Select
                  allowClear
                  options={[
                    { value: 'success', label: t('audit_success') },
                    { value: 'failure', label: t('audit_failure') },
                  ]}
                  placeholder={t('all')}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item label=" " colon={false}>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} block data-testid="audit-search">
                  {t('search')}
                </Button>
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Card>
      <Card>
        {records.isError ? (
          <LoadError error={records.error} onRetry={() => void records.refetch()} />
        ) : (
          <Table<TAuditRecord>
            rowKey="id"
            size="small"
            loading={records.isFetching}
            dataSource={records.data?.items}
            scroll={{ x: 1100 }}
            locale={{ emptyText: <EmptyHint text={t('audit_empty')} /> }}
            pagination={{
              current: page,
              pageSize,
              total: records.data?.total ?? 0,
              onChange: setPage,
              showSizeChanger: false,
              showTotal: (n) => t('total_count', { count: n }),
            }}
            onRow={() => ({ 'data-testid': 'audit-row' }) as object}
            columns={[
              { title: t('audit_time'), dataIndex: 'at', width: 150, fixed: 'left', render: (v: string) => formatDateTime(v) },
              {
                title: t('audit_actor'),
                key: 'actor',
                width: 160,
                render: (_: unknown, r) => (
                  <>
                    {r.actorName ?? '—'}
                    {isRole(r.actorRole) && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {' '}
                        · {roleName(t, r.actorRole)}
                      </Typography.Text>
                    )}
                  </>
                ),
              },
              {
                title: t('audit_action'),
                dataIndex: 'action',
                width: 200,
                render: (a: string) => (
                  <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                    {a}
                  </Typography.Text>
                ),
              },
              {
                title: t('audit_outcome'),
                dataIndex: 'outcome',
                width: 80,
                render: (o: TAuditRecord['outcome']) => (
                  <Tag color={o === 'success' ? 'green' : 'red'}>{o === 'success' ? t('audit_success') : t('audit_failure')}</Tag>
                ),
              },
              {
                title: t('audit_target'),
                key: 'target',
                width: 160,
                render: (_: unknown, r) => (r.targetType ? `${r.targetType}${r.targetId ? ` · ${r.targetId.slice(0, 8)}` : ''}` : '—'),
              },
              { title: t('audit_ip'), dataIndex: 'ip', width: 120, render: (ip: string | null) => ip ?? '—' },
              {
                title: t('audit_summary'),
                dataIndex: 'summary',
                render: (s: TAuditRecord['summary']) => (
                  <Typography.Text style={{ fontSize: 12 }} ellipsis={{ tooltip: JSON.stringify(s, null, 2) }}>
                    {Object.keys(s).length ? JSON.stringify(s) : '—'}
                  </Typography.Text>
                ),
              },
              {
                title: t('audit_hash'),
                dataIndex: 'hash',
                width: 110,
                render: (h: string) => (
                  <Typography.Text type="secondary" copyable={{ text: h }} style={{ fontSize: 12 }}>
                    {h.slice(0, 8)}
                  </Typography.Text>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
