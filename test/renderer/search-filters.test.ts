/** The message search filters' day range and the indexing notice (src-renderer/src/lib/logic/search-filters.ts). */
import { describe, expect, it } from 'vitest';
import { dayRange, indexingNotice, pendingOf } from '../../src-renderer/src/lib/logic/search-filters.js';

describe('dayRange', () => {
  it('covers whole local days, both ends included (the API bounds are exclusive)', () => {
    const { after, before } = dayRange('2026-03-01', '2026-03-02');
    expect(after).toBe(new Date(2026, 2, 1).getTime() - 1);
    expect(before).toBe(new Date(2026, 2, 3).getTime());
    // A message at the first and at the last millisecond of the range is inside it.
    expect(new Date(2026, 2, 1).getTime()).toBeGreaterThan(after!);
    expect(new Date(2026, 2, 3).getTime() - 1).toBeLessThan(before!);
  });

  it('one day; across a month and a year end; either bound alone', () => {
    expect(dayRange('2026-11-26', '2026-11-26')).toEqual({
      after: new Date(2026, 10, 26).getTime() - 1,
      before: new Date(2026, 10, 27).getTime(),
    });
    expect(dayRange('', '2026-12-31').before).toBe(new Date(2027, 0, 1).getTime());
    expect(dayRange('', '2026-02-28').before).toBe(new Date(2026, 2, 1).getTime());
    expect(dayRange('2026-01-01', '')).toEqual({ after: new Date(2026, 0, 1).getTime() - 1, before: undefined });
  });

  it('empty or malformed days are no bound', () => {
    expect(dayRange('', '')).toEqual({ after: undefined, before: undefined });
    expect(dayRange('yesterday', '2026-13')).toEqual({ after: undefined, before: undefined });
  });
});

describe('indexing notice', () => {
  it('says how many messages are not searchable yet', () => {
    expect(indexingNotice(12_345)).toBe('Indexing 12,345 messages… results may be incomplete');
    expect(indexingNotice(1)).toBe('Indexing 1 message… results may be incomplete');
  });

  it('pending = archived rows left + queued rows', () => {
    expect(pendingOf({ done: 400, total: 1000, queued: 25 })).toBe(625);
    expect(pendingOf({ done: 1000, total: 1000, queued: 0 })).toBe(0);
  });
});
