import { FileExcelOutlined, PlusOutlined } from '@ant-design/icons';
import type { TAssessmentResults, TAssignmentSummary } from '@qiming/shared';
import { App, Button, Card, Collapse, DatePicker, Form, Input, InputNumber, Modal, Select, Skeleton, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { downloadFile, errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useSchools } from '../../org/org.api.ts';
import { useAssessmentResults, useAssessments, useBanks, useCreateAssessment, type TBankOption } from '../homework.api.ts';

type Values = {
  title: string;
  bankId: string;
  unitIds: string[];
  drawCount: number;
  passPercent: number;
  timeLimitMinutes: number;
  window: [Dayjs, Dayjs];
};

function CreateAssessmentModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const banks = useBanks(open);
  const schools = useSchools({ page: 1, pageSize: 200 }, open);
  const create = useCreateAssessment();
  const bankList: TBankOption[] = banks.data ?? [];
  const submit = (v: Values) =>
    create
      .mutateAsync({
        title: v.title,
        bankId: v.bankId,
        unitIds: v.unitIds,
        drawCount: v.drawCount,
        passPercent: v.passPercent,
        timeLimitMinutes: v.timeLimitMinutes,
        maxAttempts: 1,
        instructions: '',
        showAnswers: 'immediately',
        opensAt: v.window[0].toISOString(),
        closesAt: v.window[1].toISOString(),
      })
      .then(
        (a) => {
          message.success(t('hw_assessment_created', { n: a.recipients }));
          onClose();
        },
        (e: unknown) => void message.error(errorMessage(e)),
      );
  return (
    <Modal
      open={open}
      title={t('hw_assessment_new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ drawCount: 10, passPercent: 60, timeLimitMinutes: 10, window: [dayjs(), dayjs().add(1, 'day')] }}
      >
        <Form.Item name="title" label={t('hw_title')} rules={[{ required: true, min: 2, message: t('hw_title_required') }]}>
          <Input maxLength={80} data-testid="assessment-title" />
        </Form.Item>
        <Form.Item name="bankId" label={t('hw_bank')} rules={[{ required: true, message: t('hw_bank_required') }]}>
          <Select
            data-testid="assessment-bank"
            loading={banks.isLoading}
            options={bankList.map((b) => ({ value: b.id, label: `${b.name}（${b.itemCount}）` }))}
          />
        </Form.Item>
        <Form.Item
          name="unitIds"
          label={t('hw_assessment_schools')}
          rules={[{ required: true, message: t('hw_assessment_schools_required') }]}
        >
          <Select
            mode="multiple"
            optionFilterProp="label"
            data-testid="assessment-schools"
            options={(schools.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
          <Form.Item name="drawCount" label={t('hw_draw_count')}>
            <InputNumber min={1} max={100} />
          </Form.Item>
          <Form.Item name="passPercent" label={t('hw_pass_percent')}>
            <InputNumber min={1} max={100} suffix="%" />
          </Form.Item>
          <Form.Item name="timeLimitMinutes" label={t('hw_time_limit_label')}>
            <InputNumber min={1} max={600} />
          </Form.Item>
        </div>
        <Form.Item name="window" label={t('hw_window_label')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AssessmentsPage() {
  const t = useT();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const q = useAssessments(page);
  return (
    <div>
      <PageTitle
        title={t('hw_assessments_title')}
        subtitle={t('hw_assessments_subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="assessment-new">
            {t('hw_assessment_new')}
          </Button>
        }
      />
      {q.error ? (
        <LoadError error={q.error} />
      ) : (
        <Table<TAssignmentSummary>
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.items}
          pagination={{ current: page, total: q.data?.total, onChange: setPage, hideOnSinglePage: true }}
          scroll={{ x: 640 }}
          locale={{ emptyText: <EmptyHint text={t('hw_assessments_empty')} /> }}
          columns={[
            { title: t('hw_title'), dataIndex: 'title', render: (v: string, a) => <Link to={`/assessments/${a.id}`}>{v}</Link> },
            { title: t('hw_draw_count'), dataIndex: 'itemCount', width: 100 },
            { title: t('hw_pass_score'), dataIndex: 'passScore', width: 100 },
            {
              title: t('hw_window_label'),
              key: 'w',
              width: 200,
              render: (_: unknown, a) => `${dayjs(a.opensAt).format('MM-DD HH:mm')} ~ ${dayjs(a.closesAt).format('MM-DD HH:mm')}`,
            },
            { title: t('hw_progress'), key: 'p', width: 120, render: (_: unknown, a) => `${a.submitted}/${a.recipients}` },
          ]}
        />
      )}
      <CreateAssessmentModal open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

export function AssessmentResultsPage() {
  const t = useT();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const q = useAssessmentResults(id);
  if (q.isLoading) return <Skeleton active />;
  if (q.error) return <LoadError error={q.error} />;
  const r = q.data!;
  type Row = TAssessmentResults['schools'][number]['rows'][number];
  return (
    <div>
      <PageTitle
        title={r.assignment.title}
        back
        subtitle={t('hw_assessment_sub', { n: r.assignment.itemCount, pass: r.passScore })}
        extra={
          <Button
            icon={<FileExcelOutlined />}
            onClick={() =>
              void downloadFile(`/api/assessments/${id}/results.xlsx`).catch((e: unknown) => void message.error(errorMessage(e)))
            }
            data-testid="assessment-export"
          >
            {t('hw_export_sheet')}
          </Button>
        }
      />
      {r.schools.length === 0 ? (
        <Card>
          <EmptyHint text={t('hw_assessment_no_teachers')} />
        </Card>
      ) : (
        <Collapse
          defaultActiveKey={r.schools.map((s) => s.schoolId)}
          items={r.schools.map((s) => ({
            key: s.schoolId,
            label: `${s.schoolName}\u3000${t('hw_assessment_school_line', { taken: s.taken, total: s.teachers, passed: s.passed })}`,
            children: (
              <Table<Row>
                rowKey="userId"
                size="small"
                pagination={false}
                dataSource={s.rows}
                scroll={{ x: 480 }}
                columns={[
                  { title: t('teacher_staff_no'), dataIndex: 'studentNo', width: 100 },
                  { title: t('person_name'), dataIndex: 'name', width: 100 },
                  { title: t('hw_score'), dataIndex: 'score', width: 80, render: (v: number | null) => v ?? '—' },
                  {
                    title: t('hw_grade_level'),
                    dataIndex: 'grade',
                    width: 100,
                    render: (g: Row['grade']) => <Tag color={g === '合格' ? 'success' : g === '不合格' ? 'error' : 'default'}>{g}</Tag>,
                  },
                  {
                    title: t('hw_minutes'),
                    dataIndex: 'durationSeconds',
                    width: 90,
                    render: (v: number | null) => (v === null ? '—' : Math.round(v / 6) / 10),
                  },
                ]}
              />
            ),
          }))}
        />
      )}
    </div>
  );
}
