/**
 * A message deleted "for me" stays deleted (migration 013): WhatsApp may deliver it again later (the echo of our
 * own send after an immediate delete, a reconnect's backlog, a history chunk), and that delivery stores nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { textRecord } from '../helpers/gateway.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

const CHAT = '15550001111@s.whatsapp.net';
let t: (TempStore & { session: { id: string } }) | undefined;
afterEach(() => t?.cleanup());

describe('removed messages', () => {
  it('a removed message delivered again is not stored again; other messages and other chats are unaffected', () => {
    t = tempStoreWithSession();
    const sid = t.session.id;
    const { messages } = t.store;
    expect(messages.insertFast(sid, textRecord(CHAT, 'GONE', 1_700_000_000_000, 'oops'), 1)).not.toBeNull();
    expect(messages.insertFast(sid, textRecord(CHAT, 'KEPT', 1_700_000_001_000, 'fine'), 1)).not.toBeNull();
    messages.remove(messages.findById(sid, 'GONE')!.pk);
    expect(messages.findById(sid, 'GONE')).toBeUndefined();

    // Delivered again (an echo, a backlog, a history chunk): nothing is stored, and it reads as "not new".
    expect(messages.insertFast(sid, textRecord(CHAT, 'GONE', 1_700_000_000_000, 'oops'), 2)).toBeNull();
    expect(messages.findById(sid, 'GONE')).toBeUndefined();
    expect(messages.findById(sid, 'KEPT')).toBeDefined();
    // The same id in another chat is another message (ids are unique per chat).
    expect(messages.insertFast(sid, textRecord('15550002222@s.whatsapp.net', 'GONE', 1_700_000_000_000, 'other chat'), 3)).not.toBeNull();
  });
});
