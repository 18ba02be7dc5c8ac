import { DeleteOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import {
  DIFFICULTY_NAMES,
  ITEM_TYPE_NAMES,
  ITEM_TYPES,
  ZAssemblyConstraints,
  type ItemType,
  type TAssemblyConstraints,
  type TAssemblyResult,
  type TClassDoneItems,
} from '@qiming/shared';
import { Alert, App, Button, Form, InputNumber, Select, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, isAppError } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { useHome } from '../../home/home.api.ts';
import { issuesByPath } from '../item-draft.ts';
import { fetchItemSummaries, useAssemble, useBanks } from '../items.api.ts';
import { sectionsOfAssembly, type TPaperSectionDraft } from '../paper-draft.ts';
import { fieldStatus } from './interaction-editor.tsx';
import { KnowledgePointPicker } from './knowledge-point-tree.tsx';

type SectionSpec = { type: ItemType; count: number; scorePerItem: number };
const DEFAULT_SECTIONS: SectionSpec[] = [
  { type: 'single_choice', count: 5, scorePerItem: 4 },
  { type: 'fill_blank', count: 3, scorePerItem: 5 },
  { type: 'numeric', count: 2, scorePerItem: 10 },
];

/**
 * 智能组卷: the constraints (how many of each type and at what score, the expected total, the
 * difficulty mix, the knowledge points to cover, the classes whose done items to leave out) go to
 * the server's assembly; what it could not meet is listed before the teacher takes the proposal.
 */
export function AssemblyPanel({
  subject,
  grade,
  onUse,
}: {
  subject: string;
  grade: number;
  onUse: (sections: TPaperSectionDraft[]) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const banks = useBanks();
  const home = useHome();
  const assemble = useAssemble();
  const [sections, setSections] = useState<SectionSpec[]>(DEFAULT_SECTIONS);
  const [bankIds, setBankIds] = useState<string[]>([]);
  const [totalScore, setTotalScore] = useState<number | null>(100);
  const [mix, setMix] = useState<Record<string, number>>({ '1': 20, '2': 30, '3': 30, '4': 15, '5': 5 });
  const [kps, setKps] = useState<string[]>([]);
  const [classIds, setClassIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [result, setResult] = useState<TAssemblyResult | null>(null);
  const [excluded, setExcluded] = useState(0);
  const [using, setUsing] = useState(false);
  const planned = Math.round(sections.reduce((s, x) => s + x.count * x.scorePerItem, 0) * 100) / 100;

  const run = async () => {
    setResult(null);
    let excludeItemIds: string[] = [];
    try {
      const done = await Promise.all(classIds.map((id) => api.get<TClassDoneItems>(`/api/classes/${id}/done-items`)));
      excludeItemIds = [...new Set(done.flatMap((d) => d.itemIds))];
    } catch (e) {
      return void message.error(errorMessage(e));
    }
    setExcluded(excludeItemIds.length);
    const body = {
      subject,
      grade,
      bankIds,
      sections: sections.map((s, i) => ({ ...s, title: `${'一二三四五六七八九十'[i] ?? i + 1}、${ITEM_TYPE_NAMES[s.type]}` })),
      difficultyDistribution: Object.values(mix).some((v) => v > 0) ? mix : undefined,
      knowledgePointIds: kps,
      excludeItemIds,
      totalScore: totalScore ?? undefined,
      seed: Math.floor(Math.random() * 1_000_000),
    };
    const parsed = ZAssemblyConstraints.safeParse(body);
    if (!parsed.success) return setErrors(issuesByPath(parsed.error.issues));
    setErrors({});
    assemble.mutate(parsed.data as TAssemblyConstraints, {
      onSuccess: setResult,
      onError: (e) => {
        if (isAppError(e, 'VALIDATION_FAILED')) setErrors(issuesByPath(e.issues, ['body']));
        message.error(errorMessage(e));
      },
    });
  };

  const use = async () => {
    if (!result) return;
    setUsing(true);
    try {
      const ids = result.sections.flatMap((s) => s.items.map((i) => i.itemId));
      onUse(sectionsOfAssembly(result, await fetchItemSummaries(ids)));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setUsing(false);
    }
  };

  const setSection = (i: number, patch: Partial<SectionSpec>) => setSections((s) => s.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <div data-testid="assembly-panel">
      <Form layout="vertical" component="div">
        <Form.Item label={t('paper_auto_sections')} required {...fieldStatus(errors, 'sections', true)}>
          {sections.map((s, i) => (
            <Space key={i} wrap style={{ marginBottom: 6 }}>
              <Select
                style={{ width: 150 }}
                value={s.type}
                onChange={(type: ItemType) => setSection(i, { type })}
                options={ITEM_TYPES.map((x) => ({ value: x, label: ITEM_TYPE_NAMES[x] }))}
                data-testid={`auto-type-${i}`}
              />
              <InputNumber
                min={1}
                max={100}
                value={s.count}
                onChange={(n) => setSection(i, { count: n ?? 1 })}
                suffix={t('paper_items_unit')}
                style={{ width: 100 }}
                data-testid={`auto-count-${i}`}
              />
              <InputNumber
                min={0.5}
                max={200}
                value={s.scorePerItem}
                onChange={(n) => setSection(i, { scorePerItem: n ?? 1 })}
                suffix={t('paper_points_each')}
                style={{ width: 120 }}
                data-testid={`auto-score-${i}`}
              />
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('remove')}
                disabled={sections.length <= 1}
                onClick={() => setSections((x) => x.filter((_, j) => j !== i))}
              />
            </Space>
          ))}
          <div>
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => setSections((x) => [...x, { type: 'true_false', count: 2, scorePerItem: 2 }])}
              data-testid="auto-add-section"
            >
              {t('paper_auto_add_type')}
            </Button>
          </div>
        </Form.Item>
        <Space wrap align="start">
          <Form.Item label={t('paper_auto_total')} {...fieldStatus(errors, 'totalScore')} extra={t('paper_auto_planned', { n: planned })}>
            <InputNumber min={1} max={1000} value={totalScore} onChange={setTotalScore} style={{ width: 120 }} data-testid="auto-total" />
          </Form.Item>
          <Form.Item label={t('paper_auto_banks')} extra={t('paper_auto_banks_hint')}>
            <Select
              mode="multiple"
              allowClear
              style={{ minWidth: 220 }}
              value={bankIds}
              onChange={setBankIds}
              options={banks.data?.map((b) => ({ value: b.id, label: b.name }))}
            />
          </Form.Item>
        </Space>
        <Form.Item
          label={t('paper_auto_difficulty')}
          extra={t('paper_auto_difficulty_hint')}
          {...fieldStatus(errors, 'difficultyDistribution', true)}
        >
          <Space wrap>
            {[1, 2, 3, 4, 5].map((d) => (
              <InputNumber
                key={d}
                min={0}
                max={100}
                value={mix[String(d)] ?? 0}
                onChange={(n) => setMix((m) => ({ ...m, [String(d)]: n ?? 0 }))}
                prefix={DIFFICULTY_NAMES[d]}
                suffix="%"
                style={{ width: 118 }}
              />
            ))}
          </Space>
        </Form.Item>
        <Form.Item label={t('paper_auto_kps')} {...fieldStatus(errors, 'knowledgePointIds', true)}>
          <KnowledgePointPicker subject={subject} grade={grade} value={kps} onChange={setKps} testId="auto-kps" />
        </Form.Item>
        <Form.Item label={t('paper_auto_exclude')} extra={t('paper_auto_exclude_hint')}>
          <Select
            mode="multiple"
            allowClear
            value={classIds}
            onChange={setClassIds}
            loading={home.isLoading}
            notFoundContent={t('paper_no_classes')}
            options={(home.data?.classes ?? []).map((c) => ({ value: c.id, label: c.name }))}
            data-testid="auto-exclude"
          />
        </Form.Item>
        <Button
          type="primary"
          icon={<ThunderboltOutlined />}
          loading={assemble.isPending}
          onClick={() => void run()}
          data-testid="auto-run"
        >
          {t('paper_auto_run')}
        </Button>
      </Form>
      {result && (
        <div style={{ marginTop: 16 }} data-testid="auto-result">
          <Space size={24} wrap>
            <Statistic title={t('paper_auto_result_items')} value={result.sections.reduce((s, x) => s + x.items.length, 0)} />
            <Statistic title={t('paper_total')} value={result.totalScore} />
            <Statistic title={t('paper_auto_candidates')} value={result.candidates} />
            <Statistic title={t('paper_auto_elapsed')} value={result.elapsedMs} suffix="ms" />
          </Space>
          {excluded > 0 && <Typography.Paragraph type="secondary">{t('paper_auto_excluded', { n: excluded })}</Typography.Paragraph>}
          <div style={{ margin: '8px 0' }}>
            {Object.entries(result.difficultyAchieved).map(([d, n]) => (
              <Tag key={d}>
                {DIFFICULTY_NAMES[Number(d)]} {n}
              </Tag>
            ))}
          </div>
          {result.shortfalls.length ? (
            <Alert
              type="warning"
              showIcon
              data-testid="auto-shortfalls"
              title={t('paper_auto_unmet', { n: result.shortfalls.length })}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {result.shortfalls.map((s, i) => (
                    <li key={i}>
                      {s.message}（{t('paper_auto_wanted', { wanted: s.wanted, achieved: s.achieved })}）
                    </li>
                  ))}
                </ul>
              }
            />
          ) : (
            <Alert type="success" showIcon title={t('paper_auto_all_met')} />
          )}
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => void use()} loading={using} data-testid="auto-use">
              {t('paper_auto_use')}
            </Button>
            <Button onClick={() => void run()}>{t('paper_auto_again')}</Button>
          </Space>
        </div>
      )}
    </div>
  );
}
