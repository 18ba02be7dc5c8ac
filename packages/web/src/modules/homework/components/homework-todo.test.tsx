import type { TAssignmentSummary, TMyAssignment } from '@qiming/shared';
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failOnDeprecations, mockApi, renderPage } from '../../../test/render.tsx';
import { ChildHomeworkLine, PupilHomeworkCard, TeacherHomeworkCard } from './homework-todo.tsx';

afterEach(() => vi.unstubAllGlobals());
failOnDeprecations();

const mine = (over: Partial<TMyAssignment>): TMyAssignment => ({
  id: 'a1',
  kind: 'homework',
  title: '分数的初步认识 课后练习',
  subject: '数学',
  opensAt: '2026-12-07T00:00:00.000Z',
  closesAt: '2026-12-07T12:00:00.000Z',
  timeLimitMinutes: null,
  maxAttempts: 1,
  maxScore: 100,
  itemCount: 10,
  state: 'open',
  instructions: '',
  attemptsUsed: 0,
  openAttemptId: null,
  lastAttempt: null,
  bestScore: null,
  passed: null,
  canStart: true,
  ...over,
});

describe('homework on the home page', () => {
  it('shows a pupil what is still to do, soonest due first, with start or continue', async () => {
    mockApi({
      'GET /api/my/assignments': {
        body: [
          mine({ id: 'late', title: '古诗背诵', subject: '语文', closesAt: '2026-12-09T12:00:00.000Z' }),
          mine({ id: 'soon', openAttemptId: 'att1', attemptsUsed: 1 }),
          // handed in, a retry allowed: not "to do"
          mine({
            id: 'done',
            title: '口算',
            maxAttempts: 3,
            attemptsUsed: 1,
            lastAttempt: { id: 'x', status: 'graded', score: 90, submittedAt: null },
          }),
        ],
      },
    });
    renderPage(<PupilHomeworkCard />);
    const buttons = await screen.findAllByTestId('home-start-assignment');
    expect(buttons.map((b) => b.textContent?.replace(/\s/g, ''))).toEqual(['继续作答', '开始作答']);
    expect(screen.getByText('分数的初步认识 课后练习').closest('a, div')).toBeTruthy();
    expect(screen.queryByText('口算')).toBeNull();
    expect(screen.getByText(/数学 · 10 题 · 截止/)).toBeTruthy();
  });

  it('tells a pupil with nothing to do where to practise', async () => {
    mockApi({ 'GET /api/my/assignments': { body: [] } });
    renderPage(<PupilHomeworkCard />);
    expect(await screen.findByText(/现在没有待完成的作业/)).toBeTruthy();
    expect(screen.getByRole('link', { name: '错题本' }).getAttribute('href')).toBe('/my/wrong-items');
  });

  it('shows a teacher the open assignments with hand-ins and what waits for grading', async () => {
    const {
      instructions: _i,
      attemptsUsed: _u,
      openAttemptId: _o,
      lastAttempt: _l,
      bestScore: _b,
      passed: _p,
      canStart: _c,
      ...fields
    } = mine({});
    const a: TAssignmentSummary = {
      ...fields,
      showAnswers: 'after_close',
      shuffleItems: false,
      shuffleOptions: false,
      passScore: null,
      classes: [{ id: 'c1', name: '三年级(1)班', wholeClass: true, groupName: null }],
      recipients: 30,
      submitted: 12,
      pendingManual: 3,
      averageScore: 81,
      createdByName: '刘桂芝',
      createdAt: '2026-12-06T00:00:00.000Z',
      policies: { canGrade: true, canEdit: true },
    };
    const calls = mockApi({ 'GET /api/assignments': { body: { items: [a], total: 1, page: 1, pageSize: 5 } } });
    renderPage(<TeacherHomeworkCard />);
    expect(await screen.findByText('待批改 3')).toBeTruthy();
    expect(screen.getByText(/三年级\(1\)班 · 截止 .* · 已交 12\/30/)).toBeTruthy();
    expect(screen.getByText('待批改 3').closest('a')?.getAttribute('href')).toBe('/homework/a1/grading');
    expect(calls[0].url).toContain('state=open');
  });

  it('tells a teacher without open assignments how to assign one', async () => {
    mockApi({ 'GET /api/assignments': { body: { items: [], total: 0, page: 1, pageSize: 5 } } });
    renderPage(<TeacherHomeworkCard />);
    expect(await screen.findByText(/没有进行中的作业/)).toBeTruthy();
    expect(screen.getByRole('link', { name: '布置作业' }).getAttribute('href')).toBe('/homework');
  });

  it('counts a child’s homework still to do for the parent', async () => {
    mockApi({ 'GET /api/students/k1/assignments': { body: [mine({}), mine({ id: 'b', openAttemptId: 'o', attemptsUsed: 1 })] } });
    renderPage(<ChildHomeworkLine childId="k1" />);
    expect(await screen.findByText(/作业：2 项待完成/)).toBeTruthy();
  });
});
