/**
 * The Baileys adapter: one WhatsAppClient = one socket (BAILEYS.md section 1). It turns connection.update into
 * ClientUpdates, persists creds on creds.update, hands the data events to the ingestor, and performs the
 * outgoing actions (section 4). The socket comes from a SocketFactory: makeWASocket for real accounts, a
 * simulated socket for the sandbox - both run through this same code.
 *
 * Rules kept here:
 * - Nothing in a listener throws into Baileys (a sync throw breaks its emit, an async one is unhandled).
 * - After close() or a socket close, events from that socket do nothing: our listeners are removed and the
 *   ingestor only ever sees a gated view of the emitter that goes quiet at the same moment.
 * - Every failure a caller sees is an AppError with a plain message; stacks stay in the log.
 *
 * Size (~500 lines): one class, the client's connection state machine plus its outgoing actions, which must
 * check that state; input checks, failures and the socket gate are in outgoing.ts, failures.ts, gated-socket.ts.
 */
import {
  generateMessageIDV2,
  proto,
  type AnyMessageContent,
  type ConnectionState,
  type GroupMetadata,
  type MiscMessageGenerationOptions,
  type NewsletterMetadata,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import {
  AppError,
  ConflictError,
  NotImplementedError,
  UpstreamError,
  ValidationError,
} from '../../core/errors.js';
import { isChannelJid, isChatJid, isGroupJid } from '../../core/jid.js';
import { messageStatusPayload } from '../../core/event-payloads.js';
import type { EventPayloads, EventPublisher, GatewayEvent, RealtimeEventName } from '../../core/events.js';
import { ackStatus, type GroupMetadataRecord } from '../../core/types.js';
import { groupRecord } from '../groups.js';
import type {
  AccountIdentity,
  ChannelInfo,
  ClientContext,
  HistoryAnchor,
  ClientUpdate,
  MessageRef,
  OutgoingMessage,
  OutgoingText,
  PresenceState,
  SendOptions,
  SendResult,
  WhatsAppClient,
  WhatsAppClientFactory,
} from '../../core/whatsapp-port.js';
import { PRESENCE_STATES } from '../../core/whatsapp-port.js';
import type { Store } from '../../store/index.js';
import { rowToMessage } from '../../store/repositories/messages.js';
import type { Ingestor } from '../ingest-port.js';
import type { SocketFactory, SocketLike } from '../socket.js';
import { readRawContent, writeRawMessage } from '../raw-message.js';
import { createSqliteAuthState, type SqliteAuthState } from './auth-state.js';
import { describeClose, isAlreadyFollowing, messageOf, upstream, withTimeout } from './failures.js';
import { editMessage, revokeMessage, sendReadReceipts } from './actions.js';
import { checkOutgoing, sendOutgoing, type SendContext } from './send.js';
import { gatedSocket } from './gated-socket.js';
import {
  accountIdentity,
  channelInfo,
  checkChannelInput,
  checkOutgoingText,
  mentionNames,
  pendingTextRecord,
  quotedMessage,
  storedChatJid,
} from './outgoing.js';

export interface BaileysClientFactoryDeps {
  store: Store;
  ingestor: Ingestor;
  logger: Logger;
  socketFactory: SocketFactory;
  sandbox: boolean;
  now?: () => number;
  /** How long requestPairingCode waits for the websocket to come up (first QR). Default 30 s. */
  pairingWaitMs?: number;
  /** How long logout waits for WhatsApp to acknowledge before unpairing locally anyway. Default 10 s. */
  logoutTimeoutMs?: number;
  /**
   * Realtime events for our own sends: 'message' when the pending row is stored, 'message.status' when the
   * send fails. Ingestion cannot announce them: the echo finds the row already there, so it is not "new".
   */
  publisher?: EventPublisher;
}

/** WhatsApp shows the first QR for 60 s and each following one for 20 s (lib/Socket/socket.js genPairQR). */
export const FIRST_QR_TTL_MS = 60_000;
export const NEXT_QR_TTL_MS = 20_000;
/** WhatsApp rejects longer texts; we refuse them before storing a row that could never be sent. */
export { MAX_CHANNEL_DESCRIPTION_LENGTH, MAX_CHANNEL_NAME_LENGTH, MAX_TEXT_LENGTH, accountIdentity } from './outgoing.js';
export { describeClose, isAlreadyFollowing } from './failures.js';
export { gatedSocket } from './gated-socket.js';

const PHONE_DIGITS = /^[1-9][0-9]{6,14}$/;
/** How long a group metadata query may take before the caller gets the stored copy instead. */
const GROUP_METADATA_WAIT_MS = 10_000;

export function createBaileysClientFactory(deps: BaileysClientFactoryDeps): WhatsAppClientFactory {
  return (ctx) => new BaileysClient(deps, ctx);
}

type Waiter = { resolve: () => void; reject: (e: Error) => void };

class BaileysClient implements WhatsAppClient {
  readonly sandbox: boolean;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly sessionId: string;

  private auth: SqliteAuthState | null = null;
  private sock: SocketLike | null = null;
  /** True while this client's socket is current: listeners act only then. */
  private active = false;
  /** Set once the client has reported 'closed' (or was told to close): never reported twice. */
  private finished = false;
  private open = false;
  /** The websocket is up once the first QR arrived (or the connection opened). */
  private socketUp = false;
  private qrCount = 0;
  private readonly detachers: (() => void)[] = [];
  private readonly socketUpWaiters = new Set<Waiter>();
  private endPromise: Promise<void> | null = null;

  constructor(
    private readonly deps: BaileysClientFactoryDeps,
    private readonly ctx: ClientContext,
  ) {
    this.sandbox = deps.sandbox;
    this.store = deps.store;
    this.now = deps.now ?? Date.now;
    this.sessionId = ctx.sessionId;
    this.log = deps.logger.child({ sessionId: ctx.sessionId });
  }

  // ---- lifecycle -------------------------------------------------------------------------------------------

  async connect(): Promise<void> {
    if (this.finished) {
      throw new ConflictError('this connection attempt has ended; a new client is needed to connect again');
    }
    if (this.sock) return;

    const auth = createSqliteAuthState(this.store.authState, this.sessionId, this.log);
    if (!auth.isPaired() && auth.state.creds.me) {
      // Left over from a pairing-code attempt that never completed (e.g. the app quit): with creds.me set the
      // socket would try to log in as that number instead of pairing.
      auth.resetCreds();
    }
    this.auth = auth;
    this.emit({ kind: 'connecting' });

    let sock: SocketLike;
    try {
      sock = this.deps.socketFactory({
        sessionId: this.sessionId,
        auth: auth.state,
        logger: this.log,
        fullHistory: this.ctx.fullHistory,
        getMessage: (key) => this.getStoredMessage(key),
      });
    } catch (e) {
      this.finished = true;
      this.log.error({ err: e }, 'could not create the WhatsApp socket');
      throw upstream('could not start the WhatsApp connection', e);
    }
    this.sock = sock;
    this.active = true;

    const onConnection = (update: Partial<ConnectionState>) => this.onConnectionUpdate(sock, update);
    const onCreds = (update: Partial<typeof auth.state.creds>) => this.onCredsUpdate(sock, update);
    sock.ev.on('connection.update', onConnection);
    sock.ev.on('creds.update', onCreds);
    this.detachers.push(() => {
      sock.ev.off('connection.update', onConnection);
      sock.ev.off('creds.update', onCreds);
    });
    try {
      this.detachers.push(this.deps.ingestor.attach(this.sessionId, gatedSocket(sock, () => this.isCurrent(sock))));
    } catch (e) {
      // Without ingestion the connection is useless (nothing would be stored): end it and say why.
      this.log.error({ err: e }, 'the ingestor could not attach');
      this.finish(500, 'internal error: message storage could not start');
      await this.endSocket();
      throw new AppError('internal', 'message storage could not start for this session');
    }
  }

  async close(): Promise<void> {
    this.finish(undefined, 'closed by the gateway');
    await this.endSocket();
  }

  async logout(): Promise<void> {
    const sock = this.sock;
    if (sock && this.active) {
      try {
        await withTimeout(sock.logout(), this.deps.logoutTimeoutMs ?? 10_000, 'logout');
      } catch (e) {
        // The local unpairing below still happens; the phone will drop the device on its own later.
        this.log.warn({ err: messageOf(e) }, 'WhatsApp did not confirm the logout; unpairing locally');
      }
    }
    try {
      if (this.auth) this.auth.clear();
      else this.store.authState.clear(this.sessionId);
    } catch (e) {
      this.log.error({ err: e }, 'could not delete the auth state');
      throw new AppError('internal', 'could not delete the stored WhatsApp credentials');
    }
    this.finish(401, 'logged out by the gateway');
    await this.endSocket();
  }

  private isCurrent(sock: SocketLike): boolean {
    return this.active && this.sock === sock;
  }

  /** Reports the end of this client once, and detaches everything so the old socket can do nothing more. */
  private finish(statusCode: number | undefined, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.active = false;
    this.open = false;
    for (const detach of this.detachers.splice(0)) {
      try {
        detach();
      } catch (e) {
        this.log.warn({ err: e }, 'detaching a listener failed');
      }
    }
    const ended = new ConflictError('the WhatsApp connection closed before pairing could start', { reason });
    for (const w of this.socketUpWaiters) w.reject(ended);
    this.socketUpWaiters.clear();
    this.abandonUnfinishedPairing();
    if (this.sock) this.emit({ kind: 'closed', statusCode, reason });
  }

  private abandonUnfinishedPairing(): void {
    const auth = this.auth;
    if (!auth) return;
    try {
      if (!auth.isPaired() && auth.state.creds.me) auth.resetCreds();
    } catch (e) {
      this.log.error({ err: e }, 'could not reset the creds of an abandoned pairing');
    }
  }

  private endSocket(): Promise<void> {
    const sock = this.sock;
    if (!sock) return Promise.resolve();
    this.endPromise ??= (async () => {
      try {
        await sock.end(undefined);
      } catch (e) {
        this.log.warn({ err: messageOf(e) }, 'ending the socket failed');
      }
    })();
    return this.endPromise;
  }

  private publish<E extends RealtimeEventName>(event: E, payload: EventPayloads[E]): void {
    const publisher = this.deps.publisher;
    if (!publisher) return;
    try {
      publisher.publish({ event, sessionId: this.sessionId, organizationId: this.ctx.organizationId, payload } as GatewayEvent);
    } catch (e) {
      this.log.warn({ err: e, event }, 'realtime publish failed');
    }
  }

  private emit(update: ClientUpdate): void {
    try {
      this.ctx.hooks.onUpdate(update);
    } catch (e) {
      this.log.error({ err: e, kind: update.kind }, 'client update hook threw');
    }
  }

  // ---- socket events ---------------------------------------------------------------------------------------

  private onConnectionUpdate(sock: SocketLike, update: Partial<ConnectionState>): void {
    try {
      if (!this.isCurrent(sock)) return;
      if (typeof update.qr === 'string' && update.qr) {
        this.qrCount += 1;
        const ttl = this.qrCount === 1 ? FIRST_QR_TTL_MS : NEXT_QR_TTL_MS;
        this.markSocketUp();
        this.emit({ kind: 'qr', code: update.qr, expiresAt: this.now() + ttl });
      }
      if (update.isNewLogin) {
        this.emit({ kind: 'paired', me: this.identity(sock) });
      }
      if (update.connection === 'open') {
        this.open = true;
        this.markSocketUp();
        this.emit({ kind: 'open', me: this.identity(sock) });
      }
      if (update.connection === 'close') {
        const error = update.lastDisconnect?.error;
        const { statusCode, reason } = describeClose(error);
        this.finish(statusCode, reason);
      }
    } catch (e) {
      this.log.error({ err: e }, 'connection.update handling failed');
    }
  }

  private onCredsUpdate(sock: SocketLike, update: Partial<SqliteAuthState['state']['creds']>): void {
    try {
      if (!this.isCurrent(sock) || !this.auth) return;
      // Baileys' own listener has merged it already; merging again is idempotent and keeps a simulated socket
      // that only emits the event correct too.
      Object.assign(this.auth.state.creds, update);
      this.auth.saveCreds();
    } catch (e) {
      this.log.error({ err: e }, 'saving creds failed');
    }
  }

  private markSocketUp(): void {
    if (this.socketUp) return;
    this.socketUp = true;
    for (const w of this.socketUpWaiters) w.resolve();
    this.socketUpWaiters.clear();
  }

  private identity(sock: SocketLike): AccountIdentity {
    const me = accountIdentity(sock.user ?? this.auth?.state.creds.me);
    if (me) return me;
    this.log.error('the socket reported a connection without an account identity');
    return { jid: '', lid: null, phoneNumber: '' };
  }

  private async getStoredMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    try {
      if (!key.id) return undefined;
      const raw = this.store.messages.raw(this.sessionId, key.id);
      if (!raw) return undefined;
      return readRawContent(raw);
    } catch (e) {
      this.log.warn({ err: messageOf(e), id: key.id }, 'getMessage could not read the stored message');
      return undefined;
    }
  }

  // ---- actions ---------------------------------------------------------------------------------------------

  async requestPairingCode(phone: string): Promise<string> {
    if (typeof phone !== 'string' || !PHONE_DIGITS.test(phone)) {
      throw new ValidationError('phone must be digits only, with the country code (e.g. 6281234567890)', {
        field: 'phone',
      });
    }
    const sock = this.sock;
    if (!sock || !this.active) {
      throw new ConflictError('the session is not connecting; start it before asking for a pairing code');
    }
    if (this.auth?.isPaired()) throw new ConflictError('the session is already paired');
    await this.waitForSocketUp();
    if (!this.isCurrent(sock)) {
      throw new ConflictError('the WhatsApp connection closed before pairing could start');
    }
    if (this.auth?.isPaired()) throw new ConflictError('the session is already paired');
    try {
      return await sock.requestPairingCode(phone);
    } catch (e) {
      throw upstream('WhatsApp refused the pairing code request', e);
    }
  }

  private waitForSocketUp(): Promise<void> {
    if (this.socketUp) return Promise.resolve();
    const timeoutMs = this.deps.pairingWaitMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.socketUpWaiters.delete(waiter);
        reject(new UpstreamError('WhatsApp did not answer in time; try again in a moment'));
      }, timeoutMs);
      timer.unref?.();
      this.socketUpWaiters.add(waiter);
    });
  }

  async sendPresence(chatJid: string, state: PresenceState): Promise<void> {
    if (!isChatJid(chatJid)) throw new ValidationError('chat must be a chat JID', { field: 'chatJid' });
    if (!PRESENCE_STATES.includes(state)) {
      throw new ValidationError(`state must be one of ${PRESENCE_STATES.join(', ')}`, { field: 'state' });
    }
    const sock = this.requireOpen();
    try {
      await sock.sendPresenceUpdate(state, chatJid);
    } catch (e) {
      throw upstream('WhatsApp did not accept the presence update', e);
    }
  }

  async sendText(message: OutgoingText): Promise<SendResult> {
    return this.send({ type: 'text', ...message });
  }

  // Issue 13: every kind, edits, revokes and read receipts (send.ts holds the content shapes and stored rows).
  async send(message: OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
    checkOutgoing(message);
    const sock = this.requireOpen();
    return sendOutgoing(this.sendContext(), sock, message, options);
  }

  async editMessage(ref: MessageRef, text: string): Promise<void> {
    const sock = this.requireOpen();
    return editMessage(this.sendContext(), sock, ref, text);
  }

  async revokeMessage(ref: MessageRef): Promise<void> {
    const sock = this.requireOpen();
    return revokeMessage(this.sendContext(), sock, ref);
  }

  async sendReadReceipts(refs: MessageRef[]): Promise<void> {
    const sock = this.requireOpen();
    return sendReadReceipts(this.sendContext(), sock, refs);
  }

  private sendContext(): SendContext {
    return { store: this.store, sessionId: this.sessionId, now: this.now, log: this.log, publish: (event, payload) => this.publish(event, payload) };
  }

  async createChannel(name: string, description?: string): Promise<ChannelInfo> {
    checkChannelInput(name, description);
    const sock = this.requireOpen();
    let meta: NewsletterMetadata;
    try {
      meta = await sock.newsletterCreate(name, description);
    } catch (e) {
      throw upstream('WhatsApp could not create the channel', e);
    }
    const info = channelInfo(meta, name, description);
    if (!info) throw new UpstreamError('WhatsApp created the channel but did not say which JID it has');
    this.store.channels.upsert(this.sessionId, {
      jid: info.jid,
      name: info.name,
      description: info.description,
      subscribers: info.subscribers,
      invite: info.invite,
      createdAt: info.createdAt,
      following: true,
    });
    return info;
  }

  async followChannel(jid: string): Promise<void> {
    if (typeof jid !== 'string' || !isChannelJid(jid)) {
      throw new ValidationError('jid must be a channel JID (...@newsletter)', { field: 'jid' });
    }
    const sock = this.requireOpen();
    try {
      await sock.newsletterFollow(jid);
    } catch (e) {
      if (!isAlreadyFollowing(e)) throw upstream('WhatsApp could not follow the channel', e);
    }
    this.store.channels.upsert(this.sessionId, { jid, following: true });
  }

  async fetchHistory(chatJid: string, oldest: HistoryAnchor | null, count: number): Promise<void> {
    const sock = this.requireOpen();
    const key = { remoteJid: chatJid, fromMe: oldest?.fromMe ?? false, id: oldest?.waMessageId ?? '' };
    try {
      await sock.fetchMessageHistory(count, key, oldest?.timestamp ?? this.now());
    } catch (e) {
      throw upstream('WhatsApp could not ask the phone for older messages', e);
    }
  }

  async groupMetadata(groupJid: string): Promise<GroupMetadataRecord> {
    if (typeof groupJid !== 'string' || !isGroupJid(groupJid) || !isChatJid(groupJid)) {
      throw new ValidationError('jid must be a group JID (...@g.us)', { field: 'jid' });
    }
    const sock = this.requireOpen();
    let metadata: GroupMetadata;
    try {
      // Baileys' own query timeout is a minute; a reader waiting for a panel should not.
      metadata = await withTimeout(sock.groupMetadata(groupJid), GROUP_METADATA_WAIT_MS, 'group metadata');
    } catch (e) {
      throw upstream('WhatsApp could not tell the group\'s metadata', e);
    }
    const record = groupRecord(metadata);
    if (!record || record.jid !== groupJid) throw new UpstreamError('WhatsApp answered with another group', { jid: groupJid });
    return record;
  }

  private requireOpen(): SocketLike {
    if (!this.sock || !this.active || !this.open) {
      throw new NotImplementedError('the session has no live WhatsApp connection');
    }
    return this.sock;
  }

}
