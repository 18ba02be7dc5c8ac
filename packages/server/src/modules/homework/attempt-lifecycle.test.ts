import { describe, expect, it } from 'vitest';
import { answersVisible, deadlineFor, isPastDeadline, startRefusal, statusAfterGrading, windowState } from './attempt-lifecycle.ts';
import { hashSeed, seededRandom, seededShuffle } from './seeded-random.ts';

const at = (s: string) => new Date(`2026-12-01T${s}:00Z`);
const a = { opensAt: at('08:00'), closesAt: at('12:00'), timeLimitMinutes: null as number | null, maxAttempts: 2 };

describe('assignment window and attempts', () => {
  it('not open, open, closed (close time excluded)', () => {
    expect(windowState(a, at('07:59'))).toBe('not_open');
    expect(windowState(a, at('08:00'))).toBe('open');
    expect(windowState(a, at('11:59'))).toBe('open');
    expect(windowState(a, at('12:00'))).toBe('closed');
  });
  it('deadline is the close time, or earlier with a time limit', () => {
    expect(deadlineFor(a, at('09:00'))).toEqual(at('12:00'));
    expect(deadlineFor({ ...a, timeLimitMinutes: 30 }, at('09:00'))).toEqual(at('09:30'));
    expect(deadlineFor({ ...a, timeLimitMinutes: 30 }, at('11:50'))).toEqual(at('12:00'));
  });
  it('start refusals', () => {
    expect(startRefusal(a, 0, at('07:00'))).toBe('HOMEWORK_NOT_OPEN');
    expect(startRefusal(a, 0, at('13:00'))).toBe('HOMEWORK_CLOSED');
    expect(startRefusal(a, 1, at('09:00'))).toBeNull();
    expect(startRefusal(a, 2, at('09:00'))).toBe('ATTEMPTS_EXHAUSTED');
  });
  it('deadline with grace', () => {
    expect(isPastDeadline(at('09:30'), new Date(at('09:30').getTime() + 20_000), 30_000)).toBe(false);
    expect(isPastDeadline(at('09:30'), new Date(at('09:30').getTime() + 31_000), 30_000)).toBe(true);
    expect(isPastDeadline(at('09:30'), new Date(at('09:30').getTime() + 1))).toBe(true);
  });
  it('status after grading', () => {
    expect(statusAfterGrading(0)).toBe('graded');
    expect(statusAfterGrading(2)).toBe('submitted');
  });
  it('answers shown immediately, after close, or never — and never before finishing', () => {
    expect(answersVisible('immediately', at('12:00'), true, at('09:00'))).toBe(true);
    expect(answersVisible('immediately', at('12:00'), false, at('09:00'))).toBe(false);
    expect(answersVisible('after_close', at('12:00'), true, at('09:00'))).toBe(false);
    expect(answersVisible('after_close', at('12:00'), true, at('12:00'))).toBe(true);
    expect(answersVisible('never', at('12:00'), true, at('13:00'))).toBe(false);
  });
});

describe('seeded randomness', () => {
  it('the same seed gives the same shuffle; different seeds differ', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i);
    expect(seededShuffle(xs, 42)).toEqual(seededShuffle(xs, 42));
    expect(seededShuffle(xs, 42)).not.toEqual(seededShuffle(xs, 43));
    expect([...seededShuffle(xs, 7)].sort((p, q) => p - q)).toEqual(xs);
    expect(xs[0]).toBe(0);
  });
  it('hashSeed is stable and spreads', () => {
    expect(hashSeed('abc')).toBe(hashSeed('abc'));
    expect(hashSeed('abc')).not.toBe(hashSeed('abd'));
    expect(hashSeed('')).toBe(0x811c9dc5);
  });
  it('values lie in [0, 1) and are roughly uniform', () => {
    const r = seededRandom(1);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const v = r();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      buckets[Math.floor(v * 4)]++;
    }
    for (const b of buckets) expect(b).toBeGreaterThan(850);
  });
});
