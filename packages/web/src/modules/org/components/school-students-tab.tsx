import { PlusOutlined } from '@ant-design/icons';
import type { StudentStatus, TStudent } from '@qiming/shared';
import { Button, Input, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { genderName, studentStatusName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { useSchoolClasses, useSchoolStudents } from '../org.api.ts';
import { MaskedIdCard } from './masked-id-card.tsx';
import { StudentFormModal } from './student-form-modal.tsx';

const STATUS_COLORS: Record<StudentStatus, string> = {
  enrolled: 'green',
  transferred_out: 'default',
  suspended: 'orange',
  graduated: 'blue',
  dropped_out: 'red',
};

/** Student columns shared by the school's and a class's student lists. */
export function studentColumns(t: ReturnType<typeof useT>, { showClass = true } = {}) {
  return [
    { title: t('student_no'), dataIndex: 'studentNo', width: 110, fixed: 'left' as const },
    {
      title: t('person_name'),
      dataIndex: 'name',
      width: 100,
      render: (name: string, s: TStudent) => <Link to={`/students/${s.id}`}>{name}</Link>,
    },
    { title: t('person_gender'), dataIndex: 'gender', width: 64, render: (g: TStudent['gender']) => genderName(t, g) },
    ...(showClass ? [{ title: t('student_class'), dataIndex: 'className', width: 120, render: (c: string | null) => c ?? '—' }] : []),
    { title: t('person_id_card'), dataIndex: 'idCard', width: 230, render: (v: string | null) => <MaskedIdCard value={v} /> },
    {
      title: t('student_status'),
      dataIndex: 'status',
      width: 80,
      render: (s: StudentStatus) => <Tag color={STATUS_COLORS[s]}>{studentStatusName(t, s)}</Tag>,
    },
  ];
}

export function SchoolStudentsTab({ schoolId }: { schoolId: string }) {
  const t = useT();
  const can = useCan();
  const [q, setQ] = useState('');
  const [classId, setClassId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const pageSize = 20;
  const classes = useSchoolClasses(schoolId);
  const students = useSchoolStudents(schoolId, { q: q || undefined, classId, page, pageSize });
  const canManage = can('roster.manage');

  return (
    <>
      <div className="qm-toolbar">
        <Input.Search
          allowClear
          placeholder={t('students_search_placeholder')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ maxWidth: 280 }}
          data-testid="students-search"
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('students_filter_class')}
          value={classId}
          onChange={(v?: string) => {
            setClassId(v);
            setPage(1);
          }}
          options={(classes.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          style={{ minWidth: 180 }}
          data-testid="students-class-filter"
        />
        {canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-student-button">
            {t('student_create')}
          </Button>
        )}
      </div>
      {students.isError ? (
        <LoadError error={students.error} onRetry={() => void students.refetch()} />
      ) : (
        <Table<TStudent>
          rowKey="id"
          size="middle"
          loading={students.isFetching}
          dataSource={students.data?.items}
          scroll={{ x: 760 }}
          locale={{
            emptyText: <EmptyHint text={q || classId ? t('no_match') : canManage ? t('students_empty_manage') : t('students_empty')} />,
          }}
          pagination={{
            current: page,
            pageSize,
            total: students.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t('total_count', { count: n }),
          }}
          onRow={() => ({ 'data-testid': 'student-row' }) as object}
          columns={studentColumns(t)}
        />
      )}
      <StudentFormModal schoolId={schoolId} open={creating} onClose={() => setCreating(false)} classId={classId} />
    </>
  );
}
