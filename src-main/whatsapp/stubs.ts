/**
 * Readable lines for system stubs (group changes, calls, security notices...), e.g. `Alice added Bob`.
 * Part of the mapper (mapper.ts re-exports it).
 */
import { proto } from '@whiskeysockets/baileys';
import { isLidJid, isMe, isPhoneJid, normalizeJid } from '../core/jid.js';
import { formatPhone, personLabel } from '../core/names.js';
import type { AnyRecord } from './content.js';
import type { MapperContext } from './mapper.js';

const StubType = proto.WebMessageInfo.StubType;


function participantName(param: string, ctx: MapperContext): string {
  let jid: string | null = null;
  let phone: string | null = null;
  if (param.startsWith('{')) {
    try {
      const p = JSON.parse(param) as AnyRecord;
      jid = normalizeJid(p.id ?? p.lid ?? p.pn);
      phone = normalizeJid(p.phoneNumber ?? p.pn);
    } catch {
      // not JSON after all; fall through to the raw text
    }
  } else {
    jid = normalizeJid(param);
  }
  if (!jid) return param;
  if (isMe(jid, ctx.me) || isMe(phone, ctx.me)) return 'you';
  const name = ctx.displayName(jid) ?? (phone ? ctx.displayName(phone) : null);
  if (name) return name;
  const pn = phone ?? (isPhoneJid(jid) ? jid : isLidJid(jid) ? ctx.resolvePn(jid) : undefined);
  // Never a bare LID in a stored line (core/names.ts): the number when known, else "Unknown contact".
  return personLabel({ phone: pn });
}

function humanise(name: string): string {
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A readable line for a system stub, e.g. `Alice added Bob`, `You changed the group name to "X"`. */
export function describeStub(stub: number, params: string[], actor: string, ctx: MapperContext): string {
  const p0 = params[0];
  const people = () => params.map((p) => participantName(p, ctx)).join(', ');
  const on = p0 === 'on' || p0 === 'true';
  switch (stub) {
    case StubType.GROUP_CREATE:
      return p0 ? `${actor} created group "${p0}"` : `${actor} created this group`;
    case StubType.GROUP_CHANGE_SUBJECT:
      return `${actor} changed the group name to "${p0 ?? ''}"`;
    case StubType.GROUP_CHANGE_ICON:
      return `${actor} changed this group's icon`;
    case StubType.GROUP_CHANGE_INVITE_LINK:
      return `${actor} reset this group's invite link`;
    case StubType.GROUP_CHANGE_DESCRIPTION:
      return `${actor} changed the group description`;
    case StubType.GROUP_CHANGE_RESTRICT:
      return on
        ? `${actor} changed this group's settings to allow only admins to edit this group's info`
        : `${actor} changed this group's settings to allow all participants to edit this group's info`;
    case StubType.GROUP_CHANGE_ANNOUNCE:
      return on
        ? `${actor} changed this group's settings to allow only admins to send messages`
        : `${actor} changed this group's settings to allow all participants to send messages`;
    case StubType.GROUP_PARTICIPANT_ADD:
      return `${actor} added ${people()}`;
    case StubType.GROUP_PARTICIPANT_REMOVE:
      return `${actor} removed ${people()}`;
    case StubType.GROUP_PARTICIPANT_PROMOTE:
      return `${actor} made ${people()} an admin`;
    case StubType.GROUP_PARTICIPANT_DEMOTE:
      return `${actor} dismissed ${people()} as admin`;
    case StubType.GROUP_PARTICIPANT_INVITE:
      return `${params.length ? people() : actor} joined using this group's invite link`;
    case StubType.GROUP_PARTICIPANT_LEAVE:
      return `${params.length ? people() : actor} left`;
    case StubType.GROUP_PARTICIPANT_CHANGE_NUMBER:
      return `${actor} changed their phone number`;
    case StubType.CALL_MISSED_VOICE:
      return 'Missed voice call';
    case StubType.CALL_MISSED_VIDEO:
      return 'Missed video call';
    case StubType.CALL_MISSED_GROUP_VOICE:
      return 'Missed group voice call';
    case StubType.CALL_MISSED_GROUP_VIDEO:
      return 'Missed group video call';
    case StubType.E2E_ENCRYPTED:
    case StubType.E2E_ENCRYPTED_NOW:
      return 'Messages and calls are end-to-end encrypted';
    case StubType.E2E_IDENTITY_CHANGED:
      // History hands these with fromMe=true: the contact is the parameter, not the actor.
      return `${p0 ? participantName(p0, ctx) : actor}'s security code changed`;
    case StubType.INDIVIDUAL_CHANGE_NUMBER: {
      const who = p0 ? participantName(p0, ctx) : actor;
      const next = normalizeJid(params[1]);
      const number = next ? (isPhoneJid(next) ? formatPhone(next) ?? participantName(next, ctx) : participantName(next, ctx)) : null;
      return number ? `${who} changed their phone number to ${number}` : `${who} changed their phone number`;
    }
    case StubType.BLOCK_CONTACT:
      return on ? 'You blocked this contact' : 'You unblocked this contact';
    case StubType.CHANGE_EPHEMERAL_SETTING: {
      const secs = Number(p0);
      if (!p0 || !Number.isFinite(secs) || secs <= 0) return `${actor} turned off disappearing messages`;
      const days = secs / 86_400;
      const span = days >= 1 ? `${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'}` : `${Math.round(secs / 3600)} hours`;
      return `${actor} turned on disappearing messages (${span})`;
    }
    case StubType.CHAT_PSA:
      return 'Official WhatsApp announcements';
    case StubType.BIZ_PRIVACY_MODE_TO_FB:
    case StubType.BIZ_PRIVACY_MODE_INIT_FB:
      return 'This business uses a secure service from Meta to manage this chat';
    case StubType.BIZ_PRIVACY_MODE_TO_BSP:
    case StubType.BIZ_PRIVACY_MODE_INIT_BSP:
      return 'This business works with other companies to manage this chat';
    case StubType.GROUP_DELETE:
      return 'This group was deleted';
  }
  const name = (StubType as unknown as Record<number, string>)[stub];
  const detail = p0 && !p0.startsWith('{') ? `: ${p0}` : '';
  return `${name ? humanise(name) : `System message ${stub}`}${detail}`;
}

