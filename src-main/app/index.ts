/**
 * The application layer (docs/ARCHITECTURE.md): plain services that take a principal and input, check capabilities,
 * and return data or throw domain errors (src-main/core/errors.ts). Every door (the HTTP API in src-main/api,
 * the MCP server in src-main/mcp) calls these, so the rules live once. Nothing here knows Koa or HTTP statuses.
 */
import type { ApiKeyService } from '../auth/api-keys.js';
import type { CursorCodec } from '../core/cursor.js';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import { createAuditService, type AuditService } from './audit.js';
import { createChannelsService, type ChannelsService } from './channels.js';
import { createChatsService, type ChatsService } from './chats.js';
import { createContactsService, type ContactsService } from './contacts.js';
import { createGroupsService, type GroupsService } from './groups.js';
import { createExportService, type ExportService, type MediaFiles } from './export.js';
import { createHistoryService, type HistoryService } from './history.js';
import { createKeysService, type KeysService } from './keys.js';
import { createMessagesService, type MessagesService } from './messages.js';
import { createMediaService, type MediaService } from './media.js';
import type { MediaPort, SandboxControls, SessionControl } from './ports.js';
import { createSearchService, type SearchService } from './search.js';
import { createSessionsService, type SessionsService } from './sessions.js';
import { createWebhooksService, type WebhookWaker, type WebhooksService } from './webhooks.js';

export type { ExportJob, ExportInput, MediaFiles } from './export.js';
export type { CreateSessionInput, MediaPort, SandboxControls, SandboxState, SessionControl } from './ports.js';
export type { MediaBody, MediaScope } from './media.js';
export type { PageInput, PageOf } from './paging.js';
export type { SendInput, UploadedFile } from './messages.js';
export { DEFAULT_SEND_MEDIA_MAX_BYTES } from './messages.js';
export type { SessionAction } from './sessions.js';
export type { WebhookDeliveryView, WebhookEndpointView, WebhookWaker } from './webhooks.js';
export type { AuditEntry, AuditRecord } from './audit.js';
export { principalLabel } from './audit.js';
export { requireCapability, requireLoginWithManage, type Input } from './access.js';
export { localSearch, type SearchPage, type SearchResult } from './search.js';

export interface AppDeps {
  store: Store;
  /** The session manager (src-main/gateway/session-manager.ts). */
  sessions: SessionControl;
  sandbox: SandboxControls | null;
  apiKeys: ApiKeyService;
  cursors: CursorCodec;
  publisher: EventPublisher;
  /** The webhook delivery worker (src-main/gateway/webhooks.ts): woken when an endpoint is enabled again. */
  webhookWorker?: WebhookWaker;
  now?: () => number;
  /** The downloaded media files (exports with media=include); absent: exports name media without files. */
  mediaFiles?: MediaFiles | null;
  /** The media archive; null leaves Message media details at their stored columns and media routes at 501. */
  media?: MediaPort | null | undefined;
  /** Largest file one send takes (issue 13; default 64 MiB). */
  sendMediaMaxBytes?: number | undefined;
}

export interface AppServices {
  sessions: SessionsService;
  chats: ChatsService;
  channels: ChannelsService;
  messages: MessagesService;
  keys: KeysService;
  webhooks: WebhooksService;
  export: ExportService;
  media: MediaService;
  history: HistoryService;
  search: SearchService;
  /** The MCP tool-call audit log. */
  audit: AuditService;
  /** Issue 13: group metadata and the contacts listing. */
  groups: GroupsService;
  contacts: ContactsService;
}

export function createAppServices(deps: AppDeps): AppServices {
  const base = createSessionsService({ control: deps.sessions, sandbox: deps.sandbox });
  const mediaPort = deps.media ?? null;
  const media = createMediaService({ store: deps.store, sessions: base, media: mediaPort });
  // Deleting a session deletes its messages; their files go unless another message references the same bytes.
  const sessions: SessionsService = {
    ...base,
    async delete(p, sessionId) {
      await base.delete(p, sessionId);
      media.collectGarbage();
    },
  };
  return {
    sessions,
    chats: createChatsService({
      store: deps.store,
      sessions,
      cursors: deps.cursors,
      publisher: deps.publisher,
      media: mediaPort,
      collectGarbage: media.collectGarbage,
    }),
    channels: createChannelsService({ store: deps.store, sessions, cursors: deps.cursors, media: mediaPort }),
    messages: createMessagesService({
      sessions,
      store: deps.store,
      publisher: deps.publisher,
      media: mediaPort,
      ...(deps.now ? { now: deps.now } : {}),
      maxMediaBytes: deps.sendMediaMaxBytes,
      collectGarbage: media.collectGarbage,
    }),
    keys: createKeysService({ apiKeys: deps.apiKeys }),
    webhooks: createWebhooksService({
      store: deps.store,
      cursors: deps.cursors,
      ...(deps.webhookWorker ? { worker: deps.webhookWorker } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    }),
    export: createExportService({ store: deps.store, sessions, mediaFiles: deps.mediaFiles ?? null }),
    media,
    history: createHistoryService({ store: deps.store, sessions, publisher: deps.publisher }),
    search: createSearchService({ store: deps.store, sessions, cursors: deps.cursors }),
    audit: createAuditService({ store: deps.store, cursors: deps.cursors }),
    groups: createGroupsService({ store: deps.store, sessions, ...(deps.now ? { now: deps.now } : {}) }),
    contacts: createContactsService({ store: deps.store, sessions, cursors: deps.cursors }),
  };
}
