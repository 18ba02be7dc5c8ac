/**
 * Builds `lexicon/default-lexicon.tsv` (word, category) from konsheng/Sensitive-lexicon (MIT), as
 * chosen in docs/data-sources.md: the categories below, minus words that occur in ordinary
 * teaching text (measured on cmath, the seed documents and the curriculum catalogue), minus ASCII
 * fragments under four letters (they match inside English words).
 *
 *   node --import tsx packages/server/src/modules/resources/screening/build-lexicon.ts /path/to/sensitive-lexicon
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LEXICON_CATEGORIES: Record<string, string> = {
  '政治类型.txt': '政治',
  '反动词库.txt': '政治',
  '暴恐词库.txt': '暴恐',
  '涉枪涉爆.txt': '涉枪涉爆',
  '色情类型.txt': '色情',
  '色情词库.txt': '色情',
  '贪腐词库.txt': '贪腐',
  '非法网址.txt': '非法网址',
};

/** Words of those lists that ordinary teaching material uses (each seen in the measured corpus). */
export const TEACHING_EXCEPTIONS = ['政府', '习近平', '邓小平', '集合', '盘古', '王丹', '形式主义'];

export function buildLexicon(sourceDir: string): [string, string][] {
  const out = new Map<string, string>();
  for (const [file, category] of Object.entries(LEXICON_CATEGORIES)) {
    for (const raw of readFileSync(path.join(sourceDir, file), 'utf8').split(/\r?\n/)) {
      const w = raw.trim();
      if (w.length < 2 || w.length > 32 || TEACHING_EXCEPTIONS.includes(w)) continue;
      if (/^[\x20-\x7e]+$/.test(w) && w.length < 4) continue;
      if (/[\t\uFFFD]/.test(w)) continue;
      if (!out.has(w)) out.set(w, category);
    }
  }
  return [...out];
}

if (process.argv[1] === import.meta.filename) {
  const rows = buildLexicon(process.argv[2] ?? '/work/shared/data/sensitive-lexicon');
  writeFileSync(path.join(import.meta.dirname, 'lexicon', 'default-lexicon.tsv'), rows.map((r) => r.join('\t')).join('\n') + '\n');
  console.log(`${rows.length} words`);
}
