import { FolderAddOutlined, LoginOutlined, ReadOutlined, TeamOutlined } from '@ant-design/icons';
import { COLLECTION_KINDS, GRADE_LEVELS, SUBJECTS, type TCollection } from '@qiming/shared';
import { Alert, Button, Card, Col, Empty, Row, Segmented, Select, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useIsVisitor, useSignInPath } from '../../../app/public-layout.tsx';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { formatDate, gradeName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { CollectionFormModal } from '../components/collection-form-modal.tsx';
import { audienceName, kindName } from '../labels.ts';
import { useCollections, type CollectionFilter } from '../resources.api.ts';

/** The filters, kept in the address. */
function readFilter(p: URLSearchParams): CollectionFilter {
  const kind = p.get('kind');
  const grade = Number(p.get('gradeLevel'));
  return {
    kind: kind && (COLLECTION_KINDS as readonly string[]).includes(kind) ? kind : undefined,
    subject: p.get('subject') || undefined,
    gradeLevel: Number.isInteger(grade) && grade >= 1 && grade <= 6 ? grade : undefined,
    community: p.get('community') || undefined,
    mine: p.get('mine') === 'true' || undefined,
  };
}

function CollectionCard({ c }: { c: TCollection }) {
  const t = useT();
  return (
    <Link to={`/resources/collections/${c.id}`} data-testid="collection-card" style={{ display: 'block', height: '100%' }}>
      <Card size="small" hoverable style={{ height: '100%' }} styles={{ body: { display: 'flex', flexDirection: 'column', gap: 6 } }}>
        <Space size={4} wrap>
          <Tag color={c.kind === 'directory' ? 'blue' : 'green'}>{kindName(t, c.kind)}</Tag>
          {c.subject && <Tag>{c.subject}</Tag>}
          {c.gradeLevel && <Tag>{gradeName(t, c.gradeLevel)}</Tag>}
          {c.community && (
            <Tag icon={<TeamOutlined />} color="purple">
              {c.community}
            </Tag>
          )}
        </Space>
        <Typography.Text strong style={{ fontSize: 15 }}>
          {c.title}
        </Typography.Text>
        {c.description && (
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0, fontSize: 13 }}>
            {c.description}
          </Typography.Paragraph>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12, marginTop: 'auto' }}>
          {t('res_collection_items', { n: c.itemCount })} · {audienceName(t, c.audience)} · {c.schoolName} · {formatDate(c.updatedAt)}
        </Typography.Text>
      </Card>
    </Link>
  );
}

/** 资源目录: directories by subject, grade and community, and teachers' themed collections. */
export function CollectionsPage() {
  const t = useT();
  const can = useCan();
  const navigate = useNavigate();
  const isVisitor = useIsVisitor();
  const signIn = useSignInPath();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const f = readFilter(params);
  const list = useCollections(f);
  const canCreate = can('resource.contribute') || can('resource.manage');
  const set = (patch: Partial<CollectionFilter>) => {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...f, ...patch })) if (v !== undefined && v !== '' && v !== false) out.set(k, String(v));
    setParams(out);
  };
  // the communities the directories on this page serve, to filter by one
  const communities = [...new Set((list.data ?? []).map((c) => c.community).filter(Boolean))];
  const isFiltered = !!(f.kind || f.subject || f.gradeLevel || f.community || f.mine);

  return (
    <div data-testid="collections-page">
      <PageTitle
        title={t('nav_resource_collections')}
        subtitle={t('res_coll_subtitle')}
        extra={
          canCreate && (
            <Button type="primary" icon={<FolderAddOutlined />} onClick={() => setCreating(true)} data-testid="collection-new">
              {t('res_coll_new')}
            </Button>
          )
        }
      />
      {isVisitor && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('res_coll_visitor_hint')}
          action={
            <Link to={signIn}>
              <Button size="small" type="primary" icon={<LoginOutlined />}>
                {t('login_submit')}
              </Button>
            </Link>
          }
        />
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center', marginBottom: 16 }}>
        <Segmented
          value={f.kind ?? ''}
          onChange={(kind) => set({ kind: (kind as string) || undefined })}
          options={[{ value: '', label: t('res_coll_all') }, ...COLLECTION_KINDS.map((k) => ({ value: k, label: kindName(t, k) }))]}
          data-testid="collection-kind"
        />
        <Select
          allowClear
          placeholder={t('res_subject')}
          value={f.subject}
          onChange={(subject?: string) => set({ subject })}
          options={SUBJECTS.map((s) => ({ value: s, label: s }))}
          style={{ minWidth: 110 }}
          data-testid="collection-subject"
        />
        <Select
          allowClear
          placeholder={t('res_grade')}
          value={f.gradeLevel}
          onChange={(gradeLevel?: number) => set({ gradeLevel })}
          options={GRADE_LEVELS.map((g) => ({ value: g, label: gradeName(t, g) }))}
          style={{ minWidth: 110 }}
        />
        {(communities.length > 0 || f.community) && (
          <Select
            allowClear
            placeholder={t('res_coll_community')}
            value={f.community}
            onChange={(community?: string) => set({ community })}
            options={[...new Set([...communities, ...(f.community ? [f.community] : [])])].map((c) => ({ value: c, label: c }))}
            style={{ minWidth: 150 }}
          />
        )}
        {!isVisitor && (
          <Space size={6}>
            <Switch size="small" checked={!!f.mine} onChange={(mine) => set({ mine: mine || undefined })} data-testid="collection-mine" />
            <Typography.Text>{t('res_coll_mine')}</Typography.Text>
          </Space>
        )}
      </div>
      {list.error ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isLoading ? (
        <Skeleton active />
      ) : !list.data?.length ? (
        <Card>
          <Empty
            image={<ReadOutlined style={{ fontSize: 40, color: '#bfc8d6' }} />}
            description={
              <span data-testid="collections-empty">
                {isFiltered ? t('res_coll_empty_filtered') : canCreate ? t('res_coll_empty_teacher') : t('res_coll_empty')}
              </span>
            }
          >
            {isFiltered ? (
              <Button onClick={() => setParams(new URLSearchParams())}>{t('res_coll_clear')}</Button>
            ) : canCreate ? (
              <Button type="primary" icon={<FolderAddOutlined />} onClick={() => setCreating(true)}>
                {t('res_coll_new')}
              </Button>
            ) : (
              <Link to="/resources">
                <Button>{t('nav_resources')}</Button>
              </Link>
            )}
          </Empty>
        </Card>
      ) : (
        <Row gutter={[12, 12]}>
          {list.data.map((c) => (
            <Col key={c.id} xs={24} sm={12} xl={8}>
              <CollectionCard c={c} />
            </Col>
          ))}
        </Row>
      )}
      {creating && (
        <CollectionFormModal
          open
          onClose={() => setCreating(false)}
          onSaved={(saved) => {
            setCreating(false);
            void navigate(`/resources/collections/${saved.id}`);
          }}
        />
      )}
    </div>
  );
}
