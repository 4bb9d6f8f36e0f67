/**
 * The application layer (DESIGN.md): plain services that take a principal and input, check capabilities,
 * and return data or throw domain errors (src-main/core/errors.ts). Every door (the HTTP API in src-main/api,
 * later MCP) calls these, so the rules live once. Nothing here knows Koa or HTTP statuses.
 */
import type { ApiKeyService } from '../auth/api-keys.js';
import type { CursorCodec } from '../core/cursor.js';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import { createAuditService, type AuditService } from './audit.js';
import { createChannelsService, type ChannelsService } from './channels.js';
import { createChatsService, type ChatsService } from './chats.js';
import { createContextService, type ContextService } from './context.js';
import { createKeysService, type KeysService } from './keys.js';
import { createMessagesService, type MessagesService } from './messages.js';
import type { SandboxControls, SessionControl } from './ports.js';
import { createSessionsService, type SessionsService } from './sessions.js';

export type { CreateSessionInput, SandboxControls, SandboxState, SessionControl } from './ports.js';
export type { PageInput, PageOf } from './paging.js';
export type { SessionAction } from './sessions.js';
export type { AuditEntry, AuditRecord } from './audit.js';
export { principalLabel } from './audit.js';
export type { MediaDetails, MessageContext } from './context.js';
export { requireCapability, requireLoginWithManage, type Input } from './access.js';

export interface AppDeps {
  store: Store;
  /** The session manager (src-main/gateway/session-manager.ts). */
  sessions: SessionControl;
  sandbox: SandboxControls | null;
  apiKeys: ApiKeyService;
  cursors: CursorCodec;
  publisher: EventPublisher;
}

export interface AppServices {
  sessions: SessionsService;
  chats: ChatsService;
  channels: ChannelsService;
  messages: MessagesService;
  keys: KeysService;
  /** Issue 12: MCP tool-call audit log, and reading around a message. */
  audit: AuditService;
  context: ContextService;
}

export function createAppServices(deps: AppDeps): AppServices {
  const sessions = createSessionsService({ control: deps.sessions, sandbox: deps.sandbox });
  return {
    sessions,
    chats: createChatsService({ store: deps.store, sessions, cursors: deps.cursors, publisher: deps.publisher }),
    channels: createChannelsService({ store: deps.store, sessions, cursors: deps.cursors }),
    messages: createMessagesService({ sessions }),
    keys: createKeysService({ apiKeys: deps.apiKeys }),
    audit: createAuditService({ store: deps.store, cursors: deps.cursors }),
    context: createContextService({ store: deps.store, sessions }),
  };
}
