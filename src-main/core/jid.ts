/** WhatsApp JID helpers that need no Baileys (the API validates path JIDs with these). */

export const USER_SERVER = 's.whatsapp.net';

/** The part before '@' without a device (':12') or agent ('_1') suffix. */
export function jidUser(jid: string): string {
  const at = jid.lastIndexOf('@');
  const user = at < 0 ? jid : jid.slice(0, at);
  return user.split(':')[0]!.split('_')[0]!;
}

const CHAT_JID = /^[0-9]{5,20}(-[0-9]{5,20})?@(s\.whatsapp\.net|g\.us|lid)$/;
const CHANNEL_JID = /^[0-9]{5,25}@newsletter$/;

/** A chat JID: a person (@s.whatsapp.net or @lid) or a group (@g.us). */
export function isChatJid(jid: string): boolean {
  return CHAT_JID.test(jid);
}

export function isChannelJid(jid: string): boolean {
  return CHANNEL_JID.test(jid);
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us');
}

export function isLidJid(jid: string): boolean {
  return jid.endsWith('@lid');
}

export function isPhoneJid(jid: string): boolean {
  return jid.endsWith(`@${USER_SERVER}`);
}

export function phoneJid(digits: string): string {
  return `${digits}@${USER_SERVER}`;
}

/** Our own account, both forms, normalised (no device suffix). */
export interface MeIdentity {
  jid: string | null;
  lid: string | null;
}

/** The JIDs a WhatsApp message key carries (Baileys' WAMessageKey, structurally: core needs no Baileys). */
export interface KeyJids {
  id?: string | null;
  fromMe?: boolean | null;
  remoteJid?: string | null;
  remoteJidAlt?: string | null;
  participant?: string | null;
  participantAlt?: string | null;
}

/** What canonical chat JIDs need: our own identity and the LID -> phone mapping. */
export interface JidResolver {
  me: MeIdentity | undefined;
  /** Phone-number JID for a LID, when the mapping is known. */
  resolvePn(lid: string): string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Normal forms and our own identity (what ingestion and the mapper file messages under)

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
    server = USER_SERVER;
    folded = true;
  } else if (server === 'hosted.lid') {
    server = 'lid';
    folded = true;
  }
  if (server !== USER_SERVER && server !== 'lid') return folded ? `${jid.slice(0, at)}@${server}` : jid;
  const colon = jid.indexOf(':');
  const underscore = jid.indexOf('_');
  let end = at;
  if (colon >= 0 && colon < end) end = colon;
  if (underscore >= 0 && underscore < end) end = underscore;
  if (end === 0) return null;
  if (end === at && !folded) return jid;
  return `${jid.slice(0, end)}@${server}`;
}

/** A newsletter (channel) JID by its server alone; isChannelJid also validates the digits. */
export const isNewsletterJid = (jid: string): boolean => jid.endsWith('@newsletter');

/** The part before '@' as it is (JIDs given here are already normalised); jidUser also strips suffixes. */
export function jidUserPart(jid: string): string {
  const at = jid.indexOf('@');
  return at < 0 ? jid : jid.slice(0, at);
}

/** True when the JID is one of our own account's two forms. */
export function isMe(jid: string | null, me: MeIdentity | undefined): boolean {
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
    jid: jid && isPhoneJid(jid) ? jid : lid && isPhoneJid(lid) ? lid : null,
    lid: lid && isLidJid(lid) ? lid : jid && isLidJid(jid) ? jid : null,
  };
}

/**
 * A LID <-> phone pair carried by a message key (remoteJid/remoteJidAlt for 1:1, participant/participantAlt
 * in groups), or null. A pair where exactly one side is our own account is refused: for our own 1:1 sends
 * the "alt" attribute can name us rather than the peer, and mapping a peer onto ourselves would merge
 * conversations that are not the same.
 */
export function keyMapping(key: KeyJids | null | undefined, me: MeIdentity | undefined): { lid: string; pn: string } | null {
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
  const lid = isLidJid(a) ? a : isLidJid(b) ? b : null;
  const pn = isPhoneJid(a) ? a : isPhoneJid(b) ? b : null;
  if (!lid || !pn) return null;
  if (isMe(lid, me) !== isMe(pn, me)) return null;
  return { lid, pn };
}

/** The kind of conversation a JID names, or null when we do not store it (status, broadcast lists, bots...). */
export function chatKind(jid: string): 'dm' | 'group' | 'channel' | null {
  if (isPhoneJid(jid) || isLidJid(jid)) return 'dm';
  if (isGroupJid(jid)) return 'group';
  if (isNewsletterJid(jid)) return 'channel';
  return null;
}

/**
 * The canonical chat for a message key: groups and channels as they are; a person in phone-number form
 * when the mapping is known (remoteJidAlt, then the mapping table), else in LID form.
 */
export function canonicalChatJid(key: KeyJids | null | undefined, ctx: JidResolver): string | null {
  const remote = normalizeJid(key?.remoteJid);
  if (!remote) return null;
  const kind = chatKind(remote);
  if (!kind) return null;
  if (kind !== 'dm' || !isLidJid(remote)) return remote;
  const alt = normalizeJid(key?.remoteJidAlt);
  if (alt && isPhoneJid(alt) && (!isMe(alt, ctx.me) || isMe(remote, ctx.me))) return alt;
  if (ctx.me && remote === ctx.me.lid && ctx.me.jid) return ctx.me.jid;
  return ctx.resolvePn(remote) ?? remote;
}

/** Canonical form of a bare chat JID (chats.update, chats.delete, contacts...). */
export function canonicalJid(jid: unknown, ctx: JidResolver): string | null {
  const n = normalizeJid(jid);
  if (!n) return null;
  if (!isLidJid(n)) return n;
  if (ctx.me && n === ctx.me.lid && ctx.me.jid) return ctx.me.jid;
  return ctx.resolvePn(n) ?? n;
}

