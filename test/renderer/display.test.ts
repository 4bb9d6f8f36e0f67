import { describe, expect, it } from 'vitest';
import { tickFor, tickKindForAck } from '../../src-renderer/src/lib/logic/ticks.js';
import { bodyWithMentionNames, segmentBody } from '../../src-renderer/src/lib/logic/mentions.js';
import { clampPercent, displayJid, formatBytes, formatListTime, jidUser, personDisplay, relativeDay } from '../../src-renderer/src/lib/logic/format.js';
import { dayLabel } from '../../src-renderer/src/lib/logic/day-rows.js';
import { navigateList } from '../../src-renderer/src/lib/logic/list-navigation.js';

describe('ack ticks', () => {
  it('maps ack levels to clock, single, double and read ticks', () => {
    expect([0, 1, 2, 3, 4, 5].map(tickKindForAck)).toEqual(['error', 'pending', 'sent', 'delivered', 'read', 'read']);
    expect(tickFor({ fromMe: true, ackLevel: 1, error: null })).toMatchObject({ kind: 'pending', glyph: '🕓' });
    expect(tickFor({ fromMe: true, ackLevel: 2, error: null })).toMatchObject({ kind: 'sent', glyph: '✓' });
    expect(tickFor({ fromMe: true, ackLevel: 3, error: null })).toMatchObject({ kind: 'delivered', glyph: '✓✓' });
    expect(tickFor({ fromMe: true, ackLevel: 4, error: null })).toMatchObject({ kind: 'read', glyph: '✓✓' });
    expect(tickFor({ fromMe: true, ackLevel: 5, error: null })?.label).toBe('Played');
  });

  it('has no tick for incoming messages and an error tick carrying the error text', () => {
    expect(tickFor({ fromMe: false, ackLevel: 3, error: null })).toBeNull();
    expect(tickFor({ fromMe: true, ackLevel: 3, error: 'recipient not on WhatsApp' })).toEqual({
      kind: 'error', glyph: '!', label: 'Not sent: recipient not on WhatsApp',
    });
  });
});

describe('mentions', () => {
  it('replaces known mentions by name and leaves unknown ones as written', () => {
    const segs = segmentBody('hi @205227043110953 and @6281234567890!', { '205227043110953': 'Alice' });
    expect(segs).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Alice', user: '205227043110953' },
      { kind: 'text', text: ' and @6281234567890!' },
    ]);
    expect(bodyWithMentionNames('@111111 @222222', { '111111': 'A', '222222': 'B' })).toBe('@A @B');
    expect(segmentBody('', {})).toEqual([]);
  });

  it('shows mentions of our own account as @You and styles unnamed mentioned numbers', () => {
    const segs = segmentBody('@33883789669 hi, ask @4477001122', null, {
      mentions: ['33883789669@s.whatsapp.net', '4477001122@s.whatsapp.net'],
      selfUsers: ['33883789669'],
    });
    expect(segs).toEqual([
      { kind: 'mention', text: '@You', user: '33883789669' },
      { kind: 'text', text: ' hi, ask ' },
      { kind: 'mention', text: '@+44 77001122', user: '4477001122' },
    ]);
    expect(bodyWithMentionNames('@33883789669 hi', null, { selfUsers: ['33883789669'] })).toBe('@You hi');
  });
});

describe('formatters', () => {
  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(204800)).toBe('200 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(null)).toBe('unknown size');
  });

  it('shows JIDs readably and clamps progress', () => {
    expect(jidUser('6281234567890:12@s.whatsapp.net')).toBe('6281234567890');
    expect(displayJid('6281234567890@s.whatsapp.net')).toBe('+62 812 3456 7890');
    expect(displayJid('205227043110953@lid')).toBe('Unknown contact');
    expect(personDisplay('Ana', '205227043110953@lid')).toBe('Ana');
    expect(personDisplay('205227043110953', null, '205227043110953@lid')).toBe('Unknown contact');
    expect(personDisplay(null, '447700900123@s.whatsapp.net', '205227043110953@lid')).toBe('+44 7700 900123');
    expect(segmentBody('hi @205227043110953', null, { mentions: ['205227043110953@lid'] })).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Unknown contact', user: '205227043110953' },
    ]);
    expect(displayJid('120363012345678901@g.us')).toBe('120363012345678901');
    expect([clampPercent(-3), clampPercent(42.4), clampPercent(180), clampPercent(Number.NaN)]).toEqual([0, 42, 100, 0]);
  });
});

describe('list keyboard navigation', () => {
  it('moves with arrows (clamped), jumps with Home/End/Page keys and opens with Enter', () => {
    expect(navigateList('ArrowDown', -1, 5)).toEqual({ kind: 'move', index: 0 });
    expect(navigateList('ArrowDown', 4, 5)).toEqual({ kind: 'move', index: 4 });
    expect(navigateList('ArrowUp', 0, 5)).toEqual({ kind: 'move', index: 0 });
    expect(navigateList('ArrowUp', 3, 5)).toEqual({ kind: 'move', index: 2 });
    expect(navigateList('End', 0, 5)).toEqual({ kind: 'move', index: 4 });
    expect(navigateList('PageDown', 1, 50, 10)).toEqual({ kind: 'move', index: 11 });
    expect(navigateList('Enter', 2, 5)).toEqual({ kind: 'open', index: 2 });
    expect(navigateList('Enter', -1, 5)).toEqual({ kind: 'none' });
    expect(navigateList('ArrowDown', 0, 0)).toEqual({ kind: 'none' });
    expect(navigateList('x', 0, 5)).toEqual({ kind: 'none' });
  });
});

describe('the one relative date (chat list and day separators)', () => {
  const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m, d, h, min).getTime();
  const now = at(2024, 2, 15, 10, 0); // Friday 15 March 2024, 10:00 local

  it('the list and the chat say the same words for the same day; the list shows the clock today', () => {
    for (const t of [at(2024, 2, 14, 23, 59), at(2024, 2, 12), at(2024, 2, 9), at(2024, 0, 3), at(2023, 11, 25)]) {
      expect(formatListTime(t, now, 'en-US')).toBe(dayLabel(t, now, 'en-US'));
    }
    expect(formatListTime(at(2024, 2, 15, 8, 5), now, 'en-US')).toMatch(/08:05|8:05/);
    expect(dayLabel(at(2024, 2, 15, 8, 5), now, 'en-US')).toBe('Today');
  });

  it('calendar days, not elapsed hours: yesterday 23:59 is "Yesterday", six days back a weekday, seven a date', () => {
    expect(relativeDay(at(2024, 2, 14, 23, 59), now, 'en-US')).toEqual({ today: false, label: 'Yesterday' });
    expect(relativeDay(at(2024, 2, 9, 8, 0), now, 'en-US').label).toBe('Saturday');
    expect(relativeDay(at(2024, 2, 8, 8, 0), now, 'en-US').label).toMatch(/Mar.*8/);
    expect(relativeDay(at(2024, 0, 3), now, 'en-US').label).not.toMatch(/2024/);
    expect(relativeDay(at(2023, 11, 25), now, 'en-US').label).toMatch(/Dec.*25.*2023/);
    expect(formatListTime(null, now)).toBe('');
  });
});
