/**
 * Pure helpers for showing archived media and the richer message kinds: readable document kinds, durations,
 * the box a picture reserves before its bytes arrive (the virtual list must not jump), links in text,
 * OpenStreetMap links and reactions folded onto the message they belong to. No DOM, no network.
 */
import type { ArchivedMessage, Message, MediaState, ReactionInfo } from '../api/types.js';
import { personDisplay } from './format.js';

/** What a bubble draws for its media. */
export type MediaKind = 'image' | 'video' | 'voice' | 'audio' | 'document' | 'sticker';

export function mediaKindOf(message: Pick<ArchivedMessage, 'type' | 'media' | 'hasMedia'>): MediaKind | null {
  if (!message.hasMedia && !message.media) return null;
  switch (message.type) {
    case 'image':
    case 'video':
    case 'sticker':
    case 'document':
      return message.type;
    case 'audio':
      return message.media?.ptt ? 'voice' : 'audio';
    default:
      return message.media ? 'document' : null;
  }
}

/** The key the media state and the realtime events share (media.* payloads carry chatJid + waMessageId). */
export function mediaKey(chatJid: string, waMessageId: string): string {
  return `${chatJid}\u0000${waMessageId}`;
}

const KIND_BY_MIME: Record<string, string> = {
  'application/pdf': 'PDF document',
  'application/msword': 'Word document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.ms-excel': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.ms-powerpoint': 'PowerPoint presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'OpenDocument text',
  'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
  'application/vnd.oasis.opendocument.presentation': 'OpenDocument presentation',
  'application/rtf': 'Rich text document',
  'text/rtf': 'Rich text document',
  'text/plain': 'Text file',
  'text/csv': 'CSV file',
  'text/html': 'Web page',
  'application/json': 'JSON file',
  'application/xml': 'XML file',
  'text/xml': 'XML file',
  'application/zip': 'ZIP archive',
  'application/x-zip-compressed': 'ZIP archive',
  'application/x-7z-compressed': '7-Zip archive',
  'application/x-rar-compressed': 'RAR archive',
  'application/vnd.rar': 'RAR archive',
  'application/gzip': 'Gzip archive',
  'application/x-tar': 'Tar archive',
  'application/epub+zip': 'EPUB e-book',
  'application/vnd.android.package-archive': 'Android app',
  'text/vcard': 'Contact card',
  'text/x-vcard': 'Contact card',
};

const KIND_BY_EXTENSION: Record<string, string> = {
  pdf: 'PDF document',
  doc: 'Word document',
  docx: 'Word document',
  xls: 'Excel spreadsheet',
  xlsx: 'Excel spreadsheet',
  ppt: 'PowerPoint presentation',
  pptx: 'PowerPoint presentation',
  odt: 'OpenDocument text',
  ods: 'OpenDocument spreadsheet',
  odp: 'OpenDocument presentation',
  rtf: 'Rich text document',
  txt: 'Text file',
  csv: 'CSV file',
  json: 'JSON file',
  xml: 'XML file',
  html: 'Web page',
  htm: 'Web page',
  zip: 'ZIP archive',
  '7z': '7-Zip archive',
  rar: 'RAR archive',
  gz: 'Gzip archive',
  tar: 'Tar archive',
  epub: 'EPUB e-book',
  apk: 'Android app',
  vcf: 'Contact card',
};

const GENERIC_MIME = new Set(['application/octet-stream', 'binary/octet-stream', '']);

/** "Word document", "PDF document", "PNG image"... never a raw MIME type. */
export function documentKind(mimetype: string | null | undefined, filename: string | null | undefined): string {
  const mime = (mimetype ?? '').split(';')[0]!.trim().toLowerCase();
  if (KIND_BY_MIME[mime]) return KIND_BY_MIME[mime];
  const ext = fileExtension(filename);
  // A generic or unknown MIME type: the extension knows better.
  if (ext && KIND_BY_EXTENSION[ext]) return KIND_BY_EXTENSION[ext];
  const [top, sub] = mime.split('/');
  if (!GENERIC_MIME.has(mime) && sub) {
    const label = sub.replace(/^(x-|vnd\.)/, '').split(/[.+-]/)[0]!.toUpperCase();
    if (top === 'image') return `${label} image`;
    if (top === 'video') return `${label} video`;
    if (top === 'audio') return `${label} audio`;
    if (top === 'text') return 'Text file';
  }
  if (ext) return `${ext.toUpperCase()} file`;
  return 'Document';
}

export function fileExtension(filename: string | null | undefined): string | null {
  const match = /\.([a-z0-9]{1,8})$/i.exec(filename ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

/** "0:07", "3:05", "1:02:03"; "" for an unknown duration. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface Box {
  width: number;
  height: number;
}

/**
 * The size a picture or video takes in its bubble, known before any byte arrives (from the message's width
 * and height), so the row's measured height never changes when the thumbnail or the full image lands.
 */
export function mediaBox(
  width: number | null | undefined,
  height: number | null | undefined,
  max: Box = { width: 280, height: 320 },
  min: Box = { width: 120, height: 80 },
): Box {
  const w = width && width > 0 ? width : null;
  const h = height && height > 0 ? height : null;
  if (!w || !h) return { width: max.width, height: Math.round(max.width * 0.75) };
  const scale = Math.min(max.width / w, max.height / h, 1);
  return {
    width: Math.max(min.width, Math.round(w * scale)),
    height: Math.max(min.height, Math.round(h * scale)),
  };
}

/** The extra height a media block adds to a bubble (for the list's first estimate). */
export function mediaBlockHeight(message: ArchivedMessage): number {
  const kind = mediaKindOf(message);
  if (kind === 'image' || kind === 'video') return mediaBox(message.media?.width, message.media?.height).height + 8;
  if (kind === 'sticker') return 168;
  if (kind === 'voice' || kind === 'audio') return 56;
  if (kind === 'document') return 64;
  if (message.location) return 64;
  if (message.contacts?.length) return 28 + message.contacts.length * 40;
  if (message.poll) return 40 + message.poll.options.length * 36;
  return 0;
}

/** The download state a bubble shows: the live override (events, a retry) wins over the stored one. */
export function effectiveMediaState(stored: MediaState | undefined, live: MediaState | undefined): MediaState {
  return live ?? stored ?? 'none';
}

/** https://www.openstreetmap.org link with a marker, for a location message. */
export function openStreetMapUrl(latitude: number, longitude: number, zoom = 16): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  const lat = latitude.toFixed(6);
  const lon = longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=${zoom}/${lat}/${lon}`;
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) URLs and bare www. hosts; trailing punctuation stays text ("see https://x.org.").
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;

/**
 * Splits text into plain and link parts. Only http and https links become links (the window hands them to
 * the OS browser through the main process's validated path, src-main/electron/window.ts openExternalSafely).
 */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let raw = match[0];
    const trimmed = raw.replace(/[.,;:!?)\]}]+$/, '');
    // Keep a closing parenthesis that belongs to the URL (Wikipedia style).
    const unbalanced = trimmed.split('(').length > trimmed.split(')').length;
    raw = unbalanced && raw[trimmed.length] === ')' ? raw.slice(0, trimmed.length + 1) : trimmed;
    const href = /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (!isWebUrl(href)) continue;
    const at = match.index;
    if (at > last) parts.push({ kind: 'text', text: text.slice(last, at) });
    parts.push({ kind: 'link', text: raw, href });
    last = at + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !!url.hostname;
  } catch {
    return false;
  }
}

export interface ReactionBadge {
  emoji: string;
  count: number;
  /** Who reacted (JIDs, or LIDs when the phone number is unknown). */
  senders: string[];
  /** The same people by name, for the tooltip (format.ts personDisplay: never a bare LID). */
  names: string[];
}

/**
 * Reaction messages (type 'reaction', body = emoji, quotedMessageId = the target) do not get bubbles of their
 * own: they are folded into their target's reactions, with what the API already reports on the target. One
 * reaction per sender (the newest wins, an empty emoji removes it). Reactions whose target is not loaded are
 * left out too (a badge without its message means nothing).
 */
export function foldReactions<M extends Message>(
  messages: readonly M[],
): { messages: M[]; reactions: Map<string, ReactionInfo[]> } {
  const visible: M[] = [];
  const bySender = new Map<string, Map<string, ReactionInfo>>();
  const add = (target: string, reaction: ReactionInfo) => {
    const sender = reaction.senderJid ?? reaction.senderLid ?? '';
    let map = bySender.get(target);
    if (!map) bySender.set(target, (map = new Map()));
    const before = map.get(sender);
    if (!before || before.timestamp <= reaction.timestamp) map.set(sender, reaction);
  };
  for (const m of messages) for (const r of m.reactions ?? []) add(m.id, r);
  for (const m of messages) {
    if (m.type !== 'reaction') {
      visible.push(m);
      continue;
    }
    if (!m.quotedMessageId) continue;
    // The same fields the API's `reactions` carry (app/message-details.ts), so both sources dedupe per sender.
    add(m.quotedMessageId, {
      emoji: m.deleted ? '' : m.body,
      senderJid: m.senderJid,
      senderLid: m.senderLid,
      senderName: m.fromMe ? 'You' : m.senderName,
      timestamp: m.timestamp,
    });
  }
  const reactions = new Map<string, ReactionInfo[]>();
  for (const [target, map] of bySender) {
    const list = [...map.values()].filter((r) => r.emoji !== '').sort((a, b) => a.timestamp - b.timestamp);
    if (list.length > 0) reactions.set(target, list);
  }
  return { messages: visible, reactions };
}

/** Badges under a message: one per emoji, in order of first use, with how many reacted with it. */
export function reactionBadges(reactions: readonly ReactionInfo[] | null | undefined): ReactionBadge[] {
  const badges = new Map<string, ReactionBadge>();
  for (const r of reactions ?? []) {
    if (!r.emoji) continue;
    const badge = badges.get(r.emoji) ?? { emoji: r.emoji, count: 0, senders: [], names: [] };
    badge.count++;
    const who = r.senderJid ?? r.senderLid;
    if (who) badge.senders.push(who);
    badge.names.push(personDisplay(r.senderName, r.senderJid, r.senderLid));
    badges.set(r.emoji, badge);
  }
  return [...badges.values()];
}

/** Votes as a share of all votes (0..100, whole numbers), for the poll bars. */
export function votePercents(votes: readonly number[]): number[] {
  const total = votes.reduce((sum, v) => sum + (v > 0 ? v : 0), 0);
  return votes.map((v) => (total > 0 && v > 0 ? Math.round((v / total) * 100) : 0));
}

/** A playback rate for voice notes: 1x -> 1.5x -> 2x -> 1x. */
export function nextPlaybackRate(rate: number): number {
  if (rate < 1.5) return 1.5;
  if (rate < 2) return 2;
  return 1;
}

/** "3 pages · 1.2 MB"-style detail line pieces, skipping what is unknown. */
export function pageCountLabel(pages: number | null | undefined): string | null {
  if (!pages || pages < 1) return null;
  return pages === 1 ? '1 page' : `${pages} pages`;
}
