/**
 * One simulated Baileys socket. It implements SocketLike around a REAL `makeEventBuffer`, and emits what
 * makeWASocket would emit for the same situation (lib/Socket/socket.js, chats.js, messages-recv.js,
 * messages-send.js, Utils/process-message.js in 7.0.0-rc14):
 *
 * - unpaired creds: connection 'connecting', rotating `qr` codes until the controller's pair() (or a
 *   requestPairingCode + pair()), then creds.update {me, account}, {isNewLogin:true}, and a close with
 *   515 restartRequired so the session manager makes a new socket;
 * - paired creds: 'connecting', creds.update {me+lid}, 'open', {receivedPendingNotifications:true}, then the
 *   history sync (chunks not yet in creds.processedHistoryMessages), then live traffic;
 * - sendMessage: the real generateWAMessage output as echo (status SERVER_ACK), an 'append' upsert, then
 *   receipts (messages.update for 1:1, message-receipt.update for groups);
 * - end(err) closes with lastDisconnect.error = err; logout() closes with 401.
 *
 * Size (~700 lines): one class, because the socket's lifecycle (pairing, restart, open, history, live, close)
 * is one state machine over one event buffer; splitting it would spread that state across files. What a
 * contact received is classified in received.ts; pairing, send echo and receipts are candidates for a next split.
 */
import {
  WAMessageStatus,
  WAMessageStubType,
  bytesToCrockford,
  generateMessageIDV2,
  generateWAMessage,
  isRealMessage,
  jidDecode,
  jidNormalizedUser,
  makeEventBuffer,
  normalizeMessageContent,
  proto,
  toNumber,
  type AnyMessageContent,
  type AuthenticationCreds,
  type BaileysEventMap,
  type Chat,
  type Contact,
  type GroupMetadata,
  type MiscMessageGenerationOptions,
  type NewsletterMetadata,
  type WAMediaUploadFunction,
  type WAMessage,
  type WAMessageKey,
  type WAPresence,
} from '@whiskeysockets/baileys';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SocketFactoryOptions, SocketLike } from '../socket.js';
import { SANDBOX_ACCOUNT_NAME, sandboxMe, type SandboxAccount, type SandboxChat } from './account.js';
import { sandboxGroupMetadata, sandboxGroups } from './groups.js';
import { planHistory, type HistoryChunk } from './history.js';
import { onDemandAnswer, phoneOnlyIds } from './on-demand.js';
import { missWhileOffline, newPhoneRecord, notePhoneMessage, type PhoneRecord } from './offline.js';
import { describeReceived, type ReadReceiptRecord, type ReceivedRecord } from './received.js';

export type { ReadReceiptRecord, ReceivedRecord } from './received.js';
import type { LiveStream } from './live.js';
import type { Prng } from './prng.js';

export interface SandboxTiming {
  /** From socket creation to "websocket up" (then: open, or waiting for the QR). */
  connectMs: number;
  /** From "websocket up" to the first QR (real: immediately; ~1 s feels like a phone). */
  qrFirstMs: number;
  /** Between QR codes (real: the first lives 60 s, the next ones 20 s). */
  qrRotateMs: number;
  /** Close with 408 "QR refs attempts ended" after this many codes; 0 = rotate until paired. */
  maxQrCodes: number;
  /** From pair-success to the 515 restart close. */
  restartAfterPairMs: number;
  /** From 'open' to the first history chunk. */
  historyStartMs: number;
  /** Between history chunks. */
  historyChunkMs: number;
  /** From a send to its DELIVERY_ACK. */
  deliveryMs: number;
  /** From DELIVERY_ACK to READ. */
  readMs: number;
  /** From READ to the other side starting to type (auto-reply in DMs), and from typing to the reply. */
  replyTypingMs: number;
  replyMs: number;
}

export const DEFAULT_SANDBOX_TIMING: SandboxTiming = {
  connectMs: 400,
  qrFirstMs: 1_000,
  qrRotateMs: 20_000,
  maxQrCodes: 0,
  restartAfterPairMs: 300,
  historyStartMs: 500,
  historyChunkMs: 300,
  deliveryMs: 1_200,
  readMs: 2_500,
  replyTypingMs: 1_500,
  replyMs: 3_000,
};

export interface SandboxTimers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: never) => void;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: never) => void;
}

export interface PresenceRecord {
  jid: string;
  state: WAPresence;
  at: number;
}

/** Per-session state that outlives sockets (the controller owns it). */
export interface SandboxSessionRuntime {
  sessionId: string;
  paired: boolean;
  presence: PresenceRecord[];
  sent: number;
  /** Issue 13: what the contacts received and the read receipts they saw (bounded, newest last). */
  received: ReceivedRecord[];
  readReceipts: ReadReceiptRecord[];
  socket: SimulatedSocket | null;
  /** Seeded per session: QR refs, pairing codes, channel ids. */
  rng: Prng;
  live: LiveStream | null;
  /** How many live streams this session has had (seeds the next one). */
  liveGeneration: number;
  /** Channels this account owns (created or in the generated data): sends to them get no receipts. */
  ownedChannels: Set<string>;
  followedChannels: Set<string>;
  /** Simulated "no route to WhatsApp" (controller setReachable): every new socket fails to connect. */
  unreachable: boolean;
  /** Issue 14, gaps: what happened on the phone and the offline period (offline.ts). */
  phone: PhoneRecord;
}

export interface SandboxEnvironment {
  seed: number;
  ratePerMinute: number;
  timing: SandboxTiming;
  timers: SandboxTimers;
  now: () => number;
  logger: Logger;
  /** The simulated account for these creds (cached by the controller). */
  accountFor(creds: AuthenticationCreds, seed?: number): SandboxAccount;
  /** The seed of a session's simulated account (index.ts seedOf). */
  seedOf(sessionId: string): number;
  /** The live stream for this session and account (created once per session by the controller). */
  liveFor(session: SandboxSessionRuntime, account: SandboxAccount): LiveStream;
  /** Optional: the gateway's own knowledge that this session's history sync is complete. */
  historyComplete?: ((sessionId: string) => boolean) | undefined;
  /** The phone's answer to a media re-upload request (media-assets.ts reupload); absent: 404. */
  reupload?: ((msg: WAMessage) => Promise<WAMessage>) | undefined;
  /** Stores an uploaded (encrypted) blob on the sandbox CDN and returns its URL; absent: uploads go nowhere. */
  cdnPut?: ((path: string, bytes: Buffer) => string) | undefined;
}

/** What Baileys throws and puts in lastDisconnect.error: an Error with Boom's output.statusCode. */
export class SandboxBoom extends Error {
  readonly isBoom = true;
  readonly output: { statusCode: number; payload: { statusCode: number; error: string; message: string } };
  readonly data: unknown;

  constructor(message: string, statusCode: number, data?: unknown) {
    super(message);
    this.name = 'SandboxBoom';
    this.output = { statusCode, payload: { statusCode, error: message, message } };
    this.data = data;
  }
}

const MAX_PRESENCE_RECORDS = 100;
const MAX_RECEIVED_RECORDS = 100;
const PHONE_DIGITS = /^[1-9][0-9]{6,14}$/;
const NEWSLETTER_JID = /^[0-9]{5,25}@newsletter$/;
/** Sends to numbers starting with 000 fail like a 463 (no privacy token): a way to test error paths. */
const FAILING_RECIPIENT = /^000/;
/** Sends to numbers starting with 0009 are refused at once, as a send that timed out (issue 13: the synchronous path). */
const REFUSING_RECIPIENT = /^0009/;

export function isPairedCreds(creds: AuthenticationCreds | undefined): boolean {
  return !!creds?.account && !!creds.me?.id;
}

type Creds = AuthenticationCreds & { additionalData?: { sandbox?: { historyEndAt?: number } } & Record<string, unknown> };

export class SimulatedSocket {
  readonly ev: ReturnType<typeof makeEventBuffer>;
  private readonly creds: Creds;
  private readonly log: Logger;
  private readonly timeouts = new Set<unknown>();
  private closed = false;
  private wsUp = false;
  private open = false;
  private qrCount = 0;
  private pairingPhone: string | null = null;
  private historyRunning = false;

  constructor(
    private readonly env: SandboxEnvironment,
    private readonly session: SandboxSessionRuntime,
    options: SocketFactoryOptions,
  ) {
    this.creds = options.auth.creds as Creds;
    this.log = options.logger.child({ sandbox: true });
    this.ev = makeEventBuffer(this.log);
    // Like makeWASocket: the socket merges every creds.update into its creds before anyone else sees it.
    this.ev.on('creds.update', (update) => {
      Object.assign(this.creds, update);
    });
    session.paired = isPairedCreds(this.creds);
    this.after(0, () => {
      this.ev.emit('connection.update', { connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
    });
    this.after(env.timing.connectMs, () => (session.unreachable ? this.connectFailed() : this.websocketUp()));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  waitingForPairing(): boolean {
    return !this.closed && this.wsUp && !isPairedCreds(this.creds);
  }

  /** The SocketLike the adapter sees. */
  toSocketLike(): SocketLike {
    const socket = this;
    return {
      ev: this.ev,
      // As in Baileys, the user is whatever creds.me currently is.
      get user(): Contact | undefined {
        return socket.creds.me;
      },
      end: (error) => this.end(error),
      logout: (msg) => this.logout(msg),
      requestPairingCode: (phone, customCode) => this.requestPairingCode(phone, customCode),
      sendMessage: (jid, content, options) => this.sendMessage(jid, content, options),
      sendPresenceUpdate: (type, toJid) => this.sendPresenceUpdate(type, toJid),
      presenceSubscribe: (jid) => this.presenceSubscribe(jid),
      newsletterCreate: (name, description) => this.newsletterCreate(name, description),
      newsletterFollow: (jid) => this.newsletterFollow(jid),
      updateMediaMessage: (msg) => this.updateMediaMessage(msg),
      fetchMessageHistory: (count, key, oldestTimestamp) => this.fetchMessageHistory(count, key, oldestTimestamp),
      groupMetadata: (jid) => this.groupMetadata(jid),
      readMessages: (keys) => this.readMessages(keys),
    };
  }

  /** Like Baileys: only an open connection can ask the phone; the phone answers through the sandbox media. */
  private async updateMediaMessage(msg: WAMessage): Promise<WAMessage> {
    if (this.closed) throw new SandboxBoom('Connection Closed', 428);
    if (!this.env.reupload) throw new SandboxBoom('media not on the phone', 404);
    return this.env.reupload(msg);
  }

  // ---- timers ----------------------------------------------------------------------------------------------

  /** Runs fn after ms unless the socket closed meanwhile; errors are logged, never thrown into the timer. */
  private after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const handle = this.env.timers.setTimeout(() => {
      this.timeouts.delete(handle);
      if (this.closed) return;
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'sandbox timer failed');
      }
    }, Math.max(0, ms));
    this.timeouts.add(handle);
  }

  private clearTimers(): void {
    for (const handle of this.timeouts) this.env.timers.clearTimeout(handle as never);
    this.timeouts.clear();
  }

  /** Stops everything without emitting (the controller is shutting down). */
  kill(): void {
    this.closed = true;
    this.clearTimers();
    if (this.session.socket === this) this.session.socket = null;
  }

  // ---- connection ------------------------------------------------------------------------------------------

  /**
   * The websocket never came up (simulated unreachable network): what Baileys' mapWebSocketError makes of a
   * ws 'error' such as ETIMEDOUT or EHOSTUNREACH (getCodeFromWSError: an E... code -> 408 timedOut), closing
   * the socket before any QR or 'open'.
   */
  private connectFailed(): void {
    this.session.phone.failedWhileOffline = true;
    const cause = Object.assign(new Error('connect ETIMEDOUT 157.240.0.60:443'), { code: 'ETIMEDOUT' });
    void this.end(new SandboxBoom(`WebSocket Error (${cause.message})`, 408, cause));
  }

  private websocketUp(): void {
    this.wsUp = true;
    if (isPairedCreds(this.creds)) {
      this.openConnection();
      return;
    }
    this.log.info('sandbox: waiting for pairing (QR or pairing code)');
    this.after(this.env.timing.qrFirstMs, () => this.nextQr());
  }

  private nextQr(): void {
    if (isPairedCreds(this.creds)) return;
    const { maxQrCodes, qrRotateMs } = this.env.timing;
    if (maxQrCodes > 0 && this.qrCount >= maxQrCodes) {
      void this.end(new SandboxBoom('QR refs attempts ended', 408));
      return;
    }
    this.qrCount += 1;
    const rng = this.session.rng;
    const b64 = (n: number) => Buffer.from(rng.bytes(n)).toString('base64');
    // Same layout as Baileys' buildPairingQRData: ref,noiseKey,identityKey,advSecret (values simulated).
    const qr = `2@SANDBOX${b64(24)},${b64(32)},${b64(32)},${b64(32)}`;
    this.ev.emit('connection.update', { qr });
    this.after(qrRotateMs, () => this.nextQr());
  }

  private accountSeed(): number {
    return this.env.seedOf(this.session.sessionId);
  }

  /** The phone confirmed the pairing (QR scanned or code entered): what pair-success does in Baileys. */
  completePairing(): void {
    if (!this.waitingForPairing()) return;
    const seedMe = sandboxMe(this.accountSeed());
    const phone = this.pairingPhone ?? seedMe.phone;
    const lidUser = seedMe.lid.split('@')[0]!;
    const rng = this.session.rng;
    const account: proto.IADVSignedDeviceIdentity = {
      details: rng.bytes(40),
      accountSignatureKey: rng.bytes(32),
      accountSignature: rng.bytes(64),
      deviceSignature: rng.bytes(64),
    };
    const previous = (this.creds.additionalData ?? {}) as Record<string, unknown>;
    const update: Partial<Creds> = {
      me: { id: `${phone}:1@s.whatsapp.net`, lid: `${lidUser}:1@lid`, name: SANDBOX_ACCOUNT_NAME },
      account,
      platform: 'sandbox',
      pairingCode: undefined,
      // The history is anchored at the pairing time and kept with the creds, so a restarted gateway
      // replays the same timestamps for a session whose sync was interrupted.
      additionalData: { ...previous, sandbox: { historyEndAt: this.env.now() } },
    };
    this.log.info({ phone }, 'sandbox: paired');
    this.session.paired = true;
    this.ev.emit('creds.update', update);
    this.ev.emit('connection.update', { isNewLogin: true, qr: undefined });
    this.after(this.env.timing.restartAfterPairMs, () => {
      void this.end(new SandboxBoom('Stream Errored (restart required)', 515));
    });
  }

  private openConnection(): void {
    const me = this.creds.me!;
    if (!me.lid) me.lid = `${sandboxMe(this.accountSeed()).lid.split('@')[0]}:1@lid`;
    this.ev.emit('creds.update', { me: { ...me, name: me.name || SANDBOX_ACCOUNT_NAME } });
    this.open = true;
    this.ev.emit('connection.update', { connection: 'open' });
    this.ev.emit('connection.update', { receivedPendingNotifications: true });
    this.log.info('sandbox: connection open');
    const account = this.env.accountFor(this.creds, this.accountSeed());
    const missed = missWhileOffline(this.session.phone, account, () => this.env.liveFor(this.session, account), this.env.now());
    if (missed) this.log.info({ chat: missed.chatJid, count: missed.count }, 'sandbox: messages arrived while offline; the server kept none for this device');
    for (const channel of account.channels) if (channel.owned) this.session.ownedChannels.add(channel.jid);
    const chunks = this.pendingHistory(account);
    if (chunks.length === 0) {
      this.startLive(account);
    } else {
      this.historyRunning = true;
      this.after(this.env.timing.historyStartMs, () => this.sendHistory(account, chunks, 0));
    }
  }

  // ---- history ---------------------------------------------------------------------------------------------

  private pendingHistory(account: SandboxAccount): HistoryChunk[] {
    try {
      if (this.env.historyComplete?.(this.session.sessionId)) return [];
    } catch (err) {
      this.log.warn({ err }, 'sandbox: historyComplete hook failed; checking the creds instead');
    }
    const processed = new Set((this.creds.processedHistoryMessages ?? []).map((m) => m.key?.id));
    return planHistory(account, { phoneOnly: phoneOnlyIds(account) }).filter((chunk) => !processed.has(chunk.notificationKey.id));
  }

  private sendHistory(account: SandboxAccount, chunks: HistoryChunk[], position: number): void {
    const chunk = chunks[position];
    if (!chunk) {
      this.historyRunning = false;
      this.afterHistory(account);
      return;
    }
    const SYNC = proto.HistorySync.HistorySyncType;
    // Baileys emits the status before it downloads and emits the chunk (chats.js upsertMessage).
    if (chunk.syncType === SYNC.INITIAL_BOOTSTRAP) {
      this.ev.emit('messaging-history.status', { syncType: chunk.syncType, status: 'complete', explicit: true });
    }
    if (chunk.syncType === SYNC.RECENT && chunk.progress === 100) {
      this.ev.emit('messaging-history.status', { syncType: chunk.syncType, status: 'complete', explicit: true });
    }
    // isLatest as in process-message.js: true while no history notification has been processed yet.
    const isLatest = !(this.creds.processedHistoryMessages?.length ?? 0);
    const payload: BaileysEventMap['messaging-history.set'] = { ...chunk.build(), isLatest };
    this.ev.emit('messaging-history.set', payload);
    // Recorded after the chunk (Baileys records it before downloading): an interruption in between makes the
    // chunk come again, which ingestion dedupes, instead of losing it.
    this.ev.emit('creds.update', {
      processedHistoryMessages: [
        ...(this.creds.processedHistoryMessages ?? []),
        { key: chunk.notificationKey, messageTimestamp: chunk.notificationTimestamp },
      ],
    });
    this.after(this.env.timing.historyChunkMs, () => this.sendHistory(account, chunks, position + 1));
  }

  /** App-state sync after the history: saved contacts (with the LIDs the address book knows). */
  private afterHistory(account: SandboxAccount): void {
    if (account.savedContacts.length) this.ev.emit('contacts.upsert', account.savedContacts.map((c) => ({ ...c })));
    for (const mapping of account.contactLidPnMappings) this.ev.emit('lid-mapping.update', { ...mapping });
    // Channel metadata as WhatsApp's newsletter 'update' notification carries it (messages-recv.js): history
    // conversations name a channel but the description only comes this way (or from newsletterMetadata).
    for (const channel of account.channels) {
      this.ev.emit('newsletter-settings.update', { id: channel.jid, update: { name: channel.name, description: channel.description } });
    }
    // Baileys fetches every group the account is in when the server marks groups dirty after the first sync
    // (groups.js groupFetchAllParticipating) and emits them as one groups.update.
    this.ev.emit('groups.update', sandboxGroups(account));
    this.ev.emit('creds.update', { accountSyncCounter: (this.creds.accountSyncCounter ?? 0) + 1 });
    this.startLive(account);
  }

  // ---- live traffic ----------------------------------------------------------------------------------------

  private startLive(account: SandboxAccount): void {
    if (this.env.ratePerMinute <= 0) return;
    const live = this.env.liveFor(this.session, account);
    const meanMs = 60_000 / this.env.ratePerMinute;
    const schedule = () => {
      // Jittered but deterministic: the stream's own generator decides the gap.
      const gap = Math.max(50, Math.round(meanMs * (0.5 + live.jitter())));
      this.after(gap, () => {
        this.emitLive(live);
        schedule();
      });
    };
    schedule();
  }

  private emitLive(live: LiveStream): void {
    const event = live.next(this.env.now());
    if (event.type === 'lid-mapping') {
      this.ev.emit('lid-mapping.update', { ...event.mapping });
    } else if (event.type === 'retried') {
      this.receive(event.placeholder, 'notify');
      this.after(Math.min(2_000, this.env.timing.deliveryMs), () => this.receive(event.message, 'notify'));
    } else {
      this.receive(event.message, 'notify');
    }
  }

  /** What Baileys does with a message it decoded (chats.js upsertMessage + process-message.js). */
  private receive(message: WAMessage, type: 'notify' | 'append'): void {
    notePhoneMessage(this.session.phone, message);
    this.ev.emit('messages.upsert', { messages: [message], type });
    if (message.pushName && !message.key.fromMe) {
      const author = jidNormalizedUser(message.key.participant || message.key.remoteJid!);
      this.ev.emit('contacts.update', [{ id: author, notify: message.pushName }]);
    }
    const chat: Partial<Chat> & { id: string } = { id: jidNormalizedUser(message.key.remoteJid!) };
    if (isRealMessage(message)) {
      chat.messages = [{ message }];
      chat.conversationTimestamp = toNumber(message.messageTimestamp ?? 0);
      if (!message.key.fromMe && !message.messageStubType) chat.unreadCount = 1;
    }
    const content = normalizeMessageContent(message.message);
    const protocol = content?.protocolMessage;
    if (protocol?.type === proto.Message.ProtocolMessage.Type.REVOKE && protocol.key?.id) {
      this.ev.emit('messages.update', [
        { key: { ...message.key, id: protocol.key.id }, update: { message: null, messageStubType: WAMessageStubType.REVOKE, key: message.key } },
      ]);
    } else if (protocol?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT && protocol.key?.id) {
      this.ev.emit('messages.update', [
        {
          key: { ...message.key, id: protocol.key.id },
          update: {
            message: { editedMessage: { message: protocol.editedMessage ?? null } },
            messageTimestamp: protocol.timestampMs ? Math.floor(Number(toNumber(protocol.timestampMs)) / 1000) : message.messageTimestamp ?? null,
          },
        },
      ]);
    } else if (content?.reactionMessage) {
      this.ev.emit('messages.reaction', [{ reaction: { ...content.reactionMessage, key: message.key }, key: content.reactionMessage.key! }]);
    }
    if (Object.keys(chat).length > 1) this.ev.emit('chats.update', [chat]);
  }

  // ---- actions ---------------------------------------------------------------------------------------------

  private requireOpen(): void {
    if (this.closed || !this.open) throw new SandboxBoom('Connection Closed', 428);
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.closed) return;
    // An open connection ends: from now on the phone sees what this device does not (offline.ts).
    if (this.open) this.session.phone.offlineSince = this.env.now();
    this.closed = true;
    this.open = false;
    this.clearTimers();
    if (this.session.socket === this) this.session.socket = null;
    this.log.info({ statusCode: (error as SandboxBoom | undefined)?.output?.statusCode, reason: error?.message }, error ? 'sandbox: connection errored' : 'sandbox: connection closed');
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date(this.env.now()) } });
    this.ev.removeAllListeners('connection.update');
  }

  async logout(msg?: string): Promise<void> {
    if (this.closed) throw new SandboxBoom('Connection Closed', 428);
    this.session.paired = false;
    this.session.live = null;
    await this.end(new SandboxBoom(msg || 'Intentional Logout', 401));
    this.session.phone = newPhoneRecord(); // a new pairing is a new device: nothing was "missed" by it
  }

  async requestPairingCode(phoneNumber: string, customPairingCode?: string): Promise<string> {
    if (this.closed || !this.wsUp) throw new SandboxBoom('Connection Closed', 428);
    if (isPairedCreds(this.creds)) throw new SandboxBoom('This sandbox session is already paired', 400);
    if (typeof phoneNumber !== 'string' || !PHONE_DIGITS.test(phoneNumber)) {
      throw new SandboxBoom('Invalid phone number: digits with country code expected', 400);
    }
    if (customPairingCode !== undefined && customPairingCode.length !== 8) {
      throw new Error('Custom pairing code must be exactly 8 chars');
    }
    const code = customPairingCode ?? bytesToCrockford(Buffer.from(this.session.rng.bytes(5)));
    this.pairingPhone = phoneNumber;
    this.creds.pairingCode = code;
    this.creds.me = { id: `${phoneNumber}@s.whatsapp.net`, name: '~' };
    this.ev.emit('creds.update', this.creds);
    this.log.info({ phone: phoneNumber }, 'sandbox: pairing code issued; complete it with pair()');
    return code;
  }

  async sendMessage(jid: string, content: AnyMessageContent, options: MiscMessageGenerationOptions = {}): Promise<WAMessage | undefined> {
    this.requireOpen();
    if (typeof jid !== 'string' || !jidDecode(jid)?.user) throw new SandboxBoom(`Invalid JID: ${String(jid)}`, 400);
    if (REFUSING_RECIPIENT.test(jidDecode(jid)?.user ?? '')) throw new SandboxBoom('Timed Out', 408);
    const me = this.creds.me!;
    const upload: WAMediaUploadFunction = async (encFilePath, { mediaType }) => {
      const name = `sandbox-${this.session.rng.hex(16).toLowerCase()}.enc`;
      const path = `/v/t62.${mediaType}/${name}`;
      // With the sandbox CDN the encrypted file really goes up, as to WhatsApp's media servers. No directPath:
      // Baileys' download prefers it over the url and would go to mmg.whatsapp.net (docs/BAILEYS.md section 7).
      if (this.env.cdnPut) return { mediaUrl: this.env.cdnPut(path, await readFile(encFilePath)), directPath: '' };
      return { mediaUrl: `https://mmg.whatsapp.net${path}`, directPath: path };
    };
    const message = await generateWAMessage(jid, content, {
      logger: this.log,
      userJid: me.id,
      upload,
      timestamp: new Date(this.env.now()),
      ...options,
      messageId: options.messageId ?? generateMessageIDV2(me.id),
    });
    this.requireOpen();
    // rc14 reports nothing on server ack; the echo is what says "sent".
    message.status = WAMessageStatus.SERVER_ACK;
    this.session.sent += 1;
    this.noteReceived(jid, message);
    this.after(0, () => this.receive(message, 'append'));
    this.scheduleReceipts(jid, message);
    return message;
  }

  /** What the contact's phone now shows (the sandbox inspector's `received`, received.ts). */
  private noteReceived(jid: string, message: WAMessage): void {
    const records = this.session.received;
    records.push({ id: message.key.id ?? '', to: jid, ...describeReceived(message), at: this.env.now() });
    if (records.length > MAX_RECEIVED_RECORDS) records.splice(0, records.length - MAX_RECEIVED_RECORDS);
  }

  /** Baileys' readMessages: read receipts to the senders (the sandbox inspector's `readReceipts`). */
  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.requireOpen();
    const byChat = new Map<string, string[]>();
    for (const key of keys) {
      if (!key?.remoteJid || !key.id || key.fromMe) continue;
      const ids = byChat.get(key.remoteJid) ?? [];
      ids.push(key.id);
      byChat.set(key.remoteJid, ids);
    }
    const records = this.session.readReceipts;
    for (const [jid, ids] of byChat) records.push({ jid, ids, at: this.env.now() });
    if (records.length > MAX_RECEIVED_RECORDS) records.splice(0, records.length - MAX_RECEIVED_RECORDS);
  }

  private scheduleReceipts(jid: string, message: WAMessage): void {
    const { deliveryMs, readMs } = this.env.timing;
    const key: WAMessageKey = { remoteJid: message.key.remoteJid, fromMe: true, id: message.key.id };
    const user = jidDecode(jid)?.user ?? '';
    if (FAILING_RECIPIENT.test(user)) {
      this.after(deliveryMs, () => {
        this.ev.emit('messages.update', [{ key, update: { status: WAMessageStatus.ERROR, messageStubParameters: ['463'] } }]);
      });
      return;
    }
    if (jid.endsWith('@newsletter') || jid.endsWith('@broadcast')) return;
    const seconds = () => Math.floor(this.env.now() / 1000);
    if (jid.endsWith('@g.us')) {
      const account = this.env.accountFor(this.creds, this.accountSeed());
      const chat = account.chats.find((c) => c.jid === jid);
      const readers = chat ? chat.people.slice(0, 3).map((p) => (chat.addressing === 'lid' ? p.lid : p.pnJid)) : [];
      for (const participant of readers) {
        this.after(deliveryMs, () => {
          this.ev.emit('message-receipt.update', [{ key: { ...key, participant }, receipt: { userJid: participant, receiptTimestamp: seconds() } }]);
        });
        this.after(deliveryMs + readMs, () => {
          this.ev.emit('message-receipt.update', [{ key: { ...key, participant }, receipt: { userJid: participant, readTimestamp: seconds() } }]);
        });
      }
      return;
    }
    this.after(deliveryMs, () => {
      this.ev.emit('messages.update', [{ key, update: { status: WAMessageStatus.DELIVERY_ACK, messageTimestamp: seconds() } }]);
    });
    this.after(deliveryMs + readMs, () => {
      this.ev.emit('messages.update', [{ key, update: { status: WAMessageStatus.READ, messageTimestamp: seconds() } }]);
      this.maybeReply(jid, message);
    });
  }

  /** Simulated people answer some DMs: typing, then a reply quoting our message. */
  private maybeReply(jid: string, sent: WAMessage): void {
    if (this.env.ratePerMinute <= 0) return;
    const account = this.env.accountFor(this.creds, this.accountSeed());
    const chat: SandboxChat | undefined = account.chats.find((c) => c.kind === 'dm' && (c.jid === jid || c.people[0]!.pnJid === jid || c.people[0]!.lid === jid));
    if (!chat) return;
    const live = this.env.liveFor(this.session, account);
    if (!live.wantsToReply()) return;
    const { replyTypingMs, replyMs } = this.env.timing;
    this.after(replyTypingMs, () => {
      this.ev.emit('presence.update', { id: chat.jid, presences: { [chat.jid]: { lastKnownPresence: 'composing' } } });
      this.after(replyMs, () => {
        this.ev.emit('presence.update', { id: chat.jid, presences: { [chat.jid]: { lastKnownPresence: 'available' } } });
        this.receive(live.replyTo(chat, sent, this.env.now()), 'notify');
      });
    });
  }

  async sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void> {
    this.requireOpen();
    const records = this.session.presence;
    records.push({ jid: toJid ?? '', state: type, at: this.env.now() });
    if (records.length > MAX_PRESENCE_RECORDS) records.splice(0, records.length - MAX_PRESENCE_RECORDS);
  }

  async presenceSubscribe(toJid: string): Promise<void> {
    this.requireOpen();
    if (typeof toJid !== 'string' || toJid.endsWith('@g.us') || toJid.endsWith('@newsletter')) return;
    // People in the sandbox are "online" when asked.
    this.after(0, () => {
      this.ev.emit('presence.update', { id: toJid, presences: { [toJid]: { lastKnownPresence: 'available' } } });
    });
  }

  /**
   * Baileys' fetchMessageHistory (a HISTORY_SYNC_ON_DEMAND peer-data request): the phone answers a moment
   * later with an ON_DEMAND messaging-history.set (on-demand.ts); like Baileys, the call returns the request id.
   */
  async fetchMessageHistory(count: number, key: WAMessageKey, oldestTimestamp: Parameters<typeof toNumber>[0]): Promise<string> {
    this.requireOpen();
    const account = this.env.accountFor(this.creds, this.accountSeed());
    const requestId = `SBXPDO${this.session.rng.hex(8).toUpperCase()}`;
    const at = Number(toNumber(oldestTimestamp));
    this.after(this.env.timing.historyChunkMs, () => {
      const answer = key.remoteJid ? onDemandAnswer(account, key.remoteJid, key.id, at, count, this.session.phone.messages) : null;
      if (answer) this.ev.emit('messaging-history.set', { ...answer, isLatest: false, peerDataRequestSessionId: requestId });
    });
    return requestId;
  }

  /** Baileys' groupMetadata: the group's metadata as the server has it; a group the account is not in -> 404. */
  async groupMetadata(jid: string): Promise<GroupMetadata> {
    this.requireOpen();
    const account = this.env.accountFor(this.creds, this.accountSeed());
    const chat = account.chats.find((c) => c.kind === 'group' && c.jid === jid);
    if (!chat) throw new SandboxBoom('item-not-found', 404, { jid });
    return sandboxGroupMetadata(account, chat);
  }

  async newsletterCreate(name: string, description?: string): Promise<NewsletterMetadata> {
    this.requireOpen();
    if (typeof name !== 'string' || name.trim() === '') throw new SandboxBoom('Channel name is required', 400);
    const rng = this.session.rng;
    let jid = `120363${rng.digits(12)}@newsletter`;
    while (this.session.ownedChannels.has(jid)) jid = `120363${rng.digits(12)}@newsletter`;
    this.session.ownedChannels.add(jid);
    this.session.followedChannels.add(jid);
    const creation = Math.floor(this.env.now() / 1000);
    return {
      id: jid,
      owner: undefined,
      name,
      description: description ?? '',
      invite: rng.hex(8) + rng.hex(14).toLowerCase(),
      creation_time: creation,
      subscribers: 1,
      verification: 'UNVERIFIED',
      mute_state: 'OFF',
      thread_metadata: { creation_time: creation, name, description: description ?? '' },
    };
  }

  async newsletterFollow(jid: string): Promise<unknown> {
    this.requireOpen();
    if (typeof jid !== 'string' || !NEWSLETTER_JID.test(jid)) throw new SandboxBoom(`Invalid newsletter JID: ${String(jid)}`, 400);
    // Idempotent: following twice is fine in the sandbox.
    this.session.followedChannels.add(jid);
    return undefined;
  }
}
