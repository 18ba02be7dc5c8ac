import {
  BankOutlined,
  BookOutlined,
  CrownOutlined,
  EditOutlined,
  IdcardOutlined,
  RightOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { Role, THome } from '@qiming/shared';
import { Card, Col, List, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT, type MessageKey, type Translate } from '../../../lib/i18n.ts';
import { gradeName, roleName } from '../../../lib/labels.ts';
import { AppLauncher } from '../../apps/components/app-launcher.tsx';
import { ChildHomeworkLine, PupilHomeworkCard, TeacherHomeworkCard } from '../../homework/components/homework-todo.tsx';
import { useCan, useCurrentUser } from '../../identity/identity.api.ts';
import { ReviewTodo } from '../../resources/components/review-todo.tsx';
import { useHome } from '../home.api.ts';

// ECharts is a large bundle: loaded only when an administrator's home draws a chart
const EChart = lazy(async () => ({ default: (await import('../../../lib/echart.tsx')).EChart }));

const STAT_LABELS: Record<string, MessageKey> = {
  schools: 'stat_schools',
  teaching_points: 'stat_teaching_points',
  classes: 'stat_classes',
  teachers: 'stat_teachers',
  students: 'stat_students',
};
const statLabel = (t: Translate) => (s: THome['stats'][number]) => (STAT_LABELS[s.key] ? t(STAT_LABELS[s.key]) : s.label);

const DUTIES: Partial<Record<Role, { text: MessageKey; to?: string }[]>> = {
  sys_admin: [{ text: 'duty_sys_org', to: '/org' }, { text: 'duty_sys_users', to: '/users' }, { text: 'duty_sys_limits' }],
  sec_admin: [{ text: 'duty_sec_policy', to: '/security' }, { text: 'duty_sec_grants', to: '/grants' }, { text: 'duty_sec_limits' }],
  audit_admin: [{ text: 'duty_audit_search', to: '/audit' }, { text: 'duty_audit_verify', to: '/audit' }, { text: 'duty_audit_limits' }],
};

const cardGrid = { xs: 24, sm: 12, lg: 8 } as const;

function TeacherClasses({ home }: { home: THome }) {
  const t = useT();
  if (!home.classes.length)
    return (
      <Card>
        <EmptyHint text={t('home_no_classes')} />
      </Card>
    );
  return (
    <Row gutter={[16, 16]}>
      {home.classes.map((c) => {
        const card = (
          <Link to={`/classes/${c.id}`} data-testid="class-card" aria-label={c.name}>
            <Card
              hoverable
              title={c.name}
              extra={
                <Space size={4}>
                  {c.isHeadTeacher && (
                    <Tag color="gold" icon={<CrownOutlined />} style={{ marginInlineEnd: 0 }}>
                      {t('head_teacher_badge')}
                    </Tag>
                  )}
                  <RightOutlined />
                </Space>
              }
            >
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                <Typography.Text type="secondary">
                  <BankOutlined /> {c.schoolName}
                </Typography.Text>
                <div>
                  {c.subjects.length ? (
                    c.subjects.map((s) => (
                      <Tag key={s} color="blue">
                        {s}
                      </Tag>
                    ))
                  ) : (
                    <Typography.Text type="secondary">{t('home_no_subject')}</Typography.Text>
                  )}
                </div>
                <Typography.Text>
                  <TeamOutlined /> {t('home_student_count', { count: c.studentCount })}
                </Typography.Text>
              </Space>
            </Card>
          </Link>
        );
        return (
          <Col key={c.id} {...cardGrid}>
            {card}
          </Col>
        );
      })}
    </Row>
  );
}

function ParentChildren({ home }: { home: THome }) {
  const t = useT();
  if (!home.children.length)
    return (
      <Card>
        <EmptyHint text={t('home_no_children')} />
      </Card>
    );
  return (
    <Row gutter={[16, 16]}>
      {home.children.map((child) => (
        <Col key={child.id} {...cardGrid}>
          <Card
            data-testid="child-card"
            aria-label={child.name}
            actions={[
              <Link key="record" to={`/students/${child.id}`} data-testid="child-record">
                <IdcardOutlined /> {t('home_child_record')}
              </Link>,
              <Link key="homework" to="/children/homework" data-testid="child-homework">
                <EditOutlined /> {t('home_child_homework')}
              </Link>,
              <Link key="wrong" to={`/children/${child.id}/wrong-items`}>
                <BookOutlined /> {t('hw_wrong_book')}
              </Link>,
            ]}
          >
            <Card.Meta
              avatar={<UserOutlined style={{ fontSize: 28, color: '#1f6fd1' }} />}
              title={child.name}
              description={
                <>
                  {child.schoolName}
                  <br />
                  {child.className ?? t('home_no_class_yet')}
                  <br />
                  <ChildHomeworkLine childId={child.id} />
                </>
              }
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function StudentClass({ home, studentId }: { home: THome; studentId: string }) {
  const t = useT();
  return (
    <Row gutter={[16, 16]}>
      {home.classes.map((c) => (
        <Col key={c.id} {...cardGrid}>
          <Card title={t('home_my_class')} data-testid="class-card">
            <Typography.Title level={4} style={{ marginTop: 0 }}>
              {c.name}
            </Typography.Title>
            <Typography.Text type="secondary">{c.schoolName}</Typography.Text>
          </Card>
        </Col>
      ))}
      {!home.classes.length && (
        <Col span={24}>
          <Card>
            <EmptyHint text={t('home_student_no_class')} />
          </Card>
        </Col>
      )}
      <Col {...cardGrid}>
        <Link to={`/students/${studentId}`}>
          <Card hoverable title={t('home_my_record')} extra={<RightOutlined />}>
            <Typography.Text type="secondary">{t('home_my_record_hint')}</Typography.Text>
          </Card>
        </Link>
      </Col>
    </Row>
  );
}

function AdminStats({ home }: { home: THome }) {
  const t = useT();
  const label = statLabel(t);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        {home.stats.map((s) => (
          <Col key={s.key} xs={12} sm={8} lg={Math.max(4, Math.floor(24 / Math.max(home.stats.length, 1)))}>
            <Card data-testid={`stat-${s.key}`}>
              <Statistic title={label(s)} value={s.value} />
            </Card>
          </Col>
        ))}
      </Row>
      {home.studentsByGrade.length > 0 && (
        <Card title={t('home_students_by_grade')}>
          <Suspense fallback={<Skeleton active />}>
            <StudentsByGrade data={home.studentsByGrade} />
          </Suspense>
        </Card>
      )}
      {home.school && (
        <Card>
          <Link to={`/schools/${home.school.id}`}>
            <BankOutlined /> {t('home_open_school', { name: home.school.name })} <RightOutlined />
          </Link>
        </Card>
      )}
    </Space>
  );
}

/** One quantity on one scale: the counts of schools, classes and pupils are the cards above, not bars. */
function StudentsByGrade({ data }: { data: THome['studentsByGrade'] }) {
  const t = useT();
  const labels = data.map((d) => gradeName(t, d.grade));
  const values = data.map((d) => d.count);
  return (
    <EChart
      height={240}
      label={labels.map((l, i) => `${l} ${values[i]}`).join('，')}
      option={{
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'category', data: labels, axisTick: { show: false }, axisLabel: { interval: 0 } },
        yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#edf1f6' } } },
        series: [{ type: 'bar', data: values, barMaxWidth: 40, itemStyle: { color: '#1f6fd1', borderRadius: [6, 6, 0, 0] } }],
      }}
    />
  );
}

function Duties({ role }: { role: Role }) {
  const t = useT();
  const duties = DUTIES[role];
  if (!duties) return null;
  return (
    <Card title={t('home_duties')}>
      <List
        dataSource={duties}
        renderItem={(d) => (
          <List.Item
            extra={
              d.to ? (
                <Link to={d.to}>
                  {t('open')} <RightOutlined />
                </Link>
              ) : undefined
            }
          >
            {t(d.text)}
          </List.Item>
        )}
      />
    </Card>
  );
}

export function HomePage() {
  const t = useT();
  const me = useCurrentUser();
  const home = useHome();
  const can = useCan();
  const role = me.activeRole;
  const place = home.data?.school?.name ?? home.data?.region?.name;

  return (
    <>
      <PageTitle
        title={t('home_greeting', { name: me.displayName })}
        subtitle={role ? [roleName(t, role), place].filter(Boolean).join(' · ') : undefined}
      />
      {!role && (
        <Card>
          <EmptyHint text={t('home_no_role')} />
        </Card>
      )}
      {role && home.isPending && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {role && home.isError && <LoadError error={home.error} onRetry={() => void home.refetch()} />}
      {role && home.data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {can('resource.review') && <ReviewTodo />}
          {role === 'student' && <PupilHomeworkCard />}
          {(role === 'teacher' || role === 'head_teacher') && <TeacherClasses home={home.data} />}
          {(role === 'teacher' || role === 'head_teacher') && <TeacherHomeworkCard />}
          {role === 'parent' && <ParentChildren home={home.data} />}
          {role === 'student' && <StudentClass home={home.data} studentId={me.id} />}
          <AppLauncher />
          {home.data.stats.length > 0 && <AdminStats home={home.data} />}
          <Duties role={role} />
        </Space>
      )}
    </>
  );
}
