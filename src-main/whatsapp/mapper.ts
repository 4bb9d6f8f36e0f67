/**
 * The one mapper from Baileys' WebMessageInfo to the gateway's MessageRecord (BAILEYS.md "Deriving stored
 * fields"). Every adapter (real socket, sandbox, history sync, benchmarks) goes through mapMessage, so a
 * message looks the same whichever way it arrived.
 *
 * Rules of this module: it never throws on odd input (it returns null for anything that is not a message
 * worth a row), it touches no database (lookups come through MapperContext, which ingestion backs with
 * cached prepared statements), and it does the least work per message it can: history sync pushes
 * hundreds of thousands of messages through here.
 */
import {
  extractMessageContent,
  getContentType,
  normalizeMessageContent,
  proto,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import type { MediaInfo, MessageRecord, MessageType } from '../core/types.js';
import { isGroupJid as isGroup, isLidJid as isLid, isPhoneJid as isPn } from '../core/jid.js';
import { writeRawMessage } from './raw-message.js';

/** Our own account, both forms, normalised (no device suffix). */
export interface MeIdentity {
  jid: string | null;
  lid: string | null;
}

export interface MapperContext {
  me: MeIdentity | undefined;
  /** Phone-number JID for a LID, when the mapping is known. */
  resolvePn(lid: string): string | undefined;
  /** LID for a phone-number JID, when the mapping is known. */
  resolveLid(pn: string): string | undefined;
  /** Best display name of a contact (saved name, push name, verified name), either JID form. */
  displayName(jid: string): string | null | undefined;
  /** Fallback clock (epoch ms) for a message that carries no timestamp. */
  now?(): number;
}

const StubType = proto.WebMessageInfo.StubType;
const Status = proto.WebMessageInfo.Status;
const ProtocolType = proto.Message.ProtocolMessage.Type;

const PN_SERVER = 's.whatsapp.net';

// ---------------------------------------------------------------------------------------------------------
// JIDs

/**
 * A JID without device or agent suffix, with legacy/hosted servers folded onto the two user servers
 * (c.us and hosted -> s.whatsapp.net, hosted.lid -> lid). Returns null for anything that is not a JID.
 * Allocation-free for the common, already-normal case.
 */
export function normalizeJid(jid: unknown): string | null {
  if (typeof jid !== 'string') return null;
  const at = jid.indexOf('@');
  if (at <= 0 || at === jid.length - 1) return null;
  let server = jid.slice(at + 1);
  let folded = false;
  if (server === 'c.us' || server === 'hosted') {
    server = PN_SERVER;
    folded = true;
  } else if (server === 'hosted.lid') {
    server = 'lid';
    folded = true;
  }
  if (server !== PN_SERVER && server !== 'lid') return folded ? `${jid.slice(0, at)}@${server}` : jid;
  const colon = jid.indexOf(':');
  const underscore = jid.indexOf('_');
  let end = at;
  if (colon >= 0 && colon < end) end = colon;
  if (underscore >= 0 && underscore < end) end = underscore;
  if (end === 0) return null;
  if (end === at && !folded) return jid;
  return `${jid.slice(0, end)}@${server}`;
}

// The JID kind tests are core/jid.ts's; re-exported under the names ingestion uses.
export { isGroup, isLid, isPn };
export const isNewsletter = (jid: string): boolean => jid.endsWith('@newsletter');

/** The part before '@' (JIDs given here are already normalised). */
export function userOf(jid: string): string {
  const at = jid.indexOf('@');
  return at < 0 ? jid : jid.slice(0, at);
}

function isMe(jid: string | null, me: MeIdentity | undefined): boolean {
  if (!jid || !me) return false;
  return jid === me.jid || jid === me.lid;
}

/** Normalises the account's own ids as Baileys reports them (sock.user / creds.me: '123:4@s.whatsapp.net'). */
export function meIdentity(user: { id?: string | null; lid?: string | null } | null | undefined): MeIdentity | undefined {
  if (!user) return undefined;
  const jid = normalizeJid(user.id);
  const lid = normalizeJid(user.lid);
  if (!jid && !lid) return undefined;
  // Some builds put the LID in id: sort the two forms by server.
  return {
    jid: jid && isPn(jid) ? jid : lid && isPn(lid) ? lid : null,
    lid: lid && isLid(lid) ? lid : jid && isLid(jid) ? jid : null,
  };
}

/**
 * A LID <-> phone pair carried by a message key (remoteJid/remoteJidAlt for 1:1, participant/participantAlt
 * in groups), or null. A pair where exactly one side is our own account is refused: for our own 1:1 sends
 * the "alt" attribute can name us rather than the peer, and mapping a peer onto ourselves would merge
 * conversations that are not the same.
 */
export function keyMapping(key: WAMessageKey | null | undefined, me: MeIdentity | undefined): { lid: string; pn: string } | null {
  if (!key) return null;
  let a: string | null;
  let b: string | null;
  if (key.participant || key.participantAlt) {
    a = normalizeJid(key.participant);
    b = normalizeJid(key.participantAlt);
  } else {
    a = normalizeJid(key.remoteJid);
    b = normalizeJid(key.remoteJidAlt);
  }
  if (!a || !b) return null;
  const lid = isLid(a) ? a : isLid(b) ? b : null;
  const pn = isPn(a) ? a : isPn(b) ? b : null;
  if (!lid || !pn) return null;
  if (isMe(lid, me) !== isMe(pn, me)) return null;
  return { lid, pn };
}

/** The kind of conversation a JID names, or null when we do not store it (status, broadcast lists, bots...). */
export function chatKind(jid: string): 'dm' | 'group' | 'channel' | null {
  if (isPn(jid) || isLid(jid)) return 'dm';
  if (isGroup(jid)) return 'group';
  if (isNewsletter(jid)) return 'channel';
  return null;
}

/**
 * The canonical chat for a message key: groups and channels as they are; a person in phone-number form
 * when the mapping is known (remoteJidAlt, then the mapping table), else in LID form.
 */
export function canonicalChatJid(key: WAMessageKey | null | undefined, ctx: MapperContext): string | null {
  const remote = normalizeJid(key?.remoteJid);
  if (!remote) return null;
  const kind = chatKind(remote);
  if (!kind) return null;
  if (kind !== 'dm' || !isLid(remote)) return remote;
  const alt = normalizeJid(key?.remoteJidAlt);
  if (alt && isPn(alt) && (!isMe(alt, ctx.me) || isMe(remote, ctx.me))) return alt;
  if (ctx.me && remote === ctx.me.lid && ctx.me.jid) return ctx.me.jid;
  return ctx.resolvePn(remote) ?? remote;
}

/** Canonical form of a bare chat JID (chats.update, chats.delete, contacts...). */
export function canonicalJid(jid: unknown, ctx: Pick<MapperContext, 'resolvePn' | 'me'>): string | null {
  const n = normalizeJid(jid);
  if (!n) return null;
  if (!isLid(n)) return n;
  if (ctx.me && n === ctx.me.lid && ctx.me.jid) return ctx.me.jid;
  return ctx.resolvePn(n) ?? n;
}

// ---------------------------------------------------------------------------------------------------------
// Numbers and enums (payloads come as protobuf instances with Long, as plain objects, or as toJSON output
// where Longs are strings and enums are names)

/** Number(toNumber(x)) for Long | number | string | null, without throwing; NaN-safe (0). */
export function toNum(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? x : 0;
  if (x === null || x === undefined) return 0;
  if (typeof x === 'string') {
    const n = Number(x);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof x === 'object') {
    const long = x as { toNumber?: () => number; low?: number };
    if (typeof long.toNumber === 'function') {
      const n = long.toNumber();
      return Number.isFinite(n) ? n : 0;
    }
    if (typeof long.low === 'number') return long.low;
  }
  if (typeof x === 'bigint') return Number(x);
  return 0;
}

/** WhatsApp seconds (or, defensively, milliseconds) to epoch ms; 0 when absent. */
export function toMillis(x: unknown): number {
  const n = toNum(x);
  if (n <= 0) return 0;
  return n > 1e11 ? Math.floor(n) : Math.floor(n * 1000);
}

function enumValue(value: unknown, names: Record<string, number>): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const named = names[value];
    if (typeof named === 'number') return named;
    const n = Number(value);
    return Number.isInteger(n) ? n : null;
  }
  return null;
}

export function stubTypeOf(m: { messageStubType?: unknown }): number | null {
  const v = enumValue(m.messageStubType, StubType as unknown as Record<string, number>);
  return v === null || v === 0 ? null : v;
}

export function statusOf(value: unknown): number | null {
  const v = enumValue(value, Status as unknown as Record<string, number>);
  return v === null || v < 0 || v > 5 ? null : v;
}

function stringParams(m: { messageStubParameters?: unknown }): string[] {
  const p = m.messageStubParameters;
  if (!Array.isArray(p)) return [];
  const out: string[] = [];
  for (const v of p) if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
  return out;
}

/** Error text of an ERROR ack or a CIPHERTEXT stub: its stub parameters, e.g. "463: account restricted". */
export function errorText(params: unknown): string | null {
  const list = stringParams({ messageStubParameters: params }).filter((s) => s.length > 0);
  return list.length ? list.join(': ') : null;
}

/** Ack level from a message's receipts (groups): played > read > delivered. */
export function receiptLevel(receipt: proto.IUserReceipt | null | undefined): number {
  if (!receipt) return 0;
  if (toNum(receipt.playedTimestamp) > 0) return Status.PLAYED;
  if (toNum(receipt.readTimestamp) > 0) return Status.READ;
  if (toNum(receipt.receiptTimestamp) > 0) return Status.DELIVERY_ACK;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Content

export interface ContentDescription {
  type: MessageType;
  body: string;
  media: MediaInfo | null;
  contextInfo: proto.IContextInfo | null;
  /** For reactions: the id of the message reacted to. */
  reactionTo: string | null;
}

type AnyRecord = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

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
  'botInvokeMessage',
  'requestPhoneNumberMessage',
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
  'pollCreationMessageV4',
  'pollCreationMessageV5',
  'pollCreationMessageV6',
]);

const RESPONSE_TYPES = new Set([
  'buttonsResponseMessage',
  'listResponseMessage',
  'templateButtonReplyMessage',
  'interactiveResponseMessage',
]);

function mediaInfo(inner: AnyRecord): MediaInfo {
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

function contextOf(inner: AnyRecord): proto.IContextInfo | null {
  const c = inner.contextInfo;
  return c && typeof c === 'object' ? (c as proto.IContextInfo) : null;
}

/**
 * What a (normalised) message content is: type, body, media. Returns null for content that is not a
 * message of its own (protocol messages, poll votes, key distribution...) or that has no known content.
 */
export function describeContent(content: proto.IMessage | null | undefined): ContentDescription | null {
  if (!content || typeof content !== 'object') return null;
  const ctype = getContentType(content);
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
      return { type: 'contact', body, media: null, contextInfo, reactionTo: null };
    }
    case 'reactionMessage': {
      const target = (inner.key as AnyRecord | undefined)?.id;
      return { type: 'reaction', body: str(inner.text) ?? '', media: null, contextInfo: null, reactionTo: str(target) };
    }
  }
  if (POLL_TYPES.has(ctype)) {
    return { type: 'poll', body: str(inner.name) ?? '', media: null, contextInfo, reactionTo: null };
  }
  const body =
    str(inner.text) ??
    str(inner.caption) ??
    str(inner.selectedDisplayText) ??
    str(inner.name) ??
    str(inner.title) ??
    str(inner.contentText) ??
    str((inner.body as AnyRecord | undefined)?.text) ??
    '';
  return { type: RESPONSE_TYPES.has(ctype) ? 'text' : 'unknown', body, media: null, contextInfo, reactionTo: null };
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
function wasEdited(message: proto.IMessage | null | undefined): boolean {
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

// ---------------------------------------------------------------------------------------------------------
// System stubs

function participantName(param: string, ctx: MapperContext): string {
  let jid: string | null = null;
  let phone: string | null = null;
  if (param.startsWith('{')) {
    try {
      const p = JSON.parse(param) as AnyRecord;
      jid = normalizeJid(p.id ?? p.lid ?? p.pn);
      phone = normalizeJid(p.phoneNumber ?? p.pn);
    } catch {
      // not JSON after all; fall through to the raw text
    }
  } else {
    jid = normalizeJid(param);
  }
  if (!jid) return param;
  if (isMe(jid, ctx.me) || isMe(phone, ctx.me)) return 'you';
  const name = ctx.displayName(jid) ?? (phone ? ctx.displayName(phone) : null);
  if (name) return name;
  const pn = phone ?? (isPn(jid) ? jid : isLid(jid) ? ctx.resolvePn(jid) : undefined);
  return pn ? `+${userOf(pn)}` : userOf(jid);
}

function humanise(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A readable line for a system stub, e.g. `Alice added Bob`, `You changed the group name to "X"`. */
export function describeStub(stub: number, params: string[], actor: string, ctx: MapperContext): string {
  const p0 = params[0];
  const people = () => params.map((p) => participantName(p, ctx)).join(', ');
  const on = p0 === 'on' || p0 === 'true';
  switch (stub) {
    case StubType.GROUP_CREATE:
      return p0 ? `${actor} created group "${p0}"` : `${actor} created this group`;
    case StubType.GROUP_CHANGE_SUBJECT:
      return `${actor} changed the group name to "${p0 ?? ''}"`;
    case StubType.GROUP_CHANGE_ICON:
      return `${actor} changed this group's icon`;
    case StubType.GROUP_CHANGE_INVITE_LINK:
      return `${actor} reset this group's invite link`;
    case StubType.GROUP_CHANGE_DESCRIPTION:
      return `${actor} changed the group description`;
    case StubType.GROUP_CHANGE_RESTRICT:
      return on
        ? `${actor} changed this group's settings to allow only admins to edit this group's info`
        : `${actor} changed this group's settings to allow all participants to edit this group's info`;
    case StubType.GROUP_CHANGE_ANNOUNCE:
      return on
        ? `${actor} changed this group's settings to allow only admins to send messages`
        : `${actor} changed this group's settings to allow all participants to send messages`;
    case StubType.GROUP_PARTICIPANT_ADD:
      return `${actor} added ${people()}`;
    case StubType.GROUP_PARTICIPANT_REMOVE:
      return `${actor} removed ${people()}`;
    case StubType.GROUP_PARTICIPANT_PROMOTE:
      return `${actor} made ${people()} an admin`;
    case StubType.GROUP_PARTICIPANT_DEMOTE:
      return `${actor} dismissed ${people()} as admin`;
    case StubType.GROUP_PARTICIPANT_INVITE:
      return `${params.length ? people() : actor} joined using this group's invite link`;
    case StubType.GROUP_PARTICIPANT_LEAVE:
      return `${params.length ? people() : actor} left`;
    case StubType.GROUP_PARTICIPANT_CHANGE_NUMBER:
      return `${actor} changed their phone number`;
    case StubType.CALL_MISSED_VOICE:
      return 'Missed voice call';
    case StubType.CALL_MISSED_VIDEO:
      return 'Missed video call';
    case StubType.CALL_MISSED_GROUP_VOICE:
      return 'Missed group voice call';
    case StubType.CALL_MISSED_GROUP_VIDEO:
      return 'Missed group video call';
    case StubType.E2E_ENCRYPTED:
    case StubType.E2E_ENCRYPTED_NOW:
      return 'Messages and calls are end-to-end encrypted';
    case StubType.E2E_IDENTITY_CHANGED:
      return `${actor}'s security code changed`;
    case StubType.GROUP_DELETE:
      return 'This group was deleted';
  }
  const name = (StubType as unknown as Record<number, string>)[stub];
  const detail = p0 && !p0.startsWith('{') ? `: ${p0}` : '';
  return `${name ? humanise(name) : `System message ${stub}`}${detail}`;
}

// ---------------------------------------------------------------------------------------------------------
// The message

function senderOf(
  key: WAMessageKey,
  m: WAMessage,
  chat: string,
  kind: 'dm' | 'group' | 'channel',
  ctx: MapperContext,
): { senderJid: string | null; senderLid: string | null } {
  if (key.fromMe) {
    if (ctx.me) return { senderJid: ctx.me.jid, senderLid: ctx.me.lid };
  }
  let a: string | null = null;
  let b: string | null = null;
  if (kind === 'group') {
    a = normalizeJid(key.participant ?? m.participant);
    b = normalizeJid(key.participantAlt);
  } else if (kind === 'dm') {
    if (key.fromMe) return { senderJid: null, senderLid: null };
    a = normalizeJid(key.remoteJid);
    b = normalizeJid(key.remoteJidAlt);
    if (b && isMe(b, ctx.me) && !isMe(a, ctx.me)) b = null;
    if (!b && a !== chat) b = chat;
  } else {
    a = normalizeJid(key.participant);
  }
  let pn = a && isPn(a) ? a : b && isPn(b) ? b : null;
  let lid = a && isLid(a) ? a : b && isLid(b) ? b : null;
  if (!pn && lid) pn = ctx.resolvePn(lid) ?? null;
  else if (pn && !lid) lid = ctx.resolveLid(pn) ?? null;
  return { senderJid: pn, senderLid: lid };
}

/**
 * Maps one WebMessageInfo to the record ingestion stores, or null when it is not a message worth a row
 * (protocol messages, poll votes, reaction removals, status broadcasts, malformed payloads). Never throws.
 */
export function mapMessage(m: WAMessage, ctx: MapperContext): MessageRecord | null {
  try {
    return mapUnsafe(m, ctx);
  } catch {
    return null;
  }
}

function mapUnsafe(m: WAMessage, ctx: MapperContext): MessageRecord | null {
  if (!m || typeof m !== 'object') return null;
  const key = m.key as WAMessageKey | null | undefined;
  const id = key?.id;
  if (!key || typeof id !== 'string' || id.length === 0) return null;
  const chatJid = canonicalChatJid(key, ctx);
  if (!chatJid) return null;
  const kind = chatKind(chatJid)!;
  const fromMe = key.fromMe === true;

  const stub = stubTypeOf(m);
  const content = m.message ? extractMessageContent(m.message) : undefined;
  let described: ContentDescription | null = null;
  let placeholder = false;
  let deleted = false;
  let error: string | null = null;
  let type: MessageType;
  let body: string;

  if (stub === StubType.CIPHERTEXT) {
    // Could not be decrypted (yet): a placeholder the real content replaces when it arrives.
    placeholder = true;
    type = 'unknown';
    body = '';
    error = stringParams(m)[0] ?? null;
  } else if ((stub === StubType.REVOKE || stub === StubType.ADMIN_REVOKE) && !content) {
    // A revoke folded into its message (content already gone).
    deleted = true;
    type = 'unknown';
    body = '';
  } else if (content && getContentType(content)) {
    described = describeContent(content);
    if (!described) return null;
    if (described.type === 'reaction' && !described.body) return null;
    type = described.type;
    body = described.body;
    if (stub === StubType.REVOKE || stub === StubType.ADMIN_REVOKE) deleted = true;
  } else if (stub !== null) {
    type = 'system';
    body = '';
  } else {
    return null;
  }

  const { senderJid, senderLid } = senderOf(key, m, chatJid, kind, ctx);
  const pushName = str(m.pushName) || str(m.verifiedBizName);
  const sender = senderJid ?? senderLid;
  let senderName = pushName;
  if (!senderName && sender && !fromMe) senderName = ctx.displayName(sender) ?? null;

  if (type === 'system') {
    const actor = fromMe ? 'You' : senderName || (sender ? (isPn(sender) ? `+${userOf(sender)}` : userOf(sender)) : 'Someone');
    body = describeStub(stub!, stringParams(m), actor, ctx);
  }

  // Mentions and quotes live in the inner message's contextInfo.
  const contextInfo = described?.contextInfo ?? null;
  let mentions: string[] = [];
  let mentionNames: Record<string, string> = {};
  let quotedMessageId: string | null = described?.reactionTo ?? null;
  if (contextInfo) {
    if (!quotedMessageId) quotedMessageId = str(contextInfo.stanzaId) || null;
    const mentioned = contextInfo.mentionedJid;
    if (Array.isArray(mentioned) && mentioned.length) {
      mentions = mentioned.filter((j): j is string => typeof j === 'string' && j.length > 0);
      if (mentions.length) {
        mentionNames = {};
        for (const jid of mentions) {
          const n = normalizeJid(jid);
          const name = n ? (isMe(n, ctx.me) ? null : ctx.displayName(n)) : null;
          if (name) mentionNames[userOf(n!)] = name;
        }
      }
    }
  }

  // Ack: as reported; default DELIVERY_ACK for what we received, SERVER_ACK for our own (it came back from
  // WhatsApp, so the server has it). Receipts folded into the message (groups) can only raise it.
  let ackLevel = statusOf(m.status);
  if (ackLevel === null) ackLevel = fromMe ? Status.SERVER_ACK : Status.DELIVERY_ACK;
  if (ackLevel === Status.ERROR) {
    error = error ?? errorText(m.messageStubParameters);
  } else if (fromMe && Array.isArray(m.userReceipt) && m.userReceipt.length) {
    for (const r of m.userReceipt) {
      const level = receiptLevel(r);
      if (level > ackLevel) ackLevel = level;
    }
  }

  let timestamp = toMillis(m.messageTimestamp);
  if (timestamp === 0) timestamp = ctx.now ? ctx.now() : Date.now();

  return {
    waMessageId: id,
    chatJid,
    fromMe,
    senderJid,
    senderLid,
    senderName: senderName || null,
    type,
    body,
    media: described?.media ?? null,
    mentions,
    mentionNames,
    quotedMessageId,
    timestamp,
    ackLevel,
    error,
    edited: wasEdited(m.message),
    deleted,
    placeholder,
    raw: writeRawMessage(m),
  };
}
