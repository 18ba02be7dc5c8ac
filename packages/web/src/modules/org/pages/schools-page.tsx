import { PlusOutlined } from '@ant-design/icons';
import type { TSchool } from '@qiming/shared';
import { Button, Card, Input, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useCan } from '../../identity/identity.api.ts';
import { CreateSchoolModal } from '../components/school-form-modals.tsx';
import { useSchools } from '../org.api.ts';

/** The schools and teaching points in the user's scope; a user with only one goes straight to it. */
export function SchoolsPage() {
  const t = useT();
  const navigate = useNavigate();
  const can = useCan();
  const [creating, setCreating] = useState(false);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const schools = useSchools({ q: q || undefined, page, pageSize });

  const only = !q && page === 1 && schools.data?.total === 1 ? schools.data.items[0] : null;
  useEffect(() => {
    if (only) void navigate(`/schools/${only.id}`, { replace: true });
  }, [only, navigate]);

  return (
    <>
      <PageTitle
        title={t('nav_schools')}
        extra={
          can('org.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-school-button">
              {t('school_create')}
            </Button>
          )
        }
      />
      {can('org.manage') && <CreateSchoolModal open={creating} onClose={() => setCreating(false)} />}
      <Card>
        <div className="qm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('schools_search_placeholder')}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            style={{ maxWidth: 320 }}
            data-testid="schools-search"
          />
        </div>
        {schools.isError ? (
          <LoadError error={schools.error} onRetry={() => void schools.refetch()} />
        ) : (
          <Table<TSchool>
            rowKey="id"
            size="middle"
            loading={schools.isFetching}
            dataSource={schools.data?.items}
            scroll={{ x: 760 }}
            locale={{ emptyText: <EmptyHint text={q ? t('schools_none_match') : t('schools_empty')} /> }}
            pagination={{ current: page, pageSize, total: schools.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            columns={[
              {
                title: t('school_name'),
                dataIndex: 'name',
                render: (name: string, s) => (
                  <>
                    <Link to={`/schools/${s.id}`}>{name}</Link>{' '}
                    {s.kind === 'teaching_point' && <Tag color="purple">{t('org_kind_teaching_point')}</Tag>}
                    {s.isCentral && <Tag color="green">{t('org_central_school')}</Tag>}
                  </>
                ),
              },
              { title: t('school_code'), dataIndex: 'code', width: 130 },
              { title: t('school_district'), dataIndex: 'districtName', width: 140 },
              { title: t('stat_classes'), dataIndex: 'classCount', width: 80, align: 'right' },
              { title: t('stat_teachers'), dataIndex: 'teacherCount', width: 80, align: 'right' },
              { title: t('stat_students'), dataIndex: 'studentCount', width: 96, align: 'right' },
            ]}
          />
        )}
      </Card>
    </>
  );
}
