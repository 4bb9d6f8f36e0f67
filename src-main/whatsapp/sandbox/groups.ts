/**
 * The simulated account's groups as WhatsApp describes them (Baileys' GroupMetadata, what `sock.groupMetadata`
 * returns and the dirty-groups fetch emits as `groups.update`). Pure: derived from the account, so the
 * participants are exactly the people who speak in the group's history and live traffic.
 *
 * As on WhatsApp, a LID-addressed group lists members by LID and names a phone number only where the account
 * may know it (people whose mapping the gateway learns from history or contacts, never "LID-only" strangers);
 * a phone-addressed group lists phone JIDs, with the LID where it is known the same way.
 */
import { WAMessageAddressingMode, type GroupMetadata, type GroupParticipant } from '@whiskeysockets/baileys';
import type { SandboxAccount, SandboxChat, SandboxPerson } from './account.js';

const knowsBothForms = (p: SandboxPerson): boolean => p.mapping === 'history' || p.mapping === 'contacts';

/** The group's creator: the account itself for the long group (index 0 of the groups), else its first member. */
function creatorOf(account: SandboxAccount, chat: SandboxChat): 'me' | SandboxPerson {
  const groups = account.chats.filter((c) => c.kind === 'group');
  return groups[0] === chat ? 'me' : chat.people[0]!;
}

function participantOf(chat: SandboxChat, p: SandboxPerson, admin: GroupParticipant['admin']): GroupParticipant {
  if (chat.addressing === 'lid') {
    return { id: p.lid, ...(knowsBothForms(p) ? { phoneNumber: p.pnJid } : {}), admin };
  }
  return { id: p.pnJid, ...(knowsBothForms(p) ? { lid: p.lid } : {}), admin };
}

export function sandboxGroupMetadata(account: SandboxAccount, chat: SandboxChat): GroupMetadata {
  const creator = creatorOf(account, chat);
  const me = account.me;
  const meId = chat.addressing === 'lid' ? me.lid : me.jid;
  // One more admin in groups of five or more people: the second member.
  const participants: GroupParticipant[] = chat.people.map((p, i) =>
    participantOf(chat, p, creator === p ? 'superadmin' : i === 1 && chat.people.length >= 5 ? 'admin' : null),
  );
  participants.unshift({ id: meId, ...(chat.addressing === 'lid' ? { phoneNumber: me.jid } : { lid: me.lid }), admin: creator === 'me' ? 'superadmin' : null });
  const owner = creator === 'me' ? meId : participantOf(chat, creator, null).id;
  return {
    id: chat.jid,
    addressingMode: chat.addressing === 'lid' ? WAMessageAddressingMode.LID : WAMessageAddressingMode.PN,
    subject: chat.name ?? '',
    subjectTime: chat.createdAt,
    creation: chat.createdAt,
    owner,
    ...(chat.description ? { desc: chat.description, descId: `${chat.jid.split('@')[0]}-desc` } : {}),
    restrict: false,
    announce: false,
    size: participants.length,
    participants,
    ...(chat.ephemeralExpiration ? { ephemeralDuration: chat.ephemeralExpiration } : {}),
  };
}

/** Every group of the account, as the dirty-groups fetch after the first sync reports them. */
export function sandboxGroups(account: SandboxAccount): GroupMetadata[] {
  return account.chats.filter((c) => c.kind === 'group').map((c) => sandboxGroupMetadata(account, c));
}
