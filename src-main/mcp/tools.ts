/**
 * The MCP tools (issue 12), defined once over an ArchiveAccess (src-main/mcp/port.ts) and served by the SDK's
 * low-level Server so that every tools/call, including a bad one, passes through one place: argument check,
 * the call, a concise answer, and one audit row.
 *
 * Which tools exist: the read tools always (get_channel_posts only with `send`, as the API);
 * send_text, set_presence and mark_read only when the caller has `send`, the server allows sending
 * (`wagw mcp --allow-send`, `wagw serve --mcp-allow-send`) and a live gateway is behind it.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../core/errors.js';
import type { Capability } from '../core/types.js';
import { messageContext } from './context.js';
import { MCP_IMAGE_MAX_BYTES, mediaOf } from './media.js';
import type { ArchiveAccess, AuditSink } from './port.js';
import { channelItem, chatItem, dataBlock, messageItem, sessionItem } from './render.js';

export const SERVER_NAME = 'whatsapp-gateway-desktop';
export const SERVER_VERSION = '0.1.0';

export interface McpServerOptions {
  access: ArchiveAccess;
  audit: AuditSink;
  /** The server was started allowing send tools (--allow-send / --mcp-allow-send). */
  allowSend: boolean;
  /** `--session`: the only session the tools see, and the default one. */
  session?: string | undefined;
  instructions: string;
  now?: () => number;
  /** Called with an unexpected failure (a tool bug, or an audit row that could not be written); the call is still answered. */
  onError?: (err: unknown) => void;
}

interface ToolDef {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  annotations: Tool['annotations'];
  /** Whether this caller gets the tool. */
  offered: (caps: readonly Capability[], o: McpServerOptions) => boolean;
  run: (
    args: Record<string, unknown>,
    ctx: { access: ArchiveAccess; session: (arg: unknown) => Promise<string>; scope: string | undefined },
  ) => Promise<CallToolResult>;
}

const sessionArg = z.string().min(1).max(64).optional().describe('Session id (from list_sessions); optional when there is only one');
const limitArg = z.number().int().min(1).max(100).optional().describe('Items per page, 1..100 (default 20)');
const cursorArg = z.string().min(1).max(512).optional().describe('The nextCursor of the previous answer, for the next (older) page');
const jidArg = (what: string) => z.string().min(3).max(128).describe(what);

const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });
const more = (next: string | null) => (next ? `More: call again with cursor "${next}".` : 'No more pages.');

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

const canSendHere = (caps: readonly Capability[], o: McpServerOptions) => caps.includes('send') && o.allowSend && o.access.live;

const TOOLS: ToolDef[] = [
  {
    name: 'list_sessions',
    title: 'List WhatsApp sessions',
    description: 'The WhatsApp accounts (sessions) in the archive, with their id, status and whether a live client is connected.',
    input: z.object({}).strict(),
    annotations: { title: 'List WhatsApp sessions', ...READ_ONLY },
    offered: () => true,
    async run(_args, { access, scope }) {
      const all = await access.listSessions();
      const scoped = scope ? all.filter((s) => s.id === scope) : all;
      return text(dataBlock(`${scoped.length} session(s).`, scoped.map(sessionItem)));
    },
  },
  {
    name: 'list_chats',
    title: 'List chats',
    description: 'Stored chats (direct and group) of a session, newest activity first; `query` filters by name or JID.',
    input: z
      .object({ session: sessionArg, query: z.string().max(100).optional().describe('Name or JID substring'), limit: limitArg, cursor: cursorArg })
      .strict(),
    annotations: { title: 'List chats', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const page = await access.listChats(s, { limit: (a.limit as number) ?? 20, cursor: a.cursor as string | undefined, q: a.query as string | undefined });
      return text(dataBlock(`${page.data.length} chat(s) in session ${s}. Use a chat id with get_chat_messages.`, page.data.map(chatItem), more(page.nextCursor)));
    },
  },
  {
    name: 'get_chat_messages',
    title: 'Get chat messages',
    description: 'Stored messages of one chat, newest first, cursor paged. Each message has an id for get_message_context and get_media.',
    input: z.object({ session: sessionArg, chat: jidArg('Chat JID, e.g. 6281234567890@s.whatsapp.net or ...@g.us'), limit: limitArg, cursor: cursorArg }).strict(),
    annotations: { title: 'Get chat messages', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const page = await access.chatMessages(s, a.chat as string, { limit: (a.limit as number) ?? 20, cursor: a.cursor as string | undefined });
      return text(dataBlock(`${page.data.length} message(s) of ${String(a.chat)}, newest first.`, page.data.map(messageItem), more(page.nextCursor)));
    },
  },
  {
    name: 'search_messages',
    title: 'Search messages',
    description:
      'Full-text search of the stored messages of a session, newest first: all words must match (accents and case ignored), ' +
      '"exact phrase", prefix*. Optional chat JID and message type filters. Each hit has the message id and its chat for get_message_context.',
    input: z
      .object({
        session: sessionArg,
        query: z.string().min(1).max(256).describe('Words, "a phrase" or prefix*'),
        chat: jidArg('Only this chat (JID)').optional(),
        type: z.enum(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contact', 'poll']).optional().describe('Only this message type'),
        limit: limitArg,
        cursor: cursorArg,
      })
      .strict(),
    annotations: { title: 'Search messages', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const page = await access.searchMessages(
        s,
        { q: a.query as string, chat: a.chat as string | undefined, type: a.type as string | undefined },
        { limit: (a.limit as number) ?? 20, cursor: a.cursor as string | undefined },
      );
      // The snippet's <mark> tags are the only markup; the model gets the plain text with the hits in [brackets].
      const items = page.data.map((h) => ({
        ...messageItem(h.message),
        chatName: h.chat.name,
        snippet: h.snippet.replace(/<mark>/g, '[').replace(/<\/mark>/g, ']').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
      }));
      // An incomplete index finds less than the archive holds: say so, or an agent takes "no match" as final.
      const indexing = !page.index.complete ? ` The search index is still being built: ${page.index.pending} message(s) are not searchable yet.` : '';
      return text(dataBlock(`${items.length} message(s) match, newest first.${indexing}`, items, more(page.nextCursor)));
    },
  },
  {
    name: 'get_message_context',
    title: 'Get a message in context',
    description: 'One stored message with up to n messages before and after it in its chat (oldest first; the asked-for one is marked).',
    input: z
      .object({
        session: sessionArg,
        chat: jidArg('Chat (or channel) JID of the message'),
        message_id: z.string().min(1).max(128).describe('The message id'),
        n: z.number().int().min(0).max(50).optional().describe('Neighbours each way, 0..50 (default 5)'),
      })
      .strict(),
    annotations: { title: 'Get a message in context', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const ctx = await messageContext(access, s, a.chat as string, a.message_id as string, (a.n as number) ?? 5);
      const items = ctx.messages.map((m, i) => (i === ctx.index ? { ...messageItem(m), target: true } : messageItem(m)));
      return text(dataBlock(`Message ${String(a.message_id)} with ${ctx.index} before and ${ctx.messages.length - ctx.index - 1} after (oldest first).`, items));
    },
  },
  {
    name: 'list_channels',
    title: 'List channels',
    description: 'WhatsApp channels (newsletters) the session knows, newest activity first.',
    input: z.object({ session: sessionArg, limit: limitArg, cursor: cursorArg }).strict(),
    annotations: { title: 'List channels', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const page = await access.listChannels(s, { limit: (a.limit as number) ?? 20, cursor: a.cursor as string | undefined });
      return text(dataBlock(`${page.data.length} channel(s) in session ${s}.`, page.data.map(channelItem), more(page.nextCursor)));
    },
  },
  {
    name: 'get_channel_posts',
    title: 'Get channel posts',
    description: 'Stored posts of one channel, newest first, cursor paged (needs the send capability, like the API).',
    input: z.object({ session: sessionArg, channel: jidArg('Channel JID, ...@newsletter'), limit: limitArg, cursor: cursorArg }).strict(),
    annotations: { title: 'Get channel posts', ...READ_ONLY },
    offered: (caps) => caps.includes('send'),
    async run(a, { access, session }) {
      const s = await session(a.session);
      const page = await access.channelPosts(s, a.channel as string, { limit: (a.limit as number) ?? 20, cursor: a.cursor as string | undefined });
      return text(dataBlock(`${page.data.length} post(s) of ${String(a.channel)}, newest first.`, page.data.map(messageItem), more(page.nextCursor)));
    },
  },
  {
    name: 'get_media',
    title: 'Get media of a message',
    description:
      'Media of a stored message. Images and stickers: the file itself as image content (the archived copy, or ' +
      `downloaded now when the session is live); when the file is over ${MCP_IMAGE_MAX_BYTES / (1024 * 1024)} MB or cannot be had, the small JPEG preview ` +
      'embedded in the message instead, and the answer says why. Videos, audio and documents: metadata (type, ' +
      'mimetype, size, filename), the archive state (none, queued, done, failed, expired) and the media API path of ' +
      'the file; a video also its embedded preview.',
    input: z.object({ session: sessionArg, chat: jidArg('Chat (or channel) JID of the message'), message_id: z.string().min(1).max(128) }).strict(),
    annotations: { title: 'Get media of a message', ...READ_ONLY },
    offered: () => true,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const d = await mediaOf(access, s, a.chat as string, a.message_id as string);
      const m = d.message;
      const meta = {
        id: m.id,
        chat: m.chatJid,
        type: m.type,
        hasMedia: m.hasMedia,
        mimetype: m.media?.mimetype ?? null,
        size: m.media?.size ?? null,
        filename: m.media?.filename ?? null,
        caption: m.body,
        ...(m.hasMedia ? { state: d.state, file: d.apiPath } : {}),
        ...(d.image ? { returned: d.image.source === 'file' ? 'file' : 'embedded preview' } : {}),
      };
      const result = text(dataBlock(d.note, [meta]));
      if (d.image) result.content.push({ type: 'image', data: d.image.data.toString('base64'), mimeType: d.image.mimetype });
      return result;
    },
  },
  {
    name: 'send_text',
    title: 'Send a WhatsApp text message',
    description: 'Sends a text message from the session to a chat. It is really sent: only do this when the person asked for it.',
    input: z
      .object({
        session: sessionArg,
        to: jidArg('Chat JID to send to'),
        text: z.string().min(1).max(4096).describe('Message text'),
        reply_to: z.string().min(1).max(128).optional().describe('Id of a message to reply to'),
      })
      .strict(),
    annotations: { title: 'Send a WhatsApp text message', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    offered: canSendHere,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const r = await access.sendText(s, { to: a.to as string, text: a.text as string, replyTo: a.reply_to as string | undefined });
      return text(`Sent: message id ${r.waMessageId}, status ${r.status}, at ${new Date(r.timestamp).toISOString()}.`);
    },
  },
  {
    name: 'set_presence',
    title: 'Show typing/recording in a chat',
    description: 'Broadcasts composing (typing), recording or paused to a chat; WhatsApp clears it after a few seconds.',
    input: z.object({ session: sessionArg, chat: jidArg('Chat JID'), state: z.enum(['composing', 'recording', 'paused']) }).strict(),
    annotations: { title: 'Show typing/recording in a chat', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    offered: canSendHere,
    async run(a, { access, session }) {
      const s = await session(a.session);
      await access.setPresence(s, a.chat as string, a.state as string);
      return text(`Presence ${String(a.state)} sent to ${String(a.chat)}.`);
    },
  },
  {
    name: 'mark_read',
    title: 'Mark a chat read',
    description: "Clears the gateway's unread counter of a chat (WhatsApp itself is not told).",
    input: z.object({ session: sessionArg, chat: jidArg('Chat JID') }).strict(),
    annotations: { title: 'Mark a chat read', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    offered: canSendHere,
    async run(a, { access, session }) {
      const s = await session(a.session);
      const chat = await access.markRead(s, a.chat as string);
      return text(`Chat ${chat.jid} marked read (unread ${chat.unreadCount}).`);
    },
  },
];

function jsonSchemaOf(input: z.ZodObject): Tool['inputSchema'] {
  const s = z.toJSONSchema(input, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  delete s.$schema;
  return s as Tool['inputSchema'];
}

/** The names of the tools a caller with these capabilities gets (tests and instructions). */
export function offeredTools(o: McpServerOptions): string[] {
  return TOOLS.filter((t) => t.offered(o.access.capabilities, o)).map((t) => t.name);
}

function errorResult(code: string, message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `Error (${code}): ${message}` }] };
}

function sizeOf(result: CallToolResult): number {
  let n = 0;
  for (const c of result.content) {
    if (c.type === 'text') n += Buffer.byteLength(c.text);
    else if (c.type === 'image' || c.type === 'audio') n += Math.floor((c.data.length * 3) / 4);
  }
  return n;
}

export function createMcpServer(o: McpServerOptions): Server {
  const now = o.now ?? Date.now;
  const tools = TOOLS.filter((t) => t.offered(o.access.capabilities, o));
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listed: Tool[] = tools.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: jsonSchemaOf(t.input),
    annotations: t.annotations,
  }));

  const server = new Server({ name: SERVER_NAME, version: SERVER_VERSION }, { capabilities: { tools: {} }, instructions: o.instructions });

  /** The session a call is about: the argument, else --session, else the only one. */
  const session = async (arg: unknown): Promise<string> => {
    if (typeof arg === 'string' && arg) {
      if (o.session && arg !== o.session) throw new NotFoundError('session not found', { sessionId: arg });
      return arg;
    }
    if (o.session) return o.session;
    const all = await o.access.listSessions();
    if (all.length === 1 && all[0]) return all[0].id;
    throw new ValidationError(
      all.length ? `session is required: one of ${all.map((s) => s.id).join(', ')}` : 'there are no sessions in the archive',
      { field: 'session' },
    );
  };

  const audit = (tool: string, args: unknown, at: number, result: CallToolResult | undefined, errorCode: string | null) => {
    try {
      o.audit.record({
        organizationId: o.audit.organizationId,
        principal: o.audit.principal,
        transport: o.audit.transport,
        tool,
        arguments: args,
        at,
        resultBytes: result ? sizeOf(result) : 0,
        outcome: errorCode ? 'error' : 'ok',
        errorCode,
        durationMs: Math.max(0, now() - at),
      });
    } catch (err) {
      o.onError?.(err);
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const at = now();
    const { name, arguments: args } = request.params;
    const tool = byName.get(name);
    if (!tool) {
      audit(name, args, at, undefined, 'unknown_tool');
      throw new McpError(ErrorCode.InvalidParams, `unknown tool '${name}'; call tools/list for the tools offered here`);
    }
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
      const result = errorResult('invalid_arguments', issues);
      audit(name, args, at, result, 'invalid_arguments');
      return result;
    }
    try {
      const result = await tool.run(parsed.data as Record<string, unknown>, { access: o.access, session, scope: o.session });
      audit(name, args, at, result, null);
      return result;
    } catch (err) {
      const known = err instanceof AppError;
      const code = known ? err.code : 'internal';
      const result = errorResult(code, known ? err.message : 'internal error');
      if (!known) o.onError?.(err);
      audit(name, args, at, result, code);
      return result;
    }
  });

  return server;
}
