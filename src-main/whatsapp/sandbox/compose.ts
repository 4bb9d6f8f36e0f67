/**
 * Composition of sandbox chat messages: one small composer per kind (text, link, reply, media, poll,
 * reaction, edit, revoke, stub...) in a table, and composeChatMessage, which picks targets and the speaker,
 * runs the kind's composer, and wraps the result as WhatsApp would (ephemeral chats, statuses, push names).
 * Every random draw happens in a fixed order, so a seed always gives the same messages.
 *
 * Size (~560 lines): seventeen small composers (most under 20 lines) and their shared helpers; they are one
 * table, kept together so a new kind is added in one place.
 */
import { WAMessageStatus, WAMessageStubType, proto } from '@whiskeysockets/baileys';
import {
  CAPTIONS,
  DAYS,
  DOCUMENTS,
  EDIT_SUFFIXES,
  FIRST_NAMES,
  FOODS,
  LINKS,
  LOCATIONS,
  PLACES,
  POLLS,
  REACTIONS,
  TEXTS,
  THINGS,
  TIMES,
  VCARD_TEMPLATE,
  type Language,
} from './corpus.js';
import type { SandboxChat, SandboxMe, SandboxPerson } from './account.js';
import type { SandboxMedia, SandboxMediaKind } from './media-assets.js';
import type { Prng } from './prng.js';

/** Seven days, the common disappearing-messages timer. */
export const EPHEMERAL_SECONDS = 604_800;


/** What the composer remembers about a recent message so later ones can quote, react to or edit it. */
export interface RecentMessage {
  plain: proto.IWebMessageInfo;
  key: proto.IMessageKey;
  /** The author's JID as a quote's contextInfo.participant names it. */
  authorJid: string;
  /** The content without ephemeral/view-once wrappers, or null for stubs. */
  content: proto.IMessage | null;
  text: string | null;
  revoked: boolean;
}

export interface Composer {
  rng: Prng;
  me: SandboxMe;
  usedIds: Set<string>;
  /**
   * Real encrypted media on the sandbox's loopback CDN (media-assets.ts). Without it media messages carry
   * fake fields that cannot be downloaded (the generator alone: benchmarks, corpus tests).
   */
  media?: SandboxMediaSource | null | undefined;
  /** The one message whose media is expired on the CDN has been composed (history only). */
  expiringDone?: boolean;
}

export type SandboxMediaSource = Pick<SandboxMedia, 'contentFor' | 'expiringContent'>;

/** The caption of the photo that expired on the CDN (tests and the UI find it by this text). */
export const EXPIRED_PHOTO_CAPTION = 'Old photo: WhatsApp has to ask the phone for it again';

/**
 * The content a media composer made, with the real media of the same kind when the sandbox has it: the
 * fake fields are still drawn from the generator first, so a corpus is the same with or without media.
 */
function withRealMedia(k: KindInput, content: proto.IMessage, kind: SandboxMediaKind, keep: string[]): proto.IMessage {
  const media = k.composer.media;
  if (!media) return content;
  const inner = content.documentWithCaptionMessage?.message ?? content;
  const field = Object.keys(inner).find((f) => f.endsWith('Message'));
  const fake = field ? ((inner as Record<string, Record<string, unknown>>)[field] ?? {}) : {};
  const extra = Object.fromEntries(keep.filter((f) => fake[f] !== undefined && fake[f] !== null).map((f) => [f, fake[f]]));
  let real: proto.IMessage;
  if (kind === 'image' && k.mode === 'history' && !k.composer.expiringDone) {
    k.composer.expiringDone = true;
    real = media.expiringContent({ caption: EXPIRED_PHOTO_CAPTION });
  } else {
    // The asset is picked by the drawn fake length: no extra draw, so the generator's sequence is unchanged.
    real = media.contentFor(kind, Number(fake.fileLength ?? 0), extra);
  }
  return content.documentWithCaptionMessage ? { documentWithCaptionMessage: { message: real } } : real;
}

export function newMessageId(composer: Composer, fromMe: boolean): string {
  const { rng, usedIds } = composer;
  for (;;) {
    // Ids look like the clients that made them: WhatsApp Web/Desktop '3EB0...', iPhone '3A...', Android 32 hex.
    const id = fromMe
      ? rng.chance(0.7) ? `3EB0${rng.hex(18)}` : rng.hex(32)
      : rng.chance(0.4) ? `3A${rng.hex(18)}` : rng.hex(32);
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

export function fillText(rng: Prng, template: string): string {
  return template
    .replaceAll('{name}', rng.pick(FIRST_NAMES))
    .replaceAll('{place}', rng.pick(PLACES))
    .replaceAll('{time}', rng.pick(TIMES))
    .replaceAll('{day}', rng.pick(DAYS))
    .replaceAll('{food}', rng.pick(FOODS))
    .replaceAll('{thing}', rng.pick(THINGS))
    .replaceAll('{count}', String(rng.int(2, 6)));
}

export function chatText(rng: Prng, language: Language): string {
  const bank = rng.chance(0.85) ? TEXTS[language] : TEXTS.en;
  let text = fillText(rng, rng.pick(bank));
  // Now and then a longer message made of two sentences.
  if (rng.chance(0.12)) text += ' ' + fillText(rng, rng.pick(TEXTS[language]));
  return text;
}

export function mediaFields(rng: Prng, folder: string, minBytes: number, maxBytes: number, timestampSec: number) {
  const path = `/v/t62.${folder}/sandbox-${rng.hex(16).toLowerCase()}.enc`;
  return {
    url: `https://mmg.whatsapp.net${path}`,
    directPath: path,
    mediaKey: rng.bytes(32),
    fileSha256: rng.bytes(32),
    fileEncSha256: rng.bytes(32),
    fileLength: rng.int(minBytes, maxBytes),
    mediaKeyTimestamp: timestampSec,
  };
}

export type ChatKind =
  | 'text' | 'link' | 'reply' | 'mention' | 'image' | 'video' | 'audio' | 'document' | 'documentWithCaption'
  | 'sticker' | 'location' | 'contact' | 'poll' | 'reaction' | 'viewOnce' | 'edit' | 'revoke' | 'stub';

export const DM_KINDS: readonly (readonly [ChatKind, number])[] = [
  ['text', 50], ['link', 4], ['reply', 9], ['image', 6], ['video', 2], ['audio', 5], ['document', 2],
  ['documentWithCaption', 1], ['sticker', 4], ['location', 1], ['contact', 1], ['reaction', 5],
  ['viewOnce', 1], ['edit', 2], ['revoke', 1], ['stub', 1],
];
export const GROUP_KINDS: readonly (readonly [ChatKind, number])[] = [
  ['text', 44], ['link', 4], ['reply', 9], ['mention', 5], ['image', 6], ['video', 2], ['audio', 4],
  ['document', 2], ['documentWithCaption', 1], ['sticker', 3], ['location', 1], ['contact', 1], ['poll', 1],
  ['reaction', 6], ['viewOnce', 1], ['edit', 2], ['revoke', 1], ['stub', 1],
];

interface Speaker {
  fromMe: boolean;
  person: SandboxPerson | null;
}

function pickSpeaker(rng: Prng, chat: SandboxChat, incomingOnly: boolean): Speaker {
  if (chat.kind === 'dm') {
    return rng.chance(0.45) && !incomingOnly ? { fromMe: true, person: null } : { fromMe: false, person: chat.people[0]! };
  }
  if (rng.chance(0.15) && !incomingOnly) return { fromMe: true, person: null };
  // A few members talk much more than the rest.
  const talkative = chat.people.slice(0, Math.max(1, Math.ceil(chat.people.length / 3)));
  return { fromMe: false, person: rng.chance(0.6) ? rng.pick(talkative) : rng.pick(chat.people) };
}

export function personJid(chat: SandboxChat, person: SandboxPerson): string {
  return chat.addressing === 'lid' ? person.lid : person.pnJid;
}

function keyFor(chat: SandboxChat, speaker: Speaker, id: string): proto.IMessageKey {
  const key: proto.IMessageKey = { remoteJid: chat.jid, fromMe: speaker.fromMe, id };
  if (chat.kind === 'group' && !speaker.fromMe && speaker.person) key.participant = personJid(chat, speaker.person);
  return key;
}

function authorJidOf(composer: Composer, chat: SandboxChat, speaker: Speaker): string {
  if (speaker.fromMe) return chat.addressing === 'lid' ? composer.me.lid : composer.me.jid;
  return chat.kind === 'dm' ? chat.jid : personJid(chat, speaker.person!);
}

/** The status an outgoing history message ended in, from its age. */
function outgoingStatus(rng: Prng, ageSec: number, isVoiceNote: boolean): proto.WebMessageInfo.Status {
  if (ageSec < 3_600) {
    return rng.weighted([[WAMessageStatus.SERVER_ACK, 3], [WAMessageStatus.DELIVERY_ACK, 4], [WAMessageStatus.READ, 3]]);
  }
  const status = rng.weighted([[WAMessageStatus.READ, 85], [WAMessageStatus.DELIVERY_ACK, 12], [WAMessageStatus.SERVER_ACK, 3]]);
  return status === WAMessageStatus.READ && isVoiceNote ? WAMessageStatus.PLAYED : status;
}

function wrapEphemeral(content: proto.IMessage): proto.IMessage {
  const inner: proto.IMessage = { ...content };
  if (typeof inner.conversation === 'string') {
    inner.extendedTextMessage = { text: inner.conversation, contextInfo: { expiration: EPHEMERAL_SECONDS } };
    delete inner.conversation;
  } else if (inner.extendedTextMessage) {
    inner.extendedTextMessage = {
      ...inner.extendedTextMessage,
      contextInfo: { ...inner.extendedTextMessage.contextInfo, expiration: EPHEMERAL_SECONDS },
    };
  }
  return { ephemeralMessage: { message: inner } };
}

/** The text of plain or extended text content, for edits. */
function textOf(content: proto.IMessage | null): string | null {
  if (!content) return null;
  if (typeof content.conversation === 'string') return content.conversation;
  if (typeof content.extendedTextMessage?.text === 'string') return content.extendedTextMessage.text;
  return null;
}

/** A copy of a message's content suitable as quotedMessage (no nested quote). */
function quotable(content: proto.IMessage): proto.IMessage {
  const copy = structuredClone(content) as Record<string, unknown>;
  for (const value of Object.values(copy)) {
    if (value && typeof value === 'object' && 'contextInfo' in value) delete (value as { contextInfo?: unknown }).contextInfo;
  }
  return copy as proto.IMessage;
}

export interface ComposeOptions {
  /** 'history': a revoke turns the target into a REVOKE stub; 'live': a revoke is a protocol message. */
  mode: 'history' | 'live';
  /** Only other people speak (the live stream: our own messages come from sendMessage). */
  incomingOnly?: boolean;
}

export interface ComposeResult {
  /** A new message to append, or null when the kind changed an earlier one (history revoke). */
  message: proto.IWebMessageInfo | null;
  recent: RecentMessage | null;
}

/** What a kind's composer gets: the chat, the clock, the recent window's targets and who speaks by default. */
interface KindInput {
  composer: Composer;
  rng: Prng;
  me: SandboxMe;
  chat: SandboxChat;
  kind: ChatKind;
  timestampSec: number;
  /** Recent messages a reply or reaction may target. */
  targets: RecentMessage[];
  /** Recent messages the speaker may edit or revoke. */
  ownable: RecentMessage[];
  mode: ComposeOptions['mode'];
  incomingOnly: boolean;
  speaker: Speaker;
}

/** What it makes: content or a stub, and the speaker when the kind decides who speaks (edits, revokes...). */
interface KindOutput {
  content?: proto.IMessage | null;
  speaker?: Speaker;
  stubType?: proto.WebMessageInfo.StubType | null;
  stubParameters?: string[] | null;
  isVoiceNote?: boolean;
}

/** A kind that changed an earlier message instead of adding one (history revokes and reactions). */
const NOTHING: KindOutput = Object.freeze({});

type KindComposer = (k: KindInput) => KindOutput;

const composeText: KindComposer = (k) => {
  const { rng, chat } = k;
  const content: proto.IMessage = { conversation: chatText(rng, chat.language) };
  return { content };
};

const composeLink: KindComposer = (k) => {
  const { rng } = k;
  const link = rng.pick(LINKS);
  const text = rng.chance(0.5) ? link.url : `${fillText(rng, rng.pick(['Check this out', 'Have a look', 'Found it', 'This one?']))} ${link.url}`;
  const content: proto.IMessage = {
    extendedTextMessage: { text, matchedText: link.url, title: link.title, description: link.description, previewType: 0 },
  };
  return { content };
};

const composeReply: KindComposer = (k) => {
  const { rng, chat, targets } = k;
  const target = rng.pick(targets.slice(-12));
  const content: proto.IMessage = {
    extendedTextMessage: {
      text: chatText(rng, chat.language),
      contextInfo: { stanzaId: target.key.id!, participant: target.authorJid, quotedMessage: quotable(target.content!) },
    },
  };
  return { content };
};

const composeMention: KindComposer = (k) => {
  const { rng, me, chat } = k;
  let { speaker } = k;
  const mentionMe = rng.chance(0.2);
  const person = rng.pick(chat.people);
  const jid = mentionMe ? (chat.addressing === 'lid' ? me.lid : me.jid) : personJid(chat, person);
  if (mentionMe && speaker.fromMe) speaker = { fromMe: false, person: rng.pick(chat.people) };
  const user = jid.split('@')[0]!;
  const content: proto.IMessage = {
    extendedTextMessage: {
      text: `@${user} ${chatText(rng, chat.language)}`,
      contextInfo: { mentionedJid: [jid] },
    },
  };
  return { content, speaker };
};

const composeImage: KindComposer = (k) => {
  const { rng, timestampSec } = k;
  const content: proto.IMessage = {
    imageMessage: {
      mimetype: 'image/jpeg',
      caption: rng.pick(CAPTIONS) || null,
      height: rng.pick([1280, 1600, 960]),
      width: rng.pick([720, 1200, 1280]),
      ...mediaFields(rng, '7118-24', 40_000, 900_000, timestampSec),
    },
  };
  return { content: withRealMedia(k, content, 'image', ['caption']) };
};

const composeVideo: KindComposer = (k) => {
  const { rng, timestampSec } = k;
  const content: proto.IMessage = {
    videoMessage: {
      mimetype: 'video/mp4',
      caption: rng.pick(CAPTIONS) || null,
      seconds: rng.int(3, 180),
      height: 1280,
      width: 720,
      ...mediaFields(rng, '7161-24', 500_000, 25_000_000, timestampSec),
    },
  };
  return { content: withRealMedia(k, content, 'video', ['caption']) };
};

const composeAudio: KindComposer = (k) => {
  const { rng, timestampSec } = k;
  let isVoiceNote = false;
  isVoiceNote = rng.chance(0.85);
  const content: proto.IMessage = {
    audioMessage: {
      mimetype: 'audio/ogg; codecs=opus',
      seconds: rng.int(2, 240),
      ptt: isVoiceNote,
      ...mediaFields(rng, '7114-24', 4_000, 2_000_000, timestampSec),
    },
  };
  return { content: withRealMedia(k, content, 'audio', ['ptt']), isVoiceNote };
};

const composeDocument: KindComposer = (k) => {
  const { rng, kind, timestampSec } = k;
  let content: proto.IMessage | null = null;
  const doc = rng.pick(DOCUMENTS);
  const documentMessage: proto.Message.IDocumentMessage = {
    mimetype: doc.mimetype,
    fileName: doc.fileName,
    title: doc.fileName,
    pageCount: doc.pages || null,
    ...mediaFields(rng, '7119-24', 8_000, 6_000_000, timestampSec),
  };
  if (kind === 'documentWithCaption') {
    documentMessage.caption = fillText(rng, rng.pick(['Here you go', 'As promised', 'Final version for {day}', 'Notes from today']));
    content = { documentWithCaptionMessage: { message: { documentMessage } } };
  } else {
    content = { documentMessage };
  }
  return { content: withRealMedia(k, content, 'document', ['caption']) };
};

const composeSticker: KindComposer = (k) => {
  const { rng, timestampSec } = k;
  const content: proto.IMessage = {
    stickerMessage: {
      mimetype: 'image/webp',
      height: 512,
      width: 512,
      isAnimated: rng.chance(0.3),
      ...mediaFields(rng, '15575-24', 8_000, 120_000, timestampSec),
    },
  };
  return { content: withRealMedia(k, content, 'sticker', []) };
};

const composeLocation: KindComposer = (k) => {
  const { rng } = k;
  const place = rng.pick(LOCATIONS);
  const content: proto.IMessage = { locationMessage: { degreesLatitude: place.lat, degreesLongitude: place.lng, name: place.name, address: place.address } };
  return { content };
};

const composeContact: KindComposer = (k) => {
  const { rng, chat, kind } = k;
  const shared = rng.pick(chat.kind === 'group' ? chat.people : [rng.pick(chat.people)]);
  const displayName = shared.savedName ?? shared.pushName;
  const content: proto.IMessage = { contactMessage: { displayName, vcard: VCARD_TEMPLATE(displayName, shared.phone) } };
  return { content };
};

const composePoll: KindComposer = (k) => {
  const { rng } = k;
  const poll = rng.pick(POLLS);
  const content: proto.IMessage = {
    pollCreationMessageV3: { name: poll.name, options: poll.options.map((optionName) => ({ optionName })), selectableOptionsCount: 1 },
    messageContextInfo: { messageSecret: rng.bytes(32) },
  };
  return { content };
};

const composeReaction: KindComposer = (k) => {
  const { rng, composer, chat, timestampSec, targets, mode, incomingOnly } = k;
  let { speaker } = k;
  const target = rng.pick(targets.slice(-8));
  // Somebody other than the author reacts.
  for (let i = 0; i < 3 && speaker.fromMe === target.key.fromMe && (speaker.fromMe || speaker.person && personJid(chat, speaker.person) === target.key.participant); i++) {
    speaker = pickSpeaker(rng, chat, incomingOnly);
  }
  if (mode === 'history') {
    // History sync carries reactions on the message they belong to (WebMessageInfo.reactions).
    const reactionKey = keyFor(chat, speaker, newMessageId(composer, speaker.fromMe));
    const reactions = (target.plain.reactions ??= []);
    reactions.push({ key: reactionKey, text: rng.pick(REACTIONS), senderTimestampMs: timestampSec * 1000 });
    return NOTHING;
  }
  const content: proto.IMessage = {
    reactionMessage: {
      key: { ...target.key },
      text: rng.pick(REACTIONS),
      senderTimestampMs: timestampSec * 1000,
    },
  };
  return { content, speaker };
};

const composeViewOnce: KindComposer = (k) => {
  const { rng, timestampSec } = k;
  const content: proto.IMessage = {
    viewOnceMessageV2: {
      message: {
        imageMessage: {
          mimetype: 'image/jpeg',
          viewOnce: true,
          height: 1600,
          width: 1200,
          ...mediaFields(rng, '7118-24', 60_000, 900_000, timestampSec),
        },
      },
    },
  };
  return { content };
};

const composeEdit: KindComposer = (k) => {
  const { rng, chat, kind, timestampSec, ownable } = k;
  let { speaker } = k;
  const target = rng.pick(ownable.filter((r) => r.text !== null));
  // Only the author can edit: the edit is sent as them.
  speaker = target.key.fromMe
    ? { fromMe: true, person: null }
    : { fromMe: false, person: chat.kind === 'dm' ? chat.people[0]! : chat.people.find((p) => personJid(chat, p) === target.key.participant) ?? chat.people[0]! };
  const protocolMessage: proto.Message.IProtocolMessage = {
    type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
    key: { ...target.key },
    editedMessage: { conversation: target.text + rng.pick(EDIT_SUFFIXES) },
    timestampMs: timestampSec * 1000,
  };
  // Both shapes WhatsApp uses: the bare protocol message and the editedMessage wrapper around it.
  const content: proto.IMessage = rng.chance(0.5) ? { protocolMessage } : { editedMessage: { message: { protocolMessage } } };
  return { content, speaker };
};

const composeRevoke: KindComposer = (k) => {
  const { rng, chat, kind, ownable } = k;
  let { speaker } = k;
  // Live: a revoke is a protocol message from the author; Baileys turns it into messages.update.
  const target = rng.pick(ownable.slice(-10));
  speaker = target.key.fromMe
    ? { fromMe: true, person: null }
    : { fromMe: false, person: chat.kind === 'dm' ? chat.people[0]! : chat.people.find((p) => personJid(chat, p) === target.key.participant) ?? chat.people[0]! };
  const content: proto.IMessage = { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { ...target.key } } };
  target.revoked = true;
  return { content, speaker };
};

const composeStub: KindComposer = (k) => {
  const { rng, chat, kind } = k;
  let { speaker } = k;
  let stubType: proto.WebMessageInfo.StubType | null = null;
  let stubParameters: string[] | null = null;
  if (chat.kind === 'dm') {
    speaker = { fromMe: false, person: chat.people[0]! };
    stubType = rng.chance(0.6) ? WAMessageStubType.CALL_MISSED_VOICE : WAMessageStubType.CALL_MISSED_VIDEO;
    stubParameters = [];
  } else {
    const person = rng.pick(chat.people);
    const participant = JSON.stringify({ id: personJid(chat, person), phoneNumber: person.mapping === 'never' ? undefined : person.pnJid, admin: null });
    const choice = rng.int(0, 2);
    if (choice === 0) {
      stubType = WAMessageStubType.GROUP_PARTICIPANT_ADD;
      stubParameters = [participant];
    } else if (choice === 1) {
      stubType = WAMessageStubType.GROUP_PARTICIPANT_LEAVE;
      stubParameters = [participant];
      speaker = { fromMe: false, person };
    } else {
      stubType = WAMessageStubType.GROUP_CHANGE_DESCRIPTION;
      stubParameters = [chat.description ?? 'Updated rules: be kind.'];
    }
  }
  return { speaker, stubType, stubParameters };
};

/** One small composer per kind of message. */
const COMPOSERS: Record<ChatKind, KindComposer> = {
  text: composeText,
  link: composeLink,
  reply: composeReply,
  mention: composeMention,
  image: composeImage,
  video: composeVideo,
  audio: composeAudio,
  document: composeDocument,
  documentWithCaption: composeDocument,
  sticker: composeSticker,
  location: composeLocation,
  contact: composeContact,
  poll: composePoll,
  reaction: composeReaction,
  viewOnce: composeViewOnce,
  edit: composeEdit,
  revoke: composeRevoke,
  stub: composeStub,
};

/**
 * Composes one chat message of the given kind at `timestampSec`. `recent` is the chat's recent window
 * (oldest first) used as targets for replies, reactions, edits and revokes.
 */
export function composeChatMessage(
  composer: Composer,
  chat: SandboxChat,
  kind: ChatKind,
  timestampSec: number,
  recent: RecentMessage[],
  endSec: number,
  { mode, incomingOnly = false }: ComposeOptions,
): ComposeResult {
  const { rng, me } = composer;
  const targets = recent.filter((r) => r.content && !r.revoked);
  // Edits and deletes come from the target's author; when only others speak, only their messages qualify.
  const ownable = incomingOnly ? targets.filter((r) => !r.key.fromMe) : targets;
  // Kinds that need a target fall back to text when there is none.
  if ((kind === 'reply' || kind === 'reaction') && targets.length === 0) kind = 'text';
  if (kind === 'edit' && !ownable.some((r) => r.text !== null)) kind = 'text';
  if (kind === 'revoke' && ownable.length === 0) kind = 'text';
  if ((kind === 'mention' || kind === 'poll') && chat.kind !== 'group') kind = 'text';

  if (kind === 'revoke' && mode === 'history') {
    // In history a deleted message is just the original key as a REVOKE stub: the content is gone.
    const target = rng.pick(targets);
    delete target.plain.message;
    target.plain.messageStubType = WAMessageStubType.REVOKE;
    target.revoked = true;
    target.content = null;
    return { message: null, recent: null };
  }

  let speaker = pickSpeaker(rng, chat, incomingOnly);
  const composed = COMPOSERS[kind]({ composer, rng, me, chat, kind, timestampSec, targets, ownable, mode, incomingOnly, speaker });
  if (composed === NOTHING) return { message: null, recent: null };
  speaker = composed.speaker ?? speaker;
  const content = composed.content ?? null;
  const stubType = composed.stubType ?? null;
  const stubParameters = composed.stubParameters ?? null;
  const isVoiceNote = composed.isVoiceNote ?? false;

  // Edits, deletes and reactions act on other messages: they are neither wrapped nor targets themselves.
  const actsOnOther = kind === 'edit' || kind === 'revoke' || kind === 'reaction';
  const isWrapped = chat.ephemeralExpiration !== null && content !== null && !actsOnOther;
  const messageContent = content && isWrapped ? wrapEphemeral(content) : content;
  const id = newMessageId(composer, speaker.fromMe);
  const key = keyFor(chat, speaker, id);
  const plain: proto.IWebMessageInfo = { key, messageTimestamp: timestampSec };
  if (messageContent) plain.message = messageContent;
  if (stubType !== null) {
    plain.messageStubType = stubType;
    plain.messageStubParameters = stubParameters ?? [];
  }
  if (!speaker.fromMe && speaker.person) plain.pushName = speaker.person.pushName;
  if (speaker.fromMe) plain.status = outgoingStatus(rng, endSec - timestampSec, isVoiceNote);
  const remembered: RecentMessage = {
    plain,
    key,
    authorJid: authorJidOf(composer, chat, speaker),
    content: content && !actsOnOther && stubType === null ? content : null,
    text: textOf(content),
    revoked: false,
  };
  return { message: plain, recent: remembered };
}

