import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { TSchool } from '@qiming/shared';
import { Button, Card, Col, Descriptions, Row, Skeleton, Statistic, Tabs, Tag } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { useCan } from '../../identity/identity.api.ts';
import { SchoolClassesTab } from '../components/school-classes-tab.tsx';
import { CreateCampusModal, CreateTeachingPointModal, EditSchoolModal } from '../components/school-form-modals.tsx';
import { SchoolStudentsTab } from '../components/school-students-tab.tsx';
import { SchoolTeachersTab } from '../components/school-teachers-tab.tsx';
import { useSchool } from '../org.api.ts';

const RosterPanel = lazy(async () => ({ default: (await import('../../roster/index.ts')).RosterPanel }));

function SchoolSummary({ school }: { school: TSchool }) {
  const t = useT();
  return (
    <Card style={{ marginBottom: 16 }}>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={14}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('school_code')}>{school.code}</Descriptions.Item>
            <Descriptions.Item label={t('school_district')}>{school.districtName}</Descriptions.Item>
            {school.centralSchoolId && (
              <Descriptions.Item label={t('school_central')}>
                <Link to={`/schools/${school.centralSchoolId}`}>{school.centralSchoolName}</Link>
              </Descriptions.Item>
            )}
            {school.address && <Descriptions.Item label={t('school_address')}>{school.address}</Descriptions.Item>}
          </Descriptions>
        </Col>
        <Col xs={24} md={10}>
          <Row gutter={8}>
            <Col span={8}>
              <Statistic title={t('stat_classes')} value={school.classCount} />
            </Col>
            <Col span={8}>
              <Statistic title={t('stat_teachers')} value={school.teacherCount} />
            </Col>
            <Col span={8}>
              <Statistic title={t('stat_students')} value={school.studentCount} />
            </Col>
          </Row>
        </Col>
      </Row>
    </Card>
  );
}

type SchoolDialog = 'edit' | 'teaching-point' | 'campus' | null;

/** What a bureau admin may do to the school itself: edit it; under a central school, add teaching points and campuses. */
function SchoolActions({ school }: { school: TSchool }) {
  const t = useT();
  const [dialog, setDialog] = useState<SchoolDialog>(null);
  const close = () => setDialog(null);
  const central = school.kind === 'school' && school.isCentral;
  return (
    <>
      <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="edit-school-button">
        {t('school_edit')}
      </Button>
      {central && (
        <>
          <Button icon={<PlusOutlined />} onClick={() => setDialog('teaching-point')} data-testid="create-teaching-point-button">
            {t('teaching_point_create')}
          </Button>
          <Button icon={<PlusOutlined />} onClick={() => setDialog('campus')} data-testid="create-campus-button">
            {t('campus_create')}
          </Button>
        </>
      )}
      <EditSchoolModal school={school} open={dialog === 'edit'} onClose={close} />
      {central && (
        <>
          <CreateTeachingPointModal schoolId={school.id} open={dialog === 'teaching-point'} onClose={close} />
          <CreateCampusModal schoolId={school.id} open={dialog === 'campus'} onClose={close} />
        </>
      )}
    </>
  );
}

/** A school: its classes, teachers and students, and roster import/export, one tab each. */
export function SchoolPage() {
  const t = useT();
  const can = useCan();
  const { schoolId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const school = useSchool(schoolId);

  if (school.isPending)
    return (
      <Card>
        <Skeleton active />
      </Card>
    );
  if (school.isError) return <LoadError error={school.error} onRetry={() => void school.refetch()} />;
  const s = school.data;

  const tabs = [
    { key: 'classes', label: t('tab_classes'), children: <SchoolClassesTab school={s} /> },
    ...(can('roster.read')
      ? [
          { key: 'teachers', label: t('tab_teachers'), children: <SchoolTeachersTab schoolId={s.id} /> },
          { key: 'students', label: t('tab_students'), children: <SchoolStudentsTab schoolId={s.id} /> },
        ]
      : []),
    ...(can('roster.manage')
      ? [
          {
            key: 'roster',
            label: t('nav_roster'),
            children: (
              <Suspense fallback={<Skeleton active />}>
                <RosterPanel schoolId={s.id} />
              </Suspense>
            ),
          },
        ]
      : []),
  ];
  const requested = params.get('tab');
  const active = tabs.some((tab) => tab.key === requested) ? requested! : 'classes';

  return (
    <>
      <PageTitle
        title={
          <>
            {s.name} {s.kind === 'teaching_point' && <Tag color="purple">{t('org_kind_teaching_point')}</Tag>}
            {s.isCentral && <Tag color="green">{t('org_central_school')}</Tag>}
          </>
        }
        extra={s.policies.canEdit && <SchoolActions school={s} />}
      />
      <SchoolSummary school={s} />
      <Card>
        <Tabs
          activeKey={active}
          destroyOnHidden
          onChange={(key) =>
            setParams(
              (p) => {
                p.set('tab', key);
                return p;
              },
              { replace: true },
            )
          }
          items={tabs.map((tab) => ({ ...tab, label: <span data-testid={`school-tab-${tab.key}`}>{tab.label}</span> }))}
        />
      </Card>
    </>
  );
}
