export { gradeResponse } from './grade.ts';
export { checkResponseShape, type TResponseIssue } from './response-shape.ts';
export { presentItemForPupil, seededRandom, seededShuffle, withScore } from './present.ts';
export { normalizeText, foldWidth } from './normalize.ts';
export { parseNumber, judgeNumber, type ParsedNumber, type NumberForm } from './numeric.ts';
