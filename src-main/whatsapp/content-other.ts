/**
 * The kinds beyond text, media, locations, contacts, reactions and polls: business buttons and templates,
 * calls, payments, bot answers, and anything WhatsApp adds later. Each gives its readable text, or the clear
 * placeholder `unsupported message kind (<field>)`, never an empty bubble (test/whatsapp/real-corpus.test.ts
 * sweeps every proto.Message field). Part of the mapper (content.ts calls it); touches no database.
 */
import type { proto } from '@whiskeysockets/baileys';
import type { MediaInfo, MessageType } from '../core/types.js';
import type { AnyRecord, ContentDescription } from './content.js';
import { toNum } from './proto-values.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const rec = (v: unknown): AnyRecord | null => (v && typeof v === 'object' ? (v as AnyRecord) : null);

export const unsupported = (kind: string): string => `unsupported message kind (${kind})`;

const HEADER_MEDIA: [string, MessageType][] = [
  ['imageMessage', 'image'],
  ['videoMessage', 'video'],
  ['documentMessage', 'document'],
];

/** The media a template or buttons header carries (a location header is not media: the text is the bubble). */
function headerMedia(holder: AnyRecord | null): { type: MessageType; media: MediaInfo } | null {
  if (!holder) return null;
  for (const [field, type] of HEADER_MEDIA) {
    const m = rec(holder[field]);
    if (m) {
      const size = m.fileLength;
      return {
        type,
        media: {
          filename: str(m.fileName),
          mimetype: str(m.mimetype),
          size: size === null || size === undefined ? null : toNum(size),
        },
      };
    }
  }
  return null;
}

/** The first readable text among the fields a kind may have. */
function readable(inner: AnyRecord): string | null {
  return (
    str(inner.text) ??
    str(inner.caption) ??
    str(inner.selectedDisplayText) ??
    str(inner.contentText) ??
    str(rec(inner.body)?.text) ??
    str(inner.name) ??
    str(inner.title) ??
    str(rec(inner.header)?.title) ??
    str(inner.description) ??
    str(inner.displayName) ??
    str(inner.groupName) ??
    str(inner.note) ??
    str(inner.orderTitle) ??
    str(inner.message) ??
    str(rec(inner.product)?.title) ??
    str(rec(rec(inner.noteMessage)?.extendedTextMessage)?.text) ??
    str(rec(inner.noteMessage)?.conversation) ??
    richText(inner)
  );
}

/** Meta AI answers: the text parts of a rich response. */
function richText(inner: AnyRecord): string | null {
  const parts = inner.submessages;
  if (!Array.isArray(parts)) return null;
  const text = parts
    .map((p) => str(rec(p)?.messageText))
    .filter((t): t is string => !!t)
    .join('\n');
  return text || null;
}

function withHeader(
  holder: AnyRecord | null,
  body: string | null,
  kind: string,
  contextInfo: proto.IContextInfo | null,
): ContentDescription {
  const media = headerMedia(holder);
  if (media) return { type: media.type, body: body ?? '', media: media.media, contextInfo, reactionTo: null };
  return { type: body ? 'text' : 'unknown', body: body ?? unsupported(kind), media: null, contextInfo, reactionTo: null };
}

function callLine(inner: AnyRecord): string {
  const video = inner.isVideo === true;
  const base = video ? 'Video call' : 'Voice call';
  const outcome = inner.callOutcome;
  const missed = outcome === 1 || outcome === 'MISSED';
  if (missed) return `Missed ${base.toLowerCase()}`;
  const secs = toNum(inner.durationSecs);
  if (secs > 0) {
    const m = Math.floor(secs / 60);
    const s = secs % 60;
    return `${base} (${m}:${String(s).padStart(2, '0')})`;
  }
  return base;
}

/**
 * Describes a kind content.ts has no dedicated case for. `fallbackType` is 'text' for the replies to
 * buttons and lists (they are what the person chose), 'unknown' otherwise.
 */
export function describeOther(
  kind: string,
  inner: AnyRecord,
  fallbackType: MessageType,
  contextInfo: proto.IContextInfo | null,
): ContentDescription {
  switch (kind) {
    case 'buttonsMessage':
      return withHeader(inner, str(inner.contentText) ?? str(inner.text) ?? str(inner.footerText), kind, contextInfo);
    case 'templateMessage': {
      const hydrated = rec(inner.hydratedTemplate) ?? rec(inner.hydratedFourRowTemplate);
      if (hydrated) {
        const text = str(hydrated.hydratedContentText) ?? str(hydrated.hydratedFooterText) ?? str(hydrated.hydratedTitleText);
        return withHeader(hydrated, text, kind, contextInfo ?? (rec(hydrated.contextInfo) as proto.IContextInfo | null));
      }
      const interactive = rec(inner.interactiveMessageTemplate);
      if (interactive) {
        const text = str(rec(interactive.body)?.text) ?? str(rec(interactive.header)?.title) ?? str(rec(interactive.footer)?.text);
        return withHeader(rec(interactive.header), text, kind, contextInfo);
      }
      const four = rec(inner.fourRowTemplate);
      return withHeader(four, four ? readable(four) : null, kind, contextInfo);
    }
    case 'interactiveMessage':
      return withHeader(rec(inner.header), readable(inner), kind, contextInfo);
    case 'call':
      return { type: 'system', body: 'Voice call', media: null, contextInfo: null, reactionTo: null };
    case 'callLogMesssage':
      return { type: 'system', body: callLine(inner), media: null, contextInfo: null, reactionTo: null };
    case 'requestPhoneNumberMessage':
      return { type: 'system', body: 'Asked for your phone number', media: null, contextInfo, reactionTo: null };
  }
  const text = readable(inner);
  if (text) return { type: fallbackType, body: text, media: null, contextInfo, reactionTo: null };
  return { type: 'unknown', body: unsupported(kind), media: null, contextInfo, reactionTo: null };
}
