import { paged, ZAuditQuery, ZAuditRecord, ZAuditVerifyResult, type TAuditQuery } from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import * as audit from './audit.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['audit'];

/** Only the audit administrator reads the log (三员分立); nobody can change it through the API. */
export async function auditRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/audit',
    {
      config: { access: { permission: 'audit.read' } },
      schema: { tags, summary: '查询审计日志', querystring: ZAuditQuery, response: { 200: paged(ZAuditRecord) } },
    },
    async (req) => audit.searchAudit(authed(req), req.query),
  );
  app.get(
    '/api/audit/export',
    {
      config: { access: { permission: 'audit.read' } },
      schema: { tags, summary: '导出审计日志 (xlsx)', querystring: ZAuditQuery.omit({ page: true, pageSize: true }) },
    },
    async (req, reply) => {
      const buf = await audit.exportAudit(authed(req), req.query as TAuditQuery);
      const name = `审计日志-${new Date().toISOString().slice(0, 10)}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="audit.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(buf);
    },
  );
  app.post(
    '/api/audit/verify',
    {
      config: { access: { permission: 'audit.read' } },
      schema: { tags, summary: '校验审计日志完整性', response: { 200: ZAuditVerifyResult } },
    },
    async (req) => audit.verify(authed(req)),
  );
}
