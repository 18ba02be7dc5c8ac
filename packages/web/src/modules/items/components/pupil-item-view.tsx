import type { TPupilItem, TPupilPart } from '@qiming/shared';
import { Checkbox, Input, Radio, Space, Tag } from 'antd';
import { useT } from '../../../lib/i18n.ts';
import { RichText } from './rich-text.tsx';

function Part({ part }: { part: TPupilPart }) {
  const t = useT();
  switch (part.type) {
    case 'single_choice':
      return (
        <Radio.Group>
          <Space orientation="vertical">
            {part.options.map((o) => (
              <Radio key={o.id} value={o.id}>
                <RichText text={o.text} />
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      );
    case 'multiple_choice':
      return (
        <Checkbox.Group>
          <Space orientation="vertical">
            {part.options.map((o) => (
              <Checkbox key={o.id} value={o.id}>
                <RichText text={o.text} />
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      );
    case 'true_false':
      return (
        <Radio.Group>
          <Radio value>{t('items_true')}</Radio>
          <Radio value={false}>{t('items_false')}</Radio>
        </Radio.Group>
      );
    case 'numeric':
      return <Input style={{ maxWidth: 200 }} placeholder={t('items_answer_placeholder')} suffix={part.units[0]} />;
    case 'fill_blank':
      return null;
    case 'matching':
      return (
        <Space wrap align="start">
          <Space orientation="vertical">
            {part.left.map((o) => (
              <Tag key={o.id}>
                <RichText text={o.text} />
              </Tag>
            ))}
          </Space>
          <Space orientation="vertical">
            {part.right.map((o) => (
              <Tag key={o.id} color="blue">
                <RichText text={o.text} />
              </Tag>
            ))}
          </Space>
        </Space>
      );
    case 'ordering':
      return (
        <Space wrap>
          {part.elements.map((o) => (
            <Tag key={o.id}>
              <RichText text={o.text} />
            </Tag>
          ))}
        </Space>
      );
    case 'short_answer':
    case 'essay':
      return <Input.TextArea rows={3} placeholder={t('items_answer_placeholder')} />;
  }
}

/** An item exactly as a pupil sees it: stem, options in the shuffled order, no answers. */
export function PupilItemView({ item }: { item: TPupilItem }) {
  const t = useT();
  if (item.type === 'composite') {
    return (
      <div data-testid="pupil-item">
        <RichText text={item.stem} />
        {item.parts.map((p, i) => (
          <div key={p.id} style={{ marginTop: 12 }}>
            <strong>（{i + 1}）</strong>（{t('items_points', { n: p.score })}）
            <RichText text={p.stem} blank={(n) => <Input size="small" style={{ width: 100 }} aria-label={`blank-${n}`} />} />
            <Part part={p} />
          </div>
        ))}
      </div>
    );
  }
  return (
    <div data-testid="pupil-item">
      <RichText text={item.stem} blank={(n) => <Input size="small" style={{ width: 100 }} aria-label={`blank-${n}`} />} />
      <Part part={item} />
    </div>
  );
}
