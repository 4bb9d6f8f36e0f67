/**
 * The gap rule (src-main/app/history-gaps.ts), pure: stretches merge when they overlap or meet in one message,
 * and every other separation is a gap with the message ids and times on each side, whatever the input order.
 */
import { describe, expect, it } from 'vitest';
import { mergeSegments, type Segment } from '../../src-main/app/history-gaps.js';

const seg = (fromAt: number, fromId: string, toAt: number, toId: string): Segment => ({ fromAt, fromId, toAt, toId });

describe('mergeSegments', () => {
  it('has nothing to say about an empty chat or a single stretch', () => {
    expect(mergeSegments([])).toEqual({ runs: [], gaps: [] });
    expect(mergeSegments([seg(10, 'a', 20, 'b')])).toEqual({ runs: [seg(10, 'a', 20, 'b')], gaps: [] });
  });

  it('reports the hole between two separate stretches, with the ids and times on each side', () => {
    const { runs, gaps } = mergeSegments([seg(10, 'a', 20, 'b'), seg(50, 'c', 60, 'd')]);
    expect(runs).toEqual([seg(10, 'a', 20, 'b'), seg(50, 'c', 60, 'd')]);
    expect(gaps).toEqual([{ after: 'b', before: 'c', from: 20, to: 50 }]);
  });

  it('merges overlapping stretches, and one inside another', () => {
    expect(mergeSegments([seg(10, 'a', 30, 'c'), seg(20, 'b', 40, 'd')])).toEqual({ runs: [seg(10, 'a', 40, 'd')], gaps: [] });
    expect(mergeSegments([seg(10, 'a', 40, 'd'), seg(20, 'b', 30, 'c')])).toEqual({ runs: [seg(10, 'a', 40, 'd')], gaps: [] });
    // Same start: the longer one wins whichever comes first.
    expect(mergeSegments([seg(10, 'a', 10, 'a'), seg(10, 'a', 40, 'd')])).toEqual({ runs: [seg(10, 'a', 40, 'd')], gaps: [] });
  });

  it('joins stretches that meet in one message (a backfill answer ending on the message after a gap)', () => {
    const { runs, gaps } = mergeSegments([seg(10, 'a', 20, 'b'), seg(20, 'b', 30, 'c')]);
    expect(runs).toEqual([seg(10, 'a', 30, 'c')]);
    expect(gaps).toEqual([]);
  });

  it('keeps a gap between stretches that touch in time with different messages (same second, maybe more in between)', () => {
    const { gaps } = mergeSegments([seg(10, 'a', 20, 'b'), seg(20, 'x', 30, 'c')]);
    expect(gaps).toEqual([{ after: 'b', before: 'x', from: 20, to: 20 }]);
  });

  it('remembers every message a merged stretch ends on at the same instant', () => {
    // Two stretches end at 20 (on b and on y); the next one starts on y: joined.
    const { gaps } = mergeSegments([seg(10, 'a', 20, 'b'), seg(15, 'q', 20, 'y'), seg(20, 'y', 30, 'c')]);
    expect(gaps).toEqual([]);
  });

  it('gives the same answer whatever order the stretches come in', () => {
    const list = [seg(100, 'e', 120, 'f'), seg(10, 'a', 20, 'b'), seg(15, 'x', 25, 'y'), seg(60, 'c', 70, 'd'), seg(70, 'd', 80, 'g')];
    const expected = {
      runs: [seg(10, 'a', 25, 'y'), seg(60, 'c', 80, 'g'), seg(100, 'e', 120, 'f')],
      gaps: [
        { after: 'y', before: 'c', from: 25, to: 60 },
        { after: 'g', before: 'e', from: 80, to: 100 },
      ],
    };
    expect(mergeSegments(list)).toEqual(expected);
    expect(mergeSegments([...list].reverse())).toEqual(expected);
    expect(mergeSegments([list[3]!, list[0]!, list[4]!, list[2]!, list[1]!])).toEqual(expected);
  });

  it('a backfill that fills a gap closes it; one that stops short leaves a smaller gap', () => {
    const older = seg(10, 'a', 20, 'b');
    const newer = seg(50, 'c', 60, 'd');
    expect(mergeSegments([older, newer, seg(15, 'm1', 50, 'c')]).gaps).toEqual([]);
    expect(mergeSegments([older, newer, seg(40, 'm5', 50, 'c')]).gaps).toEqual([{ after: 'b', before: 'm5', from: 20, to: 40 }]);
  });

  it('ignores malformed stretches rather than inventing gaps', () => {
    expect(mergeSegments([seg(10, 'a', 20, 'b'), seg(30, 'x', 25, 'y'), seg(Number.NaN, 'n', 5, 'm')]).gaps).toEqual([]);
  });
});
