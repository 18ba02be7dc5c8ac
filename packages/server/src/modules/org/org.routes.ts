import {
  paged,
  ZAddGuardianRequest,
  ZAssignTeacherRequest,
  ZClass,
  ZCreateCampusRequest,
  ZCreateClassRequest,
  ZCreateSchoolRequest,
  ZCreateStudentRequest,
  ZCreateTeacherRequest,
  ZCreateTeachingPointRequest,
  ZHome,
  ZId,
  ZIdParams,
  ZListSchoolsQuery,
  ZMoveStudentRequest,
  ZOrgChildrenQuery,
  ZOrgUnit,
  ZRosterListQuery,
  ZSchool,
  ZSetHeadTeacherRequest,
  ZStudent,
  ZStudentDetail,
  ZTeacher,
  ZUpdateClassRequest,
  ZUpdateSchoolRequest,
  ZUpdateTeacherRequest,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import * as classes from './classes.service.ts';
import { getHome } from './home.service.ts';
import * as people from './people.service.ts';
import * as schools from './schools.service.ts';
import { rosterRoutes } from './roster/roster.routes.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const byId = { kind: 'org', from: 'params', key: 'id' } as const;
const studentById = { kind: 'student', from: 'params', key: 'id' } as const;
const userById = { kind: 'user', from: 'params', key: 'id' } as const;
const tags = ['org'];

export async function orgRoutes(app: ZApp): Promise<void> {
  app.get('/api/me/home', { config: { access: {} }, schema: { tags, summary: '个人空间', response: { 200: ZHome } } }, async (req) =>
    getHome(authed(req)),
  );

  app.get(
    '/api/org/units',
    {
      // the security administrator needs the tree to pick a grant's scope, though no business data
      config: { access: { permission: ['org.read', 'grant.manage'], scope: { kind: 'org', from: 'query', key: 'parentId' } } },
      schema: { tags, summary: '组织机构树的下一级', querystring: ZOrgChildrenQuery, response: { 200: z.array(ZOrgUnit) } },
    },
    async (req) => schools.listUnits(authed(req), req.query.parentId),
  );

  // schools and teaching points
  app.get(
    '/api/schools',
    {
      config: { access: { permission: 'org.read' } },
      schema: { tags, summary: '学校列表', querystring: ZListSchoolsQuery, response: { 200: paged(ZSchool) } },
    },
    async (req) => schools.listSchools(authed(req), req.query),
  );
  app.get(
    '/api/schools/:id',
    {
      config: { access: { permission: 'org.read', scope: byId } },
      schema: { tags, summary: '学校详情', params: ZIdParams, response: { 200: ZSchool } },
    },
    async (req) => schools.getSchool(authed(req), req.params.id),
  );
  app.post(
    '/api/schools',
    {
      config: { access: { permission: 'org.manage', scope: { kind: 'org', from: 'body', key: 'districtId' } } },
      schema: { tags, summary: '新建学校', body: ZCreateSchoolRequest, response: { 201: ZSchool } },
    },
    async (req, reply) => reply.code(201).send(await schools.createSchool(authed(req), req.body)),
  );
  app.patch(
    '/api/schools/:id',
    {
      config: { access: { permission: 'org.manage', scope: byId } },
      schema: { tags, summary: '修改学校', params: ZIdParams, body: ZUpdateSchoolRequest, response: { 200: ZSchool } },
    },
    async (req) => schools.updateSchool(authed(req), req.params.id, req.body),
  );
  app.post(
    '/api/schools/:id/teaching-points',
    {
      config: { access: { permission: 'org.manage', scope: byId } },
      schema: { tags, summary: '为中心学校新建教学点', params: ZIdParams, body: ZCreateTeachingPointRequest, response: { 201: ZSchool } },
    },
    async (req, reply) => reply.code(201).send(await schools.createTeachingPoint(authed(req), req.params.id, req.body)),
  );
  app.post(
    '/api/schools/:id/campuses',
    {
      config: { access: { permission: 'org.manage', scope: byId } },
      schema: { tags, summary: '新建校区', params: ZIdParams, body: ZCreateCampusRequest, response: { 201: ZOrgUnit } },
    },
    async (req, reply) => reply.code(201).send(await schools.createCampus(authed(req), req.params.id, req.body.name)),
  );

  // classes
  app.get(
    '/api/schools/:id/classes',
    {
      config: { access: { permission: 'org.read', scope: byId } },
      schema: { tags, summary: '学校的班级', params: ZIdParams, response: { 200: z.array(ZClass) } },
    },
    async (req) => classes.listClasses(authed(req), req.params.id),
  );
  app.post(
    '/api/schools/:id/classes',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '新建班级', params: ZIdParams, body: ZCreateClassRequest, response: { 201: ZClass } },
    },
    async (req, reply) => reply.code(201).send(await classes.createClass(authed(req), req.params.id, req.body)),
  );
  app.get(
    '/api/classes/:id',
    {
      config: { access: { permission: 'org.read', scope: byId } },
      schema: { tags, summary: '班级详情', params: ZIdParams, response: { 200: ZClass } },
    },
    async (req) => classes.getClass(authed(req), req.params.id),
  );
  app.patch(
    '/api/classes/:id',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '修改班级', params: ZIdParams, body: ZUpdateClassRequest, response: { 200: ZClass } },
    },
    async (req) => classes.updateClass(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/classes/:id',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '删除空班级', params: ZIdParams },
    },
    async (req, reply) => {
      await classes.deleteClass(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/classes/:id/teachers',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '安排任课教师', params: ZIdParams, body: ZAssignTeacherRequest, response: { 200: ZClass } },
    },
    async (req) => classes.assignTeacher(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/classes/:id/teachers/:assignmentId',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '取消任课安排', params: z.object({ id: ZId, assignmentId: ZId }), response: { 200: ZClass } },
    },
    async (req) => classes.removeTeacher(authed(req), req.params.id, req.params.assignmentId),
  );
  app.put(
    '/api/classes/:id/head-teacher',
    {
      config: { access: { permission: 'class.manage', scope: byId } },
      schema: { tags, summary: '设置班主任', params: ZIdParams, body: ZSetHeadTeacherRequest, response: { 200: ZClass } },
    },
    async (req) => classes.setHeadTeacher(authed(req), req.params.id, req.body.teacherId),
  );
  app.get(
    '/api/classes/:id/students',
    {
      config: { access: { permission: 'roster.read', scope: byId } },
      schema: { tags, summary: '班级学生名单', params: ZIdParams, response: { 200: z.array(ZStudent) } },
    },
    async (req) => people.listClassStudents(authed(req), req.params.id),
  );

  // students, guardians, teachers
  app.get(
    '/api/schools/:id/students',
    {
      config: { access: { permission: 'roster.read', scope: byId } },
      schema: { tags, summary: '学校学生名单', params: ZIdParams, querystring: ZRosterListQuery, response: { 200: paged(ZStudent) } },
    },
    async (req) => people.listSchoolStudents(authed(req), req.params.id, req.query),
  );
  app.post(
    '/api/schools/:id/students',
    {
      config: { access: { permission: 'roster.manage', scope: byId } },
      schema: { tags, summary: '新增学生', params: ZIdParams, body: ZCreateStudentRequest, response: { 201: ZStudent } },
    },
    async (req, reply) => reply.code(201).send(await people.createStudent(authed(req), req.params.id, req.body)),
  );
  app.get(
    '/api/students/:id',
    {
      config: { access: { permission: ['roster.read', 'student.read_own'], scope: studentById } },
      schema: { tags, summary: '学生详情', params: ZIdParams, response: { 200: ZStudentDetail } },
    },
    async (req) => people.getStudent(authed(req), req.params.id),
  );
  app.post(
    '/api/students/:id/move',
    {
      config: { access: { permission: 'roster.manage', scope: studentById } },
      schema: { tags, summary: '调班', params: ZIdParams, body: ZMoveStudentRequest, response: { 200: ZStudentDetail } },
    },
    async (req) => people.moveStudent(authed(req), req.params.id, req.body),
  );
  app.post(
    '/api/students/:id/guardians',
    {
      config: { access: { permission: 'roster.manage', scope: studentById } },
      schema: { tags, summary: '关联监护人', params: ZIdParams, body: ZAddGuardianRequest, response: { 200: ZStudentDetail } },
    },
    async (req) => people.addGuardian(authed(req), req.params.id, req.body),
  );
  app.get(
    '/api/schools/:id/teachers',
    {
      config: { access: { permission: 'roster.read', scope: byId } },
      schema: {
        tags,
        summary: '学校教师名单',
        params: ZIdParams,
        querystring: ZRosterListQuery.omit({ classId: true }),
        response: { 200: paged(ZTeacher) },
      },
    },
    async (req) => people.listSchoolTeachers(authed(req), req.params.id, req.query),
  );
  app.post(
    '/api/schools/:id/teachers',
    {
      config: { access: { permission: 'roster.manage', scope: byId } },
      schema: { tags, summary: '新增教师', params: ZIdParams, body: ZCreateTeacherRequest, response: { 201: ZTeacher } },
    },
    async (req, reply) => reply.code(201).send(await people.createTeacher(authed(req), req.params.id, req.body)),
  );
  app.patch(
    '/api/teachers/:id',
    {
      config: { access: { permission: 'roster.manage', scope: userById } },
      schema: { tags, summary: '修改教师信息', params: ZIdParams, body: ZUpdateTeacherRequest, response: { 200: ZTeacher } },
    },
    async (req) => people.updateTeacher(authed(req), req.params.id, req.body),
  );
  await rosterRoutes(app);
}
