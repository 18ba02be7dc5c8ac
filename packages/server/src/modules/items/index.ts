/**
 * The items module's public surface (题库, 组卷, 自动批改). Other modules (homework, training,
 * analytics) import only from here.
 *
 * Grading is pure and lives in @qiming/shared so the web app can preview it too:
 * `gradeResponse(item, response)`, `checkResponseShape(item, response)` (issues for a 400),
 * `presentItemForPupil(item, { shuffleSeed, score })`, `withScore(item, score)`.
 */
export { gradeResponse, checkResponseShape, presentItemForPupil, withScore } from '@qiming/shared';
export type { TItemContent, TResponse, TGradeResult, TPupilItem, TResponseIssue } from '@qiming/shared';
export { itemsRoutes } from './items.routes.ts';
export {
  getPaperForDelivery,
  getItemVersions,
  findSimilarItems,
  drawRandomItems,
  type TDeliveryPaper,
  type TDeliveryItem,
  type TFoundItem,
} from './delivery.ts';
export { getReadablePaper, assemblePaper } from './papers.service.ts';
export { getReadableBank } from './items.service.ts';
export { assemble, type AssemblyCandidate } from './assemble.ts';
export { syncKnowledgePoints, knowledgePointId } from './knowledge-points.ts';
export { knowledgePoints, knowledgePointNames, existingKnowledgePoints, firstKnowledgePoints } from './items.repository.ts';
export { buildBank, buildItem, buildPaper, sampleItem } from './items.factory.ts';
export { seedItemsDemo } from './demo/seed-items.ts';
