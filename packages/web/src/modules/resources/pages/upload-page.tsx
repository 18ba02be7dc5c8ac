import { InboxOutlined, PauseOutlined, PlayCircleOutlined } from '@ant-design/icons';
import {
  AUDIENCES,
  EDITIONS,
  LICENCES,
  RESOURCE_FILE_EXTENSIONS,
  RESOURCE_LEVELS,
  RESOURCE_TYPES,
  SUBJECTS,
  TERMS,
  type ResourceType,
  type TResourceInput,
  type TUpload,
} from '@qiming/shared';
import { Alert, App, Button, Card, Cascader, Col, Form, Input, Progress, Row, Select, Skeleton, Space, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { AppError, errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { gradeName } from '../../../lib/labels.ts';
import { audienceName, editionName, formatSize, levelName, licenceName, termName, typeName } from '../labels.ts';
import { uploadInChunks, useBook, useResource, useSaveResource, useSubmitResource, type UploadProgress } from '../resources.api.ts';

type FormValues = Omit<TResourceInput, 'unitId' | 'uploadId'> & { unitPath?: string[] };

/** Upload (chunked, resumable) and the metadata form; the same page edits a draft or returned resource. */
export function UploadPage() {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { id } = useParams();
  const existing = useResource(id);
  const [form] = Form.useForm<FormValues>();
  const type = (Form.useWatch('type', form) ?? 'courseware') as ResourceType;
  const subject = Form.useWatch('subject', form);
  const gradeLevel = Form.useWatch('gradeLevel', form);
  const term = Form.useWatch('term', form);
  const edition = Form.useWatch('edition', form);
  const book = useBook({ subject, gradeLevel, term, edition });
  const [upload, setUpload] = useState<TUpload | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const save = useSaveResource();
  const submit = useSubmitResource();

  useEffect(() => {
    const r = existing.data;
    if (!r) return;
    form.setFieldsValue({
      type: r.type,
      title: r.title,
      description: r.description,
      subject: r.subject as FormValues['subject'],
      gradeLevel: r.gradeLevel as FormValues['gradeLevel'],
      term: r.term,
      edition: r.edition,
      knowledgePoints: r.knowledgePoints,
      keywords: r.keywords,
      licence: r.licence,
      audience: r.audience,
      level: r.level,
    });
  }, [existing.data, form]);

  // the unit picker wants the unit and lesson ids: find the saved unit in the book once it is loaded
  useEffect(() => {
    const unitId = existing.data?.unit?.id;
    if (!unitId || !book.data || form.getFieldValue('unitPath')) return;
    const top = book.data.find((u) => u.id === unitId);
    const parent = book.data.find((u) => u.children.some((l) => l.id === unitId));
    if (top) form.setFieldValue('unitPath', [top.id]);
    else if (parent) form.setFieldValue('unitPath', [parent.id, unitId]);
  }, [existing.data, book.data, form]);

  const start = async (f: File) => {
    setFile(f);
    setUploadError(null);
    setRunning(true);
    const controller = new AbortController();
    abort.current = controller;
    try {
      const done = await uploadInChunks(f, setProgress, controller.signal);
      setUpload(done);
      if (!form.getFieldValue('title')) form.setFieldValue('title', f.name.replace(/\.[^.]+$/, '').slice(0, 80));
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setUploadError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  const onFinish = async (values: FormValues, andSubmit: boolean) => {
    if (!upload && !existing.data?.file) {
      void message.error(t('res_need_file'));
      return;
    }
    const { unitPath, ...rest } = values;
    const input = { ...rest, unitId: unitPath?.length ? unitPath[unitPath.length - 1] : null, ...(upload ? { uploadId: upload.id } : {}) };
    try {
      const saved = await save.mutateAsync({ id, input });
      if (andSubmit) {
        await submit.mutateAsync(saved.id);
        void message.success(t('res_submitted'));
      } else void message.success(t('res_saved'));
      void navigate('/resources/mine');
    } catch (e) {
      if (e instanceof AppError && e.issues.length)
        form.setFields(e.issues.map((i) => ({ name: (i.path[1] === 'unitId' ? 'unitPath' : i.path[1]) as never, errors: [i.message] })));
      else void message.error(errorMessage(e));
    }
  };

  if (id && existing.error) return <LoadError error={existing.error} />;
  if (id && existing.isLoading) return <Skeleton active />;
  const percent = progress ? Math.floor((progress.sent / Math.max(1, progress.total)) * 100) : 0;
  const exts = RESOURCE_FILE_EXTENSIONS[type];

  return (
    <div data-testid="resource-upload">
      <PageTitle back title={id ? t('res_edit_title') : t('res_upload_title')} />
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{
          type: 'courseware',
          edition: 'pep',
          term: 'first',
          licence: 'platform',
          audience: 'school',
          level: 'school',
          knowledgePoints: [],
          keywords: [],
        }}
        onFinish={(v) => void onFinish(v, false)}
      >
        <Row gutter={16}>
          <Col xs={24} lg={10}>
            <Card size="small" title={t('res_file')} style={{ marginBottom: 16 }}>
              <Form.Item name="type" label={t('res_type')} rules={[{ required: true }]}>
                <Select data-testid="upload-type" options={RESOURCE_TYPES.map((x) => ({ value: x, label: typeName(t, x) }))} />
              </Form.Item>
              <Upload.Dragger
                data-testid="upload-dragger"
                multiple={false}
                showUploadList={false}
                accept={exts.map((e) => `.${e}`).join(',')}
                beforeUpload={(f) => {
                  void start(f);
                  return false;
                }}
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('res_file_hint')}</p>
                <p className="ant-upload-hint">
                  {t('res_file_accepts', { type: typeName(t, type), exts: exts.map((e) => `.${e}`).join(' ') })}
                </p>
              </Upload.Dragger>
              {progress && !upload && (
                <div style={{ marginTop: 12 }} data-testid="upload-progress">
                  <Progress percent={percent} status={uploadError ? 'exception' : running ? 'active' : 'normal'} />
                  <Space wrap>
                    <Typography.Text type="secondary">
                      {t('res_uploading', { percent })} · {formatSize(progress.sent)} / {formatSize(progress.total)}
                    </Typography.Text>
                    {progress.resumedFrom > 0 && (
                      <Typography.Text type="secondary">{t('res_resumed', { size: formatSize(progress.resumedFrom) })}</Typography.Text>
                    )}
                    {running ? (
                      <Button size="small" icon={<PauseOutlined />} onClick={() => abort.current?.abort()}>
                        {t('res_pause')}
                      </Button>
                    ) : (
                      file && (
                        <Button size="small" icon={<PlayCircleOutlined />} onClick={() => void start(file)}>
                          {t('res_resume')}
                        </Button>
                      )
                    )}
                  </Space>
                </div>
              )}
              {uploadError && (
                <Alert style={{ marginTop: 12 }} type="error" showIcon title={t('res_upload_failed', { message: uploadError })} />
              )}
              {upload && (
                <Alert
                  style={{ marginTop: 12 }}
                  type="success"
                  showIcon
                  data-testid="upload-done"
                  title={t('res_uploaded', { name: upload.fileName, size: formatSize(upload.size) })}
                  description={upload.deduplicated ? t('res_deduplicated') : undefined}
                />
              )}
              {!upload && existing.data?.file && (
                <Alert
                  style={{ marginTop: 12 }}
                  type="info"
                  showIcon
                  title={t('res_uploaded', { name: existing.data.file.name, size: formatSize(existing.data.file.size) })}
                />
              )}
              {existing.data?.returnReason && (
                <Alert
                  style={{ marginTop: 12 }}
                  type="warning"
                  showIcon
                  title={t('res_returned_reason', { reason: existing.data.returnReason })}
                />
              )}
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card size="small">
              <Form.Item name="title" label={t('res_title')} rules={[{ required: true, min: 2, max: 80 }]}>
                <Input data-testid="upload-title" maxLength={80} showCount />
              </Form.Item>
              <Form.Item name="description" label={t('res_description')}>
                <Input.TextArea data-testid="upload-description" rows={3} maxLength={2000} showCount />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={12} sm={6}>
                  <Form.Item name="subject" label={t('res_subject')} rules={[{ required: true }]}>
                    <Select
                      data-testid="upload-subject"
                      options={SUBJECTS.map((s) => ({ value: s, label: s }))}
                      onChange={() => form.setFieldValue('unitPath', undefined)}
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item name="gradeLevel" label={t('res_grade')} rules={[{ required: true }]}>
                    <Select
                      data-testid="upload-grade"
                      options={[1, 2, 3, 4, 5, 6].map((g) => ({ value: g, label: gradeName(t, g) }))}
                      onChange={() => form.setFieldValue('unitPath', undefined)}
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item name="term" label={t('res_term')} rules={[{ required: true }]}>
                    <Select
                      options={TERMS.map((x) => ({ value: x, label: termName(t, x) }))}
                      onChange={() => form.setFieldValue('unitPath', undefined)}
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item name="edition" label={t('res_edition')} rules={[{ required: true }]}>
                    <Select
                      options={EDITIONS.map((x) => ({ value: x, label: editionName(t, x) }))}
                      onChange={() => form.setFieldValue('unitPath', undefined)}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="unitPath" label={t('res_unit')}>
                <Cascader
                  data-testid="upload-unit"
                  placeholder={t('res_pick_unit')}
                  changeOnSelect
                  showSearch
                  disabled={!book.data?.length}
                  options={(book.data ?? []).map((u) => ({
                    value: u.id,
                    label: u.title,
                    children: u.children.map((l) => ({ value: l.id, label: l.title })),
                  }))}
                />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item name="knowledgePoints" label={t('res_knowledge_points')} tooltip={t('res_tags_hint')}>
                    <Select
                      mode="tags"
                      data-testid="upload-kps"
                      tokenSeparators={[',', '，']}
                      open={false}
                      placeholder={t('res_tags_hint')}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item name="keywords" label={t('res_keywords')} tooltip={t('res_tags_hint')}>
                    <Select
                      mode="tags"
                      data-testid="upload-keywords"
                      tokenSeparators={[',', '，']}
                      open={false}
                      placeholder={t('res_tags_hint')}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Row gutter={12}>
                <Col xs={24} sm={8}>
                  <Form.Item name="audience" label={t('res_audience')}>
                    <Select data-testid="upload-audience" options={AUDIENCES.map((x) => ({ value: x, label: audienceName(t, x) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item name="licence" label={t('res_licence')}>
                    <Select options={LICENCES.map((x) => ({ value: x, label: licenceName(t, x) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item name="level" label={t('res_level')}>
                    <Select options={RESOURCE_LEVELS.map((x) => ({ value: x, label: levelName(t, x) }))} />
                  </Form.Item>
                </Col>
              </Row>
              <Space wrap>
                <Button htmlType="submit" loading={save.isPending && !submit.isPending} data-testid="upload-save">
                  {t('res_save_draft')}
                </Button>
                <Button
                  type="primary"
                  loading={submit.isPending}
                  data-testid="upload-submit"
                  onClick={() =>
                    void form.validateFields().then(
                      (v) => onFinish(v, true),
                      () => undefined,
                    )
                  }
                >
                  {t('res_save_submit')}
                </Button>
              </Space>
            </Card>
          </Col>
        </Row>
      </Form>
    </div>
  );
}
