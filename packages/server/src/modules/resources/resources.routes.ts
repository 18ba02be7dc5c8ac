import {
  paged,
  RESOURCE_LIMITS,
  ZCreateUploadRequest,
  ZCurriculumBookSummary,
  ZCurriculumImportRequest,
  ZCurriculumImportResult,
  ZCurriculumNode,
  ZCurriculumQuery,
  ZIdParams,
  ZListResourcesQuery,
  ZMyResourcesQuery,
  ZResource,
  ZResourceInput,
  ZResourceSummary,
  ZSetMarksRequest,
  ZUpdateResourceRequest,
  ZUpload,
  ZUploadChunkQuery,
  ZAddSensitiveWordsRequest,
  ZApproveRequest,
  ZReturnRequest,
  ZReviewDetail,
  ZReviewSettings,
  ZSafetyHit,
  ZScanTextRequest,
  ZSensitiveWord,
  ZSensitiveWordsQuery,
  ZUpdateSensitiveWordRequest,
  ZPage,
} from '@qiming/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import { AppError } from '../../core/errors.ts';
import * as curriculum from './curriculum/curriculum.service.ts';
import { openResourceFile, type FileResponse } from './files.service.ts';
import * as resources from './resources.service.ts';
import * as uploads from './uploads.service.ts';
import * as workflow from './workflow.service.ts';
import * as words from './screening/words.service.ts';
import { getReviewSettings } from './screening/screening.service.ts';
import { socialRoutes } from './social.routes.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['resources'];
const contribute = { permission: 'resource.contribute' } as const;

/** Sends a stored file: inline for preview or as an attachment, honouring a byte range. */
function sendFile(reply: FastifyReply, f: FileResponse, download: boolean) {
  reply
    .header('accept-ranges', 'bytes')
    .header('content-length', String(f.size))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, max-age=300')
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
    .type(f.mime);
  if (f.range) reply.code(206).header('content-range', `bytes ${f.range.start}-${f.range.end}/${f.total}`);
  return reply.send(f.stream);
}

export async function resourcesRoutes(app: ZApp): Promise<void> {
  // chunks arrive as raw bytes
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: RESOURCE_LIMITS.chunkBytes + 1024 },
    (_req, body, done) => done(null, body),
  );

  await socialRoutes(app);

  // curriculum catalogue
  app.get(
    '/api/curriculum/books',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '课程目录中的教材', response: { 200: z.array(ZCurriculumBookSummary) } },
    },
    async (req) => curriculum.listBooks(req.ctx.db),
  );
  app.get(
    '/api/curriculum',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '一册教材的单元与课', querystring: ZCurriculumQuery, response: { 200: z.array(ZCurriculumNode) } },
    },
    async (req) => curriculum.getBook(req.ctx.db, req.query),
  );
  app.post(
    '/api/curriculum/import',
    {
      config: { access: { permission: 'resource.configure' } },
      schema: { tags, summary: '导入课程目录（JSON）', body: ZCurriculumImportRequest, response: { 200: ZCurriculumImportResult } },
    },
    async (req) => curriculum.importCatalogue(authed(req), req.body.books, 'json'),
  );
  app.post(
    '/api/curriculum/import/xlsx',
    {
      config: { access: { permission: 'resource.configure' } },
      schema: {
        tags,
        summary: '导入课程目录（Excel：教材版本 | 学科 | 年级 | 册次 | 单元 | 课）',
        response: { 200: ZCurriculumImportResult },
      },
    },
    async (req) => {
      const file = await req.file();
      if (!file) throw new AppError('FILE_INVALID', { message: '请上传 .xlsx 文件' });
      const books = await curriculum.parseCatalogueWorkbook(await file.toBuffer());
      return curriculum.importCatalogue(authed(req), books, file.filename);
    },
  );

  // uploads: create, send chunks at offsets, complete
  app.post(
    '/api/resource-uploads',
    {
      config: { access: contribute },
      schema: { tags, summary: '开始上传文件（分片、可续传）', body: ZCreateUploadRequest, response: { 201: ZUpload } },
    },
    async (req, reply) => reply.code(201).send(await uploads.createUpload(authed(req), req.body)),
  );
  app.get(
    '/api/resource-uploads/:id',
    {
      config: { access: contribute },
      schema: { tags, summary: '上传进度（续传时从 received 处继续）', params: ZIdParams, response: { 200: ZUpload } },
    },
    async (req) => uploads.getUpload(authed(req), req.params.id),
  );
  app.put(
    '/api/resource-uploads/:id/chunks',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: '上传一个分片（application/octet-stream，offset 为起始字节）',
        params: ZIdParams,
        querystring: ZUploadChunkQuery,
        response: { 200: ZUpload },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('BAD_REQUEST', { message: '分片应以 application/octet-stream 发送' });
      return uploads.writeChunk(authed(req), req.params.id, req.query.offset, req.body);
    },
  );
  app.post(
    '/api/resource-uploads/:id/complete',
    {
      config: { access: contribute },
      schema: { tags, summary: '完成上传：校验、去重、提取文本', params: ZIdParams, response: { 200: ZUpload } },
    },
    async (req) => uploads.completeUpload(authed(req), req.params.id),
  );

  // resources
  app.get(
    '/api/resources',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '已发布资源（按可见范围）', querystring: ZListResourcesQuery, response: { 200: paged(ZResourceSummary) } },
    },
    async (req) => resources.listResources(req.ctx, req.query),
  );
  app.get(
    '/api/resources/mine',
    {
      config: { access: contribute },
      schema: { tags, summary: '我的资源', querystring: ZMyResourcesQuery, response: { 200: paged(ZResourceSummary) } },
    },
    async (req) => resources.listMyResources(authed(req), req.query),
  );
  app.post(
    '/api/resources',
    { config: { access: contribute }, schema: { tags, summary: '新建资源（草稿）', body: ZResourceInput, response: { 201: ZResource } } },
    async (req, reply) => reply.code(201).send(await resources.createResource(authed(req), req.body)),
  );
  app.get(
    '/api/resources/:id',
    { config: { access: { public: true } }, schema: { tags, summary: '资源详情', params: ZIdParams, response: { 200: ZResource } } },
    async (req) => resources.getResource(req.ctx, req.params.id),
  );
  app.patch(
    '/api/resources/:id',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: '修改资源（草稿、退回或撤回的）',
        params: ZIdParams,
        body: ZUpdateResourceRequest,
        response: { 200: ZResource },
      },
    },
    async (req) => resources.updateResource(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/resources/:id',
    {
      config: { access: { permission: ['resource.contribute', 'resource.manage'] } },
      schema: { tags, summary: '删除资源', params: ZIdParams },
    },
    async (req, reply) => {
      await resources.deleteResource(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.put(
    '/api/resources/:id/marks',
    {
      config: { access: { permission: 'resource.manage' } },
      schema: { tags, summary: '标记名师、名校、名课', params: ZIdParams, body: ZSetMarksRequest, response: { 200: ZResource } },
    },
    async (req) => resources.setMarks(authed(req), req.params.id, req.body.marks),
  );
  app.get(
    '/api/resources/:id/file',
    { config: { access: { public: true } }, schema: { tags, summary: '在线预览文件（支持 Range）', params: ZIdParams } },
    async (req, reply) =>
      sendFile(reply, await openResourceFile(req.ctx, req.params.id, { download: false, range: req.headers.range }), false),
  );
  app.get(
    '/api/resources/:id/download',
    { config: { access: { public: true } }, schema: { tags, summary: '下载文件（计入下载次数）', params: ZIdParams } },
    async (req, reply) => sendFile(reply, await openResourceFile(req.ctx, req.params.id, { download: true }), true),
  );

  // review workflow
  app.post(
    '/api/resources/:id/submit',
    {
      config: { access: contribute },
      schema: { tags, summary: '提交审核（自动筛查后进入审核）', params: ZIdParams, response: { 200: ZResource } },
    },
    async (req) => workflow.submitResource(authed(req), req.params.id),
  );
  app.post(
    '/api/resources/:id/approve',
    {
      config: { access: { permission: 'resource.review' } },
      schema: { tags, summary: '审核通过（末级通过即发布）', params: ZIdParams, body: ZApproveRequest, response: { 200: ZResource } },
    },
    async (req) => workflow.approveResource(authed(req), req.params.id, req.body.comment),
  );
  app.post(
    '/api/resources/:id/return',
    {
      config: { access: { permission: 'resource.review' } },
      schema: { tags, summary: '退回（写明原因）', params: ZIdParams, body: ZReturnRequest, response: { 200: ZResource } },
    },
    async (req) => workflow.returnResource(authed(req), req.params.id, req.body.reason),
  );
  app.post(
    '/api/resources/:id/withdraw',
    {
      config: { access: { permission: ['resource.contribute', 'resource.manage'] } },
      schema: {
        tags,
        summary: '撤回或下架',
        params: ZIdParams,
        body: z.object({ reason: z.string().trim().max(500).default('') }),
        response: { 200: ZResource },
      },
    },
    async (req) => workflow.withdrawResource(authed(req), req.params.id, req.body.reason),
  );
  app.get(
    '/api/resources/:id/review',
    {
      config: { access: { permission: ['resource.contribute', 'resource.review', 'resource.manage'] } },
      schema: { tags, summary: '审核详情：筛查报告与审核记录', params: ZIdParams, response: { 200: ZReviewDetail } },
    },
    async (req) => workflow.reviewDetail(authed(req), req.params.id),
  );
  app.get(
    '/api/resource-reviews',
    {
      config: { access: { permission: 'resource.review' } },
      schema: {
        tags,
        summary: '待我审核的资源',
        querystring: ZPage,
        response: { 200: paged(ZResourceSummary.extend({ isFlagged: z.boolean() })) },
      },
    },
    async (req) => workflow.reviewQueue(authed(req), req.query),
  );
  app.get(
    '/api/resource-settings/review',
    {
      config: { access: { permission: ['resource.configure', 'resource.review'] } },
      schema: { tags, summary: '审核级别与查重阈值', response: { 200: ZReviewSettings } },
    },
    async (req) => getReviewSettings(req.ctx.db),
  );
  app.put(
    '/api/resource-settings/review',
    {
      config: { access: { permission: 'resource.configure' } },
      schema: { tags, summary: '设置审核级别与查重阈值', body: ZReviewSettings, response: { 200: ZReviewSettings } },
    },
    async (req) => workflow.updateReviewSettings(authed(req), req.body),
  );

  // sensitive-word list
  const configure = { permission: 'resource.configure' } as const;
  app.get(
    '/api/sensitive-words',
    {
      config: { access: configure },
      schema: {
        tags,
        summary: '敏感词库',
        querystring: ZSensitiveWordsQuery,
        response: {
          200: paged(ZSensitiveWord).extend({
            categories: z.array(z.object({ category: z.string(), count: z.number().int(), enabled: z.number().int() })),
          }),
        },
      },
    },
    async (req) => words.listWords(authed(req), req.query),
  );
  app.post(
    '/api/sensitive-words',
    {
      config: { access: configure },
      schema: {
        tags,
        summary: '添加敏感词',
        body: ZAddSensitiveWordsRequest,
        response: { 200: z.object({ added: z.number().int(), enabled: z.number().int() }) },
      },
    },
    async (req) => words.addWords(authed(req), req.body),
  );
  app.patch(
    '/api/sensitive-words/:id',
    {
      config: { access: configure },
      schema: {
        tags,
        summary: '启用或停用敏感词',
        params: ZIdParams,
        body: ZUpdateSensitiveWordRequest,
        response: { 200: ZSensitiveWord },
      },
    },
    async (req) => words.setWordEnabled(authed(req), req.params.id, req.body.isEnabled),
  );
  app.post(
    '/api/sensitive-words/scan',
    {
      config: { access: configure },
      schema: { tags, summary: '用当前词库检测一段文字', body: ZScanTextRequest, response: { 200: z.array(ZSafetyHit) } },
    },
    async (req) => words.scanSample(authed(req), req.body.text),
  );
}
