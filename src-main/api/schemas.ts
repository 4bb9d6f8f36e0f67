/**
 * Zod schemas of the API's objects and inputs. They validate requests and generate the OpenAPI 3.1
 * document (JSON Schema 2020-12), so the documentation cannot drift from what the code accepts.
 */
import { z } from 'zod';
import { ACK_STATUS, CAPABILITIES, GROUP_ROLES, MEDIA_STATES, MESSAGE_TYPES, SESSION_STATUSES } from '../core/types.js';
import { PRESENCE_STATES } from '../core/whatsapp-port.js';

const ms = z.number().int().describe('epoch milliseconds');

export const MediaSchema = z.object({
  filename: z.string().nullable(),
  mimetype: z.string().nullable(),
  size: z.number().int().nullable(),
  width: z.number().int().nullable().optional(),
  height: z.number().int().nullable().optional(),
  seconds: z.number().int().nullable().optional().describe('audio/video duration'),
  ptt: z.boolean().optional().describe('a voice note'),
  animated: z.boolean().optional().describe('animated sticker or GIF-style video'),
  pageCount: z.number().int().nullable().optional(),
  thumbnail: z.boolean().optional().describe('an embedded JPEG preview exists (?variant=thumbnail)'),
  state: z
    .enum(MEDIA_STATES as [string, ...string[]])
    .optional()
    .describe('the archived copy: none, queued, done, failed, expired'),
});

const LocationSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().nullable(),
  address: z.string().nullable(),
  url: z.string().nullable(),
  live: z.boolean(),
});
const ContactCardSchema = z.object({ name: z.string().nullable(), phones: z.array(z.string()) });
const PollSchema = z.object({
  name: z.string(),
  options: z.array(z.object({ name: z.string(), votes: z.number().int().min(0) })),
  selectableCount: z.number().int().min(0),
});
const ReactionSchema = z.object({
  emoji: z.string(),
  senderJid: z.string().nullable(),
  senderLid: z.string().nullable(),
  senderName: z.string().nullable().optional().describe('ours: who reacted, by name (null for our own reactions)'),
  timestamp: ms,
});

export const MessageSchema = z.object({
  id: z.string().describe('same as waMessageId in v1'),
  waMessageId: z.string(),
  sessionId: z.string(),
  chatJid: z.string(),
  direction: z.enum(['in', 'out']),
  fromMe: z.boolean(),
  senderJid: z.string().nullable().describe('phone-number JID'),
  senderLid: z.string().nullable().describe('...@lid'),
  senderName: z.string().nullable(),
  type: z.enum(MESSAGE_TYPES as [string, ...string[]]),
  body: z.string(),
  hasMedia: z.boolean(),
  media: MediaSchema.nullable(),
  mentions: z.array(z.string()),
  mentionNames: z.record(z.string(), z.string()),
  quotedMessageId: z.string().nullable(),
  timestamp: ms,
  createdAt: ms,
  ackLevel: z.number().int().min(0).max(5).describe('0 error, 1 pending, 2 sent, 3 delivered, 4 read, 5 played'),
  status: z.enum(ACK_STATUS as [string, ...string[]]),
  error: z.string().nullable(),
  edited: z.boolean(),
  deleted: z.boolean(),
  location: LocationSchema.optional(),
  contacts: z.array(ContactCardSchema).optional(),
  poll: PollSchema.optional(),
  reactions: z.array(ReactionSchema).optional().describe('one per person, newest first'),
});

export const SessionSchema = z.object({
  id: z.string().describe('ULID'),
  label: z.string(),
  status: z.enum(SESSION_STATUSES as [string, ...string[]]),
  live: z.boolean().describe('a connected WhatsApp client exists'),
  sandbox: z.boolean().describe('a simulated account (the sandbox), not a real WhatsApp number'),
  phoneNumber: z.string().nullable(),
  waJid: z.string().nullable(),
  waLid: z.string().nullable(),
  autoRead: z.boolean(),
  presenceTyping: z.boolean(),
  organizationId: z.string(),
  createdAt: ms,
  updatedAt: ms,
  lastConnectedAt: ms.nullable(),
  sync: z.object({
    state: z.enum(['idle', 'syncing', 'paused', 'complete']),
    progress: z.number().int().min(0).max(100),
  }),
  lastError: z
    .object({
      code: z
        .string()
        .describe(
          'ours: unreachable, pairing_attempts, qr_expired, timeout, connection_closed, bad_session, unavailable, ' +
            'logged_out, forbidden, replaced, mismatch, client_error',
        ),
      reason: z.string().describe('a readable sentence, e.g. "Can\'t reach WhatsApp (timeout)"'),
      at: ms,
    })
    .nullable()
    .describe('why the session last failed to connect (ours); null once it connects'),
});

export const ChatSchema = z.object({
  jid: z.string(),
  name: z.string().nullable(),
  type: z.enum(['dm', 'group']),
  lastMessageAt: ms.nullable(),
  lastMessage: MessageSchema.nullable(),
  unreadCount: z.number().int(),
  archived: z.boolean(),
  pinned: z.boolean(),
  mutedUntil: ms.nullable(),
  sessionId: z.string(),
});

/** GET /sessions/{session}/groups/{jid} (issue 13). */
export const GroupSchema = z.object({
  jid: z.string().describe('...@g.us'),
  subject: z.string().nullable(),
  description: z.string().nullable(),
  owner: z.string().nullable().describe('the creator (phone-number JID when known, else the LID)'),
  createdAt: ms.nullable(),
  participants: z.array(
    z.object({
      jid: z.string().describe('phone-number JID when known, else the LID'),
      lid: z.string().nullable(),
      name: z.string().describe('by the one rule: saved > push > verified > phone number; "You" for the account; never a bare LID'),
      role: z.enum(GROUP_ROLES as [string, ...string[]]),
    }),
  ),
});

/** GET /sessions/{session}/contacts (issue 13). */
export const ContactSchema = z.object({
  jid: z.string().describe('phone-number JID when known, else the LID'),
  lid: z.string().nullable(),
  phoneNumber: z.string().nullable().describe('digits with country code'),
  name: z.string().nullable().describe('saved (address book) name'),
  pushName: z.string().nullable(),
  verifiedName: z.string().nullable(),
  displayName: z.string().describe('ours: the name to show; never a bare LID'),
});

export const ContactListQuery = z.object({
  limit: z.string().optional().describe('1..200; missing or 0 means 50; larger is clamped to 200'),
  cursor: z.string().optional().describe('opaque; the nextCursor of the previous page'),
  q: z.string().optional().describe('matches saved, push and verified names (case- and accent-insensitive) and phone digits'),
});

export const ChannelSchema = z.object({
  jid: z.string().describe('...@newsletter'),
  name: z.string().nullable(),
  description: z.string().nullable(),
  subscribers: z.number().int().nullable(),
  following: z.boolean(),
  lastMessageAt: ms.nullable(),
  sessionId: z.string(),
});

export const CreatedChannelSchema = z.object({
  jid: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  invite: z.string().nullable(),
  subscribers: z.number().int().nullable(),
  createdAt: ms.nullable(),
  sessionId: z.string(),
});

export const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, to recognise it'),
  capabilities: z.array(z.enum(CAPABILITIES as [string, ...string[]])),
  createdAt: ms,
  lastUsedAt: ms.nullable(),
  revokedAt: ms.nullable(),
});

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('the secret; shown only in this response'),
});

export const ErrorSchema = z.object({
  error: z.object({
    code: z.enum([
      'validation_error',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'rate_limited',
      'not_implemented',
      'media_expired',
      'internal',
    ]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: ms,
  principal: z.string().describe("'api_key:<id>', 'user:<subject>' or 'local:mcp-stdio'"),
  transport: z.enum(['stdio', 'http']),
  tool: z.string(),
  arguments: z.string().describe('the call\'s arguments as JSON, cut after 4 KiB'),
  resultBytes: z.number().int().describe('size of the content returned to the model'),
  outcome: z.enum(['ok', 'error']),
  errorCode: z.string().nullable(),
  durationMs: z.number().int(),
});

export const QrSchema = z.object({ code: z.string(), expiresAt: ms });
export const PairingCodeSchema = z.object({ code: z.string() });
export const MeSchema = z.object({
  connected: z.boolean(),
  phoneNumber: z.string().nullable(),
  sessionId: z.string(),
  status: z.enum(SESSION_STATUSES as [string, ...string[]]),
  waJid: z.string().nullable(),
  waLid: z.string().nullable(),
});
export const SendResultSchema = z.object({
  waMessageId: z.string(),
  status: z.enum(ACK_STATUS as [string, ...string[]]),
  timestamp: ms,
});
export const TicketSchema = z.object({ ticket: z.string(), url: z.string(), expiresAt: ms });
export const TokenSchema = z.object({ token: z.string(), expiresAt: ms });
export const SandboxStateSchema = z.object({
  paired: z.boolean(),
  waitingForPairing: z.boolean(),
  reachable: z.boolean().describe('false while the sandbox simulates an unreachable WhatsApp (sandbox:network)'),
  presence: z.array(z.object({ jid: z.string(), state: z.string(), at: ms })),
  sent: z.number().int(),
  // issue 13: what the simulated contacts received and the read receipts they saw
  received: z.array(z.object({ id: z.string(), to: z.string(), kind: z.string(), text: z.string(), at: ms })),
  readReceipts: z.array(z.object({ jid: z.string(), ids: z.array(z.string()), at: ms })),
});
export const HealthSchema = z.object({ status: z.literal('ok') });

// ---- inputs ----

export const CreateSessionBody = z
  .object({
    label: z.string().trim().min(1).max(100).optional(),
    start: z.boolean().optional(),
    autoRead: z.boolean().optional(),
    presenceTyping: z.boolean().optional(),
    sandbox: z.boolean().optional().describe('ours: a simulated account, no phone needed'),
    fullHistory: z.boolean().optional().describe('ours: ask WhatsApp for the full history at pairing'),
  })
  .strict();

export const SandboxNetworkBody = z.object({ reachable: z.boolean() }).strict();

export const PairingCodeBody = z
  .object({ phone: z.string().regex(/^[1-9][0-9]{6,14}$/, 'digits only, with country code, e.g. 6281234567890') })
  .strict();

export const PresenceBody = z.object({ state: z.enum(PRESENCE_STATES as [string, ...string[]]) }).strict();

export const CreateChannelBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2048).optional(),
  })
  .strict();


export const CreateKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    capabilities: z.array(z.enum(CAPABILITIES as [string, ...string[]])).min(1),
  })
  .strict();

export const LoginBody = z.object({ code: z.string().min(1).max(200) }).strict();
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(2048) }).strict();
/** A browser sign-in (ours): the access JWT and the refresh token that renews it once (auth/refresh-tokens.ts). */
export const LoginGrantSchema = z.object({
  token: z.string(),
  expiresAt: ms,
  refreshToken: z.string().describe('single use: POST /auth/refresh answers a new one'),
  refreshExpiresAt: ms.describe('when the refresh token stops working unused (12 h idle, 7 days after the login link at most)'),
});

export const ListQuery = z.object({
  limit: z.string().optional().describe('1..200; missing or 0 means 50; larger is clamped to 200'),
  cursor: z.string().optional().describe('opaque; the nextCursor of the previous page'),
});

export const ChatListQuery = ListQuery.extend({
  q: z.string().max(100).optional().describe('ours: filter by name or JID substring'),
});

/** GET /sessions/{session}/storage (docs/API.md "The archive in use"; the cap and warning are ours). */
export const StorageSchema = z.object({
  messages: z.number().int().min(0),
  mediaFiles: z.number().int().min(0),
  mediaBytes: z.number().int().min(0),
  databaseBytes: z.number().int().min(0).describe('the whole database file (all sessions share it)'),
  pending: z.number().int().min(0).describe('downloads queued'),
  failed: z.number().int().min(0).describe('downloads that gave up (failed or expired)'),
  storageCapBytes: z.number().int().min(0).nullable(),
  warning: z.string().nullable().describe('set once media reaches 90 % of the cap'),
});

const perKind = <T extends z.ZodType>(t: T) => z.object({ image: t, video: t, audio: t, document: t, sticker: t });

/** The per-session media download policy (src-main/media/policy.ts). */
export const MediaPolicySchema = z.object({
  autoDownload: perKind(z.boolean()).describe('download on receipt, per kind'),
  maxBytes: perKind(z.number().int().min(0)).describe('largest file downloaded on receipt, per kind'),
  history: z.enum(['lazy', 'auto']).describe('history-sync media: on first request (lazy) or automatically once a history sync is over (auto)'),
  storageCapBytes: z.number().int().min(0).nullable(),
});

export const MediaDownloadSchema = z.object({ state: z.enum(['queued', 'done']) });

export const MediaQuery = z.object({
  variant: z.enum(['thumbnail']).optional().describe('thumbnail: the small JPEG preview embedded in the message'),
});
