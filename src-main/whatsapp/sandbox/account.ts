/**
 * The simulated WhatsApp account: people, chats, groups, channels and weeks of messages, all derived from
 * one seed. Pure functions (no clock, no I/O): the sandbox socket replays this as history sync and the
 * benchmark reuses it to fill a store.
 *
 * Messages are real `proto.WebMessageInfo` objects (timestamps and file lengths become Long, exactly as
 * Baileys delivers them), covering every shape the ingestion has to understand: plain and extended text,
 * link previews, media of all kinds, locations, contacts, polls, reactions, ephemeral and view-once
 * wrappers, quoted replies, mentions (also of @lid users), edits, revokes, system stubs, a failed send and
 * outgoing messages in every status.
 *
 * Size (~530 lines): the account's shapes (types), people, chats, channels and the history plan of one seed.
 * Message composition is in compose.ts; what is left is one generator whose parts share its random stream.
 */
import {
  WAMessageStatus,
  WAMessageStubType,
  proto,
  type Contact,
  type LIDMapping,
  type WAMessage,
} from '@whiskeysockets/baileys';
import {
  CHANNEL_POSTS,
  CHANNELS,
  COUNTRY_PHONE_FORMATS,
  FIRST_NAMES,
  GROUP_DESCRIPTIONS,
  GROUP_NAMES,
  LAST_NAMES,
  LINKS,
  PUSH_NAME_STYLES,
  type Language,
} from './corpus.js';
import {
  DM_KINDS,
  EPHEMERAL_SECONDS,
  GROUP_KINDS,
  chatText,
  composeChatMessage,
  fillText,
  mediaFields,
  newMessageId,
  personJid,
  type ChatKind,
  type Composer,
  type RecentMessage,
  type SandboxMediaSource,
} from './compose.js';
import { Prng } from './prng.js';

/** Default end of the simulated history (ms) when no clock is given: keeps the pure generator pure. */
export const SANDBOX_DEFAULT_END_AT = Date.UTC(2026, 0, 15, 12, 0, 0);
/** How far back the history goes. */
export const SANDBOX_HISTORY_DAYS = 42;
export const SANDBOX_ACCOUNT_NAME = 'Sandbox (simulated)';

const DAY_SECONDS = 86_400;

export interface SandboxMe {
  /** Digits with country code. */
  phone: string;
  /** <phone>@s.whatsapp.net */
  jid: string;
  /** <phone>:1@s.whatsapp.net (what creds.me.id looks like for a linked device) */
  deviceJid: string;
  /** <digits>@lid */
  lid: string;
  /** <digits>:1@lid */
  deviceLid: string;
  name: string;
}

/**
 * How the gateway can learn a person's LID<->PN mapping: from history sync (`lidPnMappings`), from the
 * app-state contact sync (`contacts.upsert` + `lid-mapping.update`), only later from a live
 * `lid-mapping.update`, or never (a LID-only sender).
 */
export type LidMappingSource = 'history' | 'contacts' | 'live' | 'never';

export interface SandboxPerson {
  index: number;
  phone: string;
  pnJid: string;
  lid: string;
  /** The name they set themselves (pushName / notify). */
  pushName: string;
  /** The name in the simulated address book, or null for people who are not saved. */
  savedName: string | null;
  mapping: LidMappingSource;
  language: Language;
}

export interface SandboxChat {
  jid: string;
  kind: 'dm' | 'group';
  /** Group subject; null for DMs. */
  name: string | null;
  description: string | null;
  /** The other members (a DM has exactly one). */
  people: SandboxPerson[];
  /** How members are addressed in message keys: phone-number JIDs or LIDs. */
  addressing: 'pn' | 'lid';
  language: Language;
  /** Seconds. */
  createdAt: number;
  /** Disappearing-messages timer in seconds, or null. */
  ephemeralExpiration: number | null;
  archived: boolean;
  /** Pin time in seconds, or null. */
  pinned: number | null;
  /** Mute end in seconds (-1 = forever), or null. */
  muteEndTime: number | null;
  /** Number of trailing incoming messages shown as unread. */
  unreadCount: number;
  /**
   * How many history events the generator composes in this chat (about 7 % of them are reactions and
   * deletions, which change earlier messages instead of adding one).
   */
  messageCount: number;
}

export interface SandboxChannel {
  jid: string;
  name: string;
  description: string;
  invite: string;
  subscribers: number;
  /** Seconds. */
  createdAt: number;
  /** True when the account is the channel's owner (its posts are fromMe). */
  owned: boolean;
  verification: 'VERIFIED' | 'UNVERIFIED';
  messageCount: number;
}

export interface SandboxAccount {
  seed: number;
  /** ms; history ends shortly before this. */
  endAt: number;
  /** ms */
  startAt: number;
  me: SandboxMe;
  people: SandboxPerson[];
  chats: SandboxChat[];
  channels: SandboxChannel[];
  /** All history messages (chats and channel posts), oldest first. */
  messages: WAMessage[];
  /** Address-book contacts as the app-state sync reports them (contacts.upsert). */
  savedContacts: Contact[];
  /** Mappings history sync reveals (HistorySync.phoneNumberToLidMappings). */
  historyLidPnMappings: LIDMapping[];
  /** Mappings the app-state contact sync reveals (lid-mapping.update). */
  contactLidPnMappings: LIDMapping[];
  /** Mappings only a later live event reveals. */
  liveLidPnMappings: LIDMapping[];
  /** The real media the messages carry, also used by the live stream (null: fake media fields). */
  media?: SandboxMediaSource | null;
}

export interface GenerateAccountOptions {
  /** End of the history in ms (default SANDBOX_DEFAULT_END_AT). */
  endAt?: number;
  /** The paired number when it is not the seed's own (pairing by code uses the number typed in). */
  mePhone?: string;
  /** Our LID digits (without @lid / device) when known from the creds. */
  meLidUser?: string;
  /** Real media for media messages (compose.ts withRealMedia). */
  media?: SandboxMediaSource | null;
}

// ---------------------------------------------------------------------------------------------------------
// Identities

function phoneNumber(rng: Prng): string {
  const [countryCode, nationalLength] = rng.pick(COUNTRY_PHONE_FORMATS);
  return countryCode + rng.digits(nationalLength);
}

function lidUser(rng: Prng): string {
  return String(rng.int(1, 2)) + rng.digits(14);
}

/** The account's own identity for a seed (or for a phone typed in when pairing by code). */
export function sandboxMe(seed: number, options: { phone?: string; lidUser?: string } = {}): SandboxMe {
  const rng = new Prng(seed, 'me');
  const seedPhone = phoneNumber(rng);
  const seedLid = lidUser(rng);
  const phone = options.phone ?? seedPhone;
  const lid = options.lidUser ?? seedLid;
  return {
    phone,
    jid: `${phone}@s.whatsapp.net`,
    deviceJid: `${phone}:1@s.whatsapp.net`,
    lid: `${lid}@lid`,
    deviceLid: `${lid}:1@lid`,
    name: SANDBOX_ACCOUNT_NAME,
  };
}

function makePeople(rng: Prng, count: number): SandboxPerson[] {
  const people: SandboxPerson[] = [];
  const usedPhones = new Set<string>();
  const usedLids = new Set<string>();
  const languages: readonly (readonly [Language, number])[] = [['en', 70], ['es', 8], ['de', 8], ['id', 8], ['pt', 6]];
  const mappings: readonly (readonly [LidMappingSource, number])[] = [['history', 40], ['contacts', 20], ['live', 15], ['never', 25]];
  for (let index = 0; index < count; index++) {
    let phone = phoneNumber(rng);
    while (usedPhones.has(phone)) phone = phoneNumber(rng);
    usedPhones.add(phone);
    let lid = lidUser(rng);
    while (usedLids.has(lid)) lid = lidUser(rng);
    usedLids.add(lid);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const pushName = rng.pick(PUSH_NAME_STYLES)(first, last);
    const savedName = rng.chance(0.7) ? rng.pick([`${first} ${last}`, first, `${first} (${rng.pick(['work', 'gym', 'school', 'neighbour'])})`]) : null;
    people.push({
      index,
      phone,
      pnJid: `${phone}@s.whatsapp.net`,
      lid: `${lid}@lid`,
      pushName,
      savedName,
      mapping: rng.weighted(mappings),
      language: rng.weighted(languages),
    });
  }
  return people;
}

// ---------------------------------------------------------------------------------------------------------
// Chats and channels

const PERSON_COUNT = 64;
const DM_COUNT = 20;
/** DM indexes addressed by LID (modern "LID chats"); the last one never reveals the phone number. */
const LID_DM_INDEXES = [16, 17, 18, 19];
const GROUP_COUNT = 12;

function makeChats(rng: Prng, people: SandboxPerson[], startSec: number, endSec: number): SandboxChat[] {
  const chats: SandboxChat[] = [];
  // Make sure the LID DMs cover both "mapping known" and "never known".
  people[LID_DM_INDEXES[0]!]!.mapping = 'history';
  people[LID_DM_INDEXES[3]!]!.mapping = 'never';
  for (let i = 0; i < DM_COUNT; i++) {
    const person = people[i]!;
    const addressing = LID_DM_INDEXES.includes(i) ? 'lid' : 'pn';
    chats.push({
      jid: addressing === 'lid' ? person.lid : person.pnJid,
      kind: 'dm',
      name: null,
      description: null,
      people: [person],
      addressing,
      language: person.language,
      createdAt: startSec - rng.int(30, 400) * DAY_SECONDS,
      ephemeralExpiration: i === 5 ? EPHEMERAL_SECONDS : null,
      archived: i === 14 || i === 15,
      pinned: null,
      muteEndTime: null,
      unreadCount: 0,
      messageCount: rng.int(25, 130),
    });
  }
  const groupNames = [GROUP_NAMES[0], ...rng.sample(GROUP_NAMES.slice(1), GROUP_COUNT - 1)];
  for (let g = 0; g < GROUP_COUNT; g++) {
    const long = g === 0;
    const size = long ? 9 : rng.int(3, 25);
    const members = rng.sample(people, size);
    // Every LID-addressed group has at least one LID-only sender whose number the gateway never learns.
    const addressing = g % 2 === 1 ? 'lid' : 'pn';
    if (addressing === 'lid' && !members.some((p) => p.mapping === 'never')) {
      const stranger = people.find((p) => p.mapping === 'never' && !members.includes(p));
      if (stranger) members[members.length - 1] = stranger;
    }
    // The last group was created during the history window, so its GROUP_CREATE stub is part of it.
    const createdAt = long ? startSec - 900 * DAY_SECONDS : g === GROUP_COUNT - 1 ? startSec + 5 * DAY_SECONDS : startSec - rng.int(-20, 300) * DAY_SECONDS;
    // One old-style group id (<creator phone>-<creation time>@g.us); the rest are modern 120363... ids.
    const jid = g === 3 ? `${members[0]!.phone}-${Math.max(createdAt, 1_400_000_000)}@g.us` : `120363${rng.digits(12)}@g.us`;
    chats.push({
      jid,
      kind: 'group',
      name: groupNames[g] ?? `Group ${g + 1}`,
      description: rng.pick(GROUP_DESCRIPTIONS),
      people: members,
      addressing,
      language: rng.chance(0.8) ? 'en' : members[0]!.language,
      createdAt: Math.min(createdAt, endSec - 3 * DAY_SECONDS),
      ephemeralExpiration: g === 4 ? EPHEMERAL_SECONDS : null,
      archived: g === 9,
      pinned: null,
      muteEndTime: g === 7 ? -1 : g === 8 ? endSec + 5 * DAY_SECONDS : null,
      unreadCount: 0,
      messageCount: long ? 1750 : rng.int(120, 320),
    });
  }
  // Two pinned chats: the long group and one DM.
  chats[DM_COUNT]!.pinned = endSec - 20 * DAY_SECONDS;
  chats[0]!.pinned = endSec - 10 * DAY_SECONDS;
  // Guarantee the advertised volume (5,000+ stored messages) whatever the seed rolled.
  let total = chats.reduce((sum, chat) => sum + chat.messageCount, 0);
  for (let i = DM_COUNT + 1; total < 5600; i = i + 1 >= chats.length ? DM_COUNT + 1 : i + 1) {
    chats[i]!.messageCount += 25;
    total += 25;
  }
  return chats;
}

function makeChannels(rng: Prng, startSec: number): SandboxChannel[] {
  return CHANNELS.map((channel, index) => ({
    jid: `120363${rng.digits(12)}@newsletter`,
    name: channel.name,
    description: channel.description,
    invite: rng.hex(8) + rng.hex(14).toLowerCase(),
    subscribers: index === 2 ? rng.int(3, 40) : rng.int(1_200, 250_000),
    createdAt: startSec - rng.int(60, 700) * DAY_SECONDS,
    owned: index === 2,
    verification: index === 0 ? 'VERIFIED' : 'UNVERIFIED',
    messageCount: rng.int(45, 80),
  }));
}

/** Times (seconds) for `count` messages between from and to, denser in waking hours, strictly increasing. */
function spreadTimestamps(rng: Prng, count: number, fromSec: number, toSec: number): number[] {
  const times: number[] = [];
  const span = Math.max(1, toSec - fromSec);
  for (let i = 0; i < count; i++) {
    let t = fromSec + Math.floor(rng.next() * span);
    // Move night-time messages (00:00-07:00 UTC) into the day with some probability.
    const hour = Math.floor((t % DAY_SECONDS) / 3600);
    if (hour < 7 && rng.chance(0.8)) t += (rng.int(8, 22) - hour) * 3600;
    times.push(Math.min(t, toSec));
  }
  times.sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) if (times[i]! <= times[i - 1]!) times[i] = times[i - 1]! + 1;
  return times;
}

function toWAMessage(plain: proto.IWebMessageInfo): WAMessage {
  return proto.WebMessageInfo.fromObject(plain) as WAMessage;
}

/** Generates one chat's history (plain objects, oldest first). */
function chatHistory(composer: Composer, chat: SandboxChat, startSec: number, endSec: number): proto.IWebMessageInfo[] {
  const { rng } = composer;
  const out: proto.IWebMessageInfo[] = [];
  const recent: RecentMessage[] = [];
  const from = Math.max(startSec, chat.createdAt + 60);
  // Leave the last half hour to the live stream.
  const times = spreadTimestamps(rng, chat.messageCount, from, endSec - 1800);
  const kinds = chat.kind === 'dm' ? DM_KINDS : GROUP_KINDS;
  let first = true;
  if (chat.kind === 'group' && chat.createdAt >= startSec) {
    const creator = chat.people[0]!;
    out.push({
      key: { remoteJid: chat.jid, fromMe: false, id: newMessageId(composer, false), participant: personJid(chat, creator) },
      messageTimestamp: chat.createdAt,
      messageStubType: WAMessageStubType.GROUP_CREATE,
      messageStubParameters: [chat.name ?? ''],
      pushName: creator.pushName,
    });
  } else if (chat.kind === 'dm') {
    out.push({
      key: { remoteJid: chat.jid, fromMe: false, id: newMessageId(composer, false) },
      messageTimestamp: Math.max(from - 30, 1),
      messageStubType: WAMessageStubType.E2E_ENCRYPTED,
      messageStubParameters: [],
    });
  }
  for (const timestamp of times) {
    let kind: ChatKind = rng.weighted(kinds);
    if (first && (kind === 'revoke' || kind === 'edit' || kind === 'reaction' || kind === 'reply')) kind = 'text';
    first = false;
    if (chat.ephemeralExpiration !== null && out.length === 1) {
      // Disappearing messages were switched on at the start of the window.
      out.push({
        key: { remoteJid: chat.jid, fromMe: true, id: newMessageId(composer, true) },
        messageTimestamp: timestamp - 1,
        message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.EPHEMERAL_SETTING, ephemeralExpiration: chat.ephemeralExpiration } },
        status: WAMessageStatus.READ,
      });
    }
    const { message, recent: remembered } = composeChatMessage(composer, chat, kind, timestamp, recent, endSec, { mode: 'history' });
    if (message) out.push(message);
    if (remembered) {
      recent.push(remembered);
      if (recent.length > 40) recent.shift();
    }
  }
  return out;
}

function channelHistory(composer: Composer, channel: SandboxChannel, index: number, startSec: number, endSec: number): proto.IWebMessageInfo[] {
  const { rng } = composer;
  const posts = CHANNEL_POSTS[index] ?? CHANNEL_POSTS[0]!;
  const times = spreadTimestamps(rng, channel.messageCount, Math.max(startSec, channel.createdAt), endSec - 3600);
  let serverId = rng.int(100, 900);
  return times.map((timestamp) => {
    serverId += 1;
    const text = fillText(rng, rng.pick(posts));
    let message: proto.IMessage;
    const roll = rng.next();
    if (roll < 0.15) {
      message = { imageMessage: { mimetype: 'image/jpeg', caption: text, height: 1080, width: 1080, ...mediaFields(rng, '7118-24', 50_000, 600_000, timestamp) } };
    } else if (roll < 0.25) {
      const link = rng.pick(LINKS);
      message = { extendedTextMessage: { text: `${text}\n${link.url}`, matchedText: link.url, title: link.title, description: link.description, previewType: 0 } };
    } else {
      message = { extendedTextMessage: { text } };
    }
    // Channel post ids are the server's sequence numbers.
    const plain: proto.IWebMessageInfo = {
      key: { remoteJid: channel.jid, fromMe: channel.owned, id: String(serverId) },
      messageTimestamp: timestamp,
      message,
    };
    if (channel.owned) plain.status = WAMessageStatus.SERVER_ACK;
    return plain;
  });
}

function markUnread(rng: Prng, chat: SandboxChat, messages: proto.IWebMessageInfo[]): void {
  if (chat.archived || !rng.chance(0.35)) return;
  let trailing = 0;
  for (let i = messages.length - 1; i >= 0 && !messages[i]!.key!.fromMe; i--) trailing++;
  chat.unreadCount = Math.min(trailing, rng.int(1, 15));
}

/**
 * The whole simulated account for a seed. Same seed (and options) -> identical output, including ids,
 * names, texts and timestamps.
 */
export function generateSandboxAccount(seed: number, options: GenerateAccountOptions = {}): SandboxAccount {
  const endAt = options.endAt ?? SANDBOX_DEFAULT_END_AT;
  const endSec = Math.floor(endAt / 1000);
  const startSec = endSec - SANDBOX_HISTORY_DAYS * DAY_SECONDS;
  const root = new Prng(seed, 'sandbox-account');
  const me = sandboxMe(seed, { ...(options.mePhone ? { phone: options.mePhone } : {}), ...(options.meLidUser ? { lidUser: options.meLidUser } : {}) });
  const people = makePeople(root.fork('people'), PERSON_COUNT);
  const chats = makeChats(root.fork('chats'), people, startSec, endSec);
  const channels = makeChannels(root.fork('channels'), startSec);
  const composer: Composer = { rng: root.fork('messages'), me, usedIds: new Set(), media: options.media ?? null };

  const plain: proto.IWebMessageInfo[] = [];
  for (const chat of chats) {
    const history = chatHistory(composer, chat, startSec, endSec);
    markUnread(composer.rng, chat, history);
    plain.push(...history);
  }
  channels.forEach((channel, index) => plain.push(...channelHistory(composer, channel, index, startSec, endSec)));

  // One outgoing message that failed (463: no privacy token for this contact), late in a DM.
  const failedCandidates = plain.filter((m) => m.key!.fromMe && m.key!.remoteJid === chats[2]!.jid && m.message?.conversation);
  const failed = failedCandidates[failedCandidates.length - 1];
  if (failed) {
    failed.status = WAMessageStatus.ERROR;
    failed.messageStubParameters = ['463'];
  }

  const order = new Map(plain.map((m, i) => [m, i]));
  plain.sort((a, b) => Number(a.messageTimestamp) - Number(b.messageTimestamp) || order.get(a)! - order.get(b)!);

  const savedContacts: Contact[] = [];
  const historyLidPnMappings: LIDMapping[] = [];
  const contactLidPnMappings: LIDMapping[] = [];
  const liveLidPnMappings: LIDMapping[] = [];
  for (const person of people) {
    const mapping = { lid: person.lid, pn: person.pnJid };
    if (person.mapping === 'history') historyLidPnMappings.push(mapping);
    else if (person.mapping === 'contacts' && person.savedName) contactLidPnMappings.push(mapping);
    else if (person.mapping === 'live' || (person.mapping === 'contacts' && !person.savedName)) liveLidPnMappings.push(mapping);
    if (person.savedName) {
      const contact: Contact = { id: person.pnJid, name: person.savedName, phoneNumber: person.pnJid };
      if (person.mapping === 'contacts') contact.lid = person.lid;
      savedContacts.push(contact);
    }
  }

  return {
    seed,
    endAt,
    startAt: startSec * 1000,
    me,
    people,
    chats,
    channels,
    messages: plain.map(toWAMessage),
    savedContacts,
    historyLidPnMappings,
    contactLidPnMappings,
    media: options.media ?? null,
    liveLidPnMappings,
  };
}

export interface GenerateMessagesOptions {
  me?: SandboxMe;
  /** ms; default SANDBOX_DEFAULT_END_AT. */
  endAt?: number;
  /** Days before endAt the messages spread over (default 42). */
  spanDays?: number;
}

/**
 * `count` more chat messages spread over the given chats (e.g. an account's `chats`), oldest first, with
 * fresh ids. Cheap enough for benchmarks (a few microseconds per message). Targets for replies, reactions
 * and edits are the messages generated in the same call.
 */
export function generateMessages(seed: number, count: number, chats: readonly SandboxChat[], options: GenerateMessagesOptions = {}): WAMessage[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (count > 0 && chats.length === 0) throw new RangeError('generateMessages needs at least one chat');
  const endSec = Math.floor((options.endAt ?? SANDBOX_DEFAULT_END_AT) / 1000);
  const startSec = endSec - (options.spanDays ?? SANDBOX_HISTORY_DAYS) * DAY_SECONDS;
  const rng = new Prng(seed, 'extra-messages');
  const composer: Composer = { rng, me: options.me ?? sandboxMe(seed), usedIds: new Set() };
  const times = spreadTimestamps(rng, count, startSec, endSec);
  const recentByChat = new Map<string, RecentMessage[]>();
  const out: WAMessage[] = [];
  for (const timestamp of times) {
    const chat = chats[Math.floor(rng.next() * chats.length)]!;
    const recent = recentByChat.get(chat.jid) ?? [];
    recentByChat.set(chat.jid, recent);
    const kind = rng.weighted(chat.kind === 'dm' ? DM_KINDS : GROUP_KINDS);
    // 'revoke' in live mode is a protocol message (a new row), so every call yields exactly one message.
    const { message, recent: remembered } = composeChatMessage(composer, chat, kind, timestamp, recent, endSec, { mode: 'live' });
    if (message) out.push(toWAMessage(message));
    if (remembered) {
      recent.push(remembered);
      if (recent.length > 20) recent.shift();
    }
  }
  return out;
}

// Internal pieces the live stream reuses.
export const internals = { composeChatMessage, newMessageId, chatText, fillText, mediaFields, personJid, DM_KINDS, GROUP_KINDS };
export type { ChatKind, Composer, RecentMessage };
