import { PlusOutlined, SwapOutlined } from '@ant-design/icons';
import type { TStudentDetail } from '@qiming/shared';
import { Button, Card, Col, Descriptions, Row, Skeleton, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { formatDate, genderName, relationName, studentStatusName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { AddGuardianModal } from '../components/add-guardian-modal.tsx';
import { MaskedIdCard } from '../components/masked-id-card.tsx';
import { MoveStudentModal } from '../components/move-student-modal.tsx';
import { useStudent } from '../org.api.ts';

type Guardian = TStudentDetail['guardians'][number];

/** A student's record: identity, guardians, and every class they have been in. */
export function StudentPage() {
  const t = useT();
  const can = useCan();
  const { studentId = '' } = useParams();
  const student = useStudent(studentId);
  const [adding, setAdding] = useState(false);
  const [moving, setMoving] = useState(false);

  if (student.isPending)
    return (
      <Card>
        <Skeleton active />
      </Card>
    );
  if (student.isError) return <LoadError error={student.error} onRetry={() => void student.refetch()} />;
  const s = student.data;
  const canManage = can('roster.manage');
  const canOpenClass = can('org.read');
  const history = [...s.classHistory].sort((a, b) => b.from.localeCompare(a.from));

  return (
    <>
      <PageTitle
        title={s.name}
        subtitle={s.className ?? t('home_no_class_yet')}
        back
        extra={
          canManage &&
          s.classId && (
            <Button icon={<SwapOutlined />} onClick={() => setMoving(true)} data-testid="move-student-button">
              {t('move')}
            </Button>
          )
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('student_info')}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('student_no')}>{s.studentNo}</Descriptions.Item>
              <Descriptions.Item label={t('person_gender')}>{genderName(t, s.gender)}</Descriptions.Item>
              <Descriptions.Item label={t('student_class')}>
                {s.classId && canOpenClass ? <Link to={`/classes/${s.classId}`}>{s.className}</Link> : (s.className ?? '—')}
              </Descriptions.Item>
              <Descriptions.Item label={t('student_status')}>{studentStatusName(t, s.status)}</Descriptions.Item>
              <Descriptions.Item label={t('student_birth_date')}>{s.birthDate ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('username')}>{s.username}</Descriptions.Item>
              <Descriptions.Item label={t('person_id_card')}>
                <MaskedIdCard value={s.idCard} />
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card
            title={t('guardians')}
            style={{ marginTop: 16 }}
            extra={
              canManage && (
                <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-guardian-button">
                  {t('guardian_add')}
                </Button>
              )
            }
          >
            <Table<Guardian>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={s.guardians}
              scroll={{ x: 420 }}
              locale={{ emptyText: <EmptyHint text={canManage ? t('guardians_empty_manage') : t('guardians_empty')} /> }}
              onRow={() => ({ 'data-testid': 'guardian-row' }) as object}
              columns={[
                {
                  title: t('person_name'),
                  dataIndex: 'name',
                  render: (n: string, g) => (
                    <>
                      {n} {g.isPrimary && <Tag color="blue">{t('guardian_primary')}</Tag>}
                    </>
                  ),
                },
                {
                  title: t('guardian_relation'),
                  dataIndex: 'relation',
                  width: 120,
                  render: (r: Guardian['relation']) => relationName(t, r),
                },
                { title: t('person_phone'), dataIndex: 'phone', width: 140, render: (p: string | null) => p ?? '—' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('class_history')}>
            {history.length === 0 ? (
              <EmptyHint text={t('class_history_empty')} />
            ) : (
              <Timeline
                items={history.map((h) => ({
                  color: h.to ? 'gray' : 'green',
                  content: (
                    <>
                      <Typography.Text strong>{h.className}</Typography.Text>
                      <div>
                        {formatDate(h.from)} — {h.to ? formatDate(h.to) : t('class_history_now')}
                      </div>
                      {h.reason && <Typography.Text type="secondary">{h.reason}</Typography.Text>}
                    </>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
      <AddGuardianModal studentId={s.id} studentName={s.name} open={adding} onClose={() => setAdding(false)} />
      {moving && (
        <MoveStudentModal student={{ id: s.id, name: s.name, schoolId: s.schoolId, classId: s.classId }} onClose={() => setMoving(false)} />
      )}
    </>
  );
}
