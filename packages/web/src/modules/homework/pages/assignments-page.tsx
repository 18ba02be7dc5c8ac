import { PlusOutlined } from '@ant-design/icons';
import type { TAssignmentSummary } from '@qiming/shared';
import { App, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Progress, Select, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useHome } from '../../home/home.api.ts';
import { useAssignments, useCreateAssignment, usePapers } from '../homework.api.ts';

type FormValues = {
  kind: 'homework' | 'test';
  title: string;
  paperId: string;
  classIds: string[];
  window: [Dayjs, Dayjs];
  timeLimitMinutes: number | null;
  maxAttempts: number;
  shuffleItems: boolean;
  shuffleOptions: boolean;
  showAnswers: 'immediately' | 'after_close' | 'never';
  instructions: string;
};

/** 布置: a paper to classes with a window, limits and when answers show; `paperId` opens it with that paper chosen (from 组卷). */
export function AssignModal({ open, onClose, paperId }: { open: boolean; onClose: () => void; paperId?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const papers = usePapers(open);
  const home = useHome();
  const create = useCreateAssignment();
  const preset = papers.data?.items.find((p) => p.id === paperId)?.title;
  useEffect(() => {
    // opened from 组卷 with a paper chosen: its title is the assignment's until the teacher changes it
    if (open && preset && !form.getFieldValue('title')) form.setFieldValue('title', preset);
  }, [open, preset, form]);
  const submit = async (v: FormValues) => {
    try {
      const a = await create.mutateAsync({
        kind: v.kind,
        title: v.title,
        paperId: v.paperId,
        classIds: v.classIds,
        opensAt: v.window[0].toISOString(),
        closesAt: v.window[1].toISOString(),
        timeLimitMinutes: v.timeLimitMinutes || null,
        maxAttempts: v.maxAttempts,
        shuffleItems: v.shuffleItems,
        shuffleOptions: v.shuffleOptions,
        showAnswers: v.showAnswers,
        instructions: v.instructions ?? '',
      });
      message.success(t('hw_assigned', { n: a.recipients }));
      onClose();
      void navigate(`/homework/${a.id}`);
    } catch (e) {
      if (isAppError(e, 'VALIDATION_FAILED'))
        form.setFields(
          e.issues.filter((i) => i.path.length > 1).map((i) => ({ name: String(i.path[1]) as keyof FormValues, errors: [i.message] })),
        );
      message.error(errorMessage(e));
    }
  };
  return (
    <Modal
      open={open}
      title={t('hw_assign')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('hw_assign_ok')}
      okButtonProps={{ 'data-testid': 'assign-ok' } as Record<string, string>}
      confirmLoading={create.isPending}
      width={640}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          kind: 'homework',
          window: [dayjs(), dayjs().add(1, 'day').hour(21).minute(0)],
          maxAttempts: 1,
          shuffleItems: false,
          shuffleOptions: true,
          showAnswers: 'after_close',
          timeLimitMinutes: null,
          paperId,
        }}
        onValuesChange={(changed: Partial<FormValues>) => {
          if (changed.paperId && !form.getFieldValue('title'))
            form.setFieldValue('title', papers.data?.items.find((p) => p.id === changed.paperId)?.title);
        }}
      >
        <Form.Item name="paperId" label={t('hw_paper')} rules={[{ required: true, message: t('hw_paper_required') }]}>
          <Select
            data-testid="assign-paper"
            showSearch
            optionFilterProp="label"
            loading={papers.isLoading}
            notFoundContent={t('hw_no_papers')}
            options={(papers.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.title}（${p.itemCount} 题，${p.totalScore} 分）` }))}
          />
        </Form.Item>
        <Form.Item name="title" label={t('hw_title')} rules={[{ required: true, min: 2, message: t('hw_title_required') }]}>
          <Input data-testid="assign-title" maxLength={80} />
        </Form.Item>
        <Form.Item name="classIds" label={t('hw_classes')} rules={[{ required: true, message: t('hw_classes_required') }]}>
          <Checkbox.Group data-testid="assign-classes" options={(home.data?.classes ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
        <Form.Item name="window" label={t('hw_window_label')} rules={[{ required: true }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
          <Form.Item name="kind" label={t('hw_kind')}>
            <Select
              style={{ width: 120 }}
              options={[
                { value: 'homework', label: t('hw_kind_homework') },
                { value: 'test', label: t('hw_kind_test') },
              ]}
            />
          </Form.Item>
          <Form.Item name="timeLimitMinutes" label={t('hw_time_limit_label')}>
            <InputNumber min={1} max={600} placeholder={t('hw_no_limit')} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="maxAttempts" label={t('hw_attempts_label')}>
            <InputNumber min={1} max={20} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="showAnswers" label={t('hw_show_answers')}>
            <Select
              style={{ width: 160 }}
              options={[
                { value: 'immediately', label: t('hw_show_immediately') },
                { value: 'after_close', label: t('hw_show_after_close') },
                { value: 'never', label: t('hw_show_never') },
              ]}
            />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 24 }}>
          <Form.Item name="shuffleItems" valuePropName="checked">
            <Checkbox>{t('hw_shuffle_items')}</Checkbox>
          </Form.Item>
          <Form.Item name="shuffleOptions" valuePropName="checked">
            <Checkbox>{t('hw_shuffle_options')}</Checkbox>
          </Form.Item>
        </div>
        <Form.Item name="instructions" label={t('hw_instructions')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AssignmentsPage() {
  const t = useT();
  const [page, setPage] = useState(1);
  const [state, setState] = useState<string | undefined>();
  const [assigning, setAssigning] = useState(false);
  const q = useAssignments({ page, pageSize: 20, state });
  return (
    <div>
      <PageTitle
        title={t('hw_title_teacher')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAssigning(true)} data-testid="assign-button">
            {t('hw_assign')}
          </Button>
        }
      />
      <div className="qm-toolbar">
        <Select
          allowClear
          placeholder={t('hw_state_filter')}
          value={state}
          onChange={setState}
          style={{ width: 160 }}
          options={[
            { value: 'open', label: t('hw_state_open') },
            { value: 'not_open', label: t('hw_state_not_open') },
            { value: 'closed', label: t('hw_state_closed') },
          ]}
        />
      </div>
      {q.error ? (
        <LoadError error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Table<TAssignmentSummary>
          rowKey="id"
          loading={q.isLoading}
          dataSource={q.data?.items}
          scroll={{ x: 860 }}
          pagination={{ current: page, total: q.data?.total, pageSize: 20, onChange: setPage }}
          locale={{
            emptyText: (
              <EmptyHint text={t('hw_teacher_empty')} action={<Button onClick={() => setAssigning(true)}>{t('hw_assign')}</Button>} />
            ),
          }}
          columns={[
            {
              title: t('hw_title'),
              dataIndex: 'title',
              // kept in view while a phone scrolls the other columns sideways
              width: 180,
              fixed: 'left',
              render: (v: string, a) => <Link to={`/homework/${a.id}`}>{v}</Link>,
            },
            {
              title: t('hw_classes'),
              key: 'classes',
              width: 140,
              render: (_: unknown, a) => a.classes.map((c) => <Tag key={c.id}>{c.groupName ? `${c.name}·${c.groupName}` : c.name}</Tag>),
            },
            {
              title: t('hw_window_label'),
              key: 'w',
              width: 200,
              render: (_: unknown, a) => `${dayjs(a.opensAt).format('MM-DD HH:mm')} ~ ${dayjs(a.closesAt).format('MM-DD HH:mm')}`,
            },
            {
              title: t('hw_progress'),
              key: 'p',
              width: 160,
              render: (_: unknown, a) => (
                <Progress
                  size="small"
                  percent={a.recipients ? Math.round((a.submitted / a.recipients) * 100) : 0}
                  format={() => `${a.submitted}/${a.recipients}`}
                />
              ),
            },
            {
              title: t('hw_average'),
              dataIndex: 'averageScore',
              width: 90,
              render: (v: number | null, a) => (v === null ? '—' : `${v}/${a.maxScore}`),
            },
            {
              title: t('hw_to_grade'),
              dataIndex: 'pendingManual',
              width: 90,
              render: (v: number, a) =>
                v ? (
                  <Link to={`/homework/${a.id}/grading`}>
                    <Tag color="gold">{v}</Tag>
                  </Link>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}
      <AssignModal open={assigning} onClose={() => setAssigning(false)} />
    </div>
  );
}
