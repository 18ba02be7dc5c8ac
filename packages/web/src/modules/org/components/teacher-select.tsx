import { Select, type SelectProps } from 'antd';
import { useT } from '../../../lib/i18n.ts';
import { useSchoolTeachers } from '../org.api.ts';

/** Picks a teacher of one school (searching by name or staff number), optionally those of one subject first. */
export function TeacherSelect({
  schoolId,
  subject,
  ...props
}: { schoolId: string; subject?: string } & Omit<SelectProps<string>, 'options'>) {
  const t = useT();
  const teachers = useSchoolTeachers(schoolId, { page: 1, pageSize: 200 });
  const items = [...(teachers.data?.items ?? [])].sort((a, b) =>
    subject ? Number(b.subjects.includes(subject)) - Number(a.subjects.includes(subject)) : 0,
  );
  return (
    <Select<string>
      showSearch={{ optionFilterProp: 'label' }}
      loading={teachers.isPending}
      placeholder={t('teacher_select_placeholder')}
      notFoundContent={t('teachers_empty')}
      options={items.map((tc) => ({
        value: tc.id,
        label: `${tc.name}（${tc.staffNo}${tc.subjects.length ? ` · ${tc.subjects.join('、')}` : ''}）`,
      }))}
      {...props}
    />
  );
}
