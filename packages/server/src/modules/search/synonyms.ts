import { normalize, segmentQuery } from './segment.ts';

/**
 * Words teachers use for the same thing. Each line is one group; a query word from a group also
 * finds documents with any other word of it. Queries are widened, documents are not, so editing
 * this list takes effect at once without re-indexing. Keep groups to true equivalents: a group
 * that is too wide (作业 ≈ 试卷) floods results.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['课件', 'ppt', '幻灯片', 'pptx'],
  ['微课', '视频', '微视频', '教学视频'],
  ['教案', '教学设计'],
  ['学案', '导学案'],
  ['试卷', '测试卷', '试题'],
  ['练习', '习题', '练习题'],
  ['单元测试', '单元检测', '单元卷'],
  ['期末', '期末考试', '期末测试'],
  ['期中', '期中考试', '期中测试'],
  ['素材', '资料'],
  ['思维导图', '知识导图'],
  ['部编版', '统编版'],
  ['人教版', '人教'],
  ['北师大版', '北师大', '北师版'],
  ['苏教版', '苏教'],
  ['外研版', '外研'],
  ['古诗', '古诗词', '诗词'],
  ['作文', '习作'],
  ['口算', '心算'],
  ['英语', 'english'],
];

/** A widened word: the word as the index holds it, or (for a phrase such as 教学视频) its words. */
export type Alternative = string[];

let table: Map<string, Alternative[]> | null = null;

function build(): Map<string, Alternative[]> {
  const map = new Map<string, Alternative[]>();
  for (const group of SYNONYM_GROUPS) {
    const forms = group.map((w) => segmentQuery(w)).filter((f) => f.length > 0);
    for (const word of group) {
      const key = normalize(word);
      const own = forms.filter((f) => f.join(' ') !== segmentQuery(word).join(' '));
      map.set(key, [...(map.get(key) ?? []), ...own]);
    }
  }
  return map;
}

/** The other forms of a query word (课件 → [[ppt], [幻灯片], [pptx]]); none when it has no group. */
export function synonymsOf(word: string): Alternative[] {
  table ??= build();
  return table.get(normalize(word)) ?? [];
}
