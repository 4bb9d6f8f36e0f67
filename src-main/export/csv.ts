/** CSV export (RFC 4180: CRLF rows, quoted fields): one row per message, oldest first, with a header row. */
import { attachmentName, authorOf, type ExportHead, type ExportItem, type ExportWriter } from './types.js';

export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'time',
  'direction',
  'sender_jid',
  'sender_name',
  'type',
  'body',
  'media_file',
  'media_mimetype',
  'quoted_message_id',
  'status',
  'edited',
  'deleted',
] as const;

/**
 * Quotes a field when needed. A text cell starting with = + - @ (or a tab/CR) gets a leading apostrophe so
 * a spreadsheet does not run it as a formula (OWASP "CSV injection"); ids and numbers never start that way.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvWriter(head: ExportHead): ExportWriter {
  return {
    start: () => `${CSV_COLUMNS.join(',')}\r\n`,
    item(item: ExportItem): string {
      const m = item.message;
      const cells = [
        m.id,
        m.timestamp,
        new Date(m.timestamp).toISOString(),
        m.direction,
        m.fromMe ? null : (m.senderJid ?? m.senderLid),
        authorOf(m, head.selfName),
        m.type,
        m.body,
        item.media ? (item.media.file ?? attachmentName(item)) : null,
        item.media?.mimetype ?? null,
        m.quotedMessageId,
        m.status,
        m.edited,
        m.deleted,
      ];
      return `${cells.map(csvField).join(',')}\r\n`;
    },
    end: () => '',
  };
}
