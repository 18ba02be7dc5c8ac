import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../../../lib/i18n.ts';
import { blankMarks, nextId, type TFieldErrors } from '../item-draft.ts';
import { RichText } from './rich-text.tsx';
import { RichTextInput } from './rich-text-input.tsx';

/** The interaction fields of an item or of one part of a composite, as the draft holds them. */
type Option = { id: string; text: string };
type Blank = {
  id: string;
  accepted: string[];
  weight?: number;
  numeric?: { tolerance?: number; equivalentForms?: boolean; units?: string[]; requireSimplestFraction?: boolean };
};
type Norm = { ignoreCase?: boolean; ignoreSpaces?: boolean; ignorePunctuation?: boolean };
export type TInteractionDraft = {
  type: string;
  stem: string;
  options?: Option[];
  answer?: string | boolean;
  answers?: string[];
  scoring?: string;
  fixedOrder?: boolean;
  blanks?: Blank[];
  normalization?: Norm;
  anyOrder?: boolean;
  rule?: { tolerance?: number; equivalentForms?: boolean; units?: string[]; requireSimplestFraction?: boolean };
  left?: Option[];
  right?: Option[];
  pairs?: { left: string; right: string }[];
  elements?: Option[];
  order?: string[];
  referenceAnswer?: string;
  acceptedAnswers?: string[];
  keywords?: { words: string[]; points: number }[];
  rubric?: { id: string; name: string; description?: string; points: number }[];
  minLength?: number;
  maxLength?: number;
};

type Props = {
  value: TInteractionDraft;
  onChange: (next: TInteractionDraft) => void;
  errors: TFieldErrors;
  /** Where this interaction sits in the item (`''`, or `parts.2.` for a part). */
  at: string;
  testId: string;
};

/** The antd Form.Item props that show the messages of a path (and its sub-paths when `deep`). */
export function fieldStatus(errors: TFieldErrors, path: string, deep = false) {
  const msgs = deep ? Object.entries(errors).flatMap(([k, v]) => (k === path || k.startsWith(`${path}.`) ? v : [])) : (errors[path] ?? []);
  return msgs.length ? { validateStatus: 'error' as const, help: [...new Set(msgs)].join('；') } : {};
}

const move = <T,>(list: readonly T[], i: number, d: -1 | 1): T[] => {
  const next = list.slice();
  [next[i], next[i + d]] = [next[i + d]!, next[i]!];
  return next;
};

/** Rows of texts (options, matching sides, ordering elements): add, remove, move, and a marker per row. */
function OptionRows({
  list,
  onChange,
  marker,
  errors,
  path,
  testId,
  idKind = 'letter',
  idPrefix,
  min = 2,
  max = 10,
  addLabel,
}: {
  list: Option[];
  onChange: (next: Option[], removed?: string) => void;
  marker?: (o: Option, i: number) => ReactNode;
  errors: TFieldErrors;
  path: string;
  testId: string;
  idKind?: 'letter';
  idPrefix?: string;
  min?: number;
  max?: number;
  addLabel: string;
}) {
  const t = useT();
  const newId = () => {
    if (!idPrefix) return nextId(list, idKind);
    for (let i = 1; ; i++) if (!list.some((o) => o.id === `${idPrefix}${i}`)) return `${idPrefix}${i}`;
  };
  return (
    <div>
      {list.map((o, i) => (
        <Form.Item key={o.id} style={{ marginBottom: 8 }} {...fieldStatus(errors, `${path}.${i}`, true)}>
          <div style={{ display: 'flex', gap: 6, alignItems: 'flex-start' }}>
            <div style={{ minWidth: 28, paddingTop: 4 }}>{marker ? marker(o, i) : <Typography.Text strong>{i + 1}.</Typography.Text>}</div>
            <Input
              style={{ flex: 1 }}
              value={o.text}
              placeholder={t('editor_option_placeholder', { n: i + 1 })}
              data-testid={`${testId}-${i}`}
              onChange={(e) => onChange(list.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
              suffix={/[$!*_]/.test(o.text) ? <RichText text={o.text} inline /> : undefined}
            />
            <Button
              size="small"
              icon={<ArrowUpOutlined />}
              aria-label={t('editor_move_up')}
              disabled={i === 0}
              onClick={() => onChange(move(list, i, -1))}
            />
            <Button
              size="small"
              icon={<ArrowDownOutlined />}
              aria-label={t('editor_move_down')}
              disabled={i === list.length - 1}
              onClick={() => onChange(move(list, i, 1))}
            />
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('remove')}
              disabled={list.length <= min}
              onClick={() =>
                onChange(
                  list.filter((_, j) => j !== i),
                  o.id,
                )
              }
            />
          </div>
        </Form.Item>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        disabled={list.length >= max}
        onClick={() => onChange([...list, { id: newId(), text: '' }])}
        data-testid={`${testId}-add`}
      >
        {addLabel}
      </Button>
    </div>
  );
}

function Normalization({ value, onChange }: { value: Norm | undefined; onChange: (n: Norm) => void }) {
  const t = useT();
  const v = { ignoreCase: true, ignoreSpaces: true, ignorePunctuation: false, ...value };
  return (
    <Form.Item label={t('editor_normalization')} extra={t('editor_normalization_hint')}>
      <Space wrap>
        <Checkbox checked={v.ignoreCase} onChange={(e) => onChange({ ...v, ignoreCase: e.target.checked })}>
          {t('editor_ignore_case')}
        </Checkbox>
        <Checkbox checked={v.ignoreSpaces} onChange={(e) => onChange({ ...v, ignoreSpaces: e.target.checked })}>
          {t('editor_ignore_spaces')}
        </Checkbox>
        <Checkbox checked={v.ignorePunctuation} onChange={(e) => onChange({ ...v, ignorePunctuation: e.target.checked })}>
          {t('editor_ignore_punctuation')}
        </Checkbox>
      </Space>
    </Form.Item>
  );
}

function NumericRule({
  value,
  onChange,
  errors,
  path,
  testId,
}: {
  value: NonNullable<TInteractionDraft['rule']>;
  onChange: (r: NonNullable<TInteractionDraft['rule']>) => void;
  errors: TFieldErrors;
  path: string;
  testId: string;
}) {
  const t = useT();
  const v = { tolerance: 0, equivalentForms: true, units: [], requireSimplestFraction: false, ...value };
  return (
    <Space wrap align="start">
      <Form.Item label={t('editor_tolerance')} {...fieldStatus(errors, `${path}.tolerance`)} style={{ marginBottom: 8 }}>
        <InputNumber
          min={0}
          step={0.01}
          value={v.tolerance}
          onChange={(n) => onChange({ ...v, tolerance: n ?? 0 })}
          data-testid={`${testId}-tolerance`}
        />
      </Form.Item>
      <Form.Item label={t('editor_units')} {...fieldStatus(errors, `${path}.units`, true)} style={{ marginBottom: 8, minWidth: 180 }}>
        <Select
          mode="tags"
          value={v.units}
          onChange={(u: string[]) => onChange({ ...v, units: u })}
          placeholder={t('editor_units_hint')}
          open={false}
        />
      </Form.Item>
      <Form.Item label=" " colon={false} style={{ marginBottom: 8 }}>
        <Space orientation="vertical" size={0}>
          <Checkbox checked={v.equivalentForms} onChange={(e) => onChange({ ...v, equivalentForms: e.target.checked })}>
            {t('editor_equivalent_forms')}
          </Checkbox>
          <Checkbox checked={v.requireSimplestFraction} onChange={(e) => onChange({ ...v, requireSimplestFraction: e.target.checked })}>
            {t('editor_simplest_fraction')}
          </Checkbox>
        </Space>
      </Form.Item>
    </Space>
  );
}

/** Renumbers a stem's {{n}} marks after blank `removed` (1-based) is taken out. */
export function removeBlankMark(stem: string, removed: number): string {
  return stem.replace(/\{\{(\d+)\}\}/g, (m, n: string) => {
    const k = Number(n);
    return k === removed ? '' : k > removed ? `{{${k - 1}}}` : m;
  });
}

/** The editor of one interaction: stem, then the fields of its type. */
export function InteractionEditor({ value: v, onChange, errors, at, testId }: Props) {
  const t = useT();
  const set = (patch: Partial<TInteractionDraft>) => onChange({ ...v, ...patch });
  const p = (field: string) => `${at}${field}`;

  const stem = (
    <Form.Item
      label={v.type === 'fill_blank' ? t('editor_stem_blanks') : t('editor_stem')}
      required
      {...fieldStatus(errors, p('stem'))}
      extra={v.type === 'fill_blank' ? t('editor_blank_hint') : undefined}
    >
      <RichTextInput
        value={v.stem}
        rows={v.type === 'composite' ? 5 : 3}
        onChange={(stemText) => {
          // typing a {{n}} adds blank n; a fill-in item keeps one blank per mark
          if (v.type === 'fill_blank') {
            const n = blankMarks(stemText).length;
            const blanks = v.blanks ?? [];
            const next = blanks.slice(0, Math.max(n, 1));
            while (next.length < n) next.push({ id: nextId(next, 'blank'), accepted: [], weight: 1 });
            set({ stem: stemText, blanks: next });
          } else set({ stem: stemText });
        }}
        onInsertBlank={
          v.type === 'fill_blank'
            ? () => {
                const n = blankMarks(v.stem).length + 1;
                const blanks = v.blanks ?? [];
                onChange({
                  ...v,
                  stem: `${v.stem}{{${n}}}`,
                  blanks: blanks.length >= n ? blanks : [...blanks, { id: nextId(blanks, 'blank'), accepted: [], weight: 1 }],
                });
                return `${v.stem}{{${n}}}`;
              }
            : undefined
        }
        testId={`${testId}-stem`}
      />
    </Form.Item>
  );

  switch (v.type) {
    case 'single_choice':
    case 'multiple_choice': {
      const single = v.type === 'single_choice';
      const answers = single ? [String(v.answer ?? '')] : (v.answers ?? []);
      return (
        <>
          {stem}
          <Form.Item
            label={single ? t('editor_options_single') : t('editor_options_multiple')}
            required
            {...fieldStatus(errors, p(single ? 'answer' : 'answers'), true)}
          >
            <OptionRows
              list={v.options ?? []}
              errors={errors}
              path={p('options')}
              testId={`${testId}-option`}
              addLabel={t('editor_add_option')}
              onChange={(options, removed) => {
                if (single) set({ options, answer: removed === v.answer ? options[0]?.id : v.answer });
                else set({ options, answers: (v.answers ?? []).filter((a) => a !== removed) });
              }}
              marker={(o) =>
                single ? (
                  <Radio checked={answers.includes(o.id)} onChange={() => set({ answer: o.id })} data-testid={`${testId}-key-${o.id}`}>
                    {o.id}
                  </Radio>
                ) : (
                  <Checkbox
                    checked={answers.includes(o.id)}
                    data-testid={`${testId}-key-${o.id}`}
                    onChange={(e) => set({ answers: e.target.checked ? [...answers, o.id] : answers.filter((a) => a !== o.id) })}
                  >
                    {o.id}
                  </Checkbox>
                )
              }
            />
          </Form.Item>
          <Space wrap>
            {!single && (
              <Form.Item label={t('editor_scoring')}>
                <Select
                  style={{ width: 260 }}
                  value={v.scoring ?? 'partial_no_wrong'}
                  onChange={(scoring: string) => set({ scoring })}
                  options={[
                    { value: 'partial_no_wrong', label: t('editor_mc_partial') },
                    { value: 'all_or_nothing', label: t('editor_all_or_nothing') },
                    { value: 'proportional', label: t('editor_mc_proportional') },
                  ]}
                />
              </Form.Item>
            )}
            <Form.Item label={single ? undefined : ' '} colon={false}>
              <Checkbox checked={!!v.fixedOrder} onChange={(e) => set({ fixedOrder: e.target.checked })}>
                {t('editor_fixed_order')}
              </Checkbox>
            </Form.Item>
          </Space>
        </>
      );
    }
    case 'true_false':
      return (
        <>
          {stem}
          <Form.Item label={t('editor_answer')} required {...fieldStatus(errors, p('answer'))}>
            <Radio.Group
              optionType="button"
              value={v.answer === false ? 'false' : 'true'}
              onChange={(e) => set({ answer: e.target.value === 'true' })}
              options={[
                { value: 'true', label: t('items_true') },
                { value: 'false', label: t('items_false') },
              ]}
              data-testid={`${testId}-tf`}
            />
          </Form.Item>
        </>
      );
    case 'fill_blank': {
      const blanks = v.blanks ?? [];
      return (
        <>
          {stem}
          <Form.Item label={t('editor_blanks')} required {...fieldStatus(errors, p('blanks'))}>
            {blanks.map((b, i) => {
              const setBlank = (patch: Partial<Blank>) => set({ blanks: blanks.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
              return (
                <div key={b.id} style={{ border: '1px solid rgba(0,0,0,0.08)', borderRadius: 6, padding: '8px 10px', marginBottom: 8 }}>
                  <Form.Item
                    label={t('editor_blank_n', { n: i + 1 })}
                    style={{ marginBottom: 6 }}
                    extra={t('editor_accepted_hint')}
                    {...fieldStatus(errors, p(`blanks.${i}`), true)}
                  >
                    <div style={{ display: 'flex', gap: 6 }}>
                      <Select
                        mode="tags"
                        open={false}
                        style={{ flex: 1 }}
                        tokenSeparators={['|', '｜']}
                        value={b.accepted}
                        placeholder={t('editor_accepted_placeholder')}
                        onChange={(accepted: string[]) => setBlank({ accepted: accepted.map((a) => a.trim()).filter(Boolean) })}
                        data-testid={`${testId}-blank-${i + 1}`}
                      />
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('remove')}
                        disabled={blanks.length <= 1}
                        onClick={() => onChange({ ...v, stem: removeBlankMark(v.stem, i + 1), blanks: blanks.filter((_, j) => j !== i) })}
                      />
                    </div>
                  </Form.Item>
                  <Space wrap size={12}>
                    <span>
                      {t('editor_weight')}{' '}
                      <InputNumber
                        size="small"
                        min={0.1}
                        max={100}
                        value={b.weight ?? 1}
                        onChange={(w) => setBlank({ weight: w ?? 1 })}
                        style={{ width: 70 }}
                      />
                    </span>
                    <span>
                      <Switch
                        size="small"
                        checked={!!b.numeric}
                        onChange={(on) =>
                          setBlank({
                            numeric: on ? { tolerance: 0, equivalentForms: true, units: [], requireSimplestFraction: false } : undefined,
                          })
                        }
                      />{' '}
                      {t('editor_blank_numeric')}
                    </span>
                  </Space>
                  {b.numeric && (
                    <NumericRule
                      value={b.numeric}
                      onChange={(numeric) => setBlank({ numeric })}
                      errors={errors}
                      path={p(`blanks.${i}.numeric`)}
                      testId={`${testId}-blank-${i + 1}`}
                    />
                  )}
                </div>
              );
            })}
          </Form.Item>
          <Normalization value={v.normalization} onChange={(normalization) => set({ normalization })} />
          <Checkbox checked={!!v.anyOrder} onChange={(e) => set({ anyOrder: e.target.checked })} style={{ marginBottom: 16 }}>
            {t('editor_any_order')}
          </Checkbox>
        </>
      );
    }
    case 'numeric':
      return (
        <>
          {stem}
          <Form.Item label={t('editor_answer')} required {...fieldStatus(errors, p('answer'))} extra={t('editor_numeric_hint')}>
            <Input
              style={{ maxWidth: 240 }}
              value={String(v.answer ?? '')}
              onChange={(e) => set({ answer: e.target.value })}
              placeholder="1/2"
              data-testid={`${testId}-numeric`}
            />
          </Form.Item>
          <NumericRule value={v.rule ?? {}} onChange={(rule) => set({ rule })} errors={errors} path={p('rule')} testId={testId} />
        </>
      );
    case 'matching': {
      const left = v.left ?? [];
      const right = v.right ?? [];
      const pairs = v.pairs ?? [];
      return (
        <>
          {stem}
          <Form.Item label={t('editor_match_left')} required {...fieldStatus(errors, p('left'))}>
            <OptionRows
              list={left}
              idPrefix="L"
              max={20}
              errors={errors}
              path={p('left')}
              testId={`${testId}-left`}
              addLabel={t('editor_add_option')}
              onChange={(l, removed) => set({ left: l, pairs: pairs.filter((x) => x.left !== removed) })}
              marker={(_, i) => <Typography.Text strong>{i + 1}.</Typography.Text>}
            />
          </Form.Item>
          <Form.Item label={t('editor_match_right')} required {...fieldStatus(errors, p('right'))} extra={t('editor_match_right_hint')}>
            <OptionRows
              list={right}
              idPrefix="R"
              max={20}
              errors={errors}
              path={p('right')}
              testId={`${testId}-right`}
              addLabel={t('editor_add_option')}
              onChange={(r, removed) => set({ right: r, pairs: pairs.filter((x) => x.right !== removed) })}
              marker={(_, i) => <Typography.Text strong>{String.fromCharCode(97 + i)}.</Typography.Text>}
            />
          </Form.Item>
          <Form.Item label={t('editor_match_pairs')} required {...fieldStatus(errors, p('pairs'), true)}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {left.map((l, i) => (
                <div key={l.id} style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                  <span style={{ minWidth: 100 }}>
                    {i + 1}. {l.text || '—'}
                  </span>
                  <Select
                    allowClear
                    style={{ minWidth: 180, flex: 1 }}
                    placeholder={t('editor_match_pick')}
                    value={pairs.find((x) => x.left === l.id)?.right}
                    options={right.map((r, j) => ({ value: r.id, label: `${String.fromCharCode(97 + j)}. ${r.text}` }))}
                    onChange={(r?: string) =>
                      set({ pairs: [...pairs.filter((x) => x.left !== l.id), ...(r ? [{ left: l.id, right: r }] : [])] })
                    }
                  />
                </div>
              ))}
            </Space>
          </Form.Item>
          <Form.Item label={t('editor_scoring')}>
            <Select
              style={{ width: 220 }}
              value={v.scoring ?? 'per_pair'}
              onChange={(scoring: string) => set({ scoring })}
              options={[
                { value: 'per_pair', label: t('editor_per_pair') },
                { value: 'all_or_nothing', label: t('editor_all_or_nothing') },
              ]}
            />
          </Form.Item>
        </>
      );
    }
    case 'ordering':
      return (
        <>
          {stem}
          <Form.Item label={t('editor_order_elements')} required extra={t('editor_order_hint')} {...fieldStatus(errors, p('order'))}>
            <OptionRows
              list={v.elements ?? []}
              max={20}
              errors={errors}
              path={p('elements')}
              testId={`${testId}-element`}
              addLabel={t('editor_add_option')}
              onChange={(elements) => set({ elements, order: elements.map((e) => e.id) })}
            />
          </Form.Item>
          <Form.Item label={t('editor_scoring')}>
            <Select
              style={{ width: 240 }}
              value={v.scoring ?? 'all_or_nothing'}
              onChange={(scoring: string) => set({ scoring })}
              options={[
                { value: 'all_or_nothing', label: t('editor_all_or_nothing') },
                { value: 'per_position', label: t('editor_per_position') },
                { value: 'adjacent_pairs', label: t('editor_adjacent_pairs') },
              ]}
            />
          </Form.Item>
        </>
      );
    case 'short_answer': {
      const keywords = v.keywords ?? [];
      return (
        <>
          {stem}
          <Form.Item label={t('editor_reference_answer')} {...fieldStatus(errors, p('referenceAnswer'))}>
            <RichTextInput value={v.referenceAnswer ?? ''} onChange={(referenceAnswer) => set({ referenceAnswer })} rows={2} />
          </Form.Item>
          <Form.Item
            label={t('editor_accepted_answers')}
            extra={t('editor_accepted_answers_hint')}
            {...fieldStatus(errors, p('acceptedAnswers'), true)}
          >
            <Select
              mode="tags"
              open={false}
              value={v.acceptedAnswers ?? []}
              onChange={(acceptedAnswers: string[]) => set({ acceptedAnswers })}
              tokenSeparators={['|', '｜']}
            />
          </Form.Item>
          <Form.Item label={t('editor_keywords')} extra={t('editor_keywords_hint')} {...fieldStatus(errors, p('keywords'), true)}>
            {keywords.map((k, i) => (
              <div key={i} style={{ display: 'flex', gap: 6, marginBottom: 6 }}>
                <Select
                  mode="tags"
                  open={false}
                  style={{ flex: 1 }}
                  value={k.words}
                  placeholder={t('editor_keyword_words')}
                  onChange={(words: string[]) => set({ keywords: keywords.map((x, j) => (j === i ? { ...x, words } : x)) })}
                />
                <InputNumber
                  min={0.5}
                  max={200}
                  value={k.points}
                  suffix={t('editor_points_unit')}
                  style={{ width: 110 }}
                  onChange={(points) => set({ keywords: keywords.map((x, j) => (j === i ? { ...x, points: points ?? 1 } : x)) })}
                />
                <Button
                  danger
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('remove')}
                  onClick={() => set({ keywords: keywords.filter((_, j) => j !== i) })}
                />
              </div>
            ))}
            <Button size="small" icon={<PlusOutlined />} onClick={() => set({ keywords: [...keywords, { words: [], points: 1 }] })}>
              {t('editor_add_keyword')}
            </Button>
          </Form.Item>
          <Normalization value={v.normalization} onChange={(normalization) => set({ normalization })} />
        </>
      );
    }
    case 'essay': {
      const rubric = v.rubric ?? [];
      return (
        <>
          {stem}
          <Form.Item label={t('editor_reference_answer')} {...fieldStatus(errors, p('referenceAnswer'))}>
            <RichTextInput value={v.referenceAnswer ?? ''} onChange={(referenceAnswer) => set({ referenceAnswer })} rows={2} />
          </Form.Item>
          <Form.Item label={t('editor_rubric')} required extra={t('editor_rubric_hint')} {...fieldStatus(errors, p('rubric'))}>
            {rubric.map((r, i) => {
              const setC = (patch: Partial<(typeof rubric)[number]>) =>
                set({ rubric: rubric.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
              return (
                <Form.Item key={r.id} style={{ marginBottom: 6 }} {...fieldStatus(errors, p(`rubric.${i}`), true)}>
                  <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
                    <Input
                      style={{ width: 140 }}
                      value={r.name}
                      placeholder={t('editor_criterion_name')}
                      onChange={(e) => setC({ name: e.target.value })}
                      data-testid={`${testId}-rubric-${i}`}
                    />
                    <Input
                      style={{ flex: 1, minWidth: 140 }}
                      value={r.description ?? ''}
                      placeholder={t('editor_criterion_description')}
                      onChange={(e) => setC({ description: e.target.value })}
                    />
                    <InputNumber
                      min={0.5}
                      max={200}
                      value={r.points}
                      suffix={t('editor_points_unit')}
                      style={{ width: 110 }}
                      onChange={(n) => setC({ points: n ?? 1 })}
                    />
                    <Button
                      danger
                      size="small"
                      icon={<DeleteOutlined />}
                      aria-label={t('remove')}
                      disabled={rubric.length <= 1}
                      onClick={() => set({ rubric: rubric.filter((_, j) => j !== i) })}
                    />
                  </div>
                </Form.Item>
              );
            })}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => set({ rubric: [...rubric, { id: nextId(rubric, 'criterion'), name: '', description: '', points: 5 }] })}
            >
              {t('editor_add_criterion')}
            </Button>
          </Form.Item>
          <Space wrap>
            <Form.Item label={t('editor_min_length')} {...fieldStatus(errors, p('minLength'))}>
              <InputNumber min={0} max={20000} value={v.minLength ?? 0} onChange={(n) => set({ minLength: n ?? 0 })} />
            </Form.Item>
            <Form.Item label={t('editor_max_length')} {...fieldStatus(errors, p('maxLength'))}>
              <InputNumber min={1} max={20000} value={v.maxLength ?? 5000} onChange={(n) => set({ maxLength: n ?? 5000 })} />
            </Form.Item>
          </Space>
        </>
      );
    }
    default:
      return stem;
  }
}
