/**
 * Group metadata as WhatsApp gives it -> the gateway's GroupMetadataRecord. Three sources, one reader each:
 * Baileys' GroupMetadata (`sock.groupMetadata`, `groups.upsert`, and `groups.update`, which carries the whole
 * metadata after a dirty-groups fetch or just the changed field after a stub), the participants of
 * `group-participants.update`, and a history-sync conversation (`participant: [{userJid, rank}]`, `createdAt`,
 * `createdBy`, `description`).
 */
import type { GroupMetadata, GroupParticipant } from '@whiskeysockets/baileys';
import { isGroupJid, isLidJid, isPhoneJid, normalizeJid } from '../core/jid.js';
import type { GroupMetadataRecord, GroupParticipantRecord, GroupRole } from '../core/types.js';
import { toMillis, toNum } from './proto-values.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function roleOf(admin: unknown, isAdmin?: unknown, isSuperAdmin?: unknown): GroupRole {
  if (admin === 'superadmin' || isSuperAdmin === true) return 'superadmin';
  if (admin === 'admin' || isAdmin === true) return 'admin';
  return 'member';
}

/** One Baileys GroupParticipant (`{id, lid?, phoneNumber?, admin}`), or null when it names nobody. */
export function participantRecord(p: Partial<GroupParticipant> | null | undefined): GroupParticipantRecord | null {
  const jid = normalizeJid(p?.id);
  if (!p || !jid || !(isLidJid(jid) || isPhoneJid(jid))) return null;
  const lidRaw = normalizeJid(p.lid);
  const pnRaw = normalizeJid(p.phoneNumber);
  const lid = isLidJid(jid) ? jid : lidRaw && isLidJid(lidRaw) ? lidRaw : null;
  const pn = isPhoneJid(jid) ? jid : pnRaw && isPhoneJid(pnRaw) ? pnRaw : null;
  return { jid, lid, pn, role: roleOf(p.admin, p.isAdmin, p.isSuperAdmin) };
}

const participantsOf = (list: unknown): GroupParticipantRecord[] | undefined =>
  Array.isArray(list)
    ? list.map((p) => participantRecord(p as Partial<GroupParticipant>)).filter((p): p is GroupParticipantRecord => p !== null)
    : undefined;

/** Whole or partial Baileys GroupMetadata; fields it does not carry stay undefined (kept as stored). */
export function groupRecord(g: Partial<GroupMetadata> | null | undefined): GroupMetadataRecord | null {
  const jid = normalizeJid(g?.id);
  if (!g || !jid || !isGroupJid(jid)) return null;
  const rec: GroupMetadataRecord = { jid };
  if ('subject' in g && g.subject !== undefined) rec.subject = text(g.subject);
  if ('desc' in g && g.desc !== undefined) rec.description = text(g.desc);
  if ('owner' in g && g.owner !== undefined) rec.owner = normalizeJid(g.ownerPn) ?? normalizeJid(g.owner);
  if ('creation' in g && g.creation !== undefined) rec.createdAt = toMillis(g.creation) || null;
  const participants = participantsOf(g.participants);
  if (participants) rec.participants = participants;
  return rec;
}

/** proto.GroupParticipant.Rank: REGULAR 0, ADMIN 1, SUPERADMIN 2 (names when decoded toObject with enums). */
function rankRole(rank: unknown): GroupRole {
  const n = rank === 'SUPERADMIN' ? 2 : rank === 'ADMIN' ? 1 : toNum(rank);
  return n === 2 ? 'superadmin' : n === 1 ? 'admin' : 'member';
}

/** A history-sync group conversation's metadata (null for anything else, or a group that says nothing). */
export function historyGroupRecord(c: Record<string, unknown> | null | undefined): GroupMetadataRecord | null {
  const jid = normalizeJid(c?.id);
  if (!c || !jid || !isGroupJid(jid)) return null;
  const rec: GroupMetadataRecord = { jid };
  if (text(c.name)) rec.subject = text(c.name);
  if (text(c.description)) rec.description = text(c.description);
  if (normalizeJid(c.createdBy)) rec.owner = normalizeJid(c.createdBy);
  if (toMillis(c.createdAt) > 0) rec.createdAt = toMillis(c.createdAt);
  if (Array.isArray(c.participant) && c.participant.length) {
    const list: GroupParticipantRecord[] = [];
    for (const p of c.participant as { userJid?: unknown; rank?: unknown }[]) {
      const one = participantRecord({ id: typeof p?.userJid === 'string' ? p.userJid : '' });
      if (one) list.push({ ...one, role: rankRole(p.rank) });
    }
    rec.participants = list;
  }
  return Object.keys(rec).length > 1 ? rec : null;
}
