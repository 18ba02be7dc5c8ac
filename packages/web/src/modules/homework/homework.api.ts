import type {
  TAssessmentResults,
  TAssignmentAnalysis,
  TAssignmentDetail,
  TAssignmentSummary,
  TAttempt,
  TCreateAssessmentRequest,
  TGradeItemRequest,
  TGradingOverview,
  TGradingQueue,
  TMastery,
  TMyAssignment,
  TPracticeAnswerResult,
  TPracticeSet,
  TPupilReport,
  TSaveResponsesResult,
  TWrongItem,
} from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paged } from '../../lib/api.ts';

export const hwKeys = {
  assignments: (p: object) => ['homework', 'assignments', p] as const,
  assignment: (id: string) => ['homework', 'assignment', id] as const,
  analysis: (id: string, classId?: string) => ['homework', 'analysis', id, classId ?? 'all'] as const,
  grading: (id: string) => ['homework', 'grading', id] as const,
  queue: (id: string, key: string) => ['homework', 'grading', id, key] as const,
  mine: (filter: string, kind?: string) => ['homework', 'mine', filter, kind ?? 'all'] as const,
  child: (id: string) => ['homework', 'child', id] as const,
  attempt: (id: string) => ['homework', 'attempt', id] as const,
  wrong: (userId: string, status: string, page: number) => ['homework', 'wrong', userId, status, page] as const,
  mastery: (userId: string) => ['homework', 'mastery', userId] as const,
  report: (id: string, pupilId: string) => ['homework', 'report', id, pupilId] as const,
  assessments: (page: number) => ['homework', 'assessments', page] as const,
  results: (id: string) => ['homework', 'results', id] as const,
};

export type TPaperOption = { id: string; title: string; subject: string; grade: number; itemCount: number; totalScore: number };
export type TCreateAssignmentInput = {
  kind: 'homework' | 'test';
  title: string;
  paperId: string;
  classIds: string[];
  groupIds?: string[];
  studentIds?: string[];
  opensAt: string;
  closesAt: string;
  timeLimitMinutes: number | null;
  maxAttempts: number;
  shuffleItems: boolean;
  shuffleOptions: boolean;
  showAnswers: 'immediately' | 'after_close' | 'never';
  instructions?: string;
};

export const useAssignments = (p: { classId?: string; state?: string; page: number; pageSize: number }) =>
  useQuery({
    queryKey: hwKeys.assignments(p),
    queryFn: () => api.get<Paged<TAssignmentSummary>>('/api/assignments', p),
    placeholderData: keepPreviousData,
  });

export const useAssignment = (id: string) =>
  useQuery({ queryKey: hwKeys.assignment(id), queryFn: () => api.get<TAssignmentDetail>(`/api/assignments/${id}`) });

export const usePapers = (enabled: boolean) =>
  useQuery({
    queryKey: ['items', 'papers', 'for-assigning'],
    queryFn: () => api.get<Paged<TPaperOption>>('/api/papers', { page: 1, pageSize: 100 }),
    enabled,
  });

export function useCreateAssignment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateAssignmentInput) => api.post<TAssignmentSummary>('/api/assignments', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['homework', 'assignments'] }),
  });
}

export const useAnalysis = (id: string, classId?: string) =>
  useQuery({
    queryKey: hwKeys.analysis(id, classId),
    queryFn: () => api.get<TAssignmentAnalysis>(`/api/assignments/${id}/analysis`, { classId }),
  });

export const useGradingOverview = (id: string) =>
  useQuery({ queryKey: hwKeys.grading(id), queryFn: () => api.get<TGradingOverview>(`/api/assignments/${id}/grading`) });

export const useGradingQueue = (id: string, key: string | null) =>
  useQuery({
    queryKey: hwKeys.queue(id, key ?? ''),
    queryFn: () => api.get<TGradingQueue>(`/api/assignments/${id}/grading/${encodeURIComponent(key!)}`),
    enabled: !!key,
  });

export function useGradeItem(assignmentId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ attemptId, key, body }: { attemptId: string; key: string; body: TGradeItemRequest }) =>
      api.put<{ score: number; attemptScore: number | null; pendingManual: number }>(
        `/api/attempts/${attemptId}/grades/${encodeURIComponent(key)}`,
        body,
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: hwKeys.grading(assignmentId) });
      void client.invalidateQueries({ queryKey: ['homework', 'analysis', assignmentId] });
    },
  });
}

export const useMyAssignments = (filter: 'todo' | 'done' | 'all', kind?: string) =>
  useQuery({ queryKey: hwKeys.mine(filter, kind), queryFn: () => api.get<TMyAssignment[]>('/api/my/assignments', { filter, kind }) });

export const useChildAssignments = (childId: string) =>
  useQuery({
    queryKey: hwKeys.child(childId),
    queryFn: () => api.get<TMyAssignment[]>(`/api/students/${childId}/assignments`, { filter: 'all' }),
  });

export const startAttempt = (assignmentId: string) =>
  api.post<TAttempt & { resumed: boolean }>(`/api/my/assignments/${assignmentId}/attempts`);
export const fetchAttempt = (attemptId: string) => api.get<TAttempt>(`/api/attempts/${attemptId}`);
export const saveResponses = (attemptId: string, responses: Record<string, unknown>) =>
  api.put<TSaveResponsesResult>(`/api/attempts/${attemptId}/responses`, { responses });
export const submitAttempt = (attemptId: string, submitKey: string, responses: Record<string, unknown>) =>
  api.post<TAttempt>(`/api/attempts/${attemptId}/submit`, { submitKey, responses });

export const useAttempt = (id: string | undefined) =>
  useQuery({ queryKey: hwKeys.attempt(id ?? ''), queryFn: () => fetchAttempt(id!), enabled: !!id });

export const useWrongItems = (userId: string, status: 'open' | 'mastered' | 'all', page: number, childId?: string) =>
  useQuery({
    queryKey: hwKeys.wrong(childId ?? userId, status, page),
    queryFn: () =>
      api.get<Paged<TWrongItem>>(childId ? `/api/students/${childId}/wrong-items` : '/api/my/wrong-items', { status, page, pageSize: 10 }),
    placeholderData: keepPreviousData,
  });

export const useMastery = (userId: string, childId?: string) =>
  useQuery({
    queryKey: hwKeys.mastery(childId ?? userId),
    queryFn: () => api.get<TMastery[]>(childId ? `/api/students/${childId}/mastery` : '/api/my/mastery'),
  });

export const useStartPractice = () =>
  useMutation({
    mutationFn: (body: { source: 'wrong_items' | 'weak_points'; itemId?: string; count?: number }) =>
      api.post<TPracticeSet>('/api/my/practice', body),
  });

export function usePracticeAnswer(setId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { key: string; response: Record<string, unknown> }) =>
      api.post<TPracticeAnswerResult>(`/api/my/practice/${setId}/answers`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['homework', 'wrong'] });
      void client.invalidateQueries({ queryKey: ['homework', 'mastery'] });
    },
  });
}

export const usePupilReport = (id: string, pupilId: string) =>
  useQuery({
    queryKey: hwKeys.report(id, pupilId),
    queryFn: () => api.get<TPupilReport>(`/api/assignments/${id}/pupils/${pupilId}/report`),
  });

export const useAssessments = (page: number) =>
  useQuery({
    queryKey: hwKeys.assessments(page),
    queryFn: () => api.get<Paged<TAssignmentSummary>>('/api/assessments', { page, pageSize: 20 }),
  });

export function useCreateAssessment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<TCreateAssessmentRequest, 'opensAt' | 'closesAt'> & { opensAt: string; closesAt: string }) =>
      api.post<TAssignmentSummary>('/api/assessments', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['homework', 'assessments'] }),
  });
}

export const useAssessmentResults = (id: string) =>
  useQuery({ queryKey: hwKeys.results(id), queryFn: () => api.get<TAssessmentResults>(`/api/assessments/${id}/results`) });

export type TBankOption = { id: string; name: string; itemCount: number };
export const useBanks = (enabled: boolean) =>
  useQuery({ queryKey: ['items', 'banks', 'for-assessment'], queryFn: () => api.get<TBankOption[]>('/api/item-banks'), enabled });
