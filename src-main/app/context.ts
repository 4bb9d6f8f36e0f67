/**
 * Reading around one stored message (issue 12, for the MCP tools get_message_context and get_media): the message
 * with its neighbours both ways, and what is known of its media. The HTTP contract's `messages?around=` comes
 * later; this is the app-layer function both can share.
 */
import { NotFoundError, ValidationError } from '../core/errors.js';
import { isChannelJid, isLidJid } from '../core/jid.js';
import type { Message, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import { requireCapability } from './access.js';
import { nameMessage, selfJids, sessionNames } from './names.js';
import type { SessionsService } from './sessions.js';

export const CONTEXT_MAX = 50;

export interface MessageContext {
  sessionId: string;
  chatJid: string;
  /** Oldest first; `messages[index]` is the one asked for. */
  messages: Message[];
  index: number;
}

export interface MediaDetails {
  message: Message;
  /** The embedded preview of an image/video/sticker when the raw payload carries one (base64 JPEG). */
  thumbnail: { mimetype: 'image/jpeg'; base64: string } | null;
}

/** Finds `jpegThumbnail` in a raw WebMessageInfo stored as BufferJSON text (bytes as base64 or {type:'Buffer'}). */
export function thumbnailFromRaw(raw: string | null): string | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number): string | null => {
    if (!v || typeof v !== 'object' || depth > 8 || seen.has(v)) return null;
    seen.add(v);
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'jpegThumbnail') {
        if (typeof val === 'string' && val.length > 0) return val;
        const data = (val as { data?: unknown } | null)?.data;
        if (typeof data === 'string' && data.length > 0) return data;
        if (Array.isArray(data) && data.length > 0) return Buffer.from(data as number[]).toString('base64');
      }
      const found = visit(val, depth + 1);
      if (found) return found;
    }
    return null;
  };
  const b64 = visit(parsed, 0);
  return b64 && /^[A-Za-z0-9+/=_-]+$/.test(b64) ? b64 : null;
}

export type ContextService = ReturnType<typeof createContextService>;

export function createContextService(deps: { store: Store; sessions: SessionsService }) {
  const { store, sessions } = deps;

  /** Chats need `read`; channel posts need `send`, as their listing does (API.md). */
  const check = (p: Principal, sessionId: string, cid: string) => {
    requireCapability(p, isChannelJid(cid) ? 'send' : 'read');
    const s = sessions.inOrg(p, sessionId);
    let jid = cid;
    if (isLidJid(cid) && !store.chats.exists(s.id, cid)) jid = store.lidMappings.pnForLid(s.id, cid) ?? cid;
    return { session: s, jid };
  };

  return {
    around(p: Principal, sessionId: string, cid: string, messageId: string, n: number): MessageContext {
      const { session, jid } = check(p, sessionId, cid);
      if (!Number.isInteger(n) || n < 0 || n > CONTEXT_MAX) {
        throw new ValidationError(`n must be an integer from 0 to ${CONTEXT_MAX}`, { field: 'n', value: n });
      }
      const found = store.messageContext.around(session.id, jid, messageId, n);
      if (!found) throw new NotFoundError('message not found', { chatJid: cid, messageId });
      const names = sessionNames(store, session.id);
      for (const m of found.messages) nameMessage(names, m, selfJids(session));
      return { sessionId: session.id, chatJid: jid, ...found };
    },

    media(p: Principal, sessionId: string, cid: string, messageId: string): MediaDetails {
      const { session, jid } = check(p, sessionId, cid);
      const found = store.messageContext.withRaw(session.id, jid, messageId);
      if (!found) throw new NotFoundError('message not found', { chatJid: cid, messageId });
      const kind = found.message.type;
      const b64 = kind === 'image' || kind === 'video' || kind === 'sticker' ? thumbnailFromRaw(found.raw) : null;
      nameMessage(sessionNames(store, session.id), found.message, selfJids(session));
      return { message: found.message, thumbnail: b64 ? { mimetype: 'image/jpeg', base64: b64.replace(/-/g, '+').replace(/_/g, '/') } : null };
    },
  };
}
