import { ZCommitImportRequest, ZIdParams, ZImportJob, ZRosterKindQuery } from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../../core/context.ts';
import { AppError } from '../../../core/errors.ts';
import type { ZApp } from '../../../core/http/app.ts';
import { commitImport } from './roster-commit.ts';
import { exportRoster } from './roster-export.ts';
import { getImportJob, importRoster } from './roster-import.ts';
import { getRosterTemplate, type XlsxFile } from './roster-template.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const bySchool = { kind: 'org', from: 'params', key: 'id' } as const;
const byJob = { kind: 'import', from: 'params', key: 'id' } as const;
const tags = ['roster'];
const ZCommitImportResponse = ZImportJob.extend({
  temporaryPassword: z.string().optional().describe('新账号的初始密码：只在提交导入的响应中、只给上传人返回一次'),
});

const sendXlsx = (reply: FastifyReply, file: XlsxFile) =>
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="roster.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .send(file.buffer);

/** The uploaded file of a multipart request (field `file`). */
async function readUpload(req: FastifyRequest): Promise<{ fileName: string; buffer: Buffer }> {
  if (!req.isMultipart()) throw new AppError('FILE_INVALID', { message: '请以表单方式上传文件（multipart/form-data，字段名 file）' });
  const part = await req.file();
  if (!part || part.fieldname !== 'file') throw new AppError('FILE_INVALID', { message: '没有收到文件，请选择要上传的 .xlsx 文件' });
  return { fileName: part.filename, buffer: await part.toBuffer() };
}

/**
 * Roster import and export. Small files are validated, and small jobs committed, within the
 * request; larger ones continue after the response (status validating / importing) and the web
 * app polls the job for progress.
 */
export async function rosterRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/schools/:id/roster/template',
    {
      config: { access: { permission: 'roster.manage', scope: bySchool } },
      schema: { tags, summary: '下载名单导入模板 (xlsx)', params: ZIdParams, querystring: ZRosterKindQuery },
    },
    async (req, reply) => sendXlsx(reply, await getRosterTemplate(authed(req), req.params.id, req.query.kind)),
  );

  app.post(
    '/api/schools/:id/roster/imports',
    {
      config: { access: { permission: 'roster.manage', scope: bySchool } },
      schema: {
        tags,
        summary: '上传名单文件并校验（multipart，字段 file）',
        params: ZIdParams,
        querystring: ZRosterKindQuery,
        response: { 201: ZImportJob },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req);
      const job = await importRoster(authed(req), req.params.id, req.query.kind, upload.buffer, {
        fileName: upload.fileName,
        background: 'auto',
        log: req.log,
      });
      return reply.code(201).send(job);
    },
  );

  app.get(
    '/api/roster/imports/:id',
    {
      config: { access: { permission: 'roster.manage', scope: byJob } },
      schema: { tags, summary: '导入任务的进度与校验结果', params: ZIdParams, response: { 200: ZImportJob } },
    },
    async (req) => getImportJob(authed(req), req.params.id),
  );

  app.post(
    '/api/roster/imports/:id/commit',
    {
      config: { access: { permission: 'roster.manage', scope: byJob } },
      schema: { tags, summary: '确认导入', params: ZIdParams, body: ZCommitImportRequest, response: { 200: ZCommitImportResponse } },
    },
    async (req) => commitImport(authed(req), req.params.id, req.body.mode, { background: 'auto', log: req.log }),
  );

  app.get(
    '/api/schools/:id/roster/export',
    {
      config: { access: { permission: 'roster.read', scope: bySchool } },
      schema: { tags, summary: '导出名单 (xlsx)', params: ZIdParams, querystring: ZRosterKindQuery },
    },
    async (req, reply) => sendXlsx(reply, await exportRoster(authed(req), req.params.id, req.query.kind)),
  );
}
