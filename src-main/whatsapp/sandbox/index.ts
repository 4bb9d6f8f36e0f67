/**
 * The sandbox: a simulated WhatsApp account behind the same SocketFactory port as Baileys, so the app, the
 * API, UI tests, demos and benchmarks run without a phone - through the real Baileys adapter and the real
 * ingestion. See socket.ts for what a simulated socket emits, account.ts for the generated data.
 *
 * Usage:
 *   const sandbox = createSandbox({ seed: 1, ratePerMinute: 3, logger });
 *   createBaileysClientFactory({ ..., socketFactory: sandbox.socketFactory, sandbox: true });
 *   sandbox.pair(sessionId);      // "the phone scanned the QR" (or entered the pairing code)
 *   sandbox.state(sessionId);     // paired / waiting / presence the contacts received / sends
 *   sandbox.forget(sessionId);    // session deleted or logged out: drop its simulated phone
 *   sandbox.stop();               // clears every timer (gateway shutdown)
 *
 * History completeness: a socket replays only the history chunks not yet listed in the session's
 * creds.processedHistoryMessages (Baileys' own record of processed history notifications, saved by the
 * adapter on creds.update). `historyComplete(sessionId)` may additionally tell it the gateway already has the
 * whole history (e.g. from sessions.sync_state).
 *
 * Auto-pairing (`wagw serve --sandbox`): `autoPair(sessionId)` is asked when a socket shows its first QR; true
 * pairs it right after the QR event, as if the phone scanned it at once. Nothing polls.
 */
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import type { SandboxMedia } from './media-assets.js';
import type { Logger } from 'pino';
import type { SocketFactory } from '../socket.js';
import { generateSandboxAccount, type SandboxAccount } from './account.js';
import { LiveStream } from './live.js';
import { newPhoneRecord } from './offline.js';
import { Prng, hashString } from './prng.js';
import {
  DEFAULT_SANDBOX_TIMING,
  SandboxBoom,
  SimulatedSocket,
  isPairedCreds,
  type PresenceRecord,
  type ReadReceiptRecord,
  type ReceivedRecord,
  type SandboxEnvironment,
  type SandboxSessionRuntime,
  type SandboxTimers,
  type SandboxTiming,
} from './socket.js';

export interface CreateSandboxOptions {
  seed: number;
  /** The seed of one session's simulated account (default: `seed`); two seeds are two different people. */
  seedFor?: (sessionId: string) => number | null | undefined;
  /** New incoming messages per minute once a session is open and synced; 0 = none. */
  ratePerMinute: number;
  logger: Logger;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Timer functions (default the global ones); tests inject fakes. */
  timers?: SandboxTimers;
  /** Delays of the simulation (tests make them short). */
  timing?: Partial<SandboxTiming>;
  /** Optional: returns true when the gateway already holds this session's complete history. */
  historyComplete?: (sessionId: string) => boolean;
  /** Optional: asked when a session's socket shows its first QR; true pairs the session right away. */
  autoPair?: (sessionId: string) => boolean;
  /**
   * Real encrypted media on a loopback CDN (createSandboxMedia in media-assets.ts, made by the gateway with
   * stateFile <data-dir>/sandbox-media.json): media messages carry it and the socket's updateMediaMessage
   * re-uploads through it. Closed by stop(). Without it media messages carry fake, undownloadable fields.
   */
  media?: SandboxMedia | null;
}

export interface SandboxSessionState {
  paired: boolean;
  waitingForPairing: boolean;
  /** False while the session simulates an unreachable WhatsApp (setReachable). */
  reachable: boolean;
  /** Presence updates the simulated contacts received, newest last (bounded to the last 100). */
  presence: PresenceRecord[];
  /** Messages sent through this session's sockets. */
  sent: number;
  /** Issue 13: what the simulated contacts received (every kind, edits and deletes), newest last, the last 100. */
  received: ReceivedRecord[];
  /** Read receipts the simulated contacts saw, newest last, the last 100. */
  readReceipts: ReadReceiptRecord[];
}

export interface SandboxController {
  socketFactory: SocketFactory;
  /** Simulates the phone scanning the QR / entering the pairing code. False if the session's socket is not waiting. */
  pair(sessionId: string): boolean;
  state(sessionId: string): SandboxSessionState;
  /**
   * Drops the session's current connection as the network would (default 428 connectionClosed), so
   * reconnect handling can be exercised. False when the session has no live socket.
   */
  disconnect(sessionId: string, statusCode?: number): boolean;
  /**
   * Simulates the network between this session and WhatsApp: unreachable, every new socket of the session
   * fails to connect as a real one does without a route (a 408 'WebSocket Error (connect ETIMEDOUT ...)'
   * close before any QR), so the pairing failure path runs for real. The current socket is left alone.
   */
  setReachable(sessionId: string, reachable: boolean): void;
  /**
   * Drops everything the sandbox keeps for a session (its socket, pairing, presence log, live stream,
   * channels): the session was deleted or logged out. A later socket for the same id starts afresh.
   */
  forget(sessionId: string): void;
  /** Stops every simulated socket and clears all timers; no further events are emitted. */
  stop(): void;
}

const ACCOUNT_CACHE_SIZE = 4;

export function createSandbox(opts: CreateSandboxOptions): SandboxController {
  if (!Number.isFinite(opts.seed)) throw new TypeError('sandbox seed must be a finite number');
  if (!Number.isFinite(opts.ratePerMinute) || opts.ratePerMinute < 0) {
    throw new TypeError('sandbox ratePerMinute must be a number >= 0');
  }
  const seed = Math.trunc(opts.seed) >>> 0;
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const logger = opts.logger.child({ sandbox: true });
  const timers: SandboxTimers = opts.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  };
  const sessions = new Map<string, SandboxSessionRuntime>();
  const accounts = new Map<string, SandboxAccount>();
  let stopped = false;
  // Count sessions forgotten and live streams made, so a forgotten session that comes back (logout, then
  // pair again) gets new generator streams instead of replaying its earlier ids.
  let forgotten = 0;
  let liveStreams = 0;

  function seedOf(sessionId: string): number {
    const own = opts.seedFor?.(sessionId);
    return own !== null && own !== undefined && Number.isFinite(own) ? Math.trunc(own) >>> 0 : seed;
  }

  function accountFor(creds: AuthenticationCreds, accountSeed: number = seed): SandboxAccount {
    const additional = creds.additionalData as { sandbox?: { historyEndAt?: unknown } } | undefined;
    const anchored = Number(additional?.sandbox?.historyEndAt);
    const endAt = Number.isFinite(anchored) && anchored > 0 ? anchored : startedAt;
    const mePhone = creds.me?.id?.split(/[:@]/)[0];
    const meLidUser = creds.me?.lid?.split(/[:@]/)[0];
    const cacheKey = `${accountSeed}|${endAt}|${mePhone ?? ''}|${meLidUser ?? ''}`;
    let account = accounts.get(cacheKey);
    if (!account) {
      account = generateSandboxAccount(accountSeed, {
        endAt,
        media: opts.media ?? null,
        ...(mePhone && /^[0-9]+$/.test(mePhone) ? { mePhone } : {}),
        ...(meLidUser && /^[0-9]+$/.test(meLidUser) ? { meLidUser } : {}),
      });
      accounts.set(cacheKey, account);
      if (accounts.size > ACCOUNT_CACHE_SIZE) accounts.delete(accounts.keys().next().value!);
    }
    return account;
  }

  function liveFor(session: SandboxSessionRuntime, account: SandboxAccount): LiveStream {
    if (!session.live || session.live.account !== account) {
      // Mixed with the start time and a per-session counter so neither a restarted gateway nor a re-pairing
      // replays (and collides with) earlier live message ids.
      session.liveGeneration += 1;
      liveStreams += 1;
      session.live = new LiveStream({ account, seed: seed ^ hashString(`${session.sessionId}:${startedAt}:${session.liveGeneration}`) });
    }
    return session.live;
  }

  const env: SandboxEnvironment = {
    seed,
    seedOf,
    ratePerMinute: opts.ratePerMinute,
    timing: { ...DEFAULT_SANDBOX_TIMING, ...opts.timing },
    timers,
    now,
    logger,
    accountFor,
    liveFor,
    historyComplete: opts.historyComplete,
    reupload: opts.media ? (msg) => opts.media!.reupload(msg) : undefined,
    cdnPut: opts.media ? (path, bytes) => opts.media!.cdn.put(path, bytes) : undefined,
  };

  function runtime(sessionId: string): SandboxSessionRuntime {
    let session = sessions.get(sessionId);
    if (!session) {
      session = {
        sessionId,
        paired: false,
        presence: [],
        sent: 0,
        received: [],
        readReceipts: [],
        socket: null,
        rng: new Prng(seed ^ hashString(sessionId), forgotten === 0 ? `session:${startedAt}` : `session:${startedAt}:${forgotten}`),
        live: null,
        // Every earlier stream of this id had a generation <= liveStreams: start above them.
        liveGeneration: forgotten === 0 ? 0 : liveStreams,
        ownedChannels: new Set(),
        followedChannels: new Set(),
        unreachable: false,
        phone: newPhoneRecord(),
      };
      sessions.set(sessionId, session);
    }
    return session;
  }

  const socketFactory: SocketFactory = (options) => {
    if (stopped) throw new Error('the sandbox has been stopped');
    const session = runtime(options.sessionId);
    const previous = session.socket;
    if (previous && !previous.isClosed) {
      // One socket per session, as on WhatsApp: a second login replaces the first (440).
      void previous.end(new SandboxBoom('Connection Replaced', 440));
    }
    const socket = new SimulatedSocket(env, session, options);
    session.socket = socket;
    session.paired = isPairedCreds(options.auth.creds);
    const socketLike = socket.toSocketLike();
    if (opts.autoPair && !session.paired) watchFirstQr(options.sessionId, socket, opts.autoPair);
    return socketLike;
  };

  /** Pairs the session right after its socket's first QR event when autoPair says so. */
  function watchFirstQr(sessionId: string, socket: SimulatedSocket, autoPair: (sessionId: string) => boolean): void {
    let asked = false;
    socket.ev.on('connection.update', (update) => {
      if (asked || !update.qr) return;
      asked = true;
      if (!autoPair(sessionId)) return;
      // After the QR event has reached every listener (the adapter shows it), not inside its emit.
      timers.setTimeout(() => {
        if (!stopped && sessions.get(sessionId)?.socket === socket && socket.waitingForPairing()) {
          socket.completePairing();
          logger.info({ session: sessionId }, 'sandbox paired automatically');
        }
      }, 0);
    });
  }

  return {
    socketFactory,
    pair(sessionId) {
      const socket = sessions.get(sessionId)?.socket;
      if (stopped || !socket || !socket.waitingForPairing()) return false;
      socket.completePairing();
      return true;
    },
    state(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return { paired: false, waitingForPairing: false, reachable: true, presence: [], sent: 0, received: [], readReceipts: [] };
      return {
        paired: session.paired,
        waitingForPairing: !!session.socket?.waitingForPairing(),
        reachable: !session.unreachable,
        presence: session.presence.map((p) => ({ ...p })),
        sent: session.sent,
        received: session.received.map((r) => ({ ...r })),
        readReceipts: session.readReceipts.map((r) => ({ ...r, ids: [...r.ids] })),
      };
    },
    disconnect(sessionId, statusCode = 428) {
      const socket = sessions.get(sessionId)?.socket;
      if (stopped || !socket || socket.isClosed) return false;
      void socket.end(new SandboxBoom('Connection Lost (simulated)', statusCode));
      return true;
    },
    setReachable(sessionId, reachable) {
      runtime(sessionId).unreachable = !reachable;
      logger.info({ session: sessionId, reachable }, reachable ? 'sandbox: network restored' : 'sandbox: WhatsApp unreachable (simulated)');
    },
    forget(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return;
      session.socket?.kill();
      sessions.delete(sessionId);
      forgotten += 1;
    },
    stop() {
      stopped = true;
      for (const session of sessions.values()) session.socket?.kill();
      void opts.media?.close().catch(() => undefined);
    },
  };
}

export { generateSandboxAccount, generateMessages, sandboxMe, SANDBOX_ACCOUNT_NAME, SANDBOX_DEFAULT_END_AT } from './account.js';
export type { SandboxAccount, SandboxChannel, SandboxChat, SandboxMe, SandboxPerson, GenerateAccountOptions, GenerateMessagesOptions } from './account.js';
export { planHistory, type HistoryChunk } from './history.js';
export { DEFAULT_SANDBOX_TIMING, SandboxBoom, type PresenceRecord, type ReadReceiptRecord, type ReceivedRecord, type SandboxTimers, type SandboxTiming } from './socket.js';
