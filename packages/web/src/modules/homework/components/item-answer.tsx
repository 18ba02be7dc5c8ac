import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import type { TPupilItem, TPupilPart } from '@qiming/shared';
import { Button, Checkbox, Input, Radio, Select, Space, Typography } from 'antd';
import { Fragment, type ReactNode } from 'react';
import { useT } from '../../../lib/i18n.ts';
import { RichText as ItemText } from '../../items/components/rich-text.tsx';

/**
 * An item as a pupil answers it, one control per item type, on a phone as on a PC. The response
 * shapes are the items module's (`{ choice }`, `{ choices }`, `{ value }`, `{ blanks }`, `{ pairs }`,
 * `{ order }`, `{ text }`, composite `{ parts }`).
 */
export type Response = Record<string, unknown> | null;

/** The stem's formatted text with formulas typeset (KaTeX), blanks shown as labels. */
export function RichText({ text, blankLabel }: { text: string; blankLabel?: (n: number) => string }) {
  return (
    <ItemText
      text={text}
      blank={(n) => <Typography.Text underline strong>{` ${blankLabel ? blankLabel(n) : `(${n})`} `}</Typography.Text>}
    />
  );
}

const inline = (text: string): ReactNode => <ItemText text={text} inline />;

type PartProps = { part: TPupilPart; value: Response; onChange: (v: Response) => void; disabled?: boolean; testId: string };

function PartAnswer({ part, value, onChange, disabled, testId }: PartProps) {
  const t = useT();
  const v = (value ?? {}) as Record<string, unknown>;
  switch (part.type) {
    case 'single_choice':
      return (
        <Radio.Group
          value={v.choice ?? null}
          disabled={disabled}
          onChange={(e) => onChange({ choice: e.target.value as string })}
          data-testid={testId}
        >
          <Space direction="vertical">
            {part.options.map((o, i) => (
              <Radio key={o.id} value={o.id} data-testid={`${testId}-option-${o.id}`}>
                <span style={{ marginRight: 6 }}>{String.fromCharCode(65 + i)}.</span>
                {inline(o.text)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      );
    case 'multiple_choice': {
      const chosen = Array.isArray(v.choices) ? (v.choices as string[]) : [];
      return (
        <Checkbox.Group
          value={chosen}
          disabled={disabled}
          onChange={(c) => onChange(c.length ? { choices: c as string[] } : null)}
          data-testid={testId}
        >
          <Space direction="vertical">
            {part.options.map((o, i) => (
              <Checkbox key={o.id} value={o.id} data-testid={`${testId}-option-${o.id}`}>
                <span style={{ marginRight: 6 }}>{String.fromCharCode(65 + i)}.</span>
                {inline(o.text)}
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      );
    }
    case 'true_false':
      return (
        <Radio.Group
          value={typeof v.value === 'boolean' ? String(v.value) : null}
          disabled={disabled}
          optionType="button"
          onChange={(e) => onChange({ value: e.target.value === 'true' })}
          data-testid={testId}
          options={[
            { value: 'true', label: t('hw_true') },
            { value: 'false', label: t('hw_false') },
          ]}
        />
      );
    case 'fill_blank': {
      const blanks = Array.isArray(v.blanks) ? (v.blanks as string[]) : part.blanks.map(() => '');
      return (
        <Space direction="vertical" style={{ width: '100%' }}>
          {part.blanks.map((b, i) => (
            <Space.Compact key={b.id} style={{ width: '100%' }}>
              <Space.Addon>{t('hw_blank_n', { n: i + 1 })}</Space.Addon>
              <Input
                value={blanks[i] ?? ''}
                disabled={disabled}
                inputMode={b.isNumeric ? 'decimal' : undefined}
                aria-label={t('hw_blank_n', { n: i + 1 })}
                data-testid={`${testId}-blank-${i + 1}`}
                onChange={(e) => {
                  const next = part.blanks.map((_, j) => (j === i ? e.target.value : (blanks[j] ?? '')));
                  onChange(next.some((x) => x.trim()) ? { blanks: next } : null);
                }}
              />
            </Space.Compact>
          ))}
        </Space>
      );
    }
    case 'numeric':
      return (
        <Input
          value={typeof v.value === 'string' ? v.value : ''}
          disabled={disabled}
          inputMode="decimal"
          placeholder={t('hw_numeric_placeholder')}
          suffix={part.units.length ? part.units[0] : undefined}
          style={{ maxWidth: 320 }}
          data-testid={`${testId}-value`}
          onChange={(e) => onChange(e.target.value.trim() ? { value: e.target.value } : null)}
        />
      );
    case 'matching': {
      const pairs = Array.isArray(v.pairs) ? (v.pairs as { left: string; right: string }[]) : [];
      return (
        <Space direction="vertical" style={{ width: '100%' }}>
          {part.left.map((l) => (
            <div key={l.id} style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
              <span style={{ minWidth: 80 }}>{inline(l.text)}</span>
              <Select
                style={{ minWidth: 160, flex: 1 }}
                allowClear
                disabled={disabled}
                placeholder={t('hw_match_pick')}
                value={pairs.find((p) => p.left === l.id)?.right}
                options={part.right.map((r) => ({ value: r.id, label: inline(r.text), title: r.text }))}
                onChange={(right?: string) => {
                  const next = pairs.filter((p) => p.left !== l.id);
                  if (right) next.push({ left: l.id, right });
                  onChange(next.length ? { pairs: next } : null);
                }}
              />
            </div>
          ))}
        </Space>
      );
    }
    case 'ordering': {
      const order = Array.isArray(v.order) ? (v.order as string[]) : part.elements.map((e) => e.id);
      const move = (i: number, d: -1 | 1) => {
        const next = order.slice();
        [next[i], next[i + d]] = [next[i + d], next[i]];
        onChange({ order: next });
      };
      return (
        <Space direction="vertical" style={{ width: '100%' }}>
          {order.map((id, i) => (
            <div key={id} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <Typography.Text type="secondary">{i + 1}.</Typography.Text>
              <span style={{ flex: 1 }}>{inline(part.elements.find((e) => e.id === id)?.text ?? id)}</span>
              <Button
                size="small"
                icon={<ArrowUpOutlined />}
                disabled={disabled || i === 0}
                aria-label={t('hw_move_up')}
                onClick={() => move(i, -1)}
              />
              <Button
                size="small"
                icon={<ArrowDownOutlined />}
                disabled={disabled || i === order.length - 1}
                aria-label={t('hw_move_down')}
                onClick={() => move(i, 1)}
              />
            </div>
          ))}
        </Space>
      );
    }
    case 'short_answer':
    case 'essay':
      return (
        <Input.TextArea
          value={typeof v.text === 'string' ? v.text : ''}
          disabled={disabled}
          autoSize={{ minRows: part.type === 'essay' ? 5 : 2, maxRows: 16 }}
          maxLength={part.type === 'essay' ? part.maxLength : 2000}
          showCount
          placeholder={t('hw_text_placeholder')}
          data-testid={`${testId}-text`}
          onChange={(e) => onChange(e.target.value ? { text: e.target.value } : null)}
        />
      );
  }
}

export function ItemAnswer({
  item,
  value,
  onChange,
  disabled,
  testId,
}: {
  item: TPupilItem;
  value: Response;
  onChange: (v: Response) => void;
  disabled?: boolean;
  testId: string;
}) {
  const t = useT();
  // a disabled answer is read, not changed (a finished attempt, a practised item): the answer given reads clearly
  const className = disabled ? 'qm-answer-readonly' : undefined;
  if (item.type === 'composite') {
    const parts = ((value as { parts?: Record<string, Response> } | null)?.parts ?? {}) as Record<string, Response>;
    return (
      <div className={className}>
        <RichText text={item.stem} />
        {item.parts.map((p, i) => (
          <Fragment key={p.id}>
            <Typography.Text strong>
              ({i + 1}) {t('hw_points', { n: p.score })}
            </Typography.Text>
            <RichText text={p.stem} />
            <PartAnswer
              part={p}
              value={parts[p.id] ?? null}
              disabled={disabled}
              testId={`${testId}-part-${i + 1}`}
              onChange={(r) => {
                const next = { ...parts, [p.id]: r };
                onChange(Object.values(next).some((x) => x) ? { parts: next } : null);
              }}
            />
            <div style={{ height: 12 }} />
          </Fragment>
        ))}
      </div>
    );
  }
  return (
    <div className={className}>
      <RichText text={item.stem} blankLabel={item.type === 'fill_blank' ? (n) => t('hw_blank_n', { n }) : undefined} />
      <PartAnswer part={item} value={value} onChange={onChange} disabled={disabled} testId={testId} />
    </div>
  );
}

/** Whether a response counts as answered (for the progress bar and the submit warning). */
export const isAnswered = (r: Response): boolean => !!r && Object.keys(r).length > 0;
