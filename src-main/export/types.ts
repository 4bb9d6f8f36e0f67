/**
 * Chat export (issue 10): the formats and what every writer gets. Writers are pure formatting (no SQL, no
 * I/O): a writer turns the head and one message at a time into text; src-main/export/stream.ts writes that
 * text to a stream with backpressure, so an export holds one batch of messages whatever the chat's size.
 */
import type { Chat, Message } from '../core/types.js';
import { extensionOf } from '../media/serve-headers.js';

export const EXPORT_FORMATS = ['json', 'html', 'txt', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_MEDIA = ['omit', 'include'] as const;
export type ExportMediaMode = (typeof EXPORT_MEDIA)[number];

/** A message's media as the export sees it: `file` is its path inside the zip (media/<sha256>.<ext>), null when not there. */
export interface ExportMedia {
  file: string | null;
  filename: string | null;
  mimetype: string | null;
}

export interface ExportItem {
  message: Message;
  /** Null for a message without media. */
  media: ExportMedia | null;
}

export interface ExportHead {
  chat: Chat;
  exportedAt: number;
  /** True when media files travel with the document (a zip); false: media are named, not included. */
  includeMedia: boolean;
  /** How the account's own messages are signed in txt/html/csv ("You"). */
  selfName: string;
}

/** One format: text for the start, for each message, and for the end of the document. */
export interface ExportWriter {
  start(): string;
  item(item: ExportItem): string;
  end(): string;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Zero-padded two digits. */
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** dd/mm/yyyy in the gateway's local time zone (WhatsApp's Android export). */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** HH:MM (24 h) in the gateway's local time zone. */
export function timeOf(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The phone number (or id) part of a JID. */
export function jidUser(jid: string | null): string {
  if (!jid) return '';
  const at = jid.indexOf('@');
  return (at < 0 ? jid : jid.slice(0, at)).split(':')[0] ?? '';
}

/** Who wrote a message, as a person reads it. */
export function authorOf(m: Message, selfName: string): string {
  if (m.fromMe) return selfName;
  const name = m.senderName?.trim();
  if (name) return name;
  const user = jidUser(m.senderJid ?? m.senderLid ?? m.chatJid);
  return user ? `+${user}` : 'Unknown';
}

/** What a message says as one piece of text (media captions, stand-ins for non-text kinds). */
export function textOf(m: Message): string {
  if (m.deleted) return 'This message was deleted';
  if (m.type === 'reaction') return m.body ? `reacted ${m.body}` : 'removed a reaction';
  if (m.body) return m.body;
  switch (m.type) {
    case 'location':
      return '[location]';
    case 'contact':
      return '[contact card]';
    case 'poll':
      return '[poll]';
    case 'sticker':
      return '';
    default:
      return m.hasMedia ? '' : `[${m.type}]`;
  }
}


/**
 * The path of a stored file inside the zip: the hash names it (never text from WhatsApp), the extension comes
 * from the mimetype, else from the original name when it is plain ([a-z0-9]{1,8}), else "bin".
 */
export function mediaPath(sha256: string, mimetype: string | null, filename: string | null): string {
  let ext = extensionOf(mimetype);
  if (!ext) {
    const m = /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? '');
    ext = m ? m[1]!.toLowerCase() : 'bin';
  }
  return `media/${sha256}.${ext}`;
}

/** The name a person sees for an attachment: the original file name, else the file inside the zip, else the kind. */
export function attachmentName(item: ExportItem): string {
  const media = item.media;
  if (!media) return '';
  if (media.file) return media.file.slice('media/'.length);
  return media.filename?.trim() || `${item.message.type}`;
}
