/**
 * The UI's only door to the gateway: typed functions over the REST API (API.md, base /api/v1). Works the same
 * in Electron and in a browser because it only uses fetch. Every failure is an ApiError carrying the error
 * envelope's message, which the screens show as is.
 */
import { ApiError, errorFromEnvelope } from './errors.js';
import type {
  ApiKeyInfo,
  AuditEntry,
  Capability,
  Channel,
  Chat,
  CreatedApiKey,
  Message,
  Page,
  PairingCodeGrant,
  QrCodeGrant,
  RealtimeTicket,
  SandboxInfo,
  SendResult,
  Session,
  SessionAction,
  SessionMe,
  TokenGrant,
} from './types.js';

export interface ApiClientOptions {
  /** Absolute base including /api/v1, e.g. "http://127.0.0.1:7480/api/v1". */
  baseUrl: string;
  /** The current bearer token, or null when signed out. */
  getToken: () => string | null;
  /**
   * Called once when a request answers 401: renew the token (refresh or ask the preload) and return the new
   * one, or null to give up. The request is retried once with the new token.
   */
  onUnauthorized?: () => Promise<string | null>;
  fetchImpl?: typeof fetch;
}

export interface PageQuery {
  limit?: number;
  cursor?: string | null;
  /** Name search; the server may ignore it (the UI also filters what it has loaded). */
  q?: string;
}

interface RequestOptions {
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
  /** Skip the bearer token (login). */
  anonymous?: boolean;
  /** Do not try to renew on 401 (the renewal call itself). */
  noRenew?: boolean;
}

/** Percent-encodes one path segment (JIDs carry '@', ids are ULIDs). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  }

  // ---- auth (ours) ----
  login(code: string): Promise<TokenGrant> {
    return this.request('POST', '/auth/login', { body: { code }, anonymous: true });
  }
  refresh(): Promise<TokenGrant> {
    return this.request('POST', '/auth/refresh', { noRenew: true });
  }
  realtimeTicket(): Promise<RealtimeTicket> {
    return this.request('POST', '/realtime/ticket', {});
  }

  // ---- sessions ----
  async listSessions(): Promise<Session[]> {
    return (await this.request<Page<Session>>('GET', '/sessions')).data;
  }
  getSession(id: string): Promise<Session> {
    return this.request('GET', `/sessions/${seg(id)}`);
  }
  createSession(body: {
    label?: string;
    start?: boolean;
    autoRead?: boolean;
    presenceTyping?: boolean;
    sandbox?: boolean;
  }): Promise<Session> {
    return this.request('POST', '/sessions', { body });
  }
  deleteSession(id: string): Promise<void> {
    return this.request('DELETE', `/sessions/${seg(id)}`);
  }
  sessionAction(id: string, action: SessionAction): Promise<Session> {
    return this.request('POST', `/sessions/${seg(id)}:${action}`, {});
  }
  getQr(id: string): Promise<QrCodeGrant> {
    return this.request('GET', `/sessions/${seg(id)}/qr`);
  }
  requestPairingCode(id: string, phone: string): Promise<PairingCodeGrant> {
    return this.request('POST', `/sessions/${seg(id)}/pairing-code`, { body: { phone } });
  }
  getMe(id: string): Promise<SessionMe> {
    return this.request('GET', `/sessions/${seg(id)}/me`);
  }

  // ---- sandbox controls (ours) ----
  sandboxPair(id: string): Promise<unknown> {
    return this.request('POST', `/sessions/${seg(id)}/sandbox:pair`, {});
  }
  sandboxInfo(id: string): Promise<SandboxInfo> {
    return this.request('GET', `/sessions/${seg(id)}/sandbox`);
  }

  // ---- chats ----
  listChats(sessionId: string, page: PageQuery = {}): Promise<Page<Chat>> {
    return this.request('GET', `/sessions/${seg(sessionId)}/chats`, { query: pageQuery(page) });
  }
  listChatMessages(sessionId: string, chatJid: string, page: PageQuery = {}): Promise<Page<Message>> {
    return this.request('GET', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/messages`, {
      query: pageQuery(page),
    });
  }
  deleteChat(sessionId: string, chatJid: string): Promise<void> {
    return this.request('DELETE', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}`);
  }
  setPresence(sessionId: string, chatJid: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
    return this.request('PUT', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/presence`, { body: { state } });
  }
  markRead(sessionId: string, chatJid: string): Promise<Chat> {
    return this.request('POST', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/read`, {});
  }
  sendText(sessionId: string, to: string, text: string, replyTo?: string): Promise<SendResult> {
    const body: Record<string, unknown> = { type: 'text', to, text };
    if (replyTo) body['replyTo'] = replyTo;
    return this.request('POST', `/sessions/${seg(sessionId)}/messages`, { body });
  }

  // ---- channels ----
  listChannels(sessionId: string, page: PageQuery = {}): Promise<Page<Channel>> {
    return this.request('GET', `/sessions/${seg(sessionId)}/channels`, { query: pageQuery(page) });
  }
  listChannelMessages(sessionId: string, channelJid: string, page: PageQuery = {}): Promise<Page<Message>> {
    return this.request('GET', `/sessions/${seg(sessionId)}/channels/${seg(channelJid)}/messages`, {
      query: pageQuery(page),
    });
  }
  createChannel(sessionId: string, name: string, description?: string): Promise<Partial<Channel> & { jid: string }> {
    const body: Record<string, unknown> = { name };
    if (description) body['description'] = description;
    return this.request('POST', `/sessions/${seg(sessionId)}/channels`, { body });
  }
  followChannel(sessionId: string, channelJid: string): Promise<void> {
    return this.request('POST', `/sessions/${seg(sessionId)}/channels/${seg(channelJid)}:follow`, {});
  }

  // ---- API keys (ours) ----
  async listKeys(): Promise<ApiKeyInfo[]> {
    const answer = await this.request<Page<ApiKeyInfo> | ApiKeyInfo[]>('GET', '/keys');
    return Array.isArray(answer) ? answer : answer.data;
  }
  async createKey(name: string, capabilities: Capability[]): Promise<CreatedApiKey> {
    const created = await this.request<ApiKeyInfo & { secret?: string; key?: string; token?: string }>(
      'POST',
      '/keys',
      { body: { name, capabilities } },
    );
    const secret = created.secret ?? created.key ?? created.token;
    if (typeof secret !== 'string') throw new ApiError(201, 'bad_response', 'The gateway did not return the key secret');
    return { ...created, secret };
  }
  revokeKey(id: string): Promise<void> {
    return this.request('DELETE', `/keys/${seg(id)}`);
  }

  // ---- audit log of MCP tool calls (ours, manage) ----
  listAudit(page: PageQuery = {}): Promise<Page<AuditEntry>> {
    return this.request('GET', '/audit', { query: pageQuery(page) });
  }

  // ---- transport ----
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.baseUrl + path + queryString(options.query);
    const first = await this.send(method, url, options, options.anonymous ? null : this.options.getToken());
    let response = first;
    if (first.status === 401 && !options.anonymous && !options.noRenew && this.options.onUnauthorized) {
      const renewed = await this.options.onUnauthorized().catch(() => null);
      if (renewed) response = await this.send(method, url, options, renewed);
    }
    return this.parse<T>(response);
  }

  private async send(method: string, url: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      return await this.fetchImpl(url, { method, headers, body });
    } catch (cause) {
      throw new ApiError(0, 'network', `Cannot reach the gateway (${cause instanceof Error ? cause.message : String(cause)})`);
    }
  }

  private async parse<T>(response: Response): Promise<T> {
    const text = await response.text().catch(() => '');
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new ApiError(response.status, 'bad_response', 'The gateway answered with invalid JSON');
      }
    }
    if (!response.ok) throw errorFromEnvelope(response.status, body, response.statusText);
    return body as T;
  }
}

function pageQuery(page: PageQuery): Record<string, string | number | null | undefined> {
  return { limit: page.limit, cursor: page.cursor || undefined, q: page.q?.trim() || undefined };
}

export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
