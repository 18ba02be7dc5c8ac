import { CloseOutlined, FilterOutlined } from '@ant-design/icons';
import { SEARCH_FACETS, type SearchFacet, type SearchSort, type TSearchFacetValue, type TSearchHit } from '@qiming/shared';
import { Alert, Button, Card, Col, Drawer, Grid, Pagination, Row, Segmented, Skeleton, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT, type MessageKey } from '../../../lib/i18n.ts';
import { formatDate } from '../../../lib/labels.ts';
import { Highlighted } from '../components/highlighted.tsx';
import { resultPath, SearchBox } from '../components/search-box.tsx';
import { FACET_PARAM, hasFilters, PAGE_SIZE, readSearchParams, useSearch, writeSearchParams, type SearchParams } from '../search.api.ts';

const FACET_LABEL: Record<SearchFacet, MessageKey> = {
  subject: 'search_facet_subject',
  grade: 'search_facet_grade',
  edition: 'search_facet_edition',
  unit: 'search_facet_unit',
  type: 'search_facet_type',
  level: 'search_facet_level',
  school: 'search_facet_school',
};

/** The facet lists: each value with its count; the chosen one is marked and can be cleared. */
function Facets({
  facets,
  params,
  onPick,
}: {
  facets: Record<SearchFacet, TSearchFacetValue[]>;
  params: SearchParams;
  onPick: (facet: SearchFacet, value: string | undefined) => void;
}) {
  const t = useT();
  const shown = SEARCH_FACETS.filter((f) => facets[f].length > 0);
  if (shown.length === 0) return <Typography.Text type="secondary">{t('search_facets_none')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="search-facets">
      {shown.map((f) => {
        const chosen = params[FACET_PARAM[f]];
        return (
          <div key={f} data-testid={`search-facet-${f}`}>
            <Typography.Text strong>{t(FACET_LABEL[f])}</Typography.Text>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 6 }}>
              {facets[f].slice(0, 12).map((v) => {
                const active = chosen !== undefined && String(chosen) === v.value;
                return (
                  <Tag.CheckableTag
                    key={v.value}
                    checked={active}
                    onChange={() => onPick(f, active ? undefined : v.value)}
                    style={{ border: '1px solid #e0e6ee', marginInlineEnd: 0 }}
                  >
                    {v.label} <span style={{ opacity: 0.65 }}>{v.count.toLocaleString()}</span>
                  </Tag.CheckableTag>
                );
              })}
            </div>
          </div>
        );
      })}
    </Space>
  );
}

function Hit({ hit }: { hit: TSearchHit }) {
  const t = useT();
  const f = hit.facets;
  const tags = [f.subject, f.grade ? t('search_grade_n', { grade: f.grade }) : null, f.term, f.edition, f.type, f.level].filter(Boolean);
  return (
    <div data-testid="search-hit" style={{ padding: '12px 0', borderBottom: '1px solid #f0f0f0' }}>
      <Link to={resultPath(hit.kind, hit.refId)} style={{ fontSize: 16, fontWeight: 500 }}>
        <Highlighted text={hit.highlightedTitle} />
      </Link>
      {hit.snippet && (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 6px' }} ellipsis={{ rows: 2 }}>
          <Highlighted text={hit.snippet} />
        </Typography.Paragraph>
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, alignItems: 'center' }}>
        {tags.map((x) => (
          <Tag key={x} style={{ marginInlineEnd: 0 }}>
            {x}
          </Tag>
        ))}
        {hit.visibility === 'scoped' && (
          <Tag color="orange" style={{ marginInlineEnd: 0 }}>
            {t('search_scoped')}
          </Tag>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {[hit.schoolName, hit.author, formatDate(hit.publishedAt)].filter(Boolean).join(' · ')}
        </Typography.Text>
      </div>
    </div>
  );
}

/** 一站式检索: one box over every resource the user may see, with facets, highlights and paging. */
export function SearchPage() {
  const t = useT();
  const [search, setSearch] = useSearchParams();
  const params = readSearchParams(search);
  const active = params.q !== '' || hasFilters(params);
  const result = useSearch(params, active);
  const isPhone = Grid.useBreakpoint().md === false;
  const [facetsOpen, setFacetsOpen] = useState(false);

  const update = (patch: Partial<SearchParams>) => setSearch(writeSearchParams({ ...params, page: 1, ...patch }));
  const pick = (facet: SearchFacet, value: string | undefined) =>
    update({ [FACET_PARAM[facet]]: facet === 'grade' && value ? Number(value) : value } as Partial<SearchParams>);
  const clearFilters = () => update(Object.fromEntries(SEARCH_FACETS.map((f) => [FACET_PARAM[f], undefined])));

  const data = result.data;
  const chosen = data
    ? SEARCH_FACETS.flatMap((f) => {
        const v = params[FACET_PARAM[f]];
        if (v === undefined) return [];
        const label = data.facets[f].find((x) => x.value === String(v))?.label ?? String(v);
        return [{ facet: f, label }];
      })
    : [];
  const facetPanel = data && <Facets facets={data.facets} params={params} onPick={pick} />;

  return (
    <div data-testid="search-page">
      <PageTitle title={t('search_title')} subtitle={t('search_subtitle')} />
      <div style={{ maxWidth: 760, marginBottom: 16 }}>
        <SearchBox size="large" initial={params.q} onSearch={(q) => update({ q })} autoFocus={!params.q} />
      </div>
      {!active ? (
        <Card>
          <Typography.Paragraph>{t('search_intro')}</Typography.Paragraph>
          <Space wrap>
            {['分数的初步认识 课件', '草船借箭 教学设计', '圆的面积 ppt', '三年级 数学 单元测试', 'fs'].map((q) => (
              <Button key={q} onClick={() => update({ q })} data-testid="search-example">
                {q}
              </Button>
            ))}
          </Space>
        </Card>
      ) : result.isError ? (
        <LoadError error={result.error} onRetry={() => void result.refetch()} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <Row gutter={[24, 16]}>
          {!isPhone && (
            <Col md={7} lg={6}>
              <Card size="small" title={t('search_refine')}>
                {facetPanel}
              </Card>
            </Col>
          )}
          <Col xs={24} md={17} lg={18}>
            <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginBottom: 12 }}>
              <Typography.Text data-testid="search-total">
                {t('search_total', { total: data.total.toLocaleString(), ms: Math.round(data.took) })}
              </Typography.Text>
              <div style={{ flex: 1 }} />
              {isPhone && (
                <Button icon={<FilterOutlined />} onClick={() => setFacetsOpen(true)} data-testid="search-facets-toggle">
                  {t('search_refine')}
                </Button>
              )}
              <Segmented<SearchSort>
                value={params.sort}
                onChange={(sort) => update({ sort })}
                options={[
                  { value: 'relevance', label: t('search_sort_relevance') },
                  { value: 'newest', label: t('search_sort_newest') },
                  { value: 'popular', label: t('search_sort_popular') },
                ]}
              />
            </div>
            {chosen.length > 0 && (
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginBottom: 12 }}>
                {chosen.map((c) => (
                  <Tag key={c.facet} color="blue" closable closeIcon={<CloseOutlined />} onClose={() => pick(c.facet, undefined)}>
                    {t(FACET_LABEL[c.facet])}：{c.label}
                  </Tag>
                ))}
                <Button type="link" size="small" onClick={clearFilters}>
                  {t('search_clear_filters')}
                </Button>
              </div>
            )}
            {data.matched === 'any' && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                title={t('search_matched_any', { terms: data.terms.map((x) => x.term).join(' ') })}
              />
            )}
            {data.total === 0 ? (
              <Card data-testid="search-empty">
                <Typography.Title level={5}>{t('search_empty_title', { q: params.q })}</Typography.Title>
                <ul style={{ paddingInlineStart: 20, marginBottom: 0 }}>
                  {hasFilters(params) && (
                    <li>
                      {t('search_empty_filters')}{' '}
                      <Button type="link" size="small" onClick={clearFilters} data-testid="search-empty-clear">
                        {t('search_clear_filters')}
                      </Button>
                    </li>
                  )}
                  <li>{t('search_empty_fewer_words')}</li>
                  <li>{t('search_empty_other_words')}</li>
                  <li>{t('search_empty_pinyin')}</li>
                </ul>
              </Card>
            ) : (
              <>
                <Spin spinning={result.isFetching}>
                  {data.hits.map((h) => (
                    <Hit key={`${h.kind}:${h.refId}`} hit={h} />
                  ))}
                </Spin>
                <Pagination
                  style={{ marginTop: 16, textAlign: 'center' }}
                  current={params.page}
                  pageSize={PAGE_SIZE}
                  total={Math.min(data.total, PAGE_SIZE * 50)}
                  showSizeChanger={false}
                  simple={isPhone}
                  onChange={(page) => setSearch(writeSearchParams({ ...params, page }))}
                />
              </>
            )}
          </Col>
        </Row>
      )}
      <Drawer open={isPhone && facetsOpen} onClose={() => setFacetsOpen(false)} title={t('search_refine')} placement="bottom" size="70%">
        {facetPanel}
      </Drawer>
    </div>
  );
}
