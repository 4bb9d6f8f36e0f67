/**
 * The chat and channel lists: pages merged by JID, newest activity first, filtered by name client-side, and
 * kept current by live message events.
 */
import type { Channel, Chat, Message } from '../api/types.js';
import { bodyWithMentionNames, type MentionContext } from './mentions.js';
import { displayJid } from './format.js';

export interface ListEntry {
  jid: string;
  name: string | null;
  lastMessageAt: number | null;
}

/**
 * Newest activity first; never-active entries last; ties by JID descending so the order is total and the same
 * as the API's keyset (last_message_at DESC, jid DESC): merged pages show exactly what the API pages say.
 */
export function compareByActivity(a: ListEntry, b: ListEntry): number {
  const at = a.lastMessageAt ?? -Infinity;
  const bt = b.lastMessageAt ?? -Infinity;
  if (at !== bt) return bt > at ? 1 : -1;
  return a.jid > b.jid ? -1 : a.jid < b.jid ? 1 : 0;
}

/** Merges a page into the list (same JID: the incoming copy wins) and re-sorts. */
export function mergeByJid<T extends ListEntry>(existing: readonly T[], incoming: readonly T[]): T[] {
  const byJid = new Map<string, T>();
  for (const e of existing) byJid.set(e.jid, e);
  for (const e of incoming) byJid.set(e.jid, e);
  return [...byJid.values()].sort(compareByActivity);
}

export function entryTitle(entry: ListEntry): string {
  return entry.name?.trim() || displayJid(entry.jid);
}

/** Case- and accent-insensitive match of the query against the title and the JID. */
export function matchesQuery(entry: ListEntry, query: string): boolean {
  const q = fold(query.trim());
  if (q === '') return true;
  return fold(entryTitle(entry)).includes(q) || entry.jid.toLowerCase().includes(q);
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

export function filterEntries<T extends ListEntry>(entries: readonly T[], query: string): T[] {
  return entries.filter((e) => matchesQuery(e, query));
}

/** One-line preview of a message for the chat list. */
export function messagePreview(message: Message | null, context: MentionContext = {}): string {
  if (!message) return '';
  if (message.deleted) return 'This message was deleted';
  const prefix = message.fromMe ? 'You: ' : '';
  const body = bodyWithMentionNames(message.body, message.mentionNames, { ...context, mentions: message.mentions })
    .replace(/\s+/g, ' ').trim();
  if (body) return prefix + body;
  if (message.media?.filename) return `${prefix}📎 ${message.media.filename}`;
  return prefix + (TYPE_LABELS[message.type] ?? message.type);
}

const TYPE_LABELS: Record<string, string> = {
  image: '📷 Photo',
  video: '🎬 Video',
  audio: '🎤 Audio',
  document: '📄 Document',
  sticker: 'Sticker',
  location: '📍 Location',
  contact: '👤 Contact',
  poll: '📊 Poll',
  reaction: 'Reaction',
  system: 'System message',
  unknown: 'Message',
};

/**
 * Applies a live message to the chat list. Returns null when the chat is not loaded (the caller refetches the
 * first page so the new chat appears with its real name). `isOpen` suppresses the unread bump for the chat
 * the user is looking at.
 */
export function applyMessageToChats(chats: readonly Chat[], message: Message, isOpen: boolean): Chat[] | null {
  const at = chats.findIndex((c) => c.jid === message.chatJid);
  if (at < 0) return null;
  // Reactions never become the preview nor move the chat (the same rule as the store's lastMessage).
  if (message.type === 'reaction') return chats.slice();
  const chat = chats[at]!;
  const isNewer = chat.lastMessageAt === null || message.timestamp >= chat.lastMessageAt;
  const isSameAsLast = chat.lastMessage?.id === message.id;
  if (!isNewer && !isSameAsLast) return chats.slice();
  const bumpUnread = !message.fromMe && !isOpen && !isSameAsLast;
  const updated: Chat = {
    ...chat,
    lastMessage: message,
    lastMessageAt: Math.max(chat.lastMessageAt ?? 0, message.timestamp),
    unreadCount: chat.unreadCount + (bumpUnread ? 1 : 0),
  };
  const next = chats.slice();
  next[at] = updated;
  return next.sort(compareByActivity);
}

/** Same for channels: only the activity time moves. */
export function applyMessageToChannels(channels: readonly Channel[], message: Message): Channel[] | null {
  const at = channels.findIndex((c) => c.jid === message.chatJid);
  if (at < 0) return null;
  const channel = channels[at]!;
  if (channel.lastMessageAt !== null && channel.lastMessageAt >= message.timestamp) return channels.slice();
  const next = channels.slice();
  next[at] = { ...channel, lastMessageAt: message.timestamp };
  return next.sort(compareByActivity);
}
