import { describe, expect, it } from 'vitest';
import {
  applyMessageToChannels,
  applyMessageToChats,
  entryTitle,
  filterEntries,
  mergeByJid,
  messagePreview,
} from '../../src-renderer/src/lib/logic/conversations.js';
import type { Channel, Chat } from '../../src-renderer/src/lib/api/types.js';
import { makeMessage } from './fixtures.js';

function chat(jid: string, lastMessageAt: number | null, extra: Partial<Chat> = {}): Chat {
  return { jid, name: null, type: 'dm', lastMessageAt, lastMessage: null, unreadCount: 0, archived: false,
    pinned: false, mutedUntil: null, sessionId: 's', ...extra };
}

describe('chat list', () => {
  it('merges pages by jid, newest activity first, never-active last', () => {
    const merged = mergeByJid([chat('a@s.whatsapp.net', 10), chat('b@s.whatsapp.net', 30)],
      [chat('a@s.whatsapp.net', 50), chat('c@s.whatsapp.net', null), chat('d@s.whatsapp.net', 20)]);
    expect(merged.map((c) => c.jid[0])).toEqual(['a', 'b', 'd', 'c']);
  });

  it('filters by name or number, ignoring case and accents', () => {
    const chats = [chat('1@s.whatsapp.net', 1, { name: 'José Álvarez' }), chat('6281234@s.whatsapp.net', 2),
      chat('9@g.us', 3, { name: 'Family' })];
    expect(filterEntries(chats, 'jose').map((c) => c.jid)).toEqual(['1@s.whatsapp.net']);
    expect(filterEntries(chats, ' ALVA ').length).toBe(1);
    expect(filterEntries(chats, '628').map((c) => c.jid)).toEqual(['6281234@s.whatsapp.net']);
    expect(filterEntries(chats, '').length).toBe(3);
    expect(entryTitle(chats[1]!)).toBe('+62 81234');
  });

  it('moves a chat to the top on a live message and counts unread unless it is open or ours', () => {
    const chats = [chat('a@s.whatsapp.net', 100), chat('b@s.whatsapp.net', 50)];
    const incoming = makeMessage({ id: 'm1', timestamp: 200, chatJid: 'b@s.whatsapp.net' });
    const next = applyMessageToChats(chats, incoming, false)!;
    expect(next.map((c) => c.jid)).toEqual(['b@s.whatsapp.net', 'a@s.whatsapp.net']);
    expect(next[0]).toMatchObject({ unreadCount: 1, lastMessageAt: 200, lastMessage: { id: 'm1' } });
    // The same message again (e.g. re-delivered after reconnect) does not count twice.
    expect(applyMessageToChats(next, incoming, false)![0]!.unreadCount).toBe(1);
    expect(applyMessageToChats(chats, incoming, true)![0]!.unreadCount).toBe(0);
    const mine = makeMessage({ id: 'm2', timestamp: 300, chatJid: 'a@s.whatsapp.net', fromMe: true });
    expect(applyMessageToChats(chats, mine, false)![0]).toMatchObject({ jid: 'a@s.whatsapp.net', unreadCount: 0 });
    expect(applyMessageToChats(chats, makeMessage({ id: 'x', timestamp: 1, chatJid: 'new@s.whatsapp.net' }), false)).toBeNull();
  });

  it('does not let an older message replace the last message', () => {
    const chats = [chat('a@s.whatsapp.net', 100, { lastMessage: makeMessage({ id: 'new', timestamp: 100 }) })];
    const next = applyMessageToChats(chats, makeMessage({ id: 'old', timestamp: 50, chatJid: 'a@s.whatsapp.net' }), false)!;
    expect(next[0]!.lastMessage!.id).toBe('new');
    expect(next[0]!.unreadCount).toBe(0);
  });

  it('never lets a reaction become the preview or move the chat (the store applies the same rule)', () => {
    const chats = [chat('a@s.whatsapp.net', 100), chat('b@s.whatsapp.net', 50, { lastMessage: makeMessage({ id: 'b1', timestamp: 50 }) })];
    const reaction = makeMessage({ id: 'r1', timestamp: 200, chatJid: 'b@s.whatsapp.net', type: 'reaction', body: '👍' });
    const next = applyMessageToChats(chats, reaction, false)!;
    expect(next.map((c) => c.jid)).toEqual(['a@s.whatsapp.net', 'b@s.whatsapp.net']);
    expect(next[1]).toMatchObject({ lastMessageAt: 50, unreadCount: 0, lastMessage: { id: 'b1' } });
  });

    it('updates channel activity', () => {
    const channels: Channel[] = [
      { jid: '1@newsletter', name: 'One', description: null, subscribers: 3, following: true, lastMessageAt: 10, sessionId: 's' },
      { jid: '2@newsletter', name: 'Two', description: null, subscribers: 3, following: true, lastMessageAt: 20, sessionId: 's' },
    ];
    const next = applyMessageToChannels(channels, makeMessage({ id: 'p', timestamp: 30, chatJid: '1@newsletter' }))!;
    expect(next.map((c) => c.jid)).toEqual(['1@newsletter', '2@newsletter']);
    expect(applyMessageToChannels(channels, makeMessage({ id: 'p', timestamp: 30, chatJid: '9@newsletter' }))).toBeNull();
  });

  it('previews the last message with mentions, media and deletion', () => {
    expect(messagePreview(null)).toBe('');
    expect(messagePreview(makeMessage({ id: '1', timestamp: 1, body: 'hi\n@111111', mentionNames: { '111111': 'Ann' } }))).toBe('hi @Ann');
    expect(messagePreview(makeMessage({ id: '1', timestamp: 1, body: 'x', fromMe: true }))).toBe('You: x');
    expect(messagePreview(makeMessage({ id: '1', timestamp: 1, body: '', type: 'document', hasMedia: true,
      media: { filename: 'invoice.pdf', mimetype: 'application/pdf', size: 1 } }))).toBe('📎 invoice.pdf');
    expect(messagePreview(makeMessage({ id: '1', timestamp: 1, body: '', type: 'image' }))).toBe('📷 Photo');
    expect(messagePreview(makeMessage({ id: '1', timestamp: 1, body: 'secret', deleted: true }))).toBe('This message was deleted');
  });
});
