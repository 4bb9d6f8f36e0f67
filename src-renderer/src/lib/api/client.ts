/**
 * The UI's only door to the gateway: typed functions over the REST API (API.md, base /api/v1). Works the same
 * in Electron and in a browser because it only uses fetch. Every failure is an ApiError carrying the error
 * envelope's message, which the screens show as is. (Long on purpose: one small method per route, in one place.)
 */
import { ApiError, errorFromEnvelope } from './errors.js';
import type { CreatedWebhook, Webhook, WebhookDelivery, WebhookInput } from './webhook-types.js';
import type {
  BackfillRequest,
  ChatCoverage,
  Contact,
  GroupInfo,
  ApiKeyInfo,
  AuditEntry,
  Capability,
  Channel,
  Chat,
  CreatedApiKey,
  MediaPolicy,
  Message,
  Page,
  PairingCodeGrant,
  QrCodeGrant,
  RealtimeTicket,
  SandboxInfo,
  SearchIndexProgress,
  SearchPage,
  SearchQuery,
  SendResult,
  Session,
  SessionAction,
  SessionMe,
  StorageUsage,
  TokenGrant,
  WindowPage,
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

export interface MediaPolicyPatch {
  autoDownload?: Partial<MediaPolicy['autoDownload']>;
  maxBytes?: Partial<MediaPolicy['maxBytes']>;
  history?: MediaPolicy['history'];
  storageCapBytes?: number | null;
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

  /** The gateway's rendered API reference (Swagger UI, GET /docs), for the UI's nav link. */
  get docsUrl(): string {
    return `${this.baseUrl}/docs`;
  }

  // ---- auth (ours) ----
  login(code: string): Promise<TokenGrant> {
    return this.request('POST', '/auth/login', { body: { code }, anonymous: true });
  }
  /** Trades a refresh token (single use) for a new JWT and the next refresh token. */
  refresh(refreshToken: string): Promise<TokenGrant> {
    return this.request('POST', '/auth/refresh', { body: { refreshToken }, anonymous: true, noRenew: true });
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
  /** Simulates an unreachable WhatsApp (reachable false) for the sandbox session's next connections. */
  sandboxNetwork(id: string, reachable: boolean): Promise<SandboxInfo> {
    return this.request('POST', `/sessions/${seg(id)}/sandbox:network`, { body: { reachable } });
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
  chatCoverage(sessionId: string, chatJid: string): Promise<ChatCoverage> {
    return this.request('GET', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/coverage`);
  }
  /** Asks the phone for older messages; the answer arrives as `sync.progress` with this chatJid. */
  backfillChat(sessionId: string, chatJid: string): Promise<BackfillRequest> {
    return this.request('POST', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}:backfill`);
  }
  /** The page holding message `around` (with prevCursor), or a page by cursor in either direction. */
  listChatWindow(sessionId: string, chatJid: string, page: { limit?: number; cursor?: string | null; around?: string }): Promise<WindowPage> {
    return this.request('GET', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/messages`, {
      query: { limit: page.limit, cursor: page.cursor || undefined, around: page.around },
    });
  }
  searchMessages(sessionId: string, query: SearchQuery): Promise<SearchPage> {
    return this.request('GET', `/sessions/${seg(sessionId)}/messages/search`, {
      query: {
        q: query.q,
        chat: query.chat,
        type: query.type,
        after: query.after,
        before: query.before,
        limit: query.limit,
        cursor: query.cursor || undefined,
      },
    });
  }
  /** How far the background search indexer is (polled while a search answer says the index is incomplete). */
  searchStatus(sessionId: string): Promise<SearchIndexProgress> {
    return this.request('GET', `/sessions/${seg(sessionId)}/messages/search/status`);
  }
  deleteChat(sessionId: string, chatJid: string): Promise<void> {
    return this.request('DELETE', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}`);
  }
  setPresence(sessionId: string, chatJid: string, state: 'composing' | 'recording' | 'paused'): Promise<void> {
    return this.request('PUT', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/presence`, { body: { state } });
  }
  /** Clears the unread counter; `receipts` says whether to send read receipts (absent: the session's autoRead). */
  markRead(sessionId: string, chatJid: string, options: { receipts?: boolean } = {}): Promise<Chat> {
    return this.request('POST', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/read`, {
      query: { receipts: options.receipts === undefined ? undefined : String(options.receipts) },
    });
  }
  // ---- groups and contacts (issue 13) ----
  getGroup(sessionId: string, groupJid: string): Promise<GroupInfo> {
    return this.request('GET', `/sessions/${seg(sessionId)}/groups/${seg(groupJid)}`);
  }
  listContacts(sessionId: string, page: PageQuery = {}): Promise<Page<Contact>> {
    return this.request('GET', `/sessions/${seg(sessionId)}/contacts`, { query: pageQuery(page) });
  }
  sendText(sessionId: string, to: string, text: string, replyTo?: string): Promise<SendResult> {
    const body: Record<string, unknown> = { type: 'text', to, text };
    if (replyTo) body['replyTo'] = replyTo;
    return this.request('POST', `/sessions/${seg(sessionId)}/messages`, { body });
  }

  // ---- acting on chats (API.md "Acting on chats, groups, contacts, history") ----
  /** Any JSON-bodied send: location, poll, reaction (emoji "" removes), forward, text, base64 media. */
  sendMessage(sessionId: string, body: OutgoingMessage): Promise<SendResult> {
    return this.request('POST', `/sessions/${seg(sessionId)}/messages`, { body });
  }
  /**
   * A file as multipart/form-data (`file` plus the other fields). Upload progress comes through XHR where
   * there is one (browsers); elsewhere (tests, fetchImpl given) fetch sends it without progress.
   */
  async sendFile(sessionId: string, input: OutgoingFile, onProgress?: (sent: number, total: number) => void): Promise<SendResult> {
    const form = new FormData();
    form.set('type', input.type);
    form.set('to', input.to);
    if (input.caption) form.set('caption', input.caption);
    if (input.replyTo) form.set('replyTo', input.replyTo);
    if (input.ptt) form.set('ptt', 'true');
    form.set('mimetype', input.file.type || 'application/octet-stream');
    form.set('filename', input.filename ?? (input.file instanceof File ? input.file.name : 'file'));
    form.set('file', input.file, input.filename ?? (input.file instanceof File ? input.file.name : 'file'));
    const url = this.baseUrl + `/sessions/${seg(sessionId)}/messages`;
    const post = (token: string | null) => this.sendForm(url, form, token, onProgress);
    let response = await post(this.options.getToken());
    if (response.status === 401 && this.options.onUnauthorized) {
      const renewed = await this.options.onUnauthorized().catch(() => null);
      if (renewed) response = await post(renewed);
    }
    return this.parse<SendResult>(response);
  }
  /** PATCH .../messages/{id} `{text}`: 403 someone else's message, 409 past WhatsApp's edit window. */
  editMessage(sessionId: string, chatJid: string, messageId: string, text: string): Promise<Message> {
    return this.request('PATCH', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/messages/${seg(messageId)}`, { body: { text } });
  }
  /** DELETE .../messages/{id}?for=everyone|me: revoke our own message, or drop the local copy. */
  deleteMessage(sessionId: string, chatJid: string, messageId: string, scope: 'everyone' | 'me'): Promise<void> {
    return this.request('DELETE', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/messages/${seg(messageId)}`, {
      query: { for: scope },
    });
  }
  /** Sends a failed outgoing message again (the retry route for failed sends). */
  retryMessage(sessionId: string, chatJid: string, messageId: string): Promise<SendResult> {
    return this.request('POST', `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/messages/${seg(messageId)}:retry`, {});
  }

  /**
   * GET .../export, read as a stream: the gateway sends no Content-Length (it streams), so progress is the
   * bytes received so far, with the message count from X-Export-Messages.
   */
  async exportChat(
    sessionId: string,
    chatJid: string,
    options: { format: ExportFormat; media: boolean },
    onProgress?: (p: { bytes: number; messages: number | null }) => void,
  ): Promise<ExportDownload> {
    const query = { format: options.format, media: options.media ? 'include' : 'omit' };
    const url = this.baseUrl + `/sessions/${seg(sessionId)}/chats/${seg(chatJid)}/export` + queryString(query);
    let response = await this.send('GET', url, {}, this.options.getToken());
    if (response.status === 401 && this.options.onUnauthorized) {
      const renewed = await this.options.onUnauthorized().catch(() => null);
      if (renewed) response = await this.send('GET', url, {}, renewed);
    }
    if (!response.ok) return this.parse<never>(response);
    const count = response.headers.get('x-export-messages');
    const messages = count !== null && /^\d+$/.test(count) ? Number(count) : null;
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let bytes = 0;
    const reader = response.body?.getReader();
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        onProgress?.({ bytes, messages });
      }
    }
    const type = response.headers.get('content-type') ?? 'application/octet-stream';
    return {
      blob: new Blob(chunks, { type }),
      filename: filenameOf(response.headers.get('content-disposition')) ?? `chat-export.${options.media ? 'zip' : options.format}`,
      messages,
      bytes,
    };
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

  // ---- media archive (ours, API.md "The archive in use") ----
  /** `.../messages/{id}/media` of a chat message or a channel post. */
  mediaPath(sessionId: string, kind: 'chat' | 'channel', jid: string, messageId: string): string {
    const parent = kind === 'chat' ? 'chats' : 'channels';
    return `/sessions/${seg(sessionId)}/${parent}/${seg(jid)}/messages/${seg(messageId)}/media`;
  }
  /**
   * The bytes of a message's media (or its embedded thumbnail) as a Blob, fetched with the bearer token:
   * <img>/<audio> cannot send the Authorization header, so the UI shows them through blob: URLs.
   */
  async fetchMedia(path: string, variant?: 'thumbnail'): Promise<Blob> {
    const url = this.baseUrl + path + queryString({ variant });
    let response = await this.send('GET', url, {}, this.options.getToken(), '*/*');
    if (response.status === 401 && this.options.onUnauthorized) {
      const renewed = await this.options.onUnauthorized().catch(() => null);
      if (renewed) response = await this.send('GET', url, {}, renewed, '*/*');
    }
    if (!response.ok) return this.parse<never>(response);
    return response.blob();
  }
  requestMediaDownload(path: string): Promise<unknown> {
    return this.request('POST', `${path}:download`, {});
  }
  getStorage(sessionId: string): Promise<StorageUsage> {
    return this.request('GET', `/sessions/${seg(sessionId)}/storage`);
  }
  getMediaPolicy(sessionId: string): Promise<MediaPolicy> {
    return this.request('GET', `/sessions/${seg(sessionId)}/media-policy`);
  }
  /** A partial policy: only the fields given change; `storageCapBytes: null` removes the cap. */
  updateMediaPolicy(sessionId: string, patch: MediaPolicyPatch): Promise<MediaPolicy> {
    return this.request('PATCH', `/sessions/${seg(sessionId)}/media-policy`, { body: patch });
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

  // ---- webhooks (API.md "Integrations") ----
  async listWebhooks(): Promise<Webhook[]> {
    return (await this.request<Page<Webhook>>('GET', '/webhooks')).data;
  }
  createWebhook(input: WebhookInput): Promise<CreatedWebhook> {
    return this.request('POST', '/webhooks', { body: input });
  }
  updateWebhook(id: string, patch: Partial<WebhookInput>): Promise<Webhook> {
    return this.request('PATCH', `/webhooks/${seg(id)}`, { body: patch });
  }
  deleteWebhook(id: string): Promise<void> {
    return this.request('DELETE', `/webhooks/${seg(id)}`);
  }
  rotateWebhookSecret(id: string): Promise<CreatedWebhook> {
    return this.request('POST', `/webhooks/${seg(id)}:rotate-secret`, {});
  }
  testWebhook(id: string): Promise<WebhookDelivery> {
    return this.request('POST', `/webhooks/${seg(id)}:test`, {});
  }
  listWebhookDeliveries(id: string, page: PageQuery = {}): Promise<Page<WebhookDelivery>> {
    return this.request('GET', `/webhooks/${seg(id)}/deliveries`, { query: pageQuery(page) });
  }
  retryWebhookDelivery(id: string, deliveryId: string): Promise<WebhookDelivery> {
    return this.request('POST', `/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}:retry`, {});
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

  private async send(
    method: string,
    url: string,
    options: RequestOptions,
    token: string | null,
    accept = 'application/json',
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
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

  /** A multipart POST; through XHR when available (upload progress), else fetch. */
  private sendForm(url: string, form: FormData, token: string | null, onProgress?: (sent: number, total: number) => void): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const networkError = (cause: unknown) =>
      new ApiError(0, 'network', `Cannot reach the gateway (${cause instanceof Error ? cause.message : String(cause)})`);
    const Xhr = (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
    if (this.options.fetchImpl || !Xhr) {
      return this.fetchImpl(url, { method: 'POST', headers, body: form }).catch((cause: unknown) => {
        throw networkError(cause);
      });
    }
    return new Promise<Response>((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open('POST', url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event: { loaded: number; total: number; lengthComputable: boolean }) => onProgress?.(event.loaded, event.lengthComputable ? event.total : 0);
      xhr.onload = () => resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText }));
      xhr.onerror = () => reject(networkError(new Error('upload failed')));
      xhr.onabort = () => reject(networkError(new Error('upload aborted')));
      xhr.send(form);
    });
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

/** The part of XMLHttpRequest an upload uses (the main process's type-check has no DOM types). */
interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  status: number;
  statusText: string;
  responseText: string;
  send(body: FormData): void;
}

/** JSON bodies of POST /sessions/{session}/messages besides media files (API.md "Acting on chats"). */
export type OutgoingMessage =
  | { type: 'text'; to: string; text: string; replyTo?: string; mentions?: string[] }
  | { type: 'location'; to: string; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'poll'; to: string; name: string; options: string[]; selectableCount?: number }
  | { type: 'reaction'; to: string; messageId: string; emoji: string }
  | { type: 'forward'; to: string; messageId: string; fromChat: string };

export type OutgoingFileKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** A media message sent as multipart `file` (the gateway stores its bytes; 413 over the stated limit). */
export interface OutgoingFile {
  type: OutgoingFileKind;
  to: string;
  file: Blob;
  filename?: string;
  caption?: string;
  replyTo?: string;
  ptt?: boolean;
}

export type ExportFormat = 'json' | 'html' | 'txt' | 'csv';

export interface ExportDownload {
  blob: Blob;
  filename: string;
  messages: number | null;
  bytes: number;
}

/** The file name of a Content-Disposition header: filename*=UTF-8''… first, else filename="…". */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall back to the ASCII name
    }
  }
  const plain = /filename="([^"]*)"/i.exec(header);
  return plain ? plain[1]! : null;
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
