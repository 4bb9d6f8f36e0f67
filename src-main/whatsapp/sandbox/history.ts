/**
 * Turns a simulated account into history-sync chunks, the way the phone sends them: an INITIAL_BOOTSTRAP
 * chunk (every conversation with its latest messages and the known LID<->PN mappings), a PUSH_NAME chunk,
 * then RECENT chunks from newest to oldest with rising progress, the last at 100.
 *
 * Each chunk is a real `proto.HistorySync`, encoded and decoded (as Baileys inflates and decodes the
 * downloaded blob) and run through Baileys' own `processHistoryMessage`, so the `messaging-history.set`
 * payload has exactly the shape of a real one: fresh objects every time, Long timestamps, contacts derived
 * from conversations, lidPnMappings from phoneNumberToLidMappings and LID chats' pnJid.
 */
import { proto, processHistoryMessage, toNumber, type BaileysEventMap, type GroupMetadata, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { SandboxAccount, SandboxChannel, SandboxChat } from './account.js';
import { sandboxGroupMetadata } from './groups.js';
import { hashString } from './prng.js';

export type HistorySetEvent = BaileysEventMap['messaging-history.set'];

export interface HistoryChunk {
  /** 0-based order of the chunk. */
  index: number;
  /** Id of the (simulated) history-sync notification; Baileys records it in creds.processedHistoryMessages. */
  notificationKey: WAMessageKey;
  notificationTimestamp: number;
  syncType: proto.HistorySync.HistorySyncType;
  progress: number;
  messageCount: number;
  /** Builds the event payload (new objects on every call). isLatest is added by the caller. */
  build(): Omit<HistorySetEvent, 'isLatest'>;
  /**
   * The chunk as the phone uploads it, before Baileys' download and processing: a HistorySync object (new
   * objects on every call). For benchmarks that run Baileys' own download path (encrypted blob on the CDN).
   */
  historySync(): proto.IHistorySync;
}

export interface PlanHistoryOptions {
  /** Latest messages per conversation in the bootstrap chunk (default 5). */
  bootstrapMessagesPerChat?: number;
  /** Number of RECENT chunks (default 12). */
  recentChunks?: number;
  /** Messages (`chatJid/id`) the phone keeps to itself at pairing: only a backfill fetches them (on-demand.ts). */
  phoneOnly?: ReadonlySet<string>;
}

const SYNC = proto.HistorySync.HistorySyncType;

export interface ConversationMeta {
  chat: SandboxChat | null;
  channel: SandboxChannel | null;
  lastTimestamp: number;
  /** A group's metadata (groups.ts): history conversations carry its participants, creator and creation time. */
  group?: GroupMetadata;
}

const RANKS = { superadmin: proto.GroupParticipant.Rank.SUPERADMIN, admin: proto.GroupParticipant.Rank.ADMIN } as const;

export function conversationObject(meta: ConversationMeta, messages: WAMessage[]): proto.IConversation {
  const base: proto.IConversation = {
    conversationTimestamp: meta.lastTimestamp,
    messages: messages.map((message, i) => ({ message, msgOrderId: messages.length - i })),
  };
  const { chat, channel } = meta;
  if (channel) {
    return { ...base, id: channel.jid, name: channel.name, description: channel.description, readOnly: !channel.owned };
  }
  if (!chat) throw new Error('conversation without chat or channel');
  const conversation: proto.IConversation = {
    ...base,
    id: chat.jid,
    unreadCount: chat.unreadCount,
    archived: chat.archived,
  };
  if (chat.kind === 'group') {
    conversation.name = chat.name;
    if (chat.description) conversation.description = chat.description;
    if (meta.group) {
      conversation.participant = meta.group.participants.map((p) => ({ userJid: p.id, rank: p.admin ? RANKS[p.admin] : proto.GroupParticipant.Rank.REGULAR }));
      if (meta.group.owner) conversation.createdBy = meta.group.owner;
      if (meta.group.creation) conversation.createdAt = meta.group.creation;
    }
  } else {
    const person = chat.people[0]!;
    if (person.savedName) conversation.displayName = person.savedName;
    // LID chats name their phone number when it is known; phone-number chats name their LID likewise.
    if (chat.addressing === 'lid' && person.mapping !== 'never' && person.mapping !== 'live') conversation.pnJid = person.pnJid;
    if (chat.addressing === 'pn' && person.mapping === 'history') conversation.lidJid = person.lid;
  }
  if (chat.pinned !== null) conversation.pinned = chat.pinned;
  if (chat.muteEndTime !== null) conversation.muteEndTime = chat.muteEndTime;
  if (chat.ephemeralExpiration !== null) conversation.ephemeralExpiration = chat.ephemeralExpiration;
  return conversation;
}

/** Runs a HistorySync object through encode -> decode -> processHistoryMessage, like a downloaded blob. */
export function toEvent(sync: proto.IHistorySync, chunkOrder: number): Omit<HistorySetEvent, 'isLatest'> {
  const bytes = proto.HistorySync.encode(proto.HistorySync.fromObject(sync)).finish();
  const decoded = proto.HistorySync.decode(bytes);
  const data = processHistoryMessage(decoded);
  return { ...data, chunkOrder };
}

/**
 * Plans the history chunks for an account. Planning is cheap (grouping only); the protobuf work happens
 * in each chunk's build().
 */
export function planHistory(account: SandboxAccount, options: PlanHistoryOptions = {}): HistoryChunk[] {
  const bootstrapPerChat = options.bootstrapMessagesPerChat ?? 5;
  const recentChunkCount = Math.max(1, options.recentChunks ?? 12);
  const metas = new Map<string, ConversationMeta>();
  for (const chat of account.chats) {
    metas.set(chat.jid, { chat, channel: null, lastTimestamp: 0, ...(chat.kind === 'group' ? { group: sandboxGroupMetadata(account, chat) } : {}) });
  }
  for (const channel of account.channels) metas.set(channel.jid, { chat: null, channel, lastTimestamp: 0 });
  const byChat = new Map<string, WAMessage[]>();
  for (const message of account.messages) {
    const jid = message.key.remoteJid!;
    if (options.phoneOnly?.has(`${jid}/${message.key.id}`)) continue;
    const meta = metas.get(jid);
    if (meta) meta.lastTimestamp = Math.max(meta.lastTimestamp, Number(toNumber(message.messageTimestamp ?? 0)));
    let list = byChat.get(jid);
    if (!list) byChat.set(jid, (list = []));
    list.push(message);
  }

  // Bootstrap: the latest messages of every conversation; the rest goes to RECENT chunks, newest first.
  const bootstrap = new Map<string, WAMessage[]>();
  const rest: WAMessage[] = [];
  for (const [jid, list] of byChat) {
    bootstrap.set(jid, list.slice(-bootstrapPerChat).reverse());
    rest.push(...list.slice(0, Math.max(0, list.length - bootstrapPerChat)));
  }
  rest.sort((a, b) => Number(toNumber(b.messageTimestamp ?? 0)) - Number(toNumber(a.messageTimestamp ?? 0)));

  const idBase = `SBXHIST${(hashString(`${account.seed}:${account.me.jid}`) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const endSec = Math.floor(account.endAt / 1000);
  const chunks: HistoryChunk[] = [];
  const addChunk = (syncType: proto.HistorySync.HistorySyncType, progress: number, messageCount: number, make: () => proto.IHistorySync) => {
    const index = chunks.length;
    chunks.push({
      index,
      notificationKey: { remoteJid: account.me.jid, fromMe: true, id: `${idBase}${String(index).padStart(3, '0')}` },
      notificationTimestamp: endSec + index,
      syncType,
      progress,
      messageCount,
      build: () => toEvent(make(), index),
      historySync: make,
    });
  };

  const bootstrapCount = [...bootstrap.values()].reduce((sum, list) => sum + list.length, 0);
  addChunk(SYNC.INITIAL_BOOTSTRAP, 5, bootstrapCount, () => ({
    syncType: SYNC.INITIAL_BOOTSTRAP,
    progress: 5,
    conversations: [...metas.entries()].map(([jid, meta]) => conversationObject(meta, bootstrap.get(jid) ?? [])),
    phoneNumberToLidMappings: account.historyLidPnMappings.map(({ lid, pn }) => ({ lidJid: lid, pnJid: pn })),
  }));

  addChunk(SYNC.PUSH_NAME, 8, 0, () => ({
    syncType: SYNC.PUSH_NAME,
    progress: 8,
    // The phone knows push names by phone number, except for people it only knows by LID.
    pushnames: account.people.map((p) => ({ id: p.mapping === 'never' ? p.lid : p.pnJid, pushname: p.pushName })),
  }));

  const perChunk = Math.ceil(rest.length / recentChunkCount);
  for (let c = 0; c < recentChunkCount; c++) {
    const slice = rest.slice(c * perChunk, (c + 1) * perChunk);
    const progress = c === recentChunkCount - 1 ? 100 : Math.round(10 + (90 * (c + 1)) / recentChunkCount);
    addChunk(SYNC.RECENT, progress, slice.length, () => {
      const grouped = new Map<string, WAMessage[]>();
      for (const message of slice) {
        const jid = message.key.remoteJid!;
        let list = grouped.get(jid);
        if (!list) grouped.set(jid, (list = []));
        list.push(message);
      }
      return {
        syncType: SYNC.RECENT,
        progress,
        conversations: [...grouped.entries()].map(([jid, list]) => conversationObject(metas.get(jid)!, list)),
      };
    });
  }
  return chunks;
}
