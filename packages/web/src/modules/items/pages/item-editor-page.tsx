import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  DIFFICULTY_NAMES,
  GRADE_LEVELS,
  GRADE_NAMES,
  ITEM_TYPE_NAMES,
  ITEM_TYPES,
  PART_TYPES,
  SUBJECTS,
  type ItemType,
  type TItemContent,
} from '@qiming/shared';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Row, Segmented, Select, Skeleton, Space, Tag } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { fieldStatus, InteractionEditor, type TInteractionDraft } from '../components/interaction-editor.tsx';
import { ItemPreview } from '../components/item-preview.tsx';
import { KnowledgePointPicker } from '../components/knowledge-point-tree.tsx';
import { RichTextInput } from '../components/rich-text-input.tsx';
import {
  changePartType,
  changeType,
  checkDraft,
  draftOf,
  emptyDraft,
  emptyPart,
  finalizeDraft,
  issuesByPath,
  nextId,
  type TDraft,
  type TFieldErrors,
  type TPartDraft,
} from '../item-draft.ts';
import { useBanks, useItem, useSaveItem } from '../items.api.ts';

/** 编辑题目: every type's fields on the left, the item as a pupil sees it (and 试做) on the right. */
export function ItemEditorPage() {
  const t = useT();
  const { id } = useParams();
  const [search] = useSearchParams();
  const existing = useItem(id);
  const banks = useBanks();
  if (id && existing.isError) return <LoadError error={existing.error} onRetry={() => void existing.refetch()} />;
  if ((id && !existing.data) || banks.isLoading) return <Skeleton active />;
  const editable = (banks.data ?? []).filter((b) => b.policies.canEdit);
  const bankId = existing.data?.bankId ?? search.get('bankId') ?? editable[0]?.id;
  const bank = banks.data?.find((b) => b.id === bankId);
  const initial = existing.data
    ? draftOf(existing.data.content)
    : emptyDraft((search.get('type') as ItemType) ?? 'single_choice', {
        subject: (bank?.subject ?? '数学') as TDraft['subject'],
        grade: Number(search.get('grade') ?? 3) as TDraft['grade'],
      });
  return (
    <Editor
      key={`${id ?? 'new'}-${existing.data?.version ?? 0}`}
      itemId={id}
      baseVersion={existing.data?.version}
      canEdit={id ? !!existing.data?.policies.canEdit : editable.length > 0}
      initial={initial}
      initialBankId={bankId}
      banks={editable.map((b) => ({ value: b.id, label: b.name }))}
      title={id ? t('editor_title_edit', { v: existing.data!.version }) : t('editor_title_new')}
    />
  );
}

function Editor({
  itemId,
  baseVersion,
  canEdit,
  initial,
  initialBankId,
  banks,
  title,
}: {
  itemId?: string;
  baseVersion?: number;
  canEdit: boolean;
  initial: TDraft;
  initialBankId?: string;
  banks: { value: string; label: string }[];
  title: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<TDraft>(initial);
  const [bankId, setBankId] = useState(initialBankId);
  const [errors, setErrors] = useState<TFieldErrors>({});
  const [tried, setTried] = useState(false);
  const save = useSaveItem(itemId);
  const checked = useMemo(() => checkDraft(draft), [draft]);
  // the preview keeps the last complete version while the teacher types the next
  const lastValid = useRef<TItemContent | null>(null);
  if (checked.item) lastValid.current = checked.item;
  const problems = checked.errors ? Object.values(checked.errors).flat().length : 0;
  useEffect(() => {
    // after a save was tried, messages follow the draft as it is fixed
    if (tried) setErrors(checked.errors ?? {});
  }, [checked, tried]);

  const set = (patch: Partial<TDraft>) => setDraft((d) => ({ ...d, ...patch }) as TDraft);
  const computedScore = finalizeDraft(draft).score;

  const submit = () => {
    setTried(true);
    if (!bankId) return void message.error(t('editor_no_bank'));
    if (!checked.item) {
      setErrors(checked.errors);
      return void message.error(t('editor_fix_errors', { n: problems }));
    }
    save.mutate(
      { bankId, content: checked.item, baseVersion },
      {
        onSuccess: (item) => {
          message.success(itemId ? t('editor_saved_version', { v: item.version }) : t('editor_created'));
          void navigate(`/items/${item.id}/edit`, { replace: true });
        },
        onError: (e) => {
          if (isAppError(e, 'VALIDATION_FAILED')) {
            setErrors(issuesByPath(e.issues, ['body', 'content']));
            message.error(e.message);
          } else message.error(errorMessage(e));
        },
      },
    );
  };

  const interaction = draft as unknown as TInteractionDraft;
  return (
    <>
      <PageTitle
        title={title}
        back
        extra={
          <Space>
            <Button onClick={() => void navigate('/items')}>{t('editor_back_to_bank')}</Button>
            <Button type="primary" onClick={submit} loading={save.isPending} disabled={!canEdit} data-testid="item-save">
              {itemId ? t('editor_save_version') : t('save')}
            </Button>
          </Space>
        }
      />
      {!canEdit && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('editor_read_only')} />}
      {tried && problems > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('editor_fix_errors', { n: problems })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="editor-errors">
              {Object.entries(errors).flatMap(([k, msgs]) => msgs.map((m) => <li key={`${k}-${m}`}>{m}</li>))}
            </ul>
          }
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Form layout="vertical" component="div" disabled={!canEdit}>
            <Card size="small" title={t('editor_basic')} style={{ marginBottom: 16 }}>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item label={t('items_bank')} required>
                    <Select
                      value={bankId}
                      onChange={setBankId}
                      options={banks}
                      disabled={!!itemId}
                      notFoundContent={t('editor_no_bank')}
                      data-testid="editor-bank"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t('items_type')} required>
                    <Select
                      value={draft.type}
                      onChange={(type: ItemType) => setDraft((d) => changeType(d, type))}
                      options={ITEM_TYPES.map((x) => ({ value: x, label: ITEM_TYPE_NAMES[x] }))}
                      data-testid="editor-type"
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item label={t('items_subject')} required {...fieldStatus(errors, 'subject')}>
                    <Select
                      value={draft.subject}
                      onChange={(subject: TDraft['subject']) => set({ subject, knowledgePointIds: [] })}
                      options={SUBJECTS.map((s) => ({ value: s, label: s }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={6}>
                  <Form.Item label={t('items_grade')} required {...fieldStatus(errors, 'grade')}>
                    <Select
                      value={draft.grade}
                      onChange={(grade: TDraft['grade']) => set({ grade })}
                      options={GRADE_LEVELS.map((g) => ({ value: g, label: GRADE_NAMES[g] }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item
                    label={t('items_score')}
                    required
                    {...fieldStatus(errors, 'score')}
                    extra={
                      draft.type === 'composite'
                        ? t('editor_score_from_parts')
                        : draft.type === 'essay'
                          ? t('editor_score_from_rubric')
                          : undefined
                    }
                  >
                    <InputNumber
                      min={0.5}
                      max={200}
                      value={computedScore}
                      disabled={draft.type === 'composite' || draft.type === 'essay'}
                      onChange={(score) => set({ score: score ?? 1 })}
                      suffix={t('editor_points_unit')}
                      data-testid="editor-score"
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item label={t('items_difficulty')} {...fieldStatus(errors, 'difficulty')}>
                <Segmented
                  value={draft.difficulty ?? 3}
                  onChange={(difficulty) => set({ difficulty: Number(difficulty) })}
                  options={[1, 2, 3, 4, 5].map((d) => ({ value: d, label: DIFFICULTY_NAMES[d] }))}
                />
              </Form.Item>
              <Form.Item label={t('items_knowledge_points')} {...fieldStatus(errors, 'knowledgePointIds', true)}>
                <KnowledgePointPicker
                  subject={draft.subject}
                  grade={Number(draft.grade)}
                  value={draft.knowledgePointIds ?? []}
                  onChange={(knowledgePointIds) => set({ knowledgePointIds })}
                  status={fieldStatus(errors, 'knowledgePointIds', true).validateStatus}
                  testId="editor-kp"
                />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  <Form.Item label={t('items_source')} {...fieldStatus(errors, 'source')}>
                    <Input
                      value={draft.source}
                      maxLength={200}
                      placeholder={t('editor_source_hint')}
                      onChange={(e) => set({ source: e.target.value })}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item label={t('editor_textbook_unit')} {...fieldStatus(errors, 'textbookUnit')}>
                    <Input
                      value={draft.textbookUnit}
                      maxLength={200}
                      placeholder={t('editor_textbook_unit_hint')}
                      onChange={(e) => set({ textbookUnit: e.target.value })}
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card size="small" title={ITEM_TYPE_NAMES[draft.type]} style={{ marginBottom: 16 }}>
              <InteractionEditor
                value={interaction}
                onChange={(v) => setDraft({ ...(v as unknown as TDraft) })}
                errors={errors}
                at=""
                testId="editor"
              />
              {draft.type === 'composite' && (
                <Parts parts={draft.parts} onChange={(parts) => set({ parts } as Partial<TDraft>)} errors={errors} />
              )}
            </Card>
            <Card size="small" title={t('items_explanation')}>
              <Form.Item {...fieldStatus(errors, 'explanation')} style={{ marginBottom: 0 }}>
                <RichTextInput
                  value={draft.explanation ?? ''}
                  onChange={(explanation) => set({ explanation })}
                  rows={3}
                  testId="editor-explanation"
                />
              </Form.Item>
            </Card>
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <div style={{ position: 'sticky', top: 16 }}>
            <ItemPreview item={checked.item ?? lastValid.current} problems={problems} />
            {itemId && <Alert type="info" showIcon style={{ marginTop: 12 }} title={t('editor_versions_note', { v: baseVersion ?? 1 })} />}
          </div>
        </Col>
      </Row>
    </>
  );
}

/** The sub-questions of a composite item (阅读理解/综合题), each of any other type. */
function Parts({ parts, onChange, errors }: { parts: TPartDraft[]; onChange: (p: TPartDraft[]) => void; errors: TFieldErrors }) {
  const t = useT();
  const setPart = (i: number, p: TPartDraft) => onChange(parts.map((x, j) => (j === i ? p : x)));
  return (
    <div data-testid="editor-parts">
      {parts.map((part, i) => (
        <Card
          key={part.id}
          size="small"
          style={{ marginBottom: 12, background: 'rgba(0,0,0,0.015)' }}
          title={
            <Space wrap>
              <span>{t('editor_part_n', { n: i + 1 })}</span>
              <Select
                size="small"
                style={{ width: 130 }}
                value={part.type}
                onChange={(type: (typeof PART_TYPES)[number]) => setPart(i, changePartType(part, type))}
                options={PART_TYPES.map((x) => ({ value: x, label: ITEM_TYPE_NAMES[x] }))}
              />
              {part.type !== 'essay' ? (
                <InputNumber
                  size="small"
                  min={0.5}
                  max={200}
                  value={part.score}
                  suffix={t('editor_points_unit')}
                  style={{ width: 110 }}
                  status={errors[`parts.${i}.score`] ? 'error' : undefined}
                  onChange={(score) => setPart(i, { ...part, score: score ?? 1 })}
                />
              ) : (
                <Tag>{t('editor_score_from_rubric')}</Tag>
              )}
            </Space>
          }
          extra={
            <Space size={4}>
              <Button
                size="small"
                icon={<ArrowUpOutlined />}
                aria-label={t('editor_move_up')}
                disabled={i === 0}
                onClick={() => onChange(parts.map((p, j) => (j === i - 1 ? parts[i]! : j === i ? parts[i - 1]! : p)))}
              />
              <Button
                size="small"
                icon={<ArrowDownOutlined />}
                aria-label={t('editor_move_down')}
                disabled={i === parts.length - 1}
                onClick={() => onChange(parts.map((p, j) => (j === i + 1 ? parts[i]! : j === i ? parts[i + 1]! : p)))}
              />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('remove')}
                disabled={parts.length <= 1}
                onClick={() => onChange(parts.filter((_, j) => j !== i))}
              />
            </Space>
          }
        >
          <InteractionEditor
            value={part as unknown as TInteractionDraft}
            onChange={(v) => setPart(i, v as unknown as TPartDraft)}
            errors={errors}
            at={`parts.${i}.`}
            testId={`part-${i + 1}`}
          />
          <Form.Item label={t('items_explanation')} style={{ marginBottom: 0 }} {...fieldStatus(errors, `parts.${i}.explanation`)}>
            <RichTextInput value={part.explanation ?? ''} onChange={(explanation) => setPart(i, { ...part, explanation })} rows={1} />
          </Form.Item>
        </Card>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() => onChange([...parts, emptyPart('single_choice', nextId(parts, 'part'))])}
        data-testid="editor-add-part"
      >
        {t('editor_add_part')}
      </Button>
    </div>
  );
}
