import type { Message } from '../../src-renderer/src/lib/api/types.js';

/** A stored message as the API returns it, with overridable fields. */
export function makeMessage(overrides: Partial<Message> & { id: string; timestamp: number }): Message {
  return {
    waMessageId: overrides.id,
    sessionId: '01J9ZX8K2QHV0M3T6R7P4N5W8C',
    chatJid: '6281234567890@s.whatsapp.net',
    direction: overrides.fromMe ? 'out' : 'in',
    fromMe: false,
    senderJid: '6281234567890@s.whatsapp.net',
    senderLid: null,
    senderName: 'Alice',
    type: 'text',
    body: 'hello',
    hasMedia: false,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    createdAt: overrides.timestamp,
    ackLevel: 3,
    status: 'delivered',
    error: null,
    edited: false,
    deleted: false,
    ...overrides,
  };
}
