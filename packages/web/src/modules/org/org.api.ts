import type {
  GuardianRelation,
  TClass,
  TCreateClassRequest,
  TCreateSchoolRequest,
  TCreateStudentRequest,
  TOrgUnit,
  TSchool,
  TStudent,
  TStudentDetail,
  TTeacher,
  TUpdateTeacherRequest,
} from '@qiming/shared';
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

export const orgKeys = {
  units: (parentId: string | null) => ['org', 'units', parentId ?? 'roots'] as const,
  schools: (params: SchoolListParams) => ['schools', 'list', params] as const,
  school: (id: string) => ['schools', id] as const,
  schoolClasses: (id: string) => ['schools', id, 'classes'] as const,
  schoolStudents: (id: string, params: RosterParams) => ['schools', id, 'students', params] as const,
  schoolTeachers: (id: string, params: RosterParams) => ['schools', id, 'teachers', params] as const,
  klass: (id: string) => ['classes', id] as const,
  classStudents: (id: string) => ['classes', id, 'students'] as const,
  student: (id: string) => ['students', id] as const,
};

export type SchoolListParams = { q?: string; regionId?: string; page: number; pageSize: number };
export type RosterParams = { q?: string; classId?: string; page: number; pageSize: number };
export type TCreateTeacherInput = {
  name: string;
  gender: 'male' | 'female';
  staffNo: string;
  phone: string;
  subjects: string[];
  idCard?: string;
};
export type TAddGuardianInput = { name: string; phone: string; relation: GuardianRelation; isPrimary: boolean };

export const fetchUnits = (parentId: string | null) => api.get<TOrgUnit[]>('/api/org/units', parentId ? { parentId } : undefined);

/** Children of a node of the organisation tree (the roots the user may see when parentId is null). */
export const useOrgUnits = (parentId: string | null, enabled = true) =>
  useQuery({ queryKey: orgKeys.units(parentId), queryFn: () => fetchUnits(parentId), enabled, staleTime: 60_000 });

/** For lazy trees: the same cache as useOrgUnits, fetched on demand. */
export const loadUnits = (client: QueryClient, parentId: string | null) =>
  client.fetchQuery({ queryKey: orgKeys.units(parentId), queryFn: () => fetchUnits(parentId), staleTime: 60_000 });

export const useSchools = (params: SchoolListParams, enabled = true) =>
  useQuery({
    queryKey: orgKeys.schools(params),
    queryFn: () => api.get<Paged<TSchool>>('/api/schools', params),
    placeholderData: keepPreviousData,
    enabled,
  });

export const useSchool = (id: string) => useQuery({ queryKey: orgKeys.school(id), queryFn: () => api.get<TSchool>(`/api/schools/${id}`) });

export const useSchoolClasses = (schoolId: string | undefined) =>
  useQuery({
    queryKey: orgKeys.schoolClasses(schoolId ?? ''),
    queryFn: () => api.get<TClass[]>(`/api/schools/${schoolId}/classes`),
    enabled: !!schoolId,
  });

export const useSchoolStudents = (schoolId: string, params: RosterParams) =>
  useQuery({
    queryKey: orgKeys.schoolStudents(schoolId, params),
    queryFn: () => api.get<Paged<TStudent>>(`/api/schools/${schoolId}/students`, params),
    placeholderData: keepPreviousData,
  });

export const useSchoolTeachers = (schoolId: string | undefined, params: RosterParams) =>
  useQuery({
    queryKey: orgKeys.schoolTeachers(schoolId ?? '', params),
    queryFn: () =>
      api.get<Paged<TTeacher>>(`/api/schools/${schoolId}/teachers`, { q: params.q, page: params.page, pageSize: params.pageSize }),
    placeholderData: keepPreviousData,
    enabled: !!schoolId,
  });

export const useClass = (id: string) => useQuery({ queryKey: orgKeys.klass(id), queryFn: () => api.get<TClass>(`/api/classes/${id}`) });

export const useClassStudents = (id: string, enabled = true) =>
  useQuery({ queryKey: orgKeys.classStudents(id), queryFn: () => api.get<TStudent[]>(`/api/classes/${id}/students`), enabled });

export const useStudent = (id: string) =>
  useQuery({ queryKey: orgKeys.student(id), queryFn: () => api.get<TStudentDetail>(`/api/students/${id}`) });

/**
 * The districts in the user's scope, for a picker: a district admin's root is the district itself;
 * a city admin's districts are the children of kind district of the city root(s).
 */
export function useDistricts(enabled = true) {
  const roots = useOrgUnits(null, enabled);
  const parents = (roots.data ?? []).filter((u) => u.kind !== 'district' && u.hasChildren);
  const children = useQueries({
    queries: parents.map((p) => ({ queryKey: orgKeys.units(p.id), queryFn: () => fetchUnits(p.id), enabled, staleTime: 60_000 })),
  });
  const units = [...(roots.data ?? []), ...children.flatMap((c) => c.data ?? [])];
  return {
    districts: units.filter((u) => u.kind === 'district'),
    isPending: roots.isPending || children.some((c) => c.isPending),
  };
}

export type TUpdateSchoolInput = { name?: string; isCentral?: boolean; address?: string };
export type TCreateTeachingPointInput = { name: string; code: string; address: string };

/** A new, moved or renamed school changes the school lists and the organisation tree. */
function invalidateSchools(client: QueryClient) {
  void client.invalidateQueries({ queryKey: ['schools'] });
  void client.invalidateQueries({ queryKey: ['org'] });
}

export function useCreateSchool() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateSchoolRequest) => api.post<TSchool>('/api/schools', body),
    onSuccess: () => invalidateSchools(client),
  });
}

export function useUpdateSchool(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateSchoolInput) => api.patch<TSchool>(`/api/schools/${schoolId}`, body),
    onSuccess: (school) => {
      client.setQueryData(orgKeys.school(schoolId), school);
      invalidateSchools(client);
    },
  });
}

export function useCreateTeachingPoint(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateTeachingPointInput) => api.post<TSchool>(`/api/schools/${schoolId}/teaching-points`, body),
    onSuccess: () => invalidateSchools(client),
  });
}

export function useCreateCampus(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string }) => api.post<TOrgUnit>(`/api/schools/${schoolId}/campuses`, body),
    onSuccess: () => invalidateSchools(client),
  });
}

export function useCreateClass(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateClassRequest) => api.post<TClass>(`/api/schools/${schoolId}/classes`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: orgKeys.school(schoolId) }),
  });
}

export function useDeleteClass(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (classId: string) => api.delete(`/api/classes/${classId}`),
    onSuccess: () => client.invalidateQueries({ queryKey: orgKeys.school(schoolId) }),
  });
}

/** Mutations on one class answer with the updated class: put it in the cache as is. */
function useClassMutation<V>(classId: string, send: (v: V) => Promise<TClass>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (klass) => {
      client.setQueryData(orgKeys.klass(classId), klass);
      void client.invalidateQueries({ queryKey: orgKeys.schoolClasses(klass.schoolId) });
      void client.invalidateQueries({ queryKey: ['home'] });
    },
  });
}

export const useAssignTeacher = (classId: string) =>
  useClassMutation(classId, (body: { teacherId: string; subject: string }) => api.post<TClass>(`/api/classes/${classId}/teachers`, body));
export const useRemoveTeacher = (classId: string) =>
  useClassMutation(classId, (assignmentId: string) => api.delete<TClass>(`/api/classes/${classId}/teachers/${assignmentId}`));
export const useSetHeadTeacher = (classId: string) =>
  useClassMutation(classId, (teacherId: string) => api.put<TClass>(`/api/classes/${classId}/head-teacher`, { teacherId }));

export function useCreateStudent(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateStudentRequest) => api.post<TStudent>(`/api/schools/${schoolId}/students`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: orgKeys.school(schoolId) });
      void client.invalidateQueries({ queryKey: ['classes'] });
    },
  });
}

export function useCreateTeacher(schoolId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateTeacherInput) => api.post<TTeacher>(`/api/schools/${schoolId}/teachers`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: orgKeys.school(schoolId) }),
  });
}

export function useUpdateTeacher(teacher: Pick<TTeacher, 'id' | 'schoolId'>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TUpdateTeacherRequest) => api.patch<TTeacher>(`/api/teachers/${teacher.id}`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: orgKeys.school(teacher.schoolId) }),
  });
}

/** Student mutations answer with the updated student; class lists they touch go stale. */
function useStudentMutation<V>(studentId: string, send: (v: V) => Promise<TStudentDetail>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (student) => {
      client.setQueryData(orgKeys.student(studentId), student);
      void client.invalidateQueries({ queryKey: ['classes'] });
      void client.invalidateQueries({ queryKey: orgKeys.school(student.schoolId) });
    },
  });
}

export const useMoveStudent = (studentId: string) =>
  useStudentMutation(studentId, (body: { classId: string; reason: string }) =>
    api.post<TStudentDetail>(`/api/students/${studentId}/move`, body),
  );
export const useAddGuardian = (studentId: string) =>
  useStudentMutation(studentId, (body: TAddGuardianInput) => api.post<TStudentDetail>(`/api/students/${studentId}/guardians`, body));
