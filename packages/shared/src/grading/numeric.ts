import type { TNumericRule } from '../schemas/items.ts';
import { foldWidth } from './normalize.ts';

/** How a number was written; integers and decimals count as one form. */
export type NumberForm = 'decimal' | 'fraction' | 'mixed' | 'percent';
export type ParsedNumber = { value: number; form: NumberForm; numerator?: number; denominator?: number };

const DECIMAL = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)$/;
const THOUSANDS = /^([+-]?)(\d{1,3}(?:,\d{3})+)(\.\d+)?$/;
const FRACTION = /^([+-]?)(\d+)\/(\d+)$/;
const MIXED = /^([+-]?)(\d+)(?:又| +|\+)(\d+)\/(\d+)$/;
const PERCENT = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))%$/;
const CN_FRACTION = /^([+-]?)(\d+)分之(\d+)$/;
const CN_PERCENT = /^百分之(\d+(?:\.\d+)?)$/;

// units folded once per list (a rule's list is the same object for every answer to the item)
const foldedUnits = new WeakMap<readonly string[], string[]>();
const stripUnit = (s: string, units: readonly string[]): string => {
  let folded = foldedUnits.get(units);
  if (!folded) {
    folded = units.map((u) => foldWidth(u).replace(/\s+/g, '')).filter(Boolean);
    foldedUnits.set(units, folded);
  }
  for (const unit of folded) if (s.endsWith(unit)) return s.slice(0, -unit.length).trim();
  return s;
};

/**
 * Reads a number as a pupil types it: full-width digits, thousands separators (1,000 / 1，000),
 * fractions (3/4, 4分之3), mixed numbers (1又1/2, 1 1/2), percentages (25%, 百分之25), and
 * the given unit suffixes (元, 米, …) removed. Returns null when it is not a number.
 */
export function parseNumber(raw: string, units: readonly string[] = []): ParsedNumber | null {
  // most answers are plain decimals: no folding needed
  let m = DECIMAL.exec(raw);
  if (m) return { value: Number(m[1]! + m[2]!), form: 'decimal' };
  let s = foldWidth(raw).trim().replace(/\s+/g, ' ');
  if (units.length) s = stripUnit(s, units);
  s = s.replace(/^\+/, '').replace(/ *([/%]) */g, '$1');
  m = DECIMAL.exec(s);
  if (m) return { value: Number(m[1]! + m[2]!), form: 'decimal' };
  m = THOUSANDS.exec(s);
  if (m) return { value: Number(m[1]! + m[2]!.replace(/,/g, '') + (m[3] ?? '')), form: 'decimal' };
  m = FRACTION.exec(s);
  if (m) return fraction(m[1]!, Number(m[2]), Number(m[3]), 'fraction');
  m = MIXED.exec(s);
  if (m) {
    const whole = Number(m[2]);
    const den = Number(m[4]);
    const parsed = fraction(m[1]!, whole * den + Number(m[3]), den, 'mixed');
    // 1又5/4 is not a mixed number: the fraction part must be proper
    return parsed && Number(m[3]) < den ? parsed : null;
  }
  m = PERCENT.exec(s);
  if (m) return { value: Number(m[1]) / 100, form: 'percent' };
  m = CN_FRACTION.exec(s);
  if (m) return fraction(m[1]!, Number(m[3]), Number(m[2]), 'fraction');
  m = CN_PERCENT.exec(s);
  if (m) return { value: Number(m[1]) / 100, form: 'percent' };
  return null;
}

function fraction(sign: string, num: number, den: number, form: NumberForm): ParsedNumber | null {
  if (den === 0) return null;
  return { value: (sign === '-' ? -num : num) / den, form, numerator: num, denominator: den };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export type NumericVerdict = { isCorrect: boolean; reason?: 'unparseable' | 'wrong_form' | 'not_simplest' };

/** Whether a typed answer equals the key under the item's rule (value, form, simplest form). */
export function judgeNumber(answer: string, key: ParsedNumber, rule: TNumericRule): NumericVerdict {
  const got = parseNumber(answer, rule.units);
  if (!got) return { isCorrect: false, reason: 'unparseable' };
  const diff = Math.abs(got.value - key.value);
  // floating point: 0.1 + 0.2 style noise is not a wrong answer
  const epsilon = 1e-9 * Math.max(1, Math.abs(key.value));
  if (diff > rule.tolerance + epsilon) return { isCorrect: false };
  if (!rule.equivalentForms && got.form !== key.form) return { isCorrect: false, reason: 'wrong_form' };
  // 4/6, 2又2/4, 3/1 and 0/5 are not in simplest form (最简分数)
  if (
    rule.requireSimplestFraction &&
    got.denominator !== undefined &&
    (gcd(got.numerator!, got.denominator) !== 1 || got.denominator === 1)
  )
    return { isCorrect: false, reason: 'not_simplest' };
  return { isCorrect: true };
}
