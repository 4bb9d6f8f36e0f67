/**
 * What a message's content is (type, body, media, mentions, quote) and which payloads act on other messages
 * (edits, revokes, reaction removals). Part of the mapper (mapper.ts re-exports it); touches no database.
 */
import { normalizeMessageContent, proto, type WAMessage } from '@whiskeysockets/baileys';
import type { MediaInfo, MessageType } from '../core/types.js';
import { enumValue, toNum } from './proto-values.js';
import { describeOther } from './content-other.js';
import { contentKind, isStatusMention, unwrapContent } from './unwrap.js';

const ProtocolType = proto.Message.ProtocolMessage.Type;


export interface ContentDescription {
  type: MessageType;
  body: string;
  media: MediaInfo | null;
  contextInfo: proto.IContextInfo | null;
  /** For reactions: the id of the message reacted to. */
  reactionTo: string | null;
  /** A system line about the sender (the mapper words it with the sender's name), e.g. a status mention. */
  senderLine?: 'statusMention';
  /** Searchable text that is not in the body (poll options, the names of shared contacts); see MessageRecord. */
  searchText?: string | null;
}

export type AnyRecord = Record<string, unknown>;

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Content types that are signalling, not conversation: never a row of their own. */
const NOT_A_MESSAGE = new Set([
  'protocolMessage',
  'pollUpdateMessage',
  'senderKeyDistributionMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'encReactionMessage',
  'encEventResponseMessage',
  'secretEncryptedMessage',
  'messageHistoryBundle',
  'messageHistoryNotice',
  'placeholderMessage',
  // Signalling that rides along with a real message: the album's items, the poll's option images, the
  // sender-key refresh and sticker sync arrive or matter on their own.
  'fastRatchetKeySenderKeyDistributionMessage',
  'stickerSyncRmrMessage',
  'albumMessage',
  'pollCreationOptionImageMessage',
  'eventCoverImage',
  'limitSharingMessage',
  'scheduledCallEditMessage',
]);

const MEDIA_TYPES: Record<string, MessageType> = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
  lottieStickerMessage: 'sticker',
};

const POLL_TYPES = new Set([
  'pollCreationMessage',
  'pollCreationMessageV2',
  'pollCreationMessageV3',
  'pollCreationMessageV5',
  'pollCreationMessageV6',
]);

const RESPONSE_TYPES = new Set([
  'buttonsResponseMessage',
  'listResponseMessage',
  'templateButtonReplyMessage',
  'interactiveResponseMessage',
]);

export function mediaInfo(inner: AnyRecord): MediaInfo {
  const size = inner.fileLength;
  return {
    filename: str(inner.fileName),
    mimetype: str(inner.mimetype),
    size: size === null || size === undefined ? null : toNum(size),
  };
}

function vcardName(vcard: unknown): string | null {
  if (typeof vcard !== 'string') return null;
  const m = /^FN(?:;[^:\r\n]*)?:(.*)$/m.exec(vcard);
  return m?.[1]?.trim() || null;
}

export function contextOf(inner: AnyRecord): proto.IContextInfo | null {
  const c = inner.contextInfo;
  return c && typeof c === 'object' ? (c as proto.IContextInfo) : null;
}

/**
 * What a (normalised) message content is: type, body, media. Returns null for content that is not a
 * message of its own (protocol messages, poll votes, key distribution...) or that has no known content.
 */
export function describeContent(message: proto.IMessage | null | undefined): ContentDescription | null {
  const content = unwrapContent(message);
  if (!content || typeof content !== 'object') return null;
  if (isStatusMention(content)) {
    return { type: 'system', body: '', media: null, contextInfo: null, reactionTo: null, senderLine: 'statusMention' };
  }
  const ctype = contentKind(content);
  if (!ctype || NOT_A_MESSAGE.has(ctype)) return null;
  const innerRaw = (content as AnyRecord)[ctype];
  if (ctype === 'conversation') {
    return { type: 'text', body: str(innerRaw) ?? '', media: null, contextInfo: null, reactionTo: null };
  }
  if (!innerRaw || typeof innerRaw !== 'object') return null;
  const inner = innerRaw as AnyRecord;
  const contextInfo = contextOf(inner);
  const mediaType = MEDIA_TYPES[ctype];
  if (mediaType) {
    return { type: mediaType, body: str(inner.caption) ?? '', media: mediaInfo(inner), contextInfo, reactionTo: null };
  }
  switch (ctype) {
    case 'extendedTextMessage':
      return { type: 'text', body: str(inner.text) ?? '', media: null, contextInfo, reactionTo: null };
    case 'locationMessage':
    case 'liveLocationMessage': {
      const named = [str(inner.name), str(inner.address)].filter((s): s is string => !!s).join(', ');
      const body = named || `${toNum(inner.degreesLatitude)},${toNum(inner.degreesLongitude)}`;
      return { type: 'location', body, media: null, contextInfo, reactionTo: null };
    }
    case 'contactMessage':
      return {
        type: 'contact',
        body: str(inner.displayName) || vcardName(inner.vcard) || '',
        media: null,
        contextInfo,
        reactionTo: null,
      };
    case 'contactsArrayMessage': {
      let body = str(inner.displayName) ?? '';
      if (!body && Array.isArray(inner.contacts)) {
        body = (inner.contacts as AnyRecord[])
          .map((c) => str(c?.displayName) || vcardName(c?.vcard))
          .filter((s): s is string => !!s)
          .join(', ');
      }
      // The names are the body unless the card set has a title of its own: then they are searchable apart.
      const names = body === str(inner.displayName) && Array.isArray(inner.contacts)
        ? (inner.contacts as AnyRecord[]).map((c) => str(c?.displayName) || vcardName(c?.vcard)).filter((s): s is string => !!s)
        : [];
      return { type: 'contact', body, media: null, contextInfo, reactionTo: null, searchText: names.join(', ') || null };
    }
    case 'reactionMessage': {
      const target = (inner.key as AnyRecord | undefined)?.id;
      return { type: 'reaction', body: str(inner.text) ?? '', media: null, contextInfo: null, reactionTo: str(target) };
    }
  }
  if (POLL_TYPES.has(ctype)) {
    const options = Array.isArray(inner.options)
      ? (inner.options as AnyRecord[]).map((o) => str(o?.optionName)).filter((s): s is string => !!s)
      : [];
    return { type: 'poll', body: str(inner.name) ?? '', media: null, contextInfo, reactionTo: null, searchText: options.join(', ') || null };
  }
  return describeOther(ctype, inner, RESPONSE_TYPES.has(ctype) ? 'text' : 'unknown', contextInfo);
}

/** The body an edit carries (messages.update `message.editedMessage.message`, or a protocol edit). */
export function editedBody(message: proto.IMessage | null | undefined): string | null {
  const content = normalizeMessageContent(message ?? undefined);
  if (!content) return null;
  const protocolEdit = content.protocolMessage?.editedMessage;
  const d = describeContent(protocolEdit ? normalizeMessageContent(protocolEdit) : content);
  return d ? d.body : null;
}

/** True when the stored message is an edited version (Baileys folds an edit as `editedMessage`). */
export function wasEdited(message: proto.IMessage | null | undefined): boolean {
  if (!message) return false;
  if (message.editedMessage) return true;
  const inner = message.ephemeralMessage?.message;
  return !!inner?.editedMessage;
}

/** A protocol message the ingestion applies to another row: revoke or edit of `targetId`. */
export interface ProtocolAction {
  kind: 'revoke' | 'edit';
  targetId: string;
  body: string | null;
}

export function protocolAction(m: WAMessage): ProtocolAction | null {
  const content = normalizeMessageContent(m?.message ?? undefined);
  const p = content?.protocolMessage;
  if (!p) return null;
  const targetId = p.key?.id;
  if (!targetId) return null;
  const type = enumValue(p.type, ProtocolType as unknown as Record<string, number>);
  if (type === ProtocolType.REVOKE) return { kind: 'revoke', targetId, body: null };
  if (type === ProtocolType.MESSAGE_EDIT && p.editedMessage) {
    return { kind: 'edit', targetId, body: editedBody(p.editedMessage) };
  }
  return null;
}

/** A reaction removal (empty text): not a row, but it cancels the sender's earlier reaction. */
export function reactionRemoval(m: WAMessage): { targetId: string } | null {
  const content = normalizeMessageContent(m?.message ?? undefined);
  const r = content?.reactionMessage;
  if (!r || (typeof r.text === 'string' && r.text.length > 0)) return null;
  const targetId = r.key?.id;
  return targetId ? { targetId } : null;
}

