import { CloudDownloadOutlined, DownloadOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { ROSTER_KINDS, type TImportRowError, type TRosterKind } from '@qiming/shared';
import { Alert, App, Button, Card, Col, Progress, Result, Row, Select, Space, Statistic, Steps, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { OneTimeSecret } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { rosterKindName } from '../../../lib/labels.ts';
import { downloadTemplate, exportRoster, useCommitImport, useImportJob, useUploadRoster, type TImportJobView } from '../roster.api.ts';

const STEP_OF: Record<TImportJobView['status'], number> = { validating: 1, validated: 1, importing: 2, done: 3, failed: 1 };

function percent(job: TImportJobView): number {
  return job.totalRows > 0 ? Math.min(100, Math.round((job.processedRows / job.totalRows) * 100)) : 0;
}

function RunningProgress({ job, label }: { job: TImportJobView; label: string }) {
  const t = useT();
  return (
    <div style={{ padding: '24px 0', textAlign: 'center' }} data-testid="import-progress">
      <Typography.Paragraph>{label}</Typography.Paragraph>
      <Progress percent={percent(job)} status="active" style={{ maxWidth: 480 }} />
      <Typography.Text type="secondary">
        {job.totalRows > 0 ? t('import_rows_progress', { done: job.processedRows, total: job.totalRows }) : t('import_reading_file')}
      </Typography.Text>
    </div>
  );
}

function ValidationResult({
  job,
  onCommit,
  onRestart,
  committing,
}: {
  job: TImportJobView;
  onCommit: (mode: 'all' | 'valid_only') => void;
  onRestart: () => void;
  committing: boolean;
}) {
  const t = useT();
  const hasErrors = job.errorCount > 0;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        <Col xs={8}>
          <Statistic title={t('import_total_rows')} value={job.totalRows} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('import_valid_rows')} value={job.validRows} styles={{ content: { color: '#2f9e6e' } }} />
        </Col>
        <Col xs={8}>
          <Statistic
            title={t('import_error_count')}
            value={job.errorCount}
            styles={{ content: { color: hasErrors ? '#d64545' : undefined } }}
          />
        </Col>
      </Row>
      {hasErrors ? (
        <>
          <Alert
            type="warning"
            showIcon
            title={t('import_has_errors', { count: job.errorCount })}
            description={t('import_has_errors_hint')}
          />
          <div data-testid="import-errors">
            <Table<TImportRowError>
              rowKey={(e) => `${e.row}-${e.column}-${e.code}`}
              size="small"
              dataSource={job.errors}
              scroll={{ x: 480 }}
              pagination={job.errors.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              columns={[
                { title: t('import_error_row'), dataIndex: 'row', width: 72 },
                { title: t('import_error_column'), dataIndex: 'column', width: 120 },
                { title: t('import_error_problem'), dataIndex: 'message' },
              ]}
            />
            {job.errors.length < job.errorCount && (
              <Typography.Text type="secondary">
                {t('import_errors_truncated', { shown: job.errors.length, total: job.errorCount })}
              </Typography.Text>
            )}
          </div>
        </>
      ) : (
        <Alert type="success" showIcon title={t('import_all_valid', { count: job.validRows })} />
      )}
      <Space wrap>
        <Button
          type="primary"
          disabled={hasErrors || job.validRows === 0}
          loading={committing}
          onClick={() => onCommit('all')}
          data-testid="import-commit-all"
        >
          {t('import_commit_all')}
        </Button>
        {hasErrors && (
          <Button
            disabled={job.validRows === 0}
            loading={committing}
            onClick={() => onCommit('valid_only')}
            data-testid="import-commit-valid"
          >
            {t('import_commit_valid', { count: job.validRows })}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={onRestart} data-testid="import-restart">
          {t('import_reupload')}
        </Button>
      </Space>
    </Space>
  );
}

/** Roster import (template → upload → check → import) and export for one school. */
export function RosterPanel({ schoolId }: { schoolId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [kind, setKind] = useState<TRosterKind>('students');
  const [jobId, setJobId] = useState<string | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const upload = useUploadRoster(schoolId);
  const commit = useCommitImport(schoolId);
  const job = useImportJob(jobId);
  const current = job.data;
  // only the commit response carries the new accounts' password; later polls do not
  const [temporaryPassword, setTemporaryPassword] = useState<string | null>(null);

  // another school's page reuses this panel: start over there
  useEffect(() => setJobId(null), [schoolId]);

  const download = async (key: string, run: () => Promise<string>) => {
    setDownloading(key);
    try {
      await run();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setDownloading(null);
    }
  };

  const restart = () => {
    setJobId(null);
    setTemporaryPassword(null);
    upload.reset();
    commit.reset();
  };

  const beforeUpload = (file: File) => {
    if (!/\.xlsx$/i.test(file.name)) {
      message.error(t('import_xlsx_only'));
      return Upload.LIST_IGNORE;
    }
    upload.mutate(
      { kind, file },
      {
        onSuccess: (created) => setJobId(created.id),
        onError: (e) => void message.error(errorMessage(e)),
      },
    );
    return false;
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('import_title')} size="small">
        <Steps
          size="small"
          current={current ? STEP_OF[current.status] : 0}
          status={current?.status === 'failed' ? 'error' : undefined}
          items={[
            { title: t('import_step_upload') },
            { title: t('import_step_check') },
            { title: t('import_step_import') },
            { title: t('import_step_done') },
          ]}
          style={{ marginBottom: 20 }}
          responsive={false}
          titlePlacement="vertical"
        />

        {!jobId && (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text>{t('import_kind')}</Typography.Text>
              <Select<TRosterKind>
                value={kind}
                onChange={setKind}
                style={{ minWidth: 140 }}
                options={ROSTER_KINDS.map((k) => ({ value: k, label: rosterKindName(t, k) }))}
                data-testid="import-kind"
              />
              <Button
                icon={<DownloadOutlined />}
                loading={downloading === 'template'}
                onClick={() => void download('template', () => downloadTemplate(schoolId, kind))}
                data-testid="import-template"
              >
                {t('import_download_template')}
              </Button>
            </Space>
            <Upload.Dragger
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              multiple={false}
              showUploadList={false}
              beforeUpload={beforeUpload}
              disabled={upload.isPending}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">
                {upload.isPending ? t('import_uploading') : t('import_drop_here', { kind: rosterKindName(t, kind) })}
              </p>
              <p className="ant-upload-hint">{t('import_drop_hint')}</p>
            </Upload.Dragger>
          </Space>
        )}

        {jobId && !current && job.isError && (
          <Result status="warning" title={errorMessage(job.error)} extra={<Button onClick={restart}>{t('import_reupload')}</Button>} />
        )}
        {current?.status === 'validating' && <RunningProgress job={current} label={t('import_validating', { file: current.fileName })} />}
        {current?.status === 'validated' && (
          <ValidationResult
            job={current}
            committing={commit.isPending}
            onRestart={restart}
            onCommit={(mode) =>
              commit.mutate(
                { id: current.id, mode },
                {
                  onSuccess: (committed) => setTemporaryPassword(committed.temporaryPassword ?? null),
                  onError: (e) => void message.error(errorMessage(e)),
                },
              )
            }
          />
        )}
        {current?.status === 'importing' && <RunningProgress job={current} label={t('import_importing')} />}
        {current?.status === 'done' && (
          <Result
            status="success"
            data-testid="import-done"
            title={t('import_done_title')}
            subTitle={t('import_done_counts', { created: current.createdRows, updated: current.updatedRows })}
            extra={
              <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 520, textAlign: 'left' }}>
                {(current.temporaryPassword ?? temporaryPassword) && (
                  <OneTimeSecret
                    value={(current.temporaryPassword ?? temporaryPassword)!}
                    hint={t('import_temp_password')}
                    testId="import-temp-password"
                  />
                )}
                <div style={{ textAlign: 'center' }}>
                  <Button type="primary" onClick={restart}>
                    {t('import_another')}
                  </Button>
                </div>
              </Space>
            }
          />
        )}
        {current?.status === 'failed' && (
          <Result
            status="error"
            data-testid="import-failed"
            title={t('import_failed_title')}
            subTitle={current.failureMessage ?? undefined}
            extra={
              <Button type="primary" onClick={restart}>
                {t('import_reupload')}
              </Button>
            }
          />
        )}
      </Card>

      <Card title={t('export_title')} size="small">
        <Typography.Paragraph type="secondary">{t('export_hint')}</Typography.Paragraph>
        <Space wrap>
          {ROSTER_KINDS.map((k) => (
            <Button
              key={k}
              icon={<CloudDownloadOutlined />}
              loading={downloading === `export-${k}`}
              onClick={() => void download(`export-${k}`, () => exportRoster(schoolId, k))}
              data-testid={`export-${k}`}
            >
              {t('export_kind', { kind: rosterKindName(t, k) })}
            </Button>
          ))}
        </Space>
      </Card>
    </Space>
  );
}
