/**
 * What the MCP tools need from the archive (issue 12), bound to one caller. Two implementations:
 * in-process over the app services (src-main/mcp/in-process.ts: the gateway's /mcp, and `wagw mcp` on a store
 * opened read-only) and over a running gateway's HTTP API (src-main/mcp/over-http.ts). Each method is one
 * operation of the HTTP API, so both implementations answer the same; what the tools make of the answers
 * (context trimming, the get_media fallbacks) lives once, in mcp/context.ts and mcp/media.ts.
 */
import type { PageInput, PageOf, SearchPage } from '../app/index.js';
import type { Capability, Channel, Chat, Message, Session } from '../core/types.js';
import type { SendResult } from '../core/whatsapp-port.js';

export type AccessMode = 'gateway-http' | 'in-process' | 'store-readonly';

/** A message's media file as the media service gave it (GET .../media), bounded by the caller's maximum. */
export type MediaFileBytes =
  | { status: 'included'; bytes: Buffer }
  | { status: 'too_large'; size: number };

export interface ArchiveAccess {
  readonly mode: AccessMode;
  /** The caller's capabilities (the tools offered depend on them). */
  readonly capabilities: readonly Capability[];
  /** True when live actions can reach a WhatsApp client (a gateway); false on a store opened read-only. */
  readonly live: boolean;
  listSessions(): Promise<Session[]>;
  listChats(sessionId: string, page: PageInput & { q?: string | undefined }): Promise<PageOf<Chat>>;
  chatMessages(sessionId: string, chatJid: string, page: PageInput): Promise<PageOf<Message>>;
  /** Full-text search of stored messages (API.md "The archive in use"), newest first. */
  searchMessages(sessionId: string, input: { q: string; chat?: string | undefined; type?: string | undefined }, page: PageInput): Promise<SearchPage>;
  /**
   * The stored page holding message `messageId` of a chat or (…@newsletter) channel, about limit/2 messages each
   * way, newest first (GET .../messages?around=). Unknown chat or message: not_found.
   */
  messagesAround(sessionId: string, jid: string, messageId: string, limit: number): Promise<Message[]>;
  listChannels(sessionId: string, page: PageInput): Promise<PageOf<Channel>>;
  channelPosts(sessionId: string, channelJid: string, page: PageInput): Promise<PageOf<Message>>;
  /**
   * The media file of a message through the media service, as GET .../media serves it: the archived file, or
   * downloaded now when the session is live (bounded wait). Throws the service's error when it cannot be had
   * (not_implemented: not archived and not live; media_expired; upstream_failed: failed or still running).
   */
  mediaFile(sessionId: string, jid: string, messageId: string, maxBytes: number): Promise<MediaFileBytes>;
  /** The JPEG preview embedded in the message (GET .../media?variant=thumbnail), or null when it has none. */
  mediaThumbnail(sessionId: string, jid: string, messageId: string): Promise<Buffer | null>;
  sendText(sessionId: string, input: { to: string; text: string; replyTo?: string | undefined }): Promise<SendResult>;
  setPresence(sessionId: string, chatJid: string, state: string): Promise<void>;
  markRead(sessionId: string, chatJid: string): Promise<Chat>;
}

/** Where tool calls are written (app/audit.ts record), with who called and over which transport. */
export interface AuditSink {
  organizationId: string;
  /** 'api_key:<id>', 'user:<subject>' or 'local:mcp-stdio'. */
  principal: string;
  transport: 'stdio' | 'http';
  record(entry: {
    organizationId: string;
    principal: string;
    transport: 'stdio' | 'http';
    tool: string;
    arguments: unknown;
    at: number;
    resultBytes: number;
    outcome: 'ok' | 'error';
    errorCode: string | null;
    durationMs: number;
  }): void;
}
