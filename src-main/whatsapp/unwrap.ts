/**
 * Getting from a stored proto.Message to the one content that makes the bubble. Baileys' own
 * normalizeMessageContent unwraps nine wrappers (ephemeral, view-once, edited...), but WhatsApp's proto has
 * more fields whose value is a FutureProofMessage `{ message }` (Meta AI, channel questions, comments,
 * status mentions...), and Baileys' getContentType only sees field names containing "Message", so `call`,
 * `chat` and the misspelt `callLogMesssage` would vanish. Part of the mapper; touches no database.
 * test/whatsapp/real-corpus.test.ts sweeps every proto.Message field through here.
 */
import { proto } from '@whiskeysockets/baileys';

type AnyRecord = Record<string, unknown>;

/**
 * Wrappers whose `.message` is the real content. Baileys unwraps the first nine itself; the rest are listed
 * from the proto (the fields whose value carries a whole Message). Not here on purpose: the signalling ones
 * (eventCoverImage, pollCreationOptionImageMessage, limitSharingMessage), which are never a bubble.
 */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'documentWithCaptionMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'editedMessage',
  'associatedChildMessage',
  'groupStatusMessage',
  'groupStatusMessageV2',
  'deviceSentMessage',
  'groupMentionedMessage',
  'botInvokeMessage',
  'lottieStickerMessage',
  'commentMessage',
  'statusMentionMessage',
  'groupStatusMentionMessage',
  'pollCreationMessageV4',
  'statusAddYours',
  'botTaskMessage',
  'questionMessage',
  'botForwardedMessage',
  'questionReplyMessage',
] as const;

/** Content fields whose name lacks "Message", which Baileys' getContentType therefore skips. */
const KINDS_WITHOUT_MESSAGE_IN_NAME = new Set(['conversation', 'call', 'chat', 'callLogMesssage', 'statusAddYours', 'eventCoverImage', 'messageHistoryBundle', 'messageHistoryNotice']);

/** Fields that ride along with the content and are never the content themselves. */
const NOT_CONTENT = new Set(['messageContextInfo', 'senderKeyDistributionMessage']);

const present = (v: unknown): boolean => v !== null && v !== undefined;

/**
 * The content kind of a message: the first present field that is content. Like Baileys' getContentType,
 * but it also knows the kinds without "Message" in their name and ignores null fields (history sync hands
 * plain objects where absent fields may be null).
 */
export function contentKind(content: proto.IMessage | null | undefined): string | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const c = content as AnyRecord;
  for (const k of Object.keys(c)) {
    if (NOT_CONTENT.has(k) || !present(c[k])) continue;
    if (k.includes('Message') || KINDS_WITHOUT_MESSAGE_IN_NAME.has(k)) return k;
  }
  return undefined;
}

/** The wrapper field of this content and what it wraps, when it is one. */
function wrapped(content: AnyRecord): proto.IMessage | null {
  const kind = contentKind(content as proto.IMessage);
  if (!kind || !(WRAPPERS as readonly string[]).includes(kind)) return null;
  const inner = (content[kind] as AnyRecord | null | undefined)?.message;
  return inner && typeof inner === 'object' ? (inner as proto.IMessage) : null;
}

/**
 * The content that makes the bubble, every wrapper peeled off (bounded: a malicious nesting cannot loop).
 * Unlike Baileys' extractMessageContent it keeps buttons and templates whole, so their text survives
 * (content.ts reads them).
 */
export function unwrapContent(message: proto.IMessage | null | undefined): proto.IMessage | undefined {
  if (!message || typeof message !== 'object') return undefined;
  let content = message;
  for (let i = 0; i < 8; i++) {
    const inner = wrapped(content as AnyRecord);
    if (!inner) break;
    content = inner;
  }
  return content;
}

const ProtocolType = proto.Message.ProtocolMessage.Type;

/** True for a protocol message telling a group it was mentioned in someone's status. */
export function isStatusMention(content: proto.IMessage | null | undefined): boolean {
  const p = content?.protocolMessage;
  if (!p) return false;
  const t = p.type as unknown;
  return t === ProtocolType.STATUS_MENTION_MESSAGE || t === 'STATUS_MENTION_MESSAGE';
}
