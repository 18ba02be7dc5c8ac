import {
  presentItemForPupil,
  type TAssignmentSummary,
  type TAttempt,
  type TItemContent,
  type TItemResult,
  type TMyAssignment,
} from '@qiming/shared';
import { answersVisible, windowState } from './attempt-lifecycle.ts';
import type { AssignmentRow, AttemptRow, ResponseRow } from './homework.repository.ts';
import type { SnapshotItem } from './paper-snapshot.ts';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const round2 = (x: number) => Math.round(x * 100) / 100;

export type AssignmentExtras = {
  classes: { id: string; name: string; wholeClass: boolean; groupName: string | null }[];
  progress: { recipients: number; submitted: number; pending: number; average: number | null } | undefined;
  createdByName: string;
  canManage: boolean;
};

export function presentAssignmentSummary(a: AssignmentRow, x: AssignmentExtras, now = new Date()): TAssignmentSummary {
  return {
    id: a.id,
    kind: a.kind,
    title: a.title,
    subject: a.subject,
    opensAt: iso(a.opens_at)!,
    closesAt: iso(a.closes_at)!,
    timeLimitMinutes: a.time_limit_minutes,
    maxAttempts: a.max_attempts,
    showAnswers: a.show_answers,
    shuffleItems: a.shuffle_items,
    shuffleOptions: a.shuffle_options,
    maxScore: a.max_score,
    passScore: a.pass_score,
    itemCount: a.kind === 'assessment' ? (a.draw_count ?? 0) : a.paper.items.length,
    state: windowState({ opensAt: a.opens_at, closesAt: a.closes_at }, now),
    classes: x.classes,
    recipients: x.progress?.recipients ?? 0,
    submitted: x.progress?.submitted ?? 0,
    pendingManual: x.progress?.pending ?? 0,
    averageScore: x.progress?.average === null || x.progress?.average === undefined ? null : round2(x.progress.average),
    createdByName: x.createdByName,
    createdAt: iso(a.created_at)!,
    policies: { canGrade: x.canManage, canEdit: x.canManage },
  };
}

export function presentMyAssignment(a: AssignmentRow, attempts: AttemptRow[], now = new Date()): TMyAssignment {
  const state = windowState({ opensAt: a.opens_at, closesAt: a.closes_at }, now);
  const open = attempts.find((t) => t.status === 'in_progress');
  const finished = attempts.filter((t) => t.status !== 'in_progress');
  const last = attempts.at(-1) ?? null;
  const best = finished.reduce<number | null>((m, t) => (t.score === null ? m : m === null ? t.score : Math.max(m, t.score)), null);
  return {
    id: a.id,
    kind: a.kind,
    title: a.title,
    subject: a.subject,
    opensAt: iso(a.opens_at)!,
    closesAt: iso(a.closes_at)!,
    timeLimitMinutes: a.time_limit_minutes,
    maxAttempts: a.max_attempts,
    maxScore: a.max_score,
    itemCount: a.kind === 'assessment' ? (a.draw_count ?? 0) : a.paper.items.length,
    instructions: a.instructions,
    state,
    attemptsUsed: attempts.length,
    openAttemptId: open?.id ?? null,
    lastAttempt: last ? { id: last.id, status: last.status, score: last.score, submittedAt: iso(last.submitted_at) } : null,
    bestScore: best,
    passed: a.pass_score === null || best === null ? null : best >= a.pass_score - 1e-9,
    canStart: state === 'open' && (!!open || attempts.length < a.max_attempts),
  };
}

/** A choice item keeps its authored option order unless the assignment shuffles options. */
function forPresentation(content: TItemContent, shuffleOptions: boolean): TItemContent {
  if (shuffleOptions) return content;
  if (content.type === 'single_choice' || content.type === 'multiple_choice') return { ...content, fixedOrder: true };
  if (content.type === 'composite')
    return {
      ...content,
      parts: content.parts.map((p) => (p.type === 'single_choice' || p.type === 'multiple_choice' ? { ...p, fixedOrder: true } : p)),
    };
  return content;
}

export function presentItemResult(r: ResponseRow | undefined, item: SnapshotItem, withDetail: boolean): TItemResult {
  return {
    score: r?.score ?? (r ? null : 0),
    maxScore: item.score,
    isCorrect: r?.is_correct ?? (r ? null : false),
    needsManualGrading: !!r?.needs_manual && !r.graded_at,
    detail: withDetail ? (r?.detail ?? null) : null,
    comment: r?.comment ?? null,
    rubricScores: r?.rubric_scores ?? null,
  };
}

export type AttemptView = 'self' | 'teacher' | 'guardian';

export function presentAttempt(
  a: AssignmentRow,
  t: AttemptRow,
  items: SnapshotItem[],
  responses: ResponseRow[],
  user: { id: string; name: string },
  view: AttemptView,
  now = new Date(),
): TAttempt {
  const finished = t.status !== 'in_progress';
  const visible = view === 'teacher' || answersVisible(a.show_answers, a.closes_at, finished, now);
  const byKey = new Map(responses.map((r) => [r.item_key, r]));
  return {
    id: t.id,
    assignmentId: a.id,
    kind: a.kind,
    title: a.title,
    instructions: a.instructions,
    attemptNo: t.attempt_no,
    status: t.status,
    user,
    startedAt: iso(t.started_at)!,
    deadlineAt: iso(t.deadline_at)!,
    submittedAt: iso(t.submitted_at),
    serverTime: now.toISOString(),
    revision: t.revision,
    score: t.score,
    autoScore: t.auto_score,
    maxScore: t.max_score,
    pendingManual: t.pending_manual,
    passScore: a.pass_score,
    passed: a.pass_score === null || !finished || t.pending_manual > 0 || t.score === null ? null : t.score >= a.pass_score - 1e-9,
    answersVisible: visible,
    items: items.map((item) => {
      const r = byKey.get(item.key);
      return {
        key: item.key,
        itemId: item.itemId,
        position: item.position,
        sectionTitle: item.sectionTitle,
        score: item.score,
        item: presentItemForPupil(forPresentation(item.content, a.shuffle_options), {
          shuffleSeed: `${t.seed}:${item.key}`,
          score: item.score,
        }),
        response: r?.response ?? null,
        result: finished ? presentItemResult(r, item, visible) : null,
        solution: visible ? item.content : null,
      };
    }),
    policies: { canAnswer: view === 'self' && !finished && now <= t.deadline_at },
  };
}
