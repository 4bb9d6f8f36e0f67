import { describe, expect, it } from 'vitest';
import { applyStatusUpdate, mergeMessages, upsertMessage } from '../../src-renderer/src/lib/logic/timeline.js';
import { buildTimelineRows, dayLabel, estimateRowHeight, localDayKey } from '../../src-renderer/src/lib/logic/day-rows.js';
import { makeMessage } from './fixtures.js';

const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo, d, h, mi).getTime();

describe('timeline merging', () => {
  it('merges newest-first pages into one oldest-first list without duplicates', () => {
    const page1 = [makeMessage({ id: 'c', timestamp: 30 }), makeMessage({ id: 'b', timestamp: 20 })];
    const page2 = [makeMessage({ id: 'b', timestamp: 20, body: 'edited', edited: true }), makeMessage({ id: 'a', timestamp: 10 })];
    const list = mergeMessages(mergeMessages([], page1), page2);
    expect(list.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(list[1]!.body).toBe('edited');
  });

  it('orders equal timestamps by id, as the API keyset does', () => {
    const list = mergeMessages([], [makeMessage({ id: 'y', timestamp: 5 }), makeMessage({ id: 'x', timestamp: 5 })]);
    expect(list.map((m) => m.id)).toEqual(['x', 'y']);
  });

  it('upserts a live message in order and replaces an existing copy', () => {
    let list = mergeMessages([], [makeMessage({ id: 'a', timestamp: 10 }), makeMessage({ id: 'c', timestamp: 30 })]);
    list = upsertMessage(list, makeMessage({ id: 'b', timestamp: 20 }));
    expect(list.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    list = upsertMessage(list, makeMessage({ id: 'a', timestamp: 10, ackLevel: 4, status: 'read' }));
    expect(list.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(list[0]!.ackLevel).toBe(4);
  });

  it('applies message.status updates by waMessageId and ignores unknown ids', () => {
    const list = [makeMessage({ id: 'a', timestamp: 1, fromMe: true, ackLevel: 1, status: 'pending' })];
    const updated = applyStatusUpdate(list, { waMessageId: 'a', ackLevel: 0, status: 'error', error: 'boom' });
    expect(updated[0]).toMatchObject({ ackLevel: 0, status: 'error', error: 'boom', edited: false });
    expect(list[0]!.ackLevel).toBe(1); // input untouched
    expect(applyStatusUpdate(list, { waMessageId: 'zz', ackLevel: 4 })).toBe(list);
  });
});

describe('day separators', () => {
  it('puts one separator before the first message of each local day, even across midnight', () => {
    const msgs = [
      makeMessage({ id: '1', timestamp: at(2024, 0, 1, 23, 59) }),
      makeMessage({ id: '2', timestamp: at(2024, 0, 2, 0, 1) }),
      makeMessage({ id: '3', timestamp: at(2024, 0, 2, 9) }),
      makeMessage({ id: '4', timestamp: at(2024, 0, 5, 9) }),
    ];
    const rows = buildTimelineRows(msgs, { isGroup: false, now: at(2024, 5, 1) });
    expect(rows.map((r) => (r.kind === 'day' ? `day:${localDayKey(r.dayStart)}` : r.message.id))).toEqual([
      'day:2024-01-01', '1', 'day:2024-01-02', '2', '3', 'day:2024-01-05', '4',
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length); // keys are unique
  });

  it('labels today, yesterday, a recent weekday and older dates', () => {
    const now = at(2024, 2, 15, 10);
    expect(dayLabel(at(2024, 2, 15, 0, 0), now)).toBe('Today');
    expect(dayLabel(at(2024, 2, 14, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(at(2024, 2, 12), now, 'en-US')).toBe('Tuesday');
    expect(dayLabel(at(2023, 11, 25), now, 'en-US')).toMatch(/Dec.*25.*2023/);
    expect(dayLabel(at(2024, 0, 3), now, 'en-US')).not.toMatch(/2024/);
  });

  it('shows the sender name on the first message of each run in a group only', () => {
    const alice = { senderJid: '1@s.whatsapp.net', senderName: 'Alice' };
    const bob = { senderJid: '2@s.whatsapp.net', senderName: 'Bob' };
    const msgs = [
      makeMessage({ id: '1', timestamp: at(2024, 0, 1, 9), ...alice }),
      makeMessage({ id: '2', timestamp: at(2024, 0, 1, 10), ...alice }),
      makeMessage({ id: '3', timestamp: at(2024, 0, 1, 11), ...bob }),
      makeMessage({ id: '4', timestamp: at(2024, 0, 1, 12), fromMe: true, senderJid: null }),
      makeMessage({ id: '5', timestamp: at(2024, 0, 1, 13), ...bob }),
      makeMessage({ id: '6', timestamp: at(2024, 0, 2, 9), ...bob }),
    ];
    const shown = (isGroup: boolean) =>
      buildTimelineRows(msgs, { isGroup })
        .filter((r) => r.kind === 'message' && r.showSender)
        .map((r) => (r.kind === 'message' ? r.message.id : ''));
    expect(shown(true)).toEqual(['1', '3', '5', '6']);
    expect(shown(false)).toEqual([]);
  });

  it('estimates taller rows for quotes, media and long text', () => {
    const rows = buildTimelineRows(
      [
        makeMessage({ id: 'plain', timestamp: 1 }),
        makeMessage({ id: 'rich', timestamp: 2, quotedMessageId: 'plain', hasMedia: true, body: 'x'.repeat(200),
          media: { filename: 'a.pdf', mimetype: 'application/pdf', size: 10 } }),
      ],
      { isGroup: false },
    );
    const [day, plain, rich] = rows.map(estimateRowHeight);
    expect(day).toBeLessThan(plain!);
    expect(rich! - plain!).toBeGreaterThan(100);
  });
});
