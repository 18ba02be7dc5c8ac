import type { TSchool } from '@qiming/shared';
import { Card, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { EmptyHint, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useHome } from '../../home/home.api.ts';
import { useSchools } from '../../org/org.api.ts';
import { RosterPanel } from '../components/roster-panel.tsx';

/** 名单导入导出: pick a school (a school administrator has one, chosen already), then import or export. */
export function RosterPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState('');
  const home = useHome();
  const schools = useSchools({ q: q || undefined, page: 1, pageSize: 50 });
  const schoolId = params.get('schoolId') ?? undefined;
  const setSchool = (id: string | undefined) =>
    setParams(
      (p) => {
        if (id) p.set('schoolId', id);
        else p.delete('schoolId');
        return p;
      },
      { replace: true },
    );

  // the home school, or the only school in scope, is the obvious choice
  const fallback = home.data?.school?.id ?? (schools.data?.total === 1 && !q ? schools.data.items[0].id : undefined);
  useEffect(() => {
    if (!schoolId && fallback) setSchool(fallback);
  }, [schoolId, fallback]);

  const options = (schools.data?.items ?? []).map((s: TSchool) => ({ value: s.id, label: `${s.name}（${s.code}）` }));
  if (schoolId && home.data?.school?.id === schoolId && !options.some((o) => o.value === schoolId))
    options.unshift({ value: schoolId, label: home.data.school.name });

  return (
    <>
      <PageTitle title={t('nav_roster')} subtitle={t('roster_subtitle')} />
      <Card style={{ marginBottom: 16 }} size="small">
        <Space wrap>
          <Typography.Text>{t('roster_school')}</Typography.Text>
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            value={schoolId}
            onChange={setSchool}
            placeholder={t('roster_school_placeholder')}
            options={options}
            loading={schools.isFetching}
            style={{ minWidth: 280 }}
            data-testid="roster-school"
          />
        </Space>
      </Card>
      {schoolId ? (
        <RosterPanel schoolId={schoolId} />
      ) : home.isPending || schools.isPending ? (
        <Skeleton active />
      ) : (
        <Card>
          <EmptyHint text={t('roster_pick_school')} />
        </Card>
      )}
    </>
  );
}
