import {
  paged,
  ZAssemblyConstraints,
  ZAssemblyResult,
  ZBank,
  ZCreateBankRequest,
  ZCreateItemRequest,
  ZGradePreviewRequest,
  ZGradePreviewResponse,
  ZIdParams,
  ZItem,
  ZItemSummary,
  ZKnowledgePoint,
  ZKnowledgePointQuery,
  ZListItemsQuery,
  ZListPapersQuery,
  ZOk,
  ZPaper,
  ZPaperSummary,
  ZPupilPaper,
  ZQtiImportQuery,
  ZQtiImportReport,
  ZSavePaperRequest,
  ZSubject,
  ZUpdateBankRequest,
  ZUpdateItemRequest,
  ZUpdatePaperRequest,
  presentItemForPupil,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { exportBankQti, exportItemQti, importQti } from './qti/qti.service.ts';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import * as items from './items.service.ts';
import * as papers from './papers.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['items'];
const read = { access: { permission: 'items.read' } } as const;
const manage = { access: { permission: 'items.manage' } } as const;
/** The uploaded file of a multipart request (field `file`). */
async function readUpload(req: FastifyRequest): Promise<{ fileName: string; buffer: Buffer }> {
  if (!req.isMultipart()) throw new AppError('FILE_INVALID', { message: '请以表单方式上传文件（multipart/form-data，字段名 file）' });
  const part = await req.file();
  if (!part || part.fieldname !== 'file')
    throw new AppError('FILE_INVALID', { message: '没有收到文件，请选择 QTI 题目（.xml）或 IMS 内容包（.zip）' });
  return { fileName: part.filename, buffer: await part.toBuffer() };
}
const attachment = (name: string) => `attachment; filename="qti"; filename*=UTF-8''${encodeURIComponent(name)}`;

const ZSeedQuery = z.object({ seed: z.string().trim().min(1).max(100).default('preview') });

export async function itemsRoutes(app: ZApp): Promise<void> {
  // banks (题库)
  app.get(
    '/api/item-banks',
    {
      config: read,
      schema: { tags, summary: '可见的题库', querystring: z.object({ subject: ZSubject.optional() }), response: { 200: z.array(ZBank) } },
    },
    async (req) => items.listBanks(authed(req), req.query),
  );
  app.post(
    '/api/item-banks',
    { config: manage, schema: { tags, summary: '新建题库', body: ZCreateBankRequest, response: { 201: ZBank } } },
    async (req, reply) => reply.code(201).send(await items.createBank(authed(req), req.body)),
  );
  app.get(
    '/api/item-banks/:id',
    { config: read, schema: { tags, summary: '题库详情', params: ZIdParams, response: { 200: ZBank } } },
    async (req) => items.getBank(authed(req), req.params.id),
  );
  app.patch(
    '/api/item-banks/:id',
    {
      config: manage,
      schema: { tags, summary: '修改题库（名称、共享范围）', params: ZIdParams, body: ZUpdateBankRequest, response: { 200: ZBank } },
    },
    async (req) => items.updateBank(authed(req), req.params.id, req.body),
  );

  // QTI
  app.post(
    '/api/item-banks/:id/qti-import',
    {
      config: manage,
      schema: {
        tags,
        summary: '导入 QTI 2.1 / 3.0 题目（multipart，字段 file：单个 .xml 或 IMS 内容包 .zip）',
        params: ZIdParams,
        querystring: ZQtiImportQuery,
        response: { 200: ZQtiImportReport },
      },
    },
    async (req) => importQti(authed(req), req.params.id, await readUpload(req), req.query),
  );
  app.get(
    '/api/item-banks/:id/qti-export',
    { config: read, schema: { tags, summary: '导出题库为 IMS 内容包（QTI 3.0）', params: ZIdParams } },
    async (req, reply) => {
      const { name, buffer } = await exportBankQti(authed(req), req.params.id);
      return reply
        .type('application/zip')
        .header('content-disposition', attachment(`${name}.zip`))
        .send(buffer);
    },
  );
  app.get('/api/items/:id/qti', { config: read, schema: { tags, summary: '导出题目为 QTI 3.0', params: ZIdParams } }, async (req, reply) =>
    reply
      .type('application/xml; charset=utf-8')
      .header('content-disposition', attachment(`item-${req.params.id}.xml`))
      .send(await exportItemQti(authed(req), req.params.id)),
  );

  // items (题目)
  app.get(
    '/api/items',
    { config: read, schema: { tags, summary: '检索题目', querystring: ZListItemsQuery, response: { 200: paged(ZItemSummary) } } },
    async (req) => items.listItems(authed(req), req.query),
  );
  app.post(
    '/api/items',
    { config: manage, schema: { tags, summary: '新建题目', body: ZCreateItemRequest, response: { 201: ZItem } } },
    async (req, reply) => reply.code(201).send(await items.createItem(authed(req), req.body)),
  );
  app.post(
    '/api/items/grade-preview',
    {
      config: manage,
      schema: { tags, summary: '试做：按题目批改一次作答（不保存）', body: ZGradePreviewRequest, response: { 200: ZGradePreviewResponse } },
    },
    async (req) => items.previewGrade(req.body.content, req.body.response),
  );
  app.get(
    '/api/items/:id',
    { config: read, schema: { tags, summary: '题目详情（含答案与解析）', params: ZIdParams, response: { 200: ZItem } } },
    async (req) => items.getItem(authed(req), req.params.id),
  );
  app.get(
    '/api/items/:id/pupil-view',
    {
      config: read,
      schema: {
        tags,
        summary: '学生看到的题目（无答案，选项按种子打乱）',
        params: ZIdParams,
        querystring: ZSeedQuery,
        response: { 200: z.unknown() },
      },
    },
    async (req) => {
      const it = await items.getItem(authed(req), req.params.id);
      return presentItemForPupil(it.content, { shuffleSeed: req.query.seed });
    },
  );
  app.put(
    '/api/items/:id',
    {
      config: manage,
      schema: { tags, summary: '修改题目（保存为新版本）', params: ZIdParams, body: ZUpdateItemRequest, response: { 200: ZItem } },
    },
    async (req) => items.updateItem(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/items/:id',
    { config: manage, schema: { tags, summary: '删除题目（已组卷的版本保留）', params: ZIdParams, response: { 200: ZOk } } },
    async (req) => {
      await items.archiveItem(authed(req), req.params.id);
      return { ok: true as const };
    },
  );

  // knowledge points (知识点)
  app.get(
    '/api/knowledge-points',
    {
      config: read,
      schema: { tags, summary: '知识点树（按学科、年级）', querystring: ZKnowledgePointQuery, response: { 200: z.array(ZKnowledgePoint) } },
    },
    async (req) => items.listKnowledgePoints(authed(req), req.query),
  );

  // papers (试卷, 组卷)
  app.get(
    '/api/papers',
    { config: read, schema: { tags, summary: '试卷列表', querystring: ZListPapersQuery, response: { 200: paged(ZPaperSummary) } } },
    async (req) => papers.listPapers(authed(req), req.query),
  );
  app.post(
    '/api/papers',
    { config: manage, schema: { tags, summary: '新建试卷（手动组卷）', body: ZSavePaperRequest, response: { 201: ZPaper } } },
    async (req, reply) => reply.code(201).send(await papers.createPaper(authed(req), req.body)),
  );
  app.post(
    '/api/papers/assemble',
    {
      config: manage,
      schema: { tags, summary: '智能组卷：按条件挑题（不保存）', body: ZAssemblyConstraints, response: { 200: ZAssemblyResult } },
    },
    async (req) => papers.assemblePaper(authed(req), req.body),
  );
  app.get(
    '/api/papers/:id',
    { config: read, schema: { tags, summary: '试卷详情', params: ZIdParams, response: { 200: ZPaper } } },
    async (req) => papers.getPaper(authed(req), req.params.id),
  );
  app.get(
    '/api/papers/:id/preview',
    {
      config: read,
      schema: { tags, summary: '以学生视角预览试卷', params: ZIdParams, querystring: ZSeedQuery, response: { 200: ZPupilPaper } },
    },
    async (req) => papers.previewPaperForPupil(authed(req), req.params.id, req.query.seed),
  );
  app.put(
    '/api/papers/:id',
    { config: manage, schema: { tags, summary: '修改试卷', params: ZIdParams, body: ZUpdatePaperRequest, response: { 200: ZPaper } } },
    async (req) => papers.updatePaper(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/papers/:id',
    { config: manage, schema: { tags, summary: '删除试卷', params: ZIdParams, response: { 200: ZOk } } },
    async (req) => {
      await papers.archivePaper(authed(req), req.params.id);
      return { ok: true as const };
    },
  );
}
