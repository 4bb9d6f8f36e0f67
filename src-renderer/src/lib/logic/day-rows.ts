/**
 * Turns an oldest-first message list into the rows the chat renders: a day separator before the first message
 * of each local calendar day, and per message whether to print the sender's name (first of a run in a group).
 */
import type { ArchivedMessage, Message } from '../api/types.js';
import { relativeDay } from './format.js';
import { mediaBlockHeight } from './media.js';

export type TimelineRow =
  | { kind: 'day'; key: string; label: string; dayStart: number }
  | { kind: 'message'; key: string; message: Message; showSender: boolean };

/** Local calendar day of an epoch-ms timestamp, as a sortable key ("2024-01-31"). */
export function localDayKey(timestamp: number): string {
  const d = new Date(timestamp);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

function startOfLocalDay(timestamp: number): number {
  const d = new Date(timestamp);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The day separator's label: the UI's one relative date (format.ts relativeDay), "Today" for today. */
export function dayLabel(timestamp: number, now: number = Date.now(), locale?: string): string {
  return relativeDay(timestamp, now, locale).label;
}

function senderIdentity(m: Message): string {
  return m.fromMe ? '\u0000me' : (m.senderJid ?? m.senderLid ?? m.senderName ?? '');
}

/** Rows for messages sorted oldest first. `isGroup` turns on sender names for incoming runs. */
export function buildTimelineRows(
  messages: readonly Message[],
  options: { isGroup: boolean; now?: number; locale?: string },
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const now = options.now ?? Date.now();
  let previousDay: string | null = null;
  let previous: Message | null = null;
  for (const message of messages) {
    const day = localDayKey(message.timestamp);
    const newDay = day !== previousDay;
    if (newDay) {
      rows.push({
        kind: 'day',
        key: `day:${day}`,
        label: dayLabel(message.timestamp, now, options.locale),
        dayStart: startOfLocalDay(message.timestamp),
      });
      previousDay = day;
    }
    const isSystem = message.type === 'system';
    const showSender =
      options.isGroup &&
      !message.fromMe &&
      !isSystem &&
      (newDay || previous === null || previous.type === 'system' || senderIdentity(previous) !== senderIdentity(message));
    rows.push({ kind: 'message', key: `m:${message.id}`, message, showSender });
    previous = message;
  }
  return rows;
}

/** Height guess for a row before it is measured (px); good guesses keep the scrollbar calm. */
export function estimateRowHeight(row: TimelineRow): number {
  if (row.kind === 'day') return 40;
  const m = row.message;
  let h = 44;
  if (row.showSender) h += 18;
  if (m.quotedMessageId) h += 46;
  h += mediaBlockHeight(m as ArchivedMessage);
  if ((m as ArchivedMessage).reactions?.length) h += 26;
  if (m.error) h += 18;
  // About 45 characters per line at the bubble's max width.
  const lines = Math.max(1, Math.ceil(m.body.length / 45)) + (m.body.match(/\n/g)?.length ?? 0);
  h += (lines - 1) * 20;
  return h;
}
