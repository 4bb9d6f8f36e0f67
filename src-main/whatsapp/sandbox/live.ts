/**
 * The live side of the simulated account: a deterministic stream of things that "happen" after the
 * history: new messages in chats, channel posts, reactions, edits and deletes of recent messages, a
 * decryption failure that is resolved by a retry, and LID<->PN mappings discovered later.
 *
 * The stream only produces data; the sandbox socket emits it the way Baileys does.
 */
import { extractMessageContent, proto, type LIDMapping, type WAMessage } from '@whiskeysockets/baileys';
import { internals, type ChatKind, type Composer, type RecentMessage, type SandboxAccount, type SandboxChannel, type SandboxChat, type SandboxMe, type SandboxPerson } from './account.js';
import { CHANNEL_POSTS } from './corpus.js';
import { Prng } from './prng.js';

const { composeChatMessage, newMessageId, chatText, fillText, personJid, DM_KINDS, GROUP_KINDS } = internals;

export type LiveEvent =
  /** A new message (content, stub, reaction or protocol message) in a chat or channel. */
  | { type: 'message'; message: WAMessage }
  /**
   * A message that first fails to decrypt (CIPHERTEXT stub placeholder) and arrives properly after the
   * sender's retry: the socket emits `placeholder` now and `message` (same key) a little later.
   */
  | { type: 'retried'; placeholder: WAMessage; message: WAMessage }
  /** The gateway learns a LID<->PN mapping (lid-mapping.update). */
  | { type: 'lid-mapping'; mapping: LIDMapping };

/** Where a chat's messages come from and how their keys carry alternate addresses (rc14 key fields). */
function addAddressing(message: WAMessage, chat: SandboxChat, revealed: ReadonlySet<string>): void {
  const key = message.key;
  const knows = (person: SandboxPerson) => person.mapping === 'history' || person.mapping === 'contacts' || revealed.has(person.lid);
  key.addressingMode = chat.addressing;
  if (chat.kind === 'dm') {
    const person = chat.people[0]!;
    if (knows(person)) key.remoteJidAlt = chat.addressing === 'lid' ? person.pnJid : person.lid;
    return;
  }
  if (!key.fromMe && key.participant) {
    const person = chat.people.find((p) => personJid(chat, p) === key.participant);
    if (person && knows(person)) key.participantAlt = chat.addressing === 'lid' ? person.pnJid : person.lid;
  }
}

function recentFromHistory(me: SandboxMe, chat: SandboxChat, messages: readonly WAMessage[]): RecentMessage[] {
  return messages.slice(-15).map((message) => {
    const raw = extractMessageContent(message.message) ?? null;
    const usable = raw && !raw.protocolMessage && !raw.reactionMessage && !message.messageStubType ? raw : null;
    const plain = message as proto.IWebMessageInfo;
    const authorJid = message.key.fromMe
      ? chat.addressing === 'lid' ? me.lid : me.jid
      : chat.kind === 'dm' ? chat.jid : message.key.participant ?? chat.jid;
    const text = usable ? usable.conversation ?? usable.extendedTextMessage?.text ?? null : null;
    return { plain, key: { remoteJid: message.key.remoteJid, fromMe: message.key.fromMe, id: message.key.id, participant: message.key.participant }, authorJid, content: usable, text, revoked: false };
  });
}

export interface LiveStreamOptions {
  account: SandboxAccount;
  /** Seed of the stream (the sandbox mixes the account seed, the session id and the start time). */
  seed: number;
}

export class LiveStream {
  private readonly rng: Prng;
  private readonly timingRng: Prng;
  private readonly replyRng: Prng;
  private readonly composer: Composer;
  private readonly recent = new Map<string, RecentMessage[]>();
  private readonly revealed = new Set<string>();
  private readonly pendingMappings: LIDMapping[];
  private readonly channelServerIds = new Map<string, number>();
  private readonly targets: readonly (readonly [SandboxChat | SandboxChannel, number])[];
  private lastTimestamp = 0;

  constructor(private readonly options: LiveStreamOptions) {
    const { account } = options;
    this.rng = new Prng(options.seed, 'live');
    this.timingRng = this.rng.fork('timing');
    this.replyRng = this.rng.fork('reply');
    const usedIds = new Set<string>();
    for (const message of account.messages) usedIds.add(message.key.id!);
    this.composer = { rng: this.rng.fork('compose'), me: account.me, usedIds, media: account.media ?? null };
    this.pendingMappings = [...account.liveLidPnMappings];
    const byChat = new Map<string, WAMessage[]>();
    for (const message of account.messages) {
      const jid = message.key.remoteJid!;
      let list = byChat.get(jid);
      if (!list) byChat.set(jid, (list = []));
      list.push(message);
      if (jid.endsWith('@newsletter')) this.channelServerIds.set(jid, Math.max(this.channelServerIds.get(jid) ?? 0, Number(message.key.id)));
    }
    for (const chat of account.chats) this.recent.set(chat.jid, recentFromHistory(account.me, chat, byChat.get(chat.jid) ?? []));
    // Busy chats get more of the traffic: the long group, the first DMs, then everything else.
    this.targets = [
      ...account.chats.map((chat, index) => [chat, chat.messageCount >= 1000 ? 6 : index < 5 ? 3 : chat.archived ? 0.3 : 1] as const),
      // Our own channel only gets posts we send.
      ...account.channels.filter((channel) => !channel.owned).map((channel) => [channel, 0.8] as const),
    ];
  }

  get account(): SandboxAccount {
    return this.options.account;
  }

  /** Whether the gateway has been told this LID's phone number by the stream. */
  isRevealed(lid: string): boolean {
    return this.revealed.has(lid);
  }

  private timestamp(nowMs: number): number {
    const seconds = Math.max(Math.floor(nowMs / 1000), this.lastTimestamp);
    this.lastTimestamp = seconds;
    return seconds;
  }

  /** A number in [0, 1) for spacing events (its own sub-stream, so timing does not shift content). */
  jitter(): number {
    return this.timingRng.next();
  }

  /** Whether the other side of a DM answers our message (about 60 % of the time). */
  wantsToReply(): boolean {
    return this.replyRng.chance(0.6);
  }

  /** The next thing that happens, at `nowMs`. */
  next(nowMs: number): LiveEvent {
    const roll = this.rng.next();
    if (roll < 0.03 && this.pendingMappings.length > 0) {
      const mapping = this.pendingMappings.shift()!;
      this.revealed.add(mapping.lid);
      return { type: 'lid-mapping', mapping };
    }
    const target = this.rng.weighted(this.targets);
    if ('owned' in target) return { type: 'message', message: this.channelPost(target, nowMs) };
    const chat = target;
    if (roll > 0.985) {
      const message = this.chatMessage(chat, 'text', nowMs);
      const placeholder = proto.WebMessageInfo.fromObject({
        key: { ...message.key },
        messageTimestamp: message.messageTimestamp,
        messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT,
        messageStubParameters: ['No matching sessions found for message'],
        ...(message.pushName ? { pushName: message.pushName } : {}),
      }) as WAMessage;
      placeholder.key = { ...message.key };
      return { type: 'retried', placeholder, message };
    }
    const kinds = chat.kind === 'dm' ? DM_KINDS : GROUP_KINDS;
    let kind: ChatKind = this.rng.weighted(kinds);
    // Live system stubs would need group-participant events to match; keep them to history.
    if (kind === 'stub') kind = 'text';
    return { type: 'message', message: this.chatMessage(chat, kind, nowMs) };
  }

  /** A message in `chat` of `kind`, remembered as a target for later replies/reactions/edits. */
  chatMessage(chat: SandboxChat, kind: ChatKind, nowMs: number): WAMessage {
    const recent = this.recent.get(chat.jid) ?? [];
    this.recent.set(chat.jid, recent);
    const timestamp = this.timestamp(nowMs);
    // Only other people speak here: our own messages come from sendMessage.
    const { message, recent: remembered } = composeChatMessage(this.composer, chat, kind, timestamp, recent, timestamp, { mode: 'live', incomingOnly: true });
    if (remembered) {
      recent.push(remembered);
      if (recent.length > 20) recent.shift();
    }
    const wa = proto.WebMessageInfo.fromObject(message!) as WAMessage;
    addAddressing(wa, chat, this.revealed);
    return wa;
  }

  /** A reply from the other side of a DM to one of our messages (the sandbox's "auto reply"). */
  replyTo(chat: SandboxChat, quoted: WAMessage, nowMs: number): WAMessage {
    const person = chat.people[0]!;
    const timestamp = this.timestamp(nowMs);
    const quotedContent = extractMessageContent(quoted.message);
    const quotedText = quotedContent?.conversation ?? quotedContent?.extendedTextMessage?.text ?? '';
    const text = chatText(this.composer.rng, chat.language);
    const wa = proto.WebMessageInfo.fromObject({
      key: { remoteJid: chat.jid, fromMe: false, id: newMessageId(this.composer, false) },
      messageTimestamp: timestamp,
      pushName: person.pushName,
      message: {
        extendedTextMessage: {
          text,
          contextInfo: {
            stanzaId: quoted.key.id,
            participant: chat.addressing === 'lid' ? this.composer.me.lid : this.composer.me.jid,
            quotedMessage: { conversation: quotedText },
          },
        },
      },
    }) as WAMessage;
    addAddressing(wa, chat, this.revealed);
    return wa;
  }

  private channelPost(channel: SandboxChannel, nowMs: number): WAMessage {
    const serverId = (this.channelServerIds.get(channel.jid) ?? 100) + 1;
    this.channelServerIds.set(channel.jid, serverId);
    const index = this.account.channels.indexOf(channel);
    const posts = CHANNEL_POSTS[index] ?? CHANNEL_POSTS[0]!;
    const wa = proto.WebMessageInfo.fromObject({
      key: { remoteJid: channel.jid, fromMe: false, id: String(serverId) },
      messageTimestamp: this.timestamp(nowMs),
      message: { extendedTextMessage: { text: fillText(this.composer.rng, this.rng.pick(posts)) } },
    }) as WAMessage;
    wa.key.server_id = String(serverId);
    return wa;
  }
}
