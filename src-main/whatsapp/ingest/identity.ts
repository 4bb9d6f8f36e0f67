/**
 * Who is who in one session: our own identity, the LID <-> phone mappings (cached per session, stored in
 * lid_mappings) and display names. A mapping seen for the first time merges the chat filed under the LID
 * into the phone chat, so one conversation never stays split in two (BAILEYS.md section 3).
 */
import type { Contact as WAContact, WAMessageKey } from '@whiskeysockets/baileys';
import { chatDeletedPayload } from '../../core/event-payloads.js';
import { isLidJid, isPhoneJid, keyMapping, meIdentity, normalizeJid, type MeIdentity } from '../../core/jid.js';
import { rowToMessage } from '../../store/repositories/messages.js';
import { type MapperContext } from '../mapper.js';
import { emit, str, type Batch, type IngestEnv } from './batch.js';

export interface SessionState {
  env: IngestEnv;
  id: string;
  organizationId: string | null;
  me: MeIdentity | undefined;
  pnByLid: Map<string, string>;
  lidByPn: Map<string, string>;
  /** JIDs with no stored mapping; per batch, because other code may store mappings between batches. */
  unmapped: Set<string>;
  /** Display-name memo; per batch, cleared whenever contacts change. */
  names: Map<string, string | null>;
  /** The batch being written (mapping discoveries during mapping need it to merge chats). */
  batch: Batch | null;
  ctx: MapperContext;
  /** The segment of the current connection's realtime traffic (coverage.ts); a new one per socket. */
  epoch: string | null;
}

/** A session's state as stored (organization, own identity); caches start empty. */
export function createSessionState(env: IngestEnv, sessionId: string): SessionState {
  const row = env.store.sessions.get(sessionId);
  const state: SessionState = {
    env,
    id: sessionId,
    organizationId: row?.organization_id ?? null,
    me: meIdentity({ id: row?.wa_jid ?? null, lid: row?.wa_lid ?? null }),
    pnByLid: new Map(),
    lidByPn: new Map(),
    unmapped: new Set(),
    names: new Map(),
    batch: null,
    ctx: undefined as unknown as MapperContext,
    epoch: null,
  };
  state.ctx = {
    get me() {
      return state.me;
    },
    resolvePn: (lid) => resolvePn(state, lid),
    resolveLid: (pn) => resolveLid(state, pn),
    displayName: (jid) => displayName(state, jid),
    now: env.now,
  };
  return state;
}

export function resolvePn(s: SessionState, lid: string): string | undefined {
  const { store } = s.env;
  const cached = s.pnByLid.get(lid);
  if (cached) return cached;
  if (s.unmapped.has(lid)) return undefined;
  const pn = store.lidMappings.pnForLid(s.id, lid);
  if (!pn) {
    s.unmapped.add(lid);
    return undefined;
  }
  remember(s, lid, pn);
  return pn;
}

export function resolveLid(s: SessionState, pn: string): string | undefined {
  const { store } = s.env;
  const cached = s.lidByPn.get(pn);
  if (cached) return cached;
  if (s.unmapped.has(pn)) return undefined;
  const lid = store.lidMappings.lidForPn(s.id, pn);
  if (!lid) {
    s.unmapped.add(pn);
    return undefined;
  }
  remember(s, lid, pn);
  return lid;
}

/**
 * Caches a mapping seen for the first time by this process. Whoever stored it (us, the adapter, an older
 * run), a chat still filed under the LID is merged into the phone chat now, so the split never survives.
 */
export function remember(s: SessionState, lid: string, pn: string): void {
  s.pnByLid.set(lid, pn);
  s.lidByPn.set(pn, lid);
  s.unmapped.delete(lid);
  s.unmapped.delete(pn);
  if (s.batch) mergeLidChat(s.batch, lid, pn);
}

export function displayName(s: SessionState, jid: string): string | null {
  const { store } = s.env;
  const memo = s.names.get(jid);
  if (memo !== undefined) return memo;
  let name = store.contacts.displayName(s.id, jid);
  if (!name) {
    const other = isLidJid(jid) ? resolvePn(s, jid) : isPhoneJid(jid) ? resolveLid(s, jid) : undefined;
    if (other) name = store.contacts.displayName(s.id, other);
  }
  s.names.set(jid, name ?? null);
  return name ?? null;
}

export function learnMapping(b: Batch, lidRaw: unknown, pnRaw: unknown): void {
  const { store } = b.s.env;
  const lid = normalizeJid(lidRaw);
  const pn = normalizeJid(pnRaw);
  if (!lid || !pn || !isLidJid(lid) || !isPhoneJid(pn)) return;
  if (b.s.pnByLid.get(lid) === pn) return;
  store.lidMappings.put(b.s.id, lid, pn);
  b.s.names.clear();
  remember(b.s, lid, pn);
}

/** Moves a conversation filed under a LID into its phone-number chat (messages, counters, flags). */
export function mergeLidChat(b: Batch, lid: string, pn: string): void {
  const { store } = b.s.env;
  const sid = b.s.id;
  const pending = b.chats.get(lid);
  if (pending) {
    b.chats.delete(lid);
    const target = b.chats.get(pn);
    if (target) {
      target.lastMessageAt = Math.max(target.lastMessageAt, pending.lastMessageAt);
      target.unread += pending.unread;
      target.nameHint ??= pending.nameHint;
    } else {
      b.chats.set(pn, pending);
    }
  }
  if (store.chats.mergeLidInto(sid, lid, pn)) emit(b, 'chat.deleted', chatDeletedPayload(lid, pn));
  else if (pending) store.messages.moveChat(sid, lid, pn);
  fixSenders(b, lid, pn);
}

/**
 * Messages stored while their sender was known only by LID (group messages, mostly) get the phone JID now.
 * Each is published again as 'message' (the same id: clients replace the row they show, docs/API.md), so an
 * open conversation shows the name or number instead of the bare LID.
 */
function fixSenders(b: Batch, lid: string, pn: string): void {
  const { store } = b.s.env;
  for (const pk of store.messages.setSenderJidForLid(b.s.id, lid, pn)) {
    const row = store.messages.get(pk);
    if (row && !row.placeholder) emit(b, 'message', rowToMessage(row));
  }
}

export function harvestKey(b: Batch, key: WAMessageKey | null | undefined): void {
  if (!key || !(key.remoteJidAlt || key.participantAlt)) return;
  const pair = keyMapping(key, b.s.me);
  if (pair) learnMapping(b, pair.lid, pair.pn);
}

export function upsertContact(b: Batch, c: Partial<WAContact>): void {
  const { store } = b.s.env;
  const id = normalizeJid(c?.id);
  if (!id || !(isPhoneJid(id) || isLidJid(id))) return;
  let lid = normalizeJid(c.lid) ?? (isLidJid(id) ? id : null);
  let pn = normalizeJid(c.phoneNumber) ?? (isPhoneJid(id) ? id : null);
  if (lid && !isLidJid(lid)) lid = null;
  if (pn && !isPhoneJid(pn)) pn = null;
  if (lid && pn) learnMapping(b, lid, pn);
  const name = str(c.name);
  const notify = str(c.notify);
  const verifiedName = str(c.verifiedName);
  if (!name && !notify && !verifiedName && !(lid && pn)) return;
  pn ??= lid ? (resolvePn(b.s, lid) ?? null) : null;
  lid ??= pn ? (resolveLid(b.s, pn) ?? null) : null;
  const jid = pn ?? id;
  store.contacts.upsert(b.s.id, { jid, lid, phoneNumber: pn, name, notify, verifiedName }, b.createdAt);
  b.s.names.clear();
  // A DM chat shows the saved name; a push name only fills a chat that has none.
  if (name) store.chats.setSavedName(b.s.id, jid, name);
  else if (notify) store.chats.setNameIfMissing(b.s.id, jid, notify);
}
