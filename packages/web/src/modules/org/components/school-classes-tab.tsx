import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { TClass, TSchool } from '@qiming/shared';
import { App, Button, Popconfirm, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyHint, LoadError } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { gradeName } from '../../../lib/labels.ts';
import { useDeleteClass, useSchoolClasses } from '../org.api.ts';
import { ClassFormModal } from './class-form-modal.tsx';

export function SchoolClassesTab({ school }: { school: TSchool }) {
  const t = useT();
  const { message } = App.useApp();
  const classes = useSchoolClasses(school.id);
  const remove = useDeleteClass(school.id);
  const [creating, setCreating] = useState(false);
  const canManage = school.policies.canManageClasses;

  if (classes.isError) return <LoadError error={classes.error} onRetry={() => void classes.refetch()} />;
  return (
    <>
      {canManage && (
        <div className="qm-toolbar">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-class-button">
            {t('class_create')}
          </Button>
        </div>
      )}
      <Table<TClass>
        rowKey="id"
        size="middle"
        loading={classes.isPending}
        dataSource={classes.data}
        scroll={{ x: 940 }}
        pagination={(classes.data?.length ?? 0) > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: <EmptyHint text={canManage ? t('classes_empty_manage') : t('classes_empty')} /> }}
        onRow={() => ({ 'data-testid': 'class-row' }) as object}
        columns={[
          {
            title: t('class_name'),
            dataIndex: 'name',
            fixed: 'left',
            width: 150,
            render: (name: string, c) => <Link to={`/classes/${c.id}`}>{name}</Link>,
          },
          { title: t('class_grade'), dataIndex: 'gradeLevel', width: 90, render: (g: number) => gradeName(t, g) },
          { title: t('class_entry_year'), dataIndex: 'entryYear', width: 96 },
          { title: t('class_unit'), dataIndex: 'unitName', width: 140 },
          {
            title: t('head_teacher'),
            dataIndex: 'headTeacher',
            width: 110,
            render: (h: TClass['headTeacher']) => h?.name ?? <Tag>{t('not_set')}</Tag>,
          },
          {
            title: t('class_teachers'),
            dataIndex: 'teachers',
            width: 220,
            ellipsis: { showTitle: false },
            render: (list: TClass['teachers']) => {
              if (!list.length) return <Typography.Text type="secondary">{t('not_set')}</Typography.Text>;
              const text = list.map((a) => `${a.subject} ${a.teacher.name}`).join('、');
              return (
                <Tooltip title={text}>
                  <span>{text}</span>
                </Tooltip>
              );
            },
          },
          { title: t('stat_students'), dataIndex: 'studentCount', width: 80, align: 'right' },
          ...(canManage
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, c: TClass) =>
                    c.studentCount > 0 ? (
                      <Tooltip title={t('class_delete_not_empty')}>
                        <Button type="text" size="small" icon={<DeleteOutlined />} disabled aria-label={t('delete')} />
                      </Tooltip>
                    ) : (
                      <Popconfirm
                        title={t('class_delete_confirm', { name: c.name })}
                        okText={t('delete')}
                        okButtonProps={{ danger: true }}
                        onConfirm={() =>
                          remove.mutateAsync(c.id).then(
                            () => void message.success(t('class_deleted', { name: c.name })),
                            (e: unknown) => void message.error(errorMessage(e)),
                          )
                        }
                      >
                        <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('delete')} />
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
      <ClassFormModal schoolId={school.id} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
