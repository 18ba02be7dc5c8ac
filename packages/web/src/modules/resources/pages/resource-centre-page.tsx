import { CloudUploadOutlined, FilterOutlined, LoginOutlined, ReadOutlined } from '@ant-design/icons';
import { RESOURCE_MARKS, RESOURCE_TYPES, SUBJECTS, TERMS } from '@qiming/shared';
import { Alert, Button, Card, Col, Drawer, Empty, Grid, Pagination, Row, Segmented, Select, Skeleton, Space, Tree, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useIsVisitor, useSignInPath } from '../../../app/public-layout.tsx';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { gradeName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { ResourceCard } from '../components/resource-card.tsx';
import { editionName, markName, termName, typeName } from '../labels.ts';
import { useBook, useBooks, useCatalogueCounts, useForMe, useResources, type CatalogueFilter } from '../resources.api.ts';

const PAGE_SIZE = 12;

/** The filters, kept in the address so a view can be bookmarked and shared. */
function readFilter(p: URLSearchParams): CatalogueFilter & { page: number } {
  const n = (k: string) => (p.get(k) ? Number(p.get(k)) : undefined);
  const s = (k: string) => p.get(k) || undefined;
  const sort = p.get('sort');
  return {
    subject: s('subject'),
    gradeLevel: n('gradeLevel'),
    term: s('term'),
    edition: s('edition'),
    unitId: s('unitId'),
    type: s('type'),
    mark: s('mark'),
    sort: sort === 'popular' || sort === 'rating' ? sort : 'latest',
    page: n('page') ?? 1,
  };
}

/** Subject → grade → edition and volume → unit → lesson, with the number of resources at each unit. */
function CatalogueTree({ f, set }: { f: CatalogueFilter; set: (patch: Partial<CatalogueFilter>) => void }) {
  const t = useT();
  const books = useBooks();
  const editions = [...new Set((books.data ?? []).filter((b) => b.subject === f.subject).map((b) => b.edition))];
  const book = useBook({ edition: f.edition, subject: f.subject, gradeLevel: f.gradeLevel, term: f.term });
  const counts = useCatalogueCounts(f);
  const countOf = useMemo(() => new Map((counts.data?.units ?? []).map((u) => [u.unitId, u.count])), [counts.data]);
  const label = (title: string, id: string) => (
    <span>
      {title} <span style={{ color: '#8a94a6', fontSize: 12 }}>{countOf.get(id) ?? 0}</span>
    </span>
  );
  return (
    <Space orientation="vertical" size={10} style={{ width: '100%' }} data-testid="catalogue-tree">
      <Select
        data-testid="res-subject"
        placeholder={t('res_subject')}
        allowClear
        value={f.subject}
        onChange={(subject?: string) => set({ subject, unitId: undefined, edition: subject ? f.edition : undefined })}
        options={SUBJECTS.map((s) => ({ value: s, label: s }))}
        style={{ width: '100%' }}
      />
      <Select
        data-testid="res-grade"
        placeholder={t('res_grade')}
        allowClear
        value={f.gradeLevel}
        onChange={(gradeLevel?: number) => set({ gradeLevel, unitId: undefined })}
        options={[1, 2, 3, 4, 5, 6].map((g) => ({ value: g, label: gradeName(t, g) }))}
        style={{ width: '100%' }}
      />
      <Space.Compact style={{ width: '100%' }}>
        <Select
          placeholder={t('res_edition')}
          allowClear
          value={f.edition}
          onChange={(edition?: string) => set({ edition, unitId: undefined })}
          options={(editions.length ? editions : ['pep']).map((e) => ({ value: e, label: editionName(t, e) }))}
          style={{ width: '55%' }}
        />
        <Select
          data-testid="res-term"
          placeholder={t('res_term')}
          allowClear
          value={f.term}
          onChange={(term?: string) => set({ term, unitId: undefined })}
          options={TERMS.map((x) => ({ value: x, label: termName(t, x) }))}
          style={{ width: '45%' }}
        />
      </Space.Compact>
      {f.subject && f.gradeLevel && f.edition && f.term ? (
        book.isLoading ? (
          <Skeleton active />
        ) : book.data?.length ? (
          <Tree
            blockNode
            selectedKeys={f.unitId ? [f.unitId] : []}
            onSelect={(keys) => set({ unitId: (keys[0] as string | undefined) ?? undefined })}
            treeData={book.data.map((u) => ({
              key: u.id,
              title: label(u.title, u.id),
              children: u.children.map((l) => ({ key: l.id, title: label(l.title, l.id) })),
            }))}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('res_empty')} />
        )
      ) : (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('res_pick_unit')}：{t('res_subject')} → {t('res_grade')} → {t('res_edition')} / {t('res_term')}
        </Typography.Text>
      )}
    </Space>
  );
}

export function ResourceCentrePage() {
  const t = useT();
  const can = useCan();
  const isPhone = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const [drawer, setDrawer] = useState(false);
  const { page, ...f } = readFilter(params);
  const set = (patch: Partial<CatalogueFilter & { page: number }>) => {
    const next = { ...f, page: 1, ...patch };
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(next))
      if (v !== undefined && v !== '' && !(k === 'sort' && v === 'latest') && !(k === 'page' && v === 1)) out.set(k, String(v));
    setParams(out);
  };
  const list = useResources(f, page, PAGE_SIZE);
  const isTeacher = can('resource.contribute');
  const isVisitor = useIsVisitor();
  const signIn = useSignInPath();
  const forMe = useForMe(isTeacher && !f.subject && !f.type && !f.mark);
  const tree = <CatalogueTree f={f} set={set} />;

  return (
    <div data-testid="resource-centre">
      <PageTitle
        title={t('res_centre_title')}
        subtitle={t('res_centre_subtitle')}
        extra={
          <>
            <Link to="/resources/collections">
              <Button icon={<ReadOutlined />} data-testid="res-collections-button">
                {t('nav_resource_collections')}
              </Button>
            </Link>
            {isTeacher && (
              <Link to="/resources/upload">
                <Button type="primary" icon={<CloudUploadOutlined />} data-testid="res-upload-button">
                  {t('res_upload')}
                </Button>
              </Link>
            )}
          </>
        }
      />
      {isVisitor && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="res-visitor-hint"
          title={t('res_visitor_hint')}
          action={
            <Link to={signIn}>
              <Button size="small" type="primary" icon={<LoginOutlined />}>
                {t('login_submit')}
              </Button>
            </Link>
          }
        />
      )}
      <Row gutter={[16, 16]}>
        {!isPhone && (
          <Col md={7} lg={6}>
            <Card size="small" title={t('res_catalogue')}>
              {tree}
            </Card>
          </Col>
        )}
        <Col xs={24} md={17} lg={18}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
              {isPhone && (
                <Button icon={<FilterOutlined />} onClick={() => setDrawer(true)}>
                  {t('res_catalogue_open')}
                </Button>
              )}
              <Select
                data-testid="res-type"
                value={f.type ?? ''}
                onChange={(type: string) => set({ type: type || undefined })}
                options={[{ value: '', label: t('res_all_types') }, ...RESOURCE_TYPES.map((x) => ({ value: x, label: typeName(t, x) }))]}
                style={{ minWidth: 120 }}
              />
              <Select
                data-testid="res-mark"
                value={f.mark ?? ''}
                onChange={(mark: string) => set({ mark: mark || undefined })}
                options={[
                  { value: '', label: `${t('res_mark')}：${t('res_all_marks')}` },
                  ...RESOURCE_MARKS.map((x) => ({ value: x, label: markName(t, x) })),
                ]}
                style={{ minWidth: 150 }}
              />
              <Segmented
                value={f.sort}
                onChange={(sort) => set({ sort: sort as CatalogueFilter['sort'] })}
                options={[
                  { value: 'latest', label: t('res_sort_latest') },
                  { value: 'popular', label: t('res_sort_popular') },
                  { value: 'rating', label: t('res_sort_rating') },
                ]}
              />
            </div>
            {forMe.data && forMe.data.items.length > 0 && page === 1 && (
              <Card
                size="small"
                title={t('res_for_you')}
                data-testid="res-for-you"
                extra={
                  !isPhone && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('res_for_you_pairs', {
                        pairs: forMe.data.pairs.map((p) => `${p.subject}${p.gradeLevel ? gradeName(t, p.gradeLevel) : ''}`).join('、'),
                      })}
                    </Typography.Text>
                  )
                }
              >
                <Row gutter={[12, 12]}>
                  {forMe.data.items.slice(0, isPhone ? 2 : 4).map((r) => (
                    <Col key={r.id} xs={24} sm={12} xl={6}>
                      <ResourceCard r={r} />
                    </Col>
                  ))}
                </Row>
              </Card>
            )}
            {list.error ? (
              <LoadError error={list.error} onRetry={() => void list.refetch()} />
            ) : list.isLoading ? (
              <Skeleton active />
            ) : !list.data?.items.length ? (
              <Card>
                <Empty description={t(isVisitor ? 'res_empty_visitor' : 'res_empty')}>
                  {isTeacher && (
                    <Link to="/resources/upload">
                      <Button type="primary">{t('res_upload')}</Button>
                    </Link>
                  )}
                </Empty>
              </Card>
            ) : (
              <>
                <Typography.Text type="secondary" data-testid="res-total">
                  {t('res_total', { n: list.data.total })}
                </Typography.Text>
                <Row gutter={[12, 12]}>
                  {list.data.items.map((r) => (
                    <Col key={r.id} xs={24} sm={12} xl={8}>
                      <ResourceCard r={r} />
                    </Col>
                  ))}
                </Row>
                <Pagination
                  align="center"
                  current={page}
                  pageSize={PAGE_SIZE}
                  total={list.data.total}
                  showSizeChanger={false}
                  onChange={(p) => set({ ...f, page: p })}
                />
              </>
            )}
            <Alert type="info" showIcon title={t('res_search_hint')} />
          </Space>
        </Col>
      </Row>
      <Drawer open={drawer} onClose={() => setDrawer(false)} title={t('res_catalogue')} placement="left" size="default">
        {tree}
      </Drawer>
    </div>
  );
}
