import type { Translate } from '../../lib/i18n.ts';

/** Display names of the resource centre's enums, in the current language. */
const k = (prefix: string, v: string) => `res_${prefix}_${v.replace(/-/g, '_')}` as Parameters<Translate>[0];
export const typeName = (t: Translate, v: string) => t(k('type', v));
export const statusName = (t: Translate, v: string) => t(k('status', v));
export const audienceName = (t: Translate, v: string) => t(k('audience', v));
export const markName = (t: Translate, v: string) => t(k('mark', v));
export const levelName = (t: Translate, v: string) => t(k('level', v));
export const reviewLevelName = (t: Translate, v: string) => t(k('review', v));
export const pushStatusName = (t: Translate, v: string) => t(k('push', v));
export const termName = (t: Translate, v: string) => t(k('term', v));
export const editionName = (t: Translate, v: string) => t(k('edition', v));
export const kindName = (t: Translate, v: string) => t(k('kind', v));
export const licenceName = (t: Translate, v: string) => t(k('licence', v));

export const STATUS_COLOURS: Record<string, string> = {
  draft: 'default',
  in_review: 'processing',
  returned: 'error',
  published: 'success',
  withdrawn: 'warning',
};
export const TYPE_COLOURS: Record<string, string> = {
  courseware: 'blue',
  lesson_plan: 'green',
  study_guide: 'cyan',
  micro_lesson: 'purple',
  exam_paper: 'volcano',
  media: 'gold',
  exercise_set: 'geekblue',
};

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
