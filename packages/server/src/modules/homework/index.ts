/**
 * The homework module's public surface (智慧作业, 线上测评, 培训考核, 错题本). Other modules import
 * only from here.
 */
export { homeworkRoutes } from './homework.routes.ts';
/** Item ids a class has already been given: the items module leaves them out of automatic assembly. */
export { listItemIdsDoneByClass } from './assignments.service.ts';
export { BKT_DEFAULTS, bktUpdate, MASTERED_AT, pickNextItems, predictCorrect } from './knowledge-tracing.ts';
export { itemStatistics, testStatistics, type ItemStatistics, type ScoreMatrix, type TestStatistics } from './ctt.ts';
export { seedHomeworkDemo } from './demo/seed-homework-demo.ts';
