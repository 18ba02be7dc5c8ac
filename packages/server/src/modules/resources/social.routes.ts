import {
  paged,
  ZCatalogueCounts,
  ZCatalogueCountsQuery,
  ZCollection,
  ZCollectionDetail,
  ZCollectionInput,
  ZCollectionItemParams,
  ZCollectionItemRequest,
  ZCollectionOrderRequest,
  ZComment,
  ZCommentList,
  ZCommentRequest,
  ZFavouriteState,
  ZForMeResponse,
  ZIdParams,
  ZListCollectionsQuery,
  ZPage,
  ZPushItem,
  ZPushQueueQuery,
  ZRateRequest,
  ZRatingState,
  ZResourceStats,
  ZResourceStatsQuery,
  ZResourceSummary,
  ZResourceUsage,
  ZStatsScope,
  ZUpdateCollectionRequest,
  PUSH_STATUSES,
  type Permission,
} from '@qiming/shared';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuthedContext } from '../../core/context.ts';
import type { ZApp } from '../../core/http/app.ts';
import * as browse from './browse.service.ts';
import * as collections from './collections.service.ts';
import * as push from './push.service.ts';
import * as social from './social.service.ts';
import * as stats from './stats.service.ts';

const authed = (req: FastifyRequest) => req.ctx as AuthedContext;
const tags = ['resources'];
const contribute = { permission: 'resource.contribute' } as const;
const manage = { permission: 'resource.manage' } as const;
const oversee: { permission: Permission[] } = { permission: ['resource.manage', 'resource.review'] };

/** Browsing helpers, favourites, ratings, comments, 资源目录, usage statistics and the push queue. */
export async function socialRoutes(app: ZApp): Promise<void> {
  app.get(
    '/api/resources/catalogue-counts',
    {
      config: { access: { public: true } },
      schema: {
        tags,
        summary: '课程目录各单元的资源数（按可见范围）',
        querystring: ZCatalogueCountsQuery,
        response: { 200: ZCatalogueCounts },
      },
    },
    async (req) => browse.catalogueCounts(req.ctx, req.query),
  );
  app.get(
    '/api/resources/for-me',
    {
      config: { access: contribute },
      schema: { tags, summary: '适合我任教学科和年级的资源', response: { 200: ZForMeResponse } },
    },
    async (req) => browse.forMe(authed(req)),
  );
  app.get(
    '/api/resources/:id/related',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '相关资源', params: ZIdParams, response: { 200: z.array(ZResourceSummary) } },
    },
    async (req) => browse.relatedResources(req.ctx, req.params.id),
  );

  // favourites
  app.get(
    '/api/resources/favourites',
    {
      config: { access: contribute },
      schema: { tags, summary: '我的收藏', querystring: ZPage, response: { 200: paged(ZResourceSummary) } },
    },
    async (req) => social.listFavourites(authed(req), req.query),
  );
  app.put(
    '/api/resources/:id/favourite',
    { config: { access: contribute }, schema: { tags, summary: '收藏', params: ZIdParams, response: { 200: ZFavouriteState } } },
    async (req) => social.setFavourite(authed(req), req.params.id, true),
  );
  app.delete(
    '/api/resources/:id/favourite',
    { config: { access: contribute }, schema: { tags, summary: '取消收藏', params: ZIdParams, response: { 200: ZFavouriteState } } },
    async (req) => social.setFavourite(authed(req), req.params.id, false),
  );

  // ratings: one per user, 1–5 stars
  app.put(
    '/api/resources/:id/rating',
    {
      config: { access: contribute },
      schema: { tags, summary: '评分（1–5 星，每人一次，可修改）', params: ZIdParams, body: ZRateRequest, response: { 200: ZRatingState } },
    },
    async (req) => social.rateResource(authed(req), req.params.id, req.body.stars),
  );

  // comments, screened
  app.get(
    '/api/resources/:id/comments',
    { config: { access: { public: true } }, schema: { tags, summary: '评论', params: ZIdParams, response: { 200: ZCommentList } } },
    async (req) => social.listComments(req.ctx, req.params.id),
  );
  app.post(
    '/api/resources/:id/comments',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: '发表评论（含敏感词的评论待审核后显示）',
        params: ZIdParams,
        body: ZCommentRequest,
        response: { 201: ZComment },
      },
    },
    async (req, reply) => reply.code(201).send(await social.addComment(authed(req), req.params.id, req.body.body)),
  );
  app.post(
    '/api/resource-comments/:id/publish',
    {
      config: { access: oversee },
      schema: { tags, summary: '审核通过一条待审核的评论', params: ZIdParams, response: { 200: ZComment } },
    },
    async (req) => social.publishComment(authed(req), req.params.id),
  );
  app.delete(
    '/api/resource-comments/:id',
    { config: { access: contribute }, schema: { tags, summary: '删除评论（作者或管理员）', params: ZIdParams } },
    async (req, reply) => {
      await social.deleteComment(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );

  // 资源目录 and collections
  app.get(
    '/api/resource-collections',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '资源目录与专题合集', querystring: ZListCollectionsQuery, response: { 200: z.array(ZCollection) } },
    },
    async (req) => collections.listCollections(req.ctx, req.query),
  );
  app.post(
    '/api/resource-collections',
    {
      config: { access: contribute },
      schema: { tags, summary: '新建资源目录或专题合集', body: ZCollectionInput, response: { 201: ZCollectionDetail } },
    },
    async (req, reply) => reply.code(201).send(await collections.createCollection(authed(req), req.body)),
  );
  app.get(
    '/api/resource-collections/:id',
    {
      config: { access: { public: true } },
      schema: { tags, summary: '资源目录详情', params: ZIdParams, response: { 200: ZCollectionDetail } },
    },
    async (req) => collections.getCollection(req.ctx, req.params.id),
  );
  app.patch(
    '/api/resource-collections/:id',
    {
      config: { access: contribute },
      schema: { tags, summary: '修改资源目录', params: ZIdParams, body: ZUpdateCollectionRequest, response: { 200: ZCollectionDetail } },
    },
    async (req) => collections.updateCollection(authed(req), req.params.id, req.body),
  );
  app.delete(
    '/api/resource-collections/:id',
    { config: { access: contribute }, schema: { tags, summary: '删除资源目录', params: ZIdParams } },
    async (req, reply) => {
      await collections.deleteCollection(authed(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/resource-collections/:id/items',
    {
      config: { access: contribute },
      schema: { tags, summary: '把资源加入目录', params: ZIdParams, body: ZCollectionItemRequest, response: { 200: ZCollectionDetail } },
    },
    async (req) => collections.addCollectionItem(authed(req), req.params.id, req.body.resourceId, req.body.note),
  );
  app.delete(
    '/api/resource-collections/:id/items/:resourceId',
    {
      config: { access: contribute },
      schema: { tags, summary: '从目录移除资源', params: ZCollectionItemParams, response: { 200: ZCollectionDetail } },
    },
    async (req) => collections.removeCollectionItem(authed(req), req.params.id, req.params.resourceId),
  );
  app.put(
    '/api/resource-collections/:id/order',
    {
      config: { access: contribute },
      schema: {
        tags,
        summary: '调整目录中资源的顺序',
        params: ZIdParams,
        body: ZCollectionOrderRequest,
        response: { 200: ZCollectionDetail },
      },
    },
    async (req) => collections.reorderCollectionItems(authed(req), req.params.id, req.body.resourceIds),
  );

  // statistics
  app.get(
    '/api/resources/:id/usage',
    {
      config: { access: contribute },
      schema: { tags, summary: '资源的使用统计（近 30 天）', params: ZIdParams, response: { 200: ZResourceUsage } },
    },
    async (req) => stats.resourceUsage(authed(req), req.params.id),
  );
  app.get(
    '/api/resource-stats',
    {
      config: { access: { ...oversee, scope: { kind: 'org', from: 'query', key: 'unitId' } } },
      schema: { tags, summary: '学校、区县、市的资源统计', querystring: ZResourceStatsQuery, response: { 200: ZResourceStats } },
    },
    async (req) => stats.unitStats(authed(req), req.query),
  );
  app.get(
    '/api/resource-stats/scopes',
    {
      config: { access: oversee },
      schema: { tags, summary: '可查看统计的单位', response: { 200: z.array(ZStatsScope) } },
    },
    async (req) => stats.statsScopes(authed(req)),
  );

  // push upward (报送)
  app.get(
    '/api/resource-push-queue',
    {
      config: { access: manage },
      schema: {
        tags,
        summary: '报送队列',
        querystring: ZPushQueueQuery,
        response: { 200: paged(ZPushItem).extend({ counts: z.partialRecord(z.enum(PUSH_STATUSES), z.number().int()) }) },
      },
    },
    async (req) => push.listPushQueue(authed(req), req.query),
  );
  app.post(
    '/api/resources/:id/push',
    {
      config: { access: manage },
      schema: { tags, summary: '报送到上级平台（加入报送队列）', params: ZIdParams, response: { 201: ZPushItem } },
    },
    async (req, reply) => reply.code(201).send(await push.pushResource(authed(req), req.params.id)),
  );
  app.delete(
    '/api/resources/:id/push',
    { config: { access: manage }, schema: { tags, summary: '取消报送', params: ZIdParams, response: { 200: ZPushItem } } },
    async (req) => push.cancelPush(authed(req), req.params.id),
  );
}
