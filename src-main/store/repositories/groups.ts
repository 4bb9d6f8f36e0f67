/** Group metadata (subject, description, owner, creation) and participants with their roles (migration 009). */
import type { GroupMetadataRecord, GroupParticipantRecord, GroupRole } from '../../core/types.js';
import type { Db } from '../database.js';

export interface GroupRow {
  session_id: string;
  jid: string;
  subject: string | null;
  description: string | null;
  owner: string | null;
  created_at: number | null;
  updated_at: number;
}

export interface GroupParticipantRow {
  jid: string;
  lid: string | null;
  pn: string | null;
  role: GroupRole;
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export type GroupsRepository = ReturnType<typeof createGroupsRepository>;

export function createGroupsRepository(db: Db) {
  // Fields not said (setX = 0) keep what is stored: groups.update carries only what changed.
  const upsert = db.prepare(
    `INSERT INTO groups (session_id, jid, subject, description, owner, created_at, updated_at)
     VALUES (@sessionId, @jid, @subject, @description, @owner, @createdAt, @now)
     ON CONFLICT (session_id, jid) DO UPDATE SET
       subject = CASE WHEN @setSubject THEN excluded.subject ELSE groups.subject END,
       description = CASE WHEN @setDescription THEN excluded.description ELSE groups.description END,
       owner = CASE WHEN @setOwner THEN excluded.owner ELSE groups.owner END,
       created_at = CASE WHEN @setCreatedAt THEN excluded.created_at ELSE groups.created_at END,
       updated_at = excluded.updated_at`,
  );
  const get = db.prepare('SELECT * FROM groups WHERE session_id = ? AND jid = ?');
  const participants = db.prepare(
    `SELECT jid, lid, pn, role FROM group_participants WHERE session_id = ? AND group_jid = ?
     ORDER BY CASE role WHEN 'superadmin' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, jid`,
  );
  const clear = db.prepare('DELETE FROM group_participants WHERE session_id = ? AND group_jid = ?');
  const put = db.prepare(
    `INSERT INTO group_participants (session_id, group_jid, jid, lid, pn, role) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id, group_jid, jid) DO UPDATE SET
       lid = coalesce(excluded.lid, group_participants.lid),
       pn = coalesce(excluded.pn, group_participants.pn),
       role = excluded.role`,
  );
  // A participant may come back in the other JID form (a LID group's update naming a phone, or the reverse).
  const remove = db.prepare(
    `DELETE FROM group_participants WHERE session_id = @sessionId AND group_jid = @group
       AND (jid = @jid OR (@lid IS NOT NULL AND (jid = @lid OR lid = @lid)) OR (@pn IS NOT NULL AND (jid = @pn OR pn = @pn)))`,
  );
  const setRole = db.prepare(
    `UPDATE group_participants SET role = @role WHERE session_id = @sessionId AND group_jid = @group
       AND (jid = @jid OR (@lid IS NOT NULL AND (jid = @lid OR lid = @lid)) OR (@pn IS NOT NULL AND (jid = @pn OR pn = @pn)))`,
  );
  const ensure = db.prepare(
    'INSERT INTO groups (session_id, jid, updated_at) VALUES (?, ?, ?) ON CONFLICT (session_id, jid) DO NOTHING',
  );

  const putAll = (sessionId: string, group: string, list: readonly GroupParticipantRecord[]) => {
    for (const p of list) put.run(sessionId, group, p.jid, p.lid, p.pn, p.role);
  };

  return {
    /** Stores what a metadata record says; a `participants` list replaces the stored one. */
    upsert(sessionId: string, g: GroupMetadataRecord, now: number = Date.now()): void {
      upsert.run({
        sessionId,
        jid: g.jid,
        subject: g.subject ?? null,
        description: g.description ?? null,
        owner: g.owner ?? null,
        createdAt: g.createdAt ?? null,
        setSubject: g.subject !== undefined ? 1 : 0,
        setDescription: g.description !== undefined ? 1 : 0,
        setOwner: g.owner !== undefined ? 1 : 0,
        setCreatedAt: g.createdAt !== undefined ? 1 : 0,
        now,
      });
      if (g.participants) {
        clear.run(sessionId, g.jid);
        putAll(sessionId, g.jid, g.participants);
      }
    },
    /** group-participants.update: one action on some participants (a group first seen here gets a bare row). */
    applyParticipants(sessionId: string, group: string, action: ParticipantAction, list: readonly GroupParticipantRecord[], now: number = Date.now()): void {
      ensure.run(sessionId, group, now);
      for (const p of list) {
        const who = { sessionId, group, jid: p.jid, lid: p.lid, pn: p.pn };
        if (action === 'add') {
          remove.run(who);
          put.run(sessionId, group, p.jid, p.lid, p.pn, p.role);
        } else if (action === 'remove') remove.run(who);
        else setRole.run({ ...who, role: action === 'promote' ? 'admin' : 'member' });
      }
    },
    get(sessionId: string, jid: string): GroupRow | undefined {
      return get.get(sessionId, jid) as GroupRow | undefined;
    },
    participants(sessionId: string, jid: string): GroupParticipantRow[] {
      return participants.all(sessionId, jid) as GroupParticipantRow[];
    },
  };
}
