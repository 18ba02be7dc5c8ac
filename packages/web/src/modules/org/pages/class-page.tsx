import { CrownOutlined, DeleteOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { SUBJECTS, type TClass, type TStudent } from '@qiming/shared';
import { App, Button, Card, Col, Descriptions, Popconfirm, Row, Skeleton, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { gradeName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { AssignTeacherModal, HeadTeacherModal } from '../components/class-staff-modals.tsx';
import { MoveStudentModal, type MoveTarget } from '../components/move-student-modal.tsx';
import { studentColumns } from '../components/school-students-tab.tsx';
import { StudentFormModal } from '../components/student-form-modal.tsx';
import { useClass, useClassStudents, useRemoveTeacher } from '../org.api.ts';

type Assignment = TClass['teachers'][number];
const subjectOrder = (s: string) => {
  const i = (SUBJECTS as readonly string[]).indexOf(s);
  return i < 0 ? SUBJECTS.length : i;
};

function ClassTeachers({ klass }: { klass: TClass }) {
  const t = useT();
  const { message } = App.useApp();
  const remove = useRemoveTeacher(klass.id);
  const [assigning, setAssigning] = useState(false);
  const [settingHead, setSettingHead] = useState(false);
  const canManage = klass.policies.canManage;
  const rows = [...klass.teachers].sort((a, b) => subjectOrder(a.subject) - subjectOrder(b.subject));

  return (
    <Card title={t('class_teachers')} style={{ marginBottom: 16 }}>
      {canManage && (
        <div className="qm-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAssigning(true)} data-testid="assign-teacher-button">
            {t('assign_teacher')}
          </Button>
          <Button icon={<CrownOutlined />} onClick={() => setSettingHead(true)} data-testid="set-head-teacher-button">
            {t('head_teacher_set_button')}
          </Button>
        </div>
      )}
      <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t('head_teacher')}>
          {klass.headTeacher ? (
            <Tag icon={<CrownOutlined />} color="gold">
              {klass.headTeacher.name}
            </Tag>
          ) : (
            <Tag>{t('not_set')}</Tag>
          )}
        </Descriptions.Item>
      </Descriptions>
      <Table<Assignment>
        rowKey="assignmentId"
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 320 }}
        locale={{ emptyText: <EmptyHint text={canManage ? t('class_teachers_empty_manage') : t('class_teachers_empty')} /> }}
        columns={[
          { title: t('subject'), dataIndex: 'subject', width: 120, render: (s: string) => <Tag color="blue">{s}</Tag> },
          { title: t('teacher'), key: 'teacher', render: (_: unknown, a) => a.teacher.name },
          ...(canManage
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, a: Assignment) => (
                    <Popconfirm
                      title={t('unassign_confirm', { subject: a.subject, name: a.teacher.name })}
                      okText={t('remove')}
                      okButtonProps={{ danger: true }}
                      onConfirm={() =>
                        remove.mutateAsync(a.assignmentId).then(
                          () => void message.success(t('teacher_unassigned')),
                          (e: unknown) => void message.error(errorMessage(e)),
                        )
                      }
                    >
                      <Button type="link" danger size="small" icon={<DeleteOutlined />}>
                        {t('remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      <AssignTeacherModal klass={klass} open={assigning} onClose={() => setAssigning(false)} />
      <HeadTeacherModal klass={klass} open={settingHead} onClose={() => setSettingHead(false)} />
    </Card>
  );
}

function ClassStudents({ klass }: { klass: TClass }) {
  const t = useT();
  const can = useCan();
  const students = useClassStudents(klass.id, can('roster.read'));
  const [moving, setMoving] = useState<MoveTarget | null>(null);
  const [creating, setCreating] = useState(false);
  const canMove = can('roster.manage');
  if (!can('roster.read')) return null;

  return (
    <Card
      title={t('class_students_title', { count: students.data?.length ?? klass.studentCount })}
      extra={
        canMove && (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-student-button">
            {t('student_create')}
          </Button>
        )
      }
    >
      {students.isError ? (
        <LoadError error={students.error} onRetry={() => void students.refetch()} />
      ) : (
        <Table<TStudent>
          rowKey="id"
          size="middle"
          loading={students.isPending}
          dataSource={students.data}
          scroll={{ x: 700 }}
          pagination={(students.data?.length ?? 0) > 60 ? { pageSize: 60, showSizeChanger: false } : false}
          locale={{ emptyText: <EmptyHint text={canMove ? t('class_students_empty_manage') : t('class_students_empty')} /> }}
          onRow={() => ({ 'data-testid': 'student-row' }) as object}
          columns={[
            ...studentColumns(t, { showClass: false }),
            ...(canMove
              ? [
                  {
                    title: t('actions'),
                    key: 'actions',
                    width: 90,
                    render: (_: unknown, s: TStudent) => (
                      <Button
                        type="link"
                        size="small"
                        icon={<SwapOutlined />}
                        data-testid="move-student-button"
                        onClick={() => setMoving({ id: s.id, name: s.name, schoolId: s.schoolId, classId: s.classId })}
                      >
                        {t('move')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {moving && <MoveStudentModal student={moving} onClose={() => setMoving(null)} />}
      <StudentFormModal schoolId={klass.schoolId} classId={klass.id} open={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}

/** A class: who teaches what, its head teacher, and its pupils (with 调班). */
export function ClassPage() {
  const t = useT();
  const { classId = '' } = useParams();
  const klass = useClass(classId);

  if (klass.isPending)
    return (
      <Card>
        <Skeleton active />
      </Card>
    );
  if (klass.isError) return <LoadError error={klass.error} onRetry={() => void klass.refetch()} />;
  const c = klass.data;

  return (
    <>
      <PageTitle title={c.name} subtitle={<Link to={`/schools/${c.schoolId}`}>{c.schoolName}</Link>} back />
      <Card style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col xs={24}>
            <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }}>
              <Descriptions.Item label={t('class_grade')}>{gradeName(t, c.gradeLevel)}</Descriptions.Item>
              <Descriptions.Item label={t('class_no')}>{c.classNo}</Descriptions.Item>
              <Descriptions.Item label={t('class_entry_year')}>{c.entryYear}</Descriptions.Item>
              <Descriptions.Item label={t('class_unit')}>{c.unitName}</Descriptions.Item>
            </Descriptions>
          </Col>
        </Row>
      </Card>
      <ClassTeachers klass={c} />
      <ClassStudents klass={c} />
    </>
  );
}
