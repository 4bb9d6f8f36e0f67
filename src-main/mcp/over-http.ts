/**
 * ArchiveAccess over a running gateway's HTTP API with an API key (`wagw mcp` while a gateway owns the data dir):
 * every tool, reads included, goes through the gateway, so one process owns Baileys and the data path.
 * get_message_context and get_media use `GET .../messages?around=` and the media route (file and
 * `?variant=thumbnail`), exactly as any API client would.
 */
import { AppError, type ErrorCode } from '../core/errors.js';
import { isChannelJid } from '../core/jid.js';
import type { Capability, Message } from '../core/types.js';
import { mediaPath } from './media.js';
import type { ArchiveAccess } from './port.js';

export interface OverHttpOptions {
  /** e.g. http://127.0.0.1:7480/api/v1 */
  apiBase: string;
  key: string;
  capabilities: readonly Capability[];
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

/** Wire codes (api/error-status.ts) that are domain codes as they are; a 502 `internal` is upstream_failed. */
const WIRE_CODES: readonly string[] = ['validation_error', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'not_implemented', 'media_expired', 'internal'];

type Query = Record<string, string | number | undefined>;

export function overHttpAccess(o: OverHttpOptions): ArchiveAccess {
  const doFetch = o.fetchImpl ?? fetch;
  const base = o.apiBase.replace(/\/+$/, '');
  const seg = encodeURIComponent;

  /** One request; an error answer becomes the AppError the gateway threw (its code, message and details). */
  async function request(method: string, path: string, query: Query = {}, body?: unknown): Promise<Response> {
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
    if (res.ok) return res;
    let json: unknown;
    try {
      json = JSON.parse(await res.text());
    } catch {
      json = undefined;
    }
    const e = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    const known = e?.code && WIRE_CODES.includes(e.code) ? (e.code as ErrorCode) : 'internal';
    const code: ErrorCode = known === 'internal' && res.status === 502 ? 'upstream_failed' : known;
    throw new AppError(code, e?.message ?? `the gateway answered ${res.status}`, e?.details ?? {});
  }

  async function call<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const res = await request(method, path, query, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A message list of a chat, or of a channel (…@newsletter). */
  const listing = (s: string, jid: string) => `/sessions/${seg(s)}/${isChannelJid(jid) ? 'channels' : 'chats'}/${seg(jid)}/messages`;
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
    messagesAround: async (s, jid, id, limit) => (await call<{ data: Message[] }>('GET', listing(s, jid), { limit, around: id })).data,
    listChannels: (s, p) => call('GET', `/sessions/${seg(s)}/channels`, page(p)),
    channelPosts: (s, jid, p) => call('GET', `/sessions/${seg(s)}/channels/${seg(jid)}/messages`, page(p)),
    async mediaFile(s, jid, id, maxBytes) {
      const res = await request('GET', mediaPath(s, jid, id));
      const announced = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(announced) && announced > maxBytes) {
        await res.body?.cancel();
        return { status: 'too_large', size: announced };
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      return bytes.length > maxBytes ? { status: 'too_large', size: bytes.length } : { status: 'included', bytes };
    },
    async mediaThumbnail(s, jid, id) {
      try {
        const res = await request('GET', mediaPath(s, jid, id), { variant: 'thumbnail' });
        return Buffer.from(await res.arrayBuffer());
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return null;
        throw err;
      }
    },
    sendText: (s, input) =>
      call('POST', `/sessions/${seg(s)}/messages`, {}, { type: 'text', to: input.to, text: input.text, ...(input.replyTo ? { replyTo: input.replyTo } : {}) }),
    setPresence: (s, cid, state) => call('PUT', `/sessions/${seg(s)}/chats/${seg(cid)}/presence`, {}, { state }),
    markRead: (s, cid) => call('POST', `/sessions/${seg(s)}/chats/${seg(cid)}/read`),
  };
}
