/**
 * ArchiveAccess over a running gateway's HTTP API with an API key (`wagw mcp` while a gateway owns the data dir:
 * one process owns Baileys). The REST API has no "around a message" or media route yet, so get_message_context and
 * get_media read through `local` (the same store, opened read-only, same principal).
 */
import { AppError, type ErrorCode } from '../core/errors.js';
import type { Capability } from '../core/types.js';
import type { ArchiveAccess } from './port.js';

export interface OverHttpOptions {
  /** e.g. http://127.0.0.1:7480/api/v1 */
  apiBase: string;
  key: string;
  capabilities: readonly Capability[];
  local: Pick<ArchiveAccess, 'messageContext' | 'media'>;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

const WIRE_CODES: readonly string[] = ['validation_error', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'not_implemented', 'internal'];

export function overHttpAccess(o: OverHttpOptions): ArchiveAccess {
  const doFetch = o.fetchImpl ?? fetch;
  const base = o.apiBase.replace(/\/+$/, '');
  const seg = encodeURIComponent;

  async function call<T>(method: string, path: string, query: Record<string, string | number | undefined> = {}, body?: unknown): Promise<T> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: { authorization: `Bearer ${o.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new AppError('upstream_failed', `the gateway at ${base} did not answer: ${(err as Error).message}`);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
      const code = (e?.code && WIRE_CODES.includes(e.code) ? e.code : 'internal') as ErrorCode;
      throw new AppError(code, e?.message ?? `the gateway answered ${res.status}`, e?.details ?? {});
    }
    return json as T;
  }

  const page = (p: { limit: number; cursor?: string | undefined }) => ({ limit: p.limit, cursor: p.cursor });
  return {
    mode: 'gateway-http',
    capabilities: o.capabilities,
    live: true,
    listSessions: async () => (await call<{ data: never[] }>('GET', '/sessions')).data,
    listChats: (s, p) => call('GET', `/sessions/${seg(s)}/chats`, { ...page(p), q: p.q }),
    chatMessages: (s, cid, p) => call('GET', `/sessions/${seg(s)}/chats/${seg(cid)}/messages`, page(p)),
    searchMessages: (s, input, p) =>
      call('GET', `/sessions/${seg(s)}/messages/search`, { ...page(p), q: input.q, chat: input.chat, type: input.type }),
    messageContext: (s, cid, id, n) => o.local.messageContext(s, cid, id, n),
    listChannels: (s, p) => call('GET', `/sessions/${seg(s)}/channels`, page(p)),
    channelPosts: (s, jid, p) => call('GET', `/sessions/${seg(s)}/channels/${seg(jid)}/messages`, page(p)),
    media: (s, cid, id) => o.local.media(s, cid, id),
    sendText: (s, input) =>
      call('POST', `/sessions/${seg(s)}/messages`, {}, { type: 'text', to: input.to, text: input.text, ...(input.replyTo ? { replyTo: input.replyTo } : {}) }),
    setPresence: (s, cid, state) => call('PUT', `/sessions/${seg(s)}/chats/${seg(cid)}/presence`, {}, { state }),
    markRead: (s, cid) => call('POST', `/sessions/${seg(s)}/chats/${seg(cid)}/read`),
  };
}
