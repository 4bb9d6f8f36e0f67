/**
 * History the simulated phone keeps to itself at pairing, and how it answers a request for it. A real phone
 * sends only part of each chat's history when a device links; Baileys' fetchMessageHistory (a
 * HISTORY_SYNC_ON_DEMAND peer-data request) asks it for the messages before the oldest one the device has,
 * and the answer comes back as a messaging-history.set of syncType ON_DEMAND. The sandbox cuts the oldest
 * part of a few chats at pairing (phoneOnlyIds) so the gateway's backfill (src-main/app/history.ts) has
 * something to fetch, and answers like the phone (onDemandAnswer), marking the chat's start with
 * endOfHistoryTransfer when nothing older is left.
 */
import { proto, toNumber, type WAMessage } from '@whiskeysockets/baileys';
import type { SandboxAccount } from './account.js';
import { conversationObject, toEvent, type HistorySetEvent } from './history.js';
import { hashString } from './prng.js';

/** At most this many chats are cut; each keeps its newest (1 - CUT_SHARE) at pairing. */
const MAX_CUT_CHATS = 4;
const CUT_SHARE = 0.4;
const MIN_MESSAGES_TO_CUT = 12;

const seconds = (m: WAMessage): number => Number(toNumber(m.messageTimestamp ?? 0));

/** The messages of one chat, oldest first: the generated history, then what the phone saw since (offline.ts). */
function chatMessages(account: SandboxAccount, chatJid: string, since: readonly WAMessage[] = [], alias: string | null = null): WAMessage[] {
  const inChat = (m: WAMessage) => m.key.remoteJid === chatJid || (alias !== null && m.key.remoteJid === alias);
  // A stable sort: messages of the same second keep the order the phone saw them in.
  return [...account.messages.filter(inChat), ...since.filter(inChat)].sort((a, b) => seconds(a) - seconds(b));
}

/** The chats whose oldest messages stay on the phone at pairing: a deterministic few of the busier ones. */
export function cutChats(account: SandboxAccount): string[] {
  const counts = new Map<string, number>();
  for (const m of account.messages) counts.set(m.key.remoteJid!, (counts.get(m.key.remoteJid!) ?? 0) + 1);
  // Only chats the gateway files under the same JID as the phone (groups, phone-number DMs): a request names
  // the chat as the gateway stores it.
  return account.chats
    .filter((c) => !c.jid.endsWith('@lid'))
    .map((c) => c.jid)
    .filter((jid) => (counts.get(jid) ?? 0) >= MIN_MESSAGES_TO_CUT)
    .sort((a, b) => (hashString(`${account.seed}:cut:${a}`) >>> 0) - (hashString(`${account.seed}:cut:${b}`) >>> 0))
    .slice(0, MAX_CUT_CHATS);
}

/** `chatJid/id` of every message held back at pairing. */
export function phoneOnlyIds(account: SandboxAccount): Set<string> {
  const ids = new Set<string>();
  for (const jid of cutChats(account)) {
    const list = chatMessages(account, jid);
    for (const m of list.slice(0, Math.floor(list.length * CUT_SHARE))) ids.add(`${jid}/${m.key.id}`);
  }
  return ids;
}

/**
 * The phone's answer to "messages of chatJid before (oldestId, oldestTimestampMs)": up to `count` of the
 * newest older ones (from the generated history and `phoneMessages`, what the phone saw after pairing), with endOfHistoryTransfer on the conversation when they reach the chat's start.
 * A chat the phone does not know gets an empty answer that marks its start.
 */
export function onDemandAnswer(
  account: SandboxAccount,
  chatJid: string,
  oldestId: string | null | undefined,
  oldestTimestampMs: number,
  count: number,
  phoneMessages: readonly WAMessage[] = [],
): Omit<HistorySetEvent, 'isLatest'> {
  const chat = account.chats.find((c) => c.jid === chatJid) ?? account.chats.find((c) => c.kind === 'dm' && c.people[0]?.pnJid === chatJid);
  if (!chat) {
    // A chat the phone has nothing of (say, one only this device saw): nothing older, the start is here.
    const empty: proto.IConversation = { id: chatJid, endOfHistoryTransfer: true, messages: [] };
    return toEvent({ syncType: proto.HistorySync.HistorySyncType.ON_DEMAND, progress: 100, conversations: [empty] }, 0);
  }
  const all = chatMessages(account, chat.jid, phoneMessages, chat.kind === 'dm' ? (chat.people[0]?.pnJid ?? null) : null);
  // Before the named message when the phone has it, else before its time.
  const at = oldestId ? all.findIndex((m) => m.key.id === oldestId) : -1;
  const limitSec = Math.floor(oldestTimestampMs / 1000);
  const older = at >= 0 ? all.slice(0, at) : all.filter((m) => seconds(m) < limitSec);
  const batch = older.slice(Math.max(0, older.length - Math.max(1, count)));
  const reachesStart = batch.length === older.length;
  const last = all.at(-1);
  const conversation = conversationObject({ chat, channel: null, lastTimestamp: last ? seconds(last) : 0 }, [...batch].reverse());
  if (reachesStart) conversation.endOfHistoryTransfer = true;
  return toEvent({ syncType: proto.HistorySync.HistorySyncType.ON_DEMAND, progress: 100, conversations: [conversation] }, 0);
}
