import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import {
  DIFFICULTY_NAMES,
  GRADE_LEVELS,
  GRADE_NAMES,
  ITEM_TYPE_NAMES,
  SUBJECTS,
  ZSavePaperRequest,
  type TItemSummary,
} from '@qiming/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Space,
  Statistic,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useHome } from '../../home/home.api.ts';
import { AssignModal } from '../../homework/pages/assignments-page.tsx';
import { AssemblyPanel } from '../components/assembly-panel.tsx';
import { fieldStatus } from '../components/interaction-editor.tsx';
import { ItemPicker } from '../components/item-picker.tsx';
import { issuesByPath, type TFieldErrors } from '../item-draft.ts';
import { usePaper, useSavePaper } from '../items.api.ts';
import {
  countOf,
  idsOf,
  moveWithin,
  paperRequest,
  rowOf,
  sectionKey,
  sectionsOfPaper,
  totalOf,
  type TPaperSectionDraft,
} from '../paper-draft.ts';

type Meta = { title: string; subject: string; grade: number; durationMinutes: number };

/** 组卷: pick items by hand or let the server assemble them from constraints, arrange and score them, save, then assign. */
export function PaperBuilderPage() {
  const { id } = useParams();
  const paper = usePaper(id);
  const home = useHome();
  if (id && paper.isError) return <LoadError error={paper.error} onRetry={() => void paper.refetch()} />;
  if ((id && !paper.data) || home.isLoading) return <Skeleton active />;
  const p = paper.data;
  return (
    <Builder
      key={p ? `${p.id}-${p.updatedAt}` : 'new'}
      paperId={p?.id}
      canEdit={p ? p.policies.canEdit : true}
      ownerUnitId={p?.ownerUnitId ?? home.data?.school?.id}
      initialMeta={
        p
          ? { title: p.title, subject: p.subject, grade: p.grade, durationMinutes: p.durationMinutes }
          : { title: '', subject: '数学', grade: 3, durationMinutes: 40 }
      }
      initialSections={p ? sectionsOfPaper(p) : [{ key: sectionKey(), title: '一、选择题', instructions: '', rows: [] }]}
    />
  );
}

const NUMERALS = '一二三四五六七八九十';

function Builder({
  paperId,
  canEdit,
  ownerUnitId,
  initialMeta,
  initialSections,
}: {
  paperId?: string;
  canEdit: boolean;
  ownerUnitId?: string;
  initialMeta: Meta;
  initialSections: TPaperSectionDraft[];
}) {
  const t = useT();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const [meta, setMeta] = useState<Meta>(initialMeta);
  const [sections, setSections] = useState<TPaperSectionDraft[]>(initialSections);
  const [target, setTarget] = useState(initialSections[0]?.key);
  const [errors, setErrors] = useState<TFieldErrors>({});
  const [refresh, setRefresh] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [dirty, setDirty] = useState(!paperId);
  const save = useSavePaper(paperId);
  const taken = useMemo(() => new Set(idsOf(sections)), [sections]);
  const total = totalOf(sections);
  const outdated = sections.flatMap((s) => s.rows).filter((r) => r.version && r.latestVersion && r.latestVersion > r.version).length;

  const change = (next: TPaperSectionDraft[]) => {
    setSections(next);
    setDirty(true);
  };
  const setSection = (key: string, patch: Partial<TPaperSectionDraft>) =>
    change(sections.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const add = (items: TItemSummary[]) => {
    const key = sections.some((s) => s.key === target) ? target! : sections[0]!.key;
    change(
      sections.map((s) => (s.key === key ? { ...s, rows: [...s.rows, ...items.filter((i) => !taken.has(i.id)).map((i) => rowOf(i))] } : s)),
    );
    message.success(t('paper_added', { n: items.length }));
  };
  const addSection = () => {
    const key = sectionKey();
    change([...sections, { key, title: `${NUMERALS[sections.length] ?? sections.length + 1}、`, instructions: '', rows: [] }]);
    setTarget(key);
  };

  const submit = () => {
    if (!ownerUnitId) return void message.error(t('paper_no_school'));
    const body = paperRequest({ ...meta, ownerUnitId, subject: meta.subject as never, grade: meta.grade as never }, sections);
    const parsed = ZSavePaperRequest.safeParse(body);
    if (!parsed.success) {
      setErrors(issuesByPath(parsed.error.issues));
      return void message.error(parsed.error.issues[0]!.message);
    }
    setErrors({});
    save.mutate(paperId ? { ...parsed.data, refreshVersions: refresh } : parsed.data, {
      onSuccess: (p) => {
        message.success(t('paper_saved'));
        setDirty(false);
        if (!paperId) void navigate(`/papers/${p.id}/edit`, { replace: true });
      },
      onError: (e) => {
        if (isAppError(e, 'VALIDATION_FAILED')) setErrors(issuesByPath(e.issues, ['body']));
        message.error(errorMessage(e));
      },
    });
  };

  const replaceWith = (next: TPaperSectionDraft[]) => {
    const apply = () => {
      change(next);
      setTarget(next[0]?.key);
      message.success(t('paper_auto_applied'));
    };
    if (countOf(sections) === 0) apply();
    else modal.confirm({ title: t('paper_auto_replace_title'), content: t('paper_auto_replace_body'), onOk: apply });
  };

  return (
    <>
      <PageTitle
        title={paperId ? t('paper_edit_title') : t('paper_new_title')}
        back
        extra={
          <Space wrap>
            <Button onClick={() => void navigate('/papers')}>{t('paper_back_to_list')}</Button>
            <Button type="primary" onClick={submit} loading={save.isPending} disabled={!canEdit} data-testid="paper-save">
              {t('paper_save')}
            </Button>
            {paperId && (
              <Button icon={<SendOutlined />} disabled={dirty} onClick={() => setAssigning(true)} data-testid="paper-assign">
                {t('paper_assign')}
              </Button>
            )}
          </Space>
        }
      />
      {!canEdit && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('paper_read_only')} />}
      {paperId && dirty && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('paper_unsaved')} />}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form layout="vertical" component="div">
          <Row gutter={12}>
            <Col xs={24} md={10}>
              <Form.Item label={t('paper_title_label')} required {...fieldStatus(errors, 'title')}>
                <Input
                  value={meta.title}
                  maxLength={80}
                  placeholder={t('paper_title_placeholder')}
                  onChange={(e) => (setMeta({ ...meta, title: e.target.value }), setDirty(true))}
                  data-testid="paper-title"
                />
              </Form.Item>
            </Col>
            <Col xs={8} md={4}>
              <Form.Item label={t('items_subject')} required>
                <Select
                  value={meta.subject}
                  disabled={countOf(sections) > 0}
                  onChange={(subject: string) => (setMeta({ ...meta, subject }), setDirty(true))}
                  options={SUBJECTS.map((s) => ({ value: s, label: s }))}
                  data-testid="paper-subject"
                />
              </Form.Item>
            </Col>
            <Col xs={8} md={4}>
              <Form.Item label={t('items_grade')} required>
                <Select
                  value={meta.grade}
                  onChange={(grade: number) => (setMeta({ ...meta, grade }), setDirty(true))}
                  options={GRADE_LEVELS.map((g) => ({ value: g, label: GRADE_NAMES[g] }))}
                  data-testid="paper-grade"
                />
              </Form.Item>
            </Col>
            <Col xs={8} md={3}>
              <Form.Item label={t('paper_duration')} {...fieldStatus(errors, 'durationMinutes')}>
                <InputNumber
                  min={0}
                  max={600}
                  value={meta.durationMinutes}
                  suffix={t('paper_minutes')}
                  style={{ width: '100%' }}
                  onChange={(n) => (setMeta({ ...meta, durationMinutes: n ?? 0 }), setDirty(true))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={3}>
              <Space size={24}>
                <Statistic title={t('paper_count')} value={countOf(sections)} styles={{ content: { fontSize: 20 } }} />
                <span data-testid="paper-total" data-total={total}>
                  <Statistic title={t('paper_total')} value={total} styles={{ content: { fontSize: 20 } }} />
                </span>
              </Space>
            </Col>
          </Row>
        </Form>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={13}>
          <Card
            size="small"
            title={t('paper_sections')}
            extra={
              <Button size="small" icon={<PlusOutlined />} onClick={addSection}>
                {t('paper_add_section')}
              </Button>
            }
          >
            {errors.sections && <Alert type="error" showIcon style={{ marginBottom: 8 }} title={errors.sections.join('；')} />}
            {sections.map((s, si) => (
              <SectionCard
                key={s.key}
                section={s}
                index={si}
                count={sections.length}
                isTarget={s.key === target}
                errors={errors}
                onTarget={() => setTarget(s.key)}
                onChange={(patch) => setSection(s.key, patch)}
                onMove={(d) => change(moveWithin(sections, si, si + d))}
                onRemove={() => change(sections.filter((x) => x.key !== s.key))}
              />
            ))}
            {outdated > 0 && paperId && (
              <Checkbox checked={refresh} onChange={(e) => (setRefresh(e.target.checked), setDirty(true))} style={{ marginTop: 8 }}>
                {t('paper_refresh_versions', { n: outdated })}
              </Checkbox>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={11}>
          <Card size="small">
            <Tabs
              items={[
                {
                  key: 'manual',
                  label: <span data-testid="tab-manual">{t('paper_manual')}</span>,
                  children: (
                    <>
                      <Typography.Paragraph type="secondary">
                        {t('paper_manual_hint', { section: sections.find((s) => s.key === target)?.title ?? '' })}
                      </Typography.Paragraph>
                      <ItemPicker subject={meta.subject} grade={meta.grade} taken={taken} onAdd={add} />
                    </>
                  ),
                },
                {
                  key: 'auto',
                  label: <span data-testid="tab-auto">{t('paper_auto')}</span>,
                  children: <AssemblyPanel subject={meta.subject} grade={meta.grade} onUse={replaceWith} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {paperId && <AssignModal open={assigning} onClose={() => setAssigning(false)} paperId={paperId} />}
    </>
  );
}

function SectionCard({
  section: s,
  index,
  count,
  isTarget,
  errors,
  onTarget,
  onChange,
  onMove,
  onRemove,
}: {
  section: TPaperSectionDraft;
  index: number;
  count: number;
  isTarget: boolean;
  errors: TFieldErrors;
  onTarget: () => void;
  onChange: (patch: Partial<TPaperSectionDraft>) => void;
  onMove: (d: -1 | 1) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const subtotal = s.rows.reduce((a, r) => a + (r.score || 0), 0);
  const setRow = (i: number, score: number) => onChange({ rows: s.rows.map((r, j) => (j === i ? { ...r, score } : r)) });
  return (
    <div
      data-testid={`section-${index}`}
      onClick={onTarget}
      style={{
        border: `1px solid ${isTarget ? '#1677ff' : 'rgba(0,0,0,0.1)'}`,
        borderRadius: 8,
        padding: 10,
        marginBottom: 12,
      }}
    >
      <div style={{ display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap', marginBottom: 6 }}>
        <Form.Item style={{ margin: 0, flex: 1, minWidth: 160 }} {...fieldStatus(errors, `sections.${index}.title`)}>
          <Input
            value={s.title}
            maxLength={60}
            placeholder={t('paper_section_title')}
            onChange={(e) => onChange({ title: e.target.value })}
            data-testid={`section-${index}-title`}
          />
        </Form.Item>
        <Tag>{t('paper_section_sum', { n: s.rows.length, score: Math.round(subtotal * 100) / 100 })}</Tag>
        {isTarget && <Tag color="blue">{t('paper_adding_here')}</Tag>}
        <Button
          size="small"
          icon={<ArrowUpOutlined />}
          aria-label={t('editor_move_up')}
          disabled={index === 0}
          onClick={() => onMove(-1)}
        />
        <Button
          size="small"
          icon={<ArrowDownOutlined />}
          aria-label={t('editor_move_down')}
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        />
        <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('remove')} disabled={count <= 1} onClick={onRemove} />
      </div>
      <Input.TextArea
        value={s.instructions}
        autoSize={{ minRows: 1, maxRows: 3 }}
        maxLength={500}
        placeholder={t('paper_section_instructions')}
        onChange={(e) => onChange({ instructions: e.target.value })}
        style={{ marginBottom: 8 }}
      />
      {s.rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('paper_section_empty')} />
      ) : (
        s.rows.map((r, i) => (
          <div
            key={r.itemId}
            draggable
            onDragStart={() => setDragFrom(i)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => {
              if (dragFrom !== null) onChange({ rows: moveWithin(s.rows, dragFrom, i) });
              setDragFrom(null);
            }}
            data-testid="paper-row"
            style={{
              display: 'flex',
              flexWrap: 'wrap',
              gap: 6,
              alignItems: 'center',
              padding: '6px 0',
              borderTop: i ? '1px dashed rgba(0,0,0,0.08)' : undefined,
            }}
          >
            <HolderOutlined style={{ cursor: 'grab', color: '#999' }} aria-label={t('paper_drag')} />
            <Typography.Text strong style={{ minWidth: 22 }}>
              {i + 1}.
            </Typography.Text>
            <div style={{ flex: '1 1 180px', minWidth: 0 }}>
              <Typography.Text ellipsis={{ tooltip: r.stemPreview }} style={{ display: 'block' }}>
                {r.stemPreview}
              </Typography.Text>
              <Space size={4} wrap>
                <Tag>{ITEM_TYPE_NAMES[r.type]}</Tag>
                <Tag>{DIFFICULTY_NAMES[r.difficulty]}</Tag>
                {r.version && r.latestVersion && r.latestVersion > r.version && (
                  <Tag color="orange">{t('paper_newer_version', { v: r.latestVersion })}</Tag>
                )}
              </Space>
            </div>
            <span style={{ display: 'inline-flex', gap: 6, alignItems: 'center', marginInlineStart: 'auto' }}>
              <InputNumber
                size="small"
                min={0.5}
                max={200}
                value={r.score}
                onChange={(n) => setRow(i, n ?? 1)}
                suffix={t('editor_points_unit')}
                style={{ width: 84 }}
                status={errors[`sections.${index}.items.${i}.score`] ? 'error' : undefined}
                data-testid="paper-row-score"
              />
              <Button
                size="small"
                icon={<ArrowUpOutlined />}
                aria-label={t('editor_move_up')}
                disabled={i === 0}
                onClick={() => onChange({ rows: moveWithin(s.rows, i, i - 1) })}
              />
              <Button
                size="small"
                icon={<ArrowDownOutlined />}
                aria-label={t('editor_move_down')}
                disabled={i === s.rows.length - 1}
                onClick={() => onChange({ rows: moveWithin(s.rows, i, i + 1) })}
                data-testid="paper-row-down"
              />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('remove')}
                onClick={() => onChange({ rows: s.rows.filter((_, j) => j !== i) })}
              />
            </span>
          </div>
        ))
      )}
    </div>
  );
}
