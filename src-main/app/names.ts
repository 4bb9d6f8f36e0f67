/**
 * Names in everything the API serves (core/names.ts has the rule): chat names of people, message senders,
 * mentions, reactions' senders, group participants. Resolved when served, from the contacts and LID mappings
 * stored NOW, so a name learned after a message arrived shows on that message too. Never a bare LID.
 *
 * One resolver per request: lookups are memoised, so a page costs at most a few queries per distinct person.
 */
import { isLidJid, jidUserPart } from '../core/jid.js';
import { createNameResolver, looksLikeBareId, UNKNOWN_PERSON, type NameResolver } from '../core/names.js';
import type { Chat, Message, Session } from '../core/types.js';
import type { Store } from '../store/index.js';

export function sessionNames(store: Store, sessionId: string): NameResolver {
  return createNameResolver({
    contact: (jid) => store.contacts.get(sessionId, jid) ?? (isLidJid(jid) ? store.contacts.getByLid(sessionId, jid) : undefined),
    pnForLid: (lid) => store.lidMappings.pnForLid(sessionId, lid),
    lidForPn: (pn) => store.lidMappings.lidForPn(sessionId, pn),
  });
}

/** Our own account's JIDs: mentions of us are left to the reader ("@You"), never named after a contact. */
export function selfJids(session: Pick<Session, 'waJid' | 'waLid'> | undefined): Set<string> {
  return new Set([session?.waJid, session?.waLid].filter((j): j is string => !!j));
}

const storedName = (s: string | null): string | null => (s && !looksLikeBareId(s.trim()) ? s : null);

/** senderName, mentionNames (every mention) and reactions[].senderName of one served message. */
export function nameMessage(names: NameResolver, m: Message, self: ReadonlySet<string> = new Set()): Message {
  if (!m.fromMe && (m.senderJid || m.senderLid)) {
    m.senderName = names.name(m.senderJid ?? m.senderLid, storedName(m.senderName)) ?? UNKNOWN_PERSON;
  } else if (m.senderName && !storedName(m.senderName)) {
    m.senderName = null;
  }
  if (m.mentions.length) {
    const mentionNames: Record<string, string> = {};
    for (const jid of m.mentions) {
      const user = jidUserPart(jid);
      if (self.has(jid)) continue;
      mentionNames[user] = names.name(jid, storedName(m.mentionNames[user] ?? null)) ?? UNKNOWN_PERSON;
    }
    m.mentionNames = mentionNames;
  }
  if (m.reactions) {
    for (const r of m.reactions) {
      const who = r.senderJid ?? r.senderLid;
      r.senderName = who && !self.has(who) ? (names.name(who) ?? UNKNOWN_PERSON) : null;
    }
  }
  return m;
}

/** A chat as served: a person's chat is named by the rule (the stored name counts as what the phone saved). */
export function nameChat(names: NameResolver, chat: Chat, self: ReadonlySet<string> = new Set()): Chat {
  if (chat.type === 'dm') chat.name = names.name(chat.jid, null, storedName(chat.name)) ?? UNKNOWN_PERSON;
  if (chat.lastMessage) nameMessage(names, chat.lastMessage, self);
  return chat;
}
