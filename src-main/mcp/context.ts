/**
 * A message with its neighbours (get_message_context) and one message alone (get_media), both read from the
 * API's `messages?around=` page (app/message-window.ts) so that the in-process and the over-HTTP tools answer
 * alike. That page leans older when the message is near the newest one; the tool wants at most n each way.
 */
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { Message } from '../core/types.js';
import type { ArchiveAccess } from './port.js';

export const CONTEXT_MAX = 50;

export interface MessageContext {
  /** Oldest first; `messages[index]` is the one asked for. */
  messages: Message[];
  index: number;
}

export async function messageContext(access: ArchiveAccess, sessionId: string, jid: string, messageId: string, n: number): Promise<MessageContext> {
  if (!Number.isInteger(n) || n < 0 || n > CONTEXT_MAX) {
    throw new ValidationError(`n must be an integer from 0 to ${CONTEXT_MAX}`, { field: 'n', value: n });
  }
  const page = await access.messagesAround(sessionId, jid, messageId, 2 * n + 1);
  const at = page.findIndex((m) => m.waMessageId === messageId);
  if (at < 0) throw new NotFoundError('message not found', { chatJid: jid, messageId });
  const newer = page.slice(Math.max(0, at - n), at);
  const older = page.slice(at + 1, at + 1 + n);
  return { messages: [...older.reverse(), page[at]!, ...newer.reverse()], index: older.length };
}

/** One stored message as the API serves it (media state and details included). */
export async function findMessage(access: ArchiveAccess, sessionId: string, jid: string, messageId: string): Promise<Message> {
  const found = (await access.messagesAround(sessionId, jid, messageId, 1)).find((m) => m.waMessageId === messageId);
  if (!found) throw new NotFoundError('message not found', { chatJid: jid, messageId });
  return found;
}
