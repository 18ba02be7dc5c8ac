import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { TTeacher } from '@qiming/shared';
import { Button, Input, Table, Tag } from 'antd';
import { useState } from 'react';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { useT } from '../../../lib/i18n.ts';
import { genderName } from '../../../lib/labels.ts';
import { useCan } from '../../identity/identity.api.ts';
import { useSchoolTeachers } from '../org.api.ts';
import { EditTeacherModal, TeacherFormModal } from './teacher-form-modal.tsx';

export function SchoolTeachersTab({ schoolId }: { schoolId: string }) {
  const t = useT();
  const can = useCan();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<TTeacher | null>(null);
  const pageSize = 20;
  const teachers = useSchoolTeachers(schoolId, { q: q || undefined, page, pageSize });
  const canManage = can('roster.manage');

  return (
    <>
      <div className="qm-toolbar">
        <Input.Search
          allowClear
          placeholder={t('teachers_search_placeholder')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ maxWidth: 280 }}
        />
        {canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-teacher-button">
            {t('teacher_create')}
          </Button>
        )}
      </div>
      {teachers.isError ? (
        <LoadError error={teachers.error} onRetry={() => void teachers.refetch()} />
      ) : (
        <Table<TTeacher>
          rowKey="id"
          size="middle"
          loading={teachers.isFetching}
          dataSource={teachers.data?.items}
          scroll={{ x: 720 }}
          locale={{ emptyText: <EmptyHint text={q ? t('no_match') : canManage ? t('teachers_empty_manage') : t('teachers_empty')} /> }}
          pagination={{ current: page, pageSize, total: teachers.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          onRow={() => ({ 'data-testid': 'teacher-row' }) as object}
          columns={[
            { title: t('person_name'), dataIndex: 'name', fixed: 'left', width: 100 },
            { title: t('person_gender'), dataIndex: 'gender', width: 64, render: (g: TTeacher['gender']) => (g ? genderName(t, g) : '—') },
            { title: t('teacher_staff_no'), dataIndex: 'staffNo', width: 110 },
            { title: t('username'), dataIndex: 'username', width: 130 },
            {
              title: t('teacher_subjects'),
              dataIndex: 'subjects',
              render: (list: string[]) =>
                list.map((s) => (
                  <Tag key={s} color="blue">
                    {s}
                  </Tag>
                )),
            },
            { title: t('person_phone'), dataIndex: 'phone', width: 130, render: (p: string | null) => p ?? '—' },
            ...(canManage
              ? [
                  {
                    title: t('actions'),
                    key: 'actions',
                    width: 90,
                    render: (_: unknown, teacher: TTeacher) => (
                      <Button
                        type="link"
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => setEditing(teacher)}
                        data-testid="teacher-edit"
                      >
                        {t('edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <TeacherFormModal schoolId={schoolId} open={creating} onClose={() => setCreating(false)} />
      {editing && <EditTeacherModal key={editing.id} teacher={editing} open onClose={() => setEditing(null)} />}
    </>
  );
}
