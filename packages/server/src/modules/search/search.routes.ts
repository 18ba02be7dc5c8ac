import { ZSearchQuery, ZSearchResponse, ZSuggestQuery, ZSuggestResponse } from '@qiming/shared';
import type { ZApp } from '../../core/http/app.ts';
import { searchDocuments, suggest } from './search.service.ts';

const tags = ['search'];

export async function searchRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/search',
    {
      // anonymous visitors search too; what each caller sees is decided per document (visibleTo)
      config: { access: { public: true } },
      schema: { tags, summary: '一站式检索', querystring: ZSearchQuery, response: { 200: ZSearchResponse } },
    },
    async (req) => searchDocuments(req.ctx, req.query),
  );
  app.get(
    '/api/search/suggest',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '检索联想', querystring: ZSuggestQuery, response: { 200: ZSuggestResponse } },
    },
    async (req) => suggest(req.ctx, req.query),
  );
}
