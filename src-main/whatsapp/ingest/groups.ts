/**
 * Groups: metadata (subject, description, owner, creation) and participants with roles, from `groups.upsert`,
 * `groups.update` (a whole GroupMetadata after Baileys' dirty-groups fetch, or one changed field after a stub),
 * `group-participants.update` and history sync's group conversations. Participants that name both their LID and
 * their phone number teach the mapping, like any other source (identity.ts).
 */
import type { BaileysEventMap } from '@whiskeysockets/baileys';
import type { GroupMetadataRecord } from '../../core/types.js';
import { groupRecord, historyGroupRecord, participantRecord } from '../groups.js';
import { each, type Batch } from './batch.js';
import { learnMapping } from './identity.js';

const ACTIONS = new Set(['add', 'remove', 'promote', 'demote']);

function store(b: Batch, rec: GroupMetadataRecord): void {
  const { store } = b.s.env;
  for (const p of rec.participants ?? []) if (p.lid && p.pn) learnMapping(b, p.lid, p.pn);
  store.groups.upsert(b.s.id, rec, b.createdAt);
  // The chat list shows the subject (a group chat is created if the phone did not list it yet).
  if (rec.subject !== undefined) store.chats.ensure(b.s.id, rec.jid, 'group', rec.subject);
}

export function groupsUpsert(b: Batch, list: unknown): void {
  each<Parameters<typeof groupRecord>[0]>(b, 'groups.upsert', list, (g) => {
    const rec = groupRecord(g);
    if (rec) store(b, rec);
  });
}

export function groupsUpdate(b: Batch, list: unknown): void {
  each<Parameters<typeof groupRecord>[0]>(b, 'groups.update', list, (g) => {
    const rec = groupRecord(g);
    if (rec && Object.keys(rec).length > 1) store(b, rec);
  });
}

export function groupParticipants(b: Batch, data: BaileysEventMap['group-participants.update'] | undefined): void {
  // The event buffer does not buffer this event: one object per emit (a list is tolerated all the same).
  each<BaileysEventMap['group-participants.update']>(b, 'group-participants.update', Array.isArray(data) ? data : [data], (u) => {
    const group = groupRecord({ id: u?.id })?.jid;
    if (!group || !ACTIONS.has(u.action)) return;
    const list = (Array.isArray(u.participants) ? u.participants : [])
      .map((p) => participantRecord(typeof p === 'string' ? { id: p } : p))
      .filter((p) => p !== null);
    for (const p of list) if (p.lid && p.pn) learnMapping(b, p.lid, p.pn);
    b.s.env.store.groups.applyParticipants(b.s.id, group, u.action as 'add', list, b.createdAt);
  });
}

/** A history-sync conversation of a group: its metadata, when the phone sent any. */
export function historyGroup(b: Batch, conversation: Record<string, unknown>): void {
  const rec = historyGroupRecord(conversation);
  if (rec) store(b, rec);
}
