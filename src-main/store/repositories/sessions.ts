import type { Db } from '../database.js';
import type { SessionError, SessionStatus, SyncState } from '../../core/types.js';

export interface SessionRow {
  id: string;
  organization_id: string;
  label: string;
  status: SessionStatus;
  sandbox: number;
  sandbox_seed: number | null;
  full_history: number;
  phone_number: string | null;
  wa_jid: string | null;
  wa_lid: string | null;
  auto_read: number;
  presence_typing: number;
  desired_running: number;
  sync_state: SyncState;
  sync_progress: number;
  created_at: number;
  updated_at: number;
  last_connected_at: number | null;
  /** The last connection error (migration 009): all three set, or all null. */
  last_error_code: string | null;
  last_error_reason: string | null;
  last_error_at: number | null;
  /** 1 when the gateway chose the label (it follows the phone number once paired). */
  label_auto: number;
}

export interface NewSession {
  id: string;
  organizationId: string;
  label: string;
  /** The gateway chose the label (nobody gave one). */
  labelAuto?: boolean;
  sandbox: boolean;
  sandboxSeed: number | null;
  fullHistory: boolean;
  autoRead: boolean;
  presenceTyping: boolean;
  now: number;
}

export interface SessionPatch {
  label?: string;
  status?: SessionStatus;
  phoneNumber?: string | null;
  waJid?: string | null;
  waLid?: string | null;
  autoRead?: boolean;
  presenceTyping?: boolean;
  desiredRunning?: boolean;
  syncState?: SyncState;
  syncProgress?: number;
  lastConnectedAt?: number | null;
  lastErrorCode?: string | null;
  lastErrorReason?: string | null;
  lastErrorAt?: number | null;
}

const COLUMN_OF: Record<keyof SessionPatch, string> = {
  label: 'label',
  status: 'status',
  phoneNumber: 'phone_number',
  waJid: 'wa_jid',
  waLid: 'wa_lid',
  autoRead: 'auto_read',
  presenceTyping: 'presence_typing',
  desiredRunning: 'desired_running',
  syncState: 'sync_state',
  syncProgress: 'sync_progress',
  lastConnectedAt: 'last_connected_at',
  lastErrorCode: 'last_error_code',
  lastErrorReason: 'last_error_reason',
  lastErrorAt: 'last_error_at',
};

/** A stored session's lastError (the three columns of migration 009), or null. */
export function lastErrorOf(row: SessionRow): SessionError | null {
  if (row.last_error_code === null || row.last_error_reason === null || row.last_error_at === null) return null;
  return { code: row.last_error_code as SessionError['code'], reason: row.last_error_reason, at: row.last_error_at };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

export function createSessionsRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO sessions (id, organization_id, label, label_auto, sandbox, sandbox_seed, full_history, auto_read, presence_typing,
       created_at, updated_at)
     VALUES (@id, @organizationId, @label, @labelAuto, @sandbox, @sandboxSeed, @fullHistory, @autoRead, @presenceTyping, @now, @now)`,
  );
  const get = db.prepare('SELECT * FROM sessions WHERE id = ?');
  const getInOrg = db.prepare('SELECT * FROM sessions WHERE id = ? AND organization_id = ?');
  const listByOrg = db.prepare('SELECT * FROM sessions WHERE organization_id = ? ORDER BY created_at, id');
  const listAll = db.prepare('SELECT * FROM sessions ORDER BY created_at, id');
  const remove = db.prepare('DELETE FROM sessions WHERE id = ?');
  // One prepared UPDATE per distinct set of columns, built on first use and reused after.
  const updates = new Map<string, ReturnType<Db['prepare']>>();

  return {
    create(s: NewSession): SessionRow {
      insert.run({
        ...s,
        labelAuto: s.labelAuto ? 1 : 0,
        sandbox: s.sandbox ? 1 : 0,
        fullHistory: s.fullHistory ? 1 : 0,
        autoRead: s.autoRead ? 1 : 0,
        presenceTyping: s.presenceTyping ? 1 : 0,
      });
      return get.get(s.id) as SessionRow;
    },
    get(id: string): SessionRow | undefined {
      return get.get(id) as SessionRow | undefined;
    },
    /** A session of another organization is indistinguishable from a missing one. */
    getInOrg(id: string, organizationId: string): SessionRow | undefined {
      return getInOrg.get(id, organizationId) as SessionRow | undefined;
    },
    listByOrg(organizationId: string): SessionRow[] {
      return listByOrg.all(organizationId) as SessionRow[];
    },
    listAll(): SessionRow[] {
      return listAll.all() as SessionRow[];
    },
    update(id: string, patch: SessionPatch, now: number = Date.now()): SessionRow | undefined {
      const keys = (Object.keys(patch) as (keyof SessionPatch)[]).filter((k) => patch[k] !== undefined).sort();
      const sig = keys.join(',');
      let stmt = updates.get(sig);
      if (!stmt) {
        const sets = keys.map((k) => `${COLUMN_OF[k]} = @${k}`);
        stmt = db.prepare(`UPDATE sessions SET ${[...sets, 'updated_at = @now'].join(', ')} WHERE id = @id`);
        updates.set(sig, stmt);
      }
      const params: Record<string, unknown> = { id, now };
      for (const k of keys) {
        const v = patch[k];
        params[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      }
      stmt.run(params);
      return get.get(id) as SessionRow | undefined;
    },
    /** Deletes the session; its chats, messages, channels, contacts and auth state go with it (ON DELETE CASCADE). */
    delete(id: string): boolean {
      return remove.run(id).changes === 1;
    },
  };
}
