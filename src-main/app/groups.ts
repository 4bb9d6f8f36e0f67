/**
 * Groups (GET /sessions/{s}/groups/{jid}): the stored metadata, refreshed from WhatsApp first when the session
 * is live. Participants carry names by the one rule (app/names.ts), so a LID-only member never shows as a LID.
 */
import { isAppError, NotFoundError, ValidationError } from '../core/errors.js';
import { isChatJid, isGroupJid, isLidJid } from '../core/jid.js';
import { UNKNOWN_PERSON } from '../core/names.js';
import type { GroupInfo, GroupMetadataRecord, GroupRole, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import { requireCapability } from './access.js';
import { selfJids, sessionNames } from './names.js';
import type { SessionsService } from './sessions.js';

const RANK: Record<GroupRole, number> = { superadmin: 0, admin: 1, member: 2 };

export type GroupsService = ReturnType<typeof createGroupsService>;

export function createGroupsService(deps: { store: Store; sessions: SessionsService; now?: () => number }) {
  const { store, sessions } = deps;
  const now = deps.now ?? Date.now;

  /** What WhatsApp said, stored: the LID <-> phone pairs participants name, the metadata, the chat's subject. */
  const keep = (sessionId: string, rec: GroupMetadataRecord) =>
    store.transaction(() => {
      for (const p of rec.participants ?? []) if (p.lid && p.pn) store.lidMappings.put(sessionId, p.lid, p.pn);
      store.groups.upsert(sessionId, rec, now());
      if (rec.subject !== undefined) store.chats.ensure(sessionId, rec.jid, 'group', rec.subject);
    });

  return {
    async get(p: Principal, sessionId: string, jid: string): Promise<GroupInfo> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      if (!isGroupJid(jid) || !isChatJid(jid)) throw new ValidationError('jid must be a group JID (...@g.us)', { field: 'jid', value: jid });
      let client = null;
      try {
        client = sessions.liveClient(s);
      } catch {
        // Not live: the stored copy is the answer.
      }
      if (client) {
        try {
          keep(s.id, await client.groupMetadata(jid));
        } catch (e) {
          // WhatsApp could not tell (not a member any more, offline, slow): the stored copy still answers.
          if (!isAppError(e)) throw e;
        }
      }
      const row = store.groups.get(s.id, jid);
      const chat = row ? undefined : store.chats.get(s.id, jid);
      if (!row && !chat) throw new NotFoundError('group not found', { jid });
      const names = sessionNames(store, s.id);
      const self = selfJids(s);
      const participants = store.groups.participants(s.id, jid).map((m) => {
        const lid = m.lid ?? (m.pn ? (store.lidMappings.lidForPn(s.id, m.pn) ?? null) : null);
        const pn = m.pn ?? names.phoneOf(m.jid);
        const me = self.has(m.jid) || (!!pn && self.has(pn)) || (!!lid && self.has(lid));
        return { jid: pn ?? m.jid, lid, name: me ? 'You' : (names.name(m.jid) ?? UNKNOWN_PERSON), role: m.role };
      });
      participants.sort((a, b) => RANK[a.role] - RANK[b.role] || (a.name === 'You' ? -1 : b.name === 'You' ? 1 : a.name.localeCompare(b.name)));
      const owner = row?.owner ?? null;
      return {
        jid,
        subject: row?.subject ?? chat?.name ?? null,
        description: row?.description ?? null,
        owner: owner && isLidJid(owner) ? (names.phoneOf(owner) ?? owner) : owner,
        createdAt: row?.created_at ?? null,
        participants,
      };
    },
  };
}
