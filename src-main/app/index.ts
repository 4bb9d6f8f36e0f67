/**
 * The application layer (DESIGN.md): plain services that take a principal and input, check capabilities,
 * and return data or throw domain errors (src-main/core/errors.ts). Every door (the HTTP API in src-main/api,
 * later MCP) calls these, so the rules live once. Nothing here knows Koa or HTTP statuses.
 */
import type { ApiKeyService } from '../auth/api-keys.js';
import type { CursorCodec } from '../core/cursor.js';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import { createChannelsService, type ChannelsService } from './channels.js';
import { createChatsService, type ChatsService } from './chats.js';
import { createKeysService, type KeysService } from './keys.js';
import { createMessagesService, type MessagesService } from './messages.js';
import { createMediaService, type MediaService } from './media.js';
import type { MediaPort, SandboxControls, SessionControl } from './ports.js';
import { createSessionsService, type SessionsService } from './sessions.js';

export type { CreateSessionInput, MediaPort, SandboxControls, SandboxState, SessionControl } from './ports.js';
export type { MediaBody, MediaScope } from './media.js';
export type { PageInput, PageOf } from './paging.js';
export type { SessionAction } from './sessions.js';
export { requireCapability, requireLoginWithManage, type Input } from './access.js';

export interface AppDeps {
  store: Store;
  /** The session manager (src-main/gateway/session-manager.ts). */
  sessions: SessionControl;
  sandbox: SandboxControls | null;
  apiKeys: ApiKeyService;
  cursors: CursorCodec;
  publisher: EventPublisher;
  /** The media archive; null leaves Message media details at their stored columns and media routes at 501. */
  media?: MediaPort | null | undefined;
}

export interface AppServices {
  sessions: SessionsService;
  chats: ChatsService;
  channels: ChannelsService;
  messages: MessagesService;
  keys: KeysService;
  media: MediaService;
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
    messages: createMessagesService({ sessions }),
    keys: createKeysService({ apiKeys: deps.apiKeys }),
    media,
  };
}
