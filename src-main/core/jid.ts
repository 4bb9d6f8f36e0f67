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
