import {
  ZClassDoneItems,
  paged,
  ZAnalysisQuery,
  ZAssignmentAnalysis,
  ZAssignmentDetail,
  ZAssignmentSummary,
  ZAttempt,
  ZCreateAssignmentRequest,
  ZCreateGroupRequest,
  ZGradeItemRequest,
  ZGradeItemResult,
  ZGradingOverview,
  ZGradingQueue,
  ZGroup,
  ZId,
  ZIdParams,
  ZListAssignmentsQuery,
  ZMyAssignment,
  ZMyAssignmentsQuery,
  ZPupilReport,
  ZSaveResponsesRequest,
  ZSaveResponsesResult,
  ZStartAttemptResult,
  ZSubmitAttemptRequest,
  ZUpdateAssignmentRequest,
  ZAssessmentResults,
  ZCreateAssessmentRequest,
  ZMastery,
  ZPracticeAnswerRequest,
  ZPracticeAnswerResult,
  ZPracticeSet,
  ZStartPracticeRequest,
  ZWrongItem,
  ZWrongItemsQuery,
  ZPage,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import { exportAnalysisPdf, exportAnalysisXlsx } from './analysis-export.ts';
import { getAnalysis, getPupilReport } from './analysis.service.ts';
import * as assignments from './assignments.service.ts';
import * as attempts from './attempts.service.ts';
import { submitAttempt } from './submit-attempts.ts';
import * as assessments from './assessments.service.ts';
import * as grading from './grading.service.ts';
import * as practice from './practice.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['homework'];
const TAKE = ['homework.take', 'assessment.take'] as const;
const READ_ATTEMPT = ['homework.take', 'assessment.take', 'homework.manage', 'assessment.manage', 'homework.view_child'] as const;
const MANAGE = ['homework.manage', 'assessment.manage'] as const;
const classInBody = { kind: 'org', from: 'body', key: 'classId' } as const;
const classInParams = { kind: 'org', from: 'params', key: 'id' } as const;
/**
 * The morning peak's two answers (an attempt with its items) are sent as the presenter made them:
 * `presentAttempt` lists exactly the fields of ZAttempt (checked against the schema in
 * homework.test.ts), so encoding them again field by field through zod (20–40 µs an attempt) adds
 * nothing. The schema still documents the route.
 */
const presentedAsIs = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

export async function homeworkRoutes(app: ZApp): Promise<void> {
  // teachers: assign, follow, change
  app.post(
    '/api/assignments',
    {
      config: { access: { permission: 'homework.manage' } },
      schema: { tags, summary: '布置作业或测验', body: ZCreateAssignmentRequest, response: { 201: ZAssignmentSummary } },
    },
    async (req, reply) => reply.code(201).send(await assignments.createAssignment(authed(req), req.body)),
  );
  app.get(
    '/api/assignments',
    {
      config: { access: { permission: 'homework.manage' } },
      schema: { tags, summary: '我布置的作业', querystring: ZListAssignmentsQuery, response: { 200: paged(ZAssignmentSummary) } },
    },
    async (req) => assignments.listAssignments(authed(req), req.query),
  );
  app.get(
    '/api/assignments/:id',
    {
      config: { access: { permission: [...MANAGE] } },
      schema: { tags, summary: '作业详情（含答案）', params: ZIdParams, response: { 200: ZAssignmentDetail } },
    },
    async (req) => assignments.getAssignmentDetail(authed(req), req.params.id),
  );
  app.patch(
    '/api/assignments/:id',
    {
      config: { access: { permission: [...MANAGE] } },
      schema: {
        tags,
        summary: '修改作业（标题、截止时间、说明）',
        params: ZIdParams,
        body: ZUpdateAssignmentRequest,
        response: { 200: ZAssignmentSummary },
      },
    },
    async (req) => assignments.updateAssignment(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/assignments/:id',
    { config: { access: { permission: [...MANAGE] } }, schema: { tags, summary: '撤回作业', params: ZIdParams } },
    async (req, reply) => {
      await assignments.archiveAssignment(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );

  // groups of a class (分组)
  app.get(
    '/api/classes/:id/homework-groups',
    {
      config: { access: { permission: 'homework.manage', scope: classInParams } },
      schema: { tags, summary: '班级的作业分组', params: ZIdParams, response: { 200: z.array(ZGroup) } },
    },
    async (req) => assignments.listGroups(authed(req), req.params.id),
  );
  app.get(
    '/api/classes/:id/done-items',
    {
      config: { access: { permission: 'homework.manage', scope: classInParams } },
      schema: { tags, summary: '班级已经做过的题目（组卷时排除）', params: ZIdParams, response: { 200: ZClassDoneItems } },
    },
    async (req) => assignments.listClassDoneItems(authed(req), req.params.id),
  );
  app.post(
    '/api/homework-groups',
    {
      config: { access: { permission: 'homework.manage', scope: classInBody } },
      schema: { tags, summary: '新建作业分组', body: ZCreateGroupRequest, response: { 201: ZGroup } },
    },
    async (req, reply) => reply.code(201).send(await assignments.createGroup(authed(req), req.body)),
  );

  // analysis and grading
  app.get(
    '/api/assignments/:id/analysis',
    {
      config: { access: { permission: 'homework.manage' } },
      schema: { tags, summary: '作业分析', params: ZIdParams, querystring: ZAnalysisQuery, response: { 200: ZAssignmentAnalysis } },
    },
    async (req) => getAnalysis(authed(req), req.params.id, req.query.classId),
  );
  app.get(
    '/api/assignments/:id/analysis.xlsx',
    {
      config: { access: { permission: 'homework.manage' } },
      schema: { tags, summary: '导出作业分析（Excel）', params: ZIdParams, querystring: ZAnalysisQuery },
    },
    async (req, reply) => {
      const { fileName, buffer } = await exportAnalysisXlsx(authed(req), req.params.id, req.query.classId);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(buffer);
    },
  );
  app.get(
    '/api/assignments/:id/analysis.pdf',
    {
      config: { access: { permission: 'homework.manage' } },
      schema: { tags, summary: '导出作业分析（PDF）', params: ZIdParams, querystring: ZAnalysisQuery },
    },
    async (req, reply) => {
      const { fileName, buffer } = await exportAnalysisPdf(authed(req), req.params.id, req.query.classId);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(buffer);
    },
  );
  app.get(
    '/api/assignments/:id/pupils/:pupilId/report',
    {
      config: { access: { permission: ['homework.manage', 'homework.take', 'homework.view_child'] } },
      schema: { tags, summary: '学生个人报告', params: z.object({ id: ZId, pupilId: ZId }), response: { 200: ZPupilReport } },
    },
    async (req) => getPupilReport(authed(req), req.params.id, req.params.pupilId),
  );
  app.get(
    '/api/assignments/:id/grading',
    {
      config: { access: { permission: [...MANAGE] } },
      schema: { tags, summary: '阅卷：题目列表', params: ZIdParams, response: { 200: ZGradingOverview } },
    },
    async (req) => grading.getGradingOverview(authed(req), req.params.id),
  );
  app.get(
    '/api/assignments/:id/grading/:itemKey',
    {
      config: { access: { permission: [...MANAGE] } },
      schema: {
        tags,
        summary: '阅卷：一道题的全部作答',
        params: z.object({ id: ZId, itemKey: z.string().max(64) }),
        response: { 200: ZGradingQueue },
      },
    },
    async (req) => grading.getGradingQueue(authed(req), req.params.id, req.params.itemKey),
  );
  app.put(
    '/api/attempts/:id/grades/:itemKey',
    {
      config: { access: { permission: [...MANAGE] } },
      schema: {
        tags,
        summary: '给一道题评分',
        params: z.object({ id: ZId, itemKey: z.string().max(64) }),
        body: ZGradeItemRequest,
        response: { 200: ZGradeItemResult },
      },
    },
    async (req) => grading.gradeItem(authed(req), req.params.id, req.params.itemKey, req.body),
  );

  // pupils (and teachers taking an assessment): answer
  app.get(
    '/api/my/assignments',
    {
      config: { access: { permission: [...TAKE] } },
      schema: { tags, summary: '我的作业', querystring: ZMyAssignmentsQuery, response: { 200: z.array(ZMyAssignment) } },
    },
    async (req) => assignments.listMyAssignments(authed(req), req.query),
  );
  app.post(
    '/api/my/assignments/:id/attempts',
    {
      ...presentedAsIs,
      config: { access: { permission: [...TAKE] } },
      schema: { tags, summary: '开始或继续作答', params: ZIdParams, response: { 200: ZStartAttemptResult } },
    },
    async (req) => attempts.startAttempt(authed(req), req.params.id),
  );
  app.get(
    '/api/attempts/:id',
    {
      config: { access: { permission: [...READ_ATTEMPT] } },
      schema: { tags, summary: '作答详情', params: ZIdParams, response: { 200: ZAttempt } },
    },
    async (req) => attempts.getAttempt(authed(req), req.params.id),
  );
  app.put(
    '/api/attempts/:id/responses',
    {
      config: { access: { permission: [...TAKE] } },
      schema: { tags, summary: '自动保存答案', params: ZIdParams, body: ZSaveResponsesRequest, response: { 200: ZSaveResponsesResult } },
    },
    async (req) => attempts.saveResponses(authed(req), req.params.id, req.body.responses),
  );
  app.post(
    '/api/attempts/:id/submit',
    {
      ...presentedAsIs,
      config: { access: { permission: [...TAKE] } },
      schema: { tags, summary: '提交作答（立即批改客观题）', params: ZIdParams, body: ZSubmitAttemptRequest, response: { 200: ZAttempt } },
    },
    async (req) => submitAttempt(authed(req), req.params.id, req.body),
  );

  // parents: a child's homework (read only)
  app.get(
    '/api/students/:id/assignments',
    {
      config: {
        access: {
          permission: ['homework.view_child', 'homework.take', 'homework.manage'],
          scope: { kind: 'student', from: 'params', key: 'id' },
        },
      },
      schema: {
        tags,
        summary: '孩子的作业与成绩',
        params: ZIdParams,
        querystring: ZMyAssignmentsQuery,
        response: { 200: z.array(ZMyAssignment) },
      },
    },
    async (req) => assignments.listMyAssignments(authed(req), req.query, req.params.id),
  );

  // 错题本, mastery, practice
  app.get(
    '/api/my/wrong-items',
    {
      config: { access: { permission: 'homework.take' } },
      schema: { tags, summary: '我的错题本', querystring: ZWrongItemsQuery, response: { 200: paged(ZWrongItem) } },
    },
    async (req) => practice.listWrongItems(authed(req), authed(req).actor.userId, req.query),
  );
  app.get(
    '/api/my/mastery',
    {
      config: { access: { permission: 'homework.take' } },
      schema: { tags, summary: '我的知识点掌握度', response: { 200: z.array(ZMastery) } },
    },
    async (req) => practice.listMasteryOf(authed(req), authed(req).actor.userId),
  );
  app.post(
    '/api/my/practice',
    {
      config: { access: { permission: 'homework.take' } },
      schema: {
        tags,
        summary: '开始巩固练习（错题重练、同类题、薄弱知识点）',
        body: ZStartPracticeRequest,
        response: { 201: ZPracticeSet },
      },
    },
    async (req, reply) => reply.code(201).send(await practice.startPractice(authed(req), req.body)),
  );
  app.post(
    '/api/my/practice/:id/answers',
    {
      config: { access: { permission: 'homework.take' } },
      schema: {
        tags,
        summary: '提交一道练习题（立即批改）',
        params: ZIdParams,
        body: ZPracticeAnswerRequest,
        response: { 200: ZPracticeAnswerResult },
      },
    },
    async (req) => practice.answerPractice(authed(req), req.params.id, req.body),
  );
  app.get(
    '/api/students/:id/wrong-items',
    {
      config: {
        access: {
          permission: ['homework.view_child', 'homework.take', 'homework.manage'],
          scope: { kind: 'student', from: 'params', key: 'id' },
        },
      },
      schema: {
        tags,
        summary: '学生的错题本（家长、任课教师）',
        params: ZIdParams,
        querystring: ZWrongItemsQuery,
        response: { 200: paged(ZWrongItem) },
      },
    },
    async (req) => practice.listWrongItems(authed(req), req.params.id, req.query),
  );
  app.get(
    '/api/students/:id/mastery',
    {
      config: {
        access: {
          permission: ['homework.view_child', 'homework.take', 'homework.manage'],
          scope: { kind: 'student', from: 'params', key: 'id' },
        },
      },
      schema: { tags, summary: '学生的知识点掌握度', params: ZIdParams, response: { 200: z.array(ZMastery) } },
    },
    async (req) => practice.listMasteryOf(authed(req), req.params.id),
  );

  // teacher-training assessments (培训考核)
  app.post(
    '/api/assessments',
    {
      config: { access: { permission: 'assessment.manage' } },
      schema: { tags, summary: '发布培训考核（每人随机抽题）', body: ZCreateAssessmentRequest, response: { 201: ZAssignmentSummary } },
    },
    async (req, reply) => reply.code(201).send(await assessments.createAssessment(authed(req), req.body)),
  );
  app.get(
    '/api/assessments',
    {
      config: { access: { permission: 'assessment.manage' } },
      schema: { tags, summary: '培训考核列表', querystring: ZPage, response: { 200: paged(ZAssignmentSummary) } },
    },
    async (req) => assessments.listAssessments(authed(req), req.query),
  );
  app.get(
    '/api/assessments/:id/results',
    {
      config: { access: { permission: 'assessment.manage' } },
      schema: { tags, summary: '考核结果（按学校）', params: ZIdParams, response: { 200: ZAssessmentResults } },
    },
    async (req) => assessments.getAssessmentResults(authed(req), req.params.id),
  );
  app.get(
    '/api/assessments/:id/results.xlsx',
    {
      config: { access: { permission: 'assessment.manage' } },
      schema: { tags, summary: '导出考核表（Excel，每校一页）', params: ZIdParams },
    },
    async (req, reply) => {
      const { fileName, buffer } = await assessments.exportAssessmentXlsx(authed(req), req.params.id);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .send(buffer);
    },
  );
}
