/**
 * The session manager: exactly one WhatsApp client per session, its status, pairing, and the reconnect
 * policy of BAILEYS.md. Every client reports through hooks bound to a generation number; a report from an
 * older generation (a stale socket) is ignored.
 *
 * Over 400 lines on purpose: it is one state machine per session (runtime, generation, reconnect timer, QR
 * waiters) whose commands and client reports must see the same closure; split apart, the generation rule would
 * be spread over files. Capabilities and organizations of callers are checked above it, in src-main/app.
 */
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import { AppError, ConflictError, NotFoundError, NotImplementedError, UpstreamError } from '../core/errors.js';
import { sessionDeletedPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import type { Session, SessionStatus } from '../core/types.js';
import type { AccountIdentity, ClientUpdate, WhatsAppClient, WhatsAppClientFactory } from '../core/whatsapp-port.js';
import type { CreateSessionInput, SessionControl } from '../app/ports.js';
import type { Store } from '../store/index.js';
import { lastErrorOf, type SessionRow } from '../store/repositories/sessions.js';
import { decideAfterClose, type CloseError } from './reconnect-policy.js';
import { defaultLabel, identityPatch, lastErrorPatch, newSandboxSeed } from './session-rows.js';
import type { ConnectionSummary } from './types.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Runtime {
  generation: number;
  client: WhatsAppClient | undefined;
  live: boolean;
  qr: { code: string; expiresAt: number } | undefined;
  attempt: number;
  /** The current client showed a QR code (it reached WhatsApp): decides what a close of an unpaired session means. */
  qrShown: boolean;
  reconnectTimer: unknown;
  /** Resolvers waiting for the socket to be up (first QR), for phone pairing codes. */
  qrWaiters: (() => void)[];
}

export interface SessionManagerDeps {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  baileysFactory: WhatsAppClientFactory;
  sandboxFactory: WhatsAppClientFactory | null;
  now?: () => number;
  timers?: Timers;
  random?: () => number;
  /** Called after a session is deleted (drop per-session caches). */
  onDeleted?: (sessionId: string) => void;
}

export type SessionManager = SessionControl & {
  /** Restarts every session that was running and paired when the gateway last stopped. */
  resumeAll(): void;
  stopAll(): Promise<void>;
  onSummary(listener: (s: ConnectionSummary) => void): () => void;
  /** Session status as the API shows it (tests, CLI). */
  toSession(row: SessionRow): Session;
};

const PAIRING_WAIT_MS = 15_000;

export function createSessionManager(deps: SessionManagerDeps): SessionManager {
  const { store, publisher, logger } = deps;
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? realTimers;
  const runtimes = new Map<string, Runtime>();
  const summaryListeners = new Set<(s: ConnectionSummary) => void>();

  const runtime = (id: string): Runtime => {
    let r = runtimes.get(id);
    if (!r) {
      r = { generation: 0, client: undefined, live: false, qr: undefined, attempt: 0, qrShown: false, reconnectTimer: undefined, qrWaiters: [] };
      runtimes.set(id, r);
    }
    return r;
  };

  const toSession = (row: SessionRow): Session => {
    const r = runtimes.get(row.id);
    return {
      id: row.id,
      label: row.label,
      status: row.status,
      live: r?.live ?? false,
      sandbox: row.sandbox === 1,
      phoneNumber: row.phone_number,
      waJid: row.wa_jid,
      waLid: row.wa_lid,
      autoRead: row.auto_read === 1,
      presenceTyping: row.presence_typing === 1,
      organizationId: row.organization_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lastConnectedAt: row.last_connected_at,
      sync: { state: row.sync_state, progress: row.sync_progress },
      lastError: lastErrorOf(row),
    };
  };

  const summary = (): ConnectionSummary => {
    const rows = store.sessions.listAll();
    return {
      sessions: rows.length,
      working: rows.filter((r) => r.status === 'working').length,
      needsAttention: rows.filter((r) => ['scan_qr_code', 'failed', 'logged_out'].includes(r.status)).length,
    };
  };

  const emitStatus = (row: SessionRow | undefined) => {
    if (!row) return;
    publisher.publish({
      event: 'session.status',
      sessionId: row.id,
      organizationId: row.organization_id,
      payload: toSession(row),
    });
    if (summaryListeners.size) {
      const s = summary();
      for (const l of summaryListeners) {
        try {
          l(s);
        } catch (err) {
          logger.warn({ err }, 'connection summary listener failed');
        }
      }
    }
  };

  const setStatus = (id: string, status: SessionStatus, extra: Parameters<Store['sessions']['update']>[1] = {}) => {
    const row = store.sessions.update(id, { status, ...extra }, now());
    emitStatus(row);
    return row;
  };

  const requireRow = (organizationId: string, id: string): SessionRow => {
    const row = store.sessions.getInOrg(id, organizationId);
    if (!row) throw new NotFoundError('session not found', { sessionId: id });
    return row;
  };

  /** The columns of a session's lastError, stamped now (null clears it). */
  const errorPatch = (error: CloseError | null) => lastErrorPatch(error, now());

  function onUpdate(id: string, generation: number, update: ClientUpdate): void {
    const r = runtime(id);
    if (r.generation !== generation) return; // a stale socket
    const row = store.sessions.get(id);
    if (!row) return;
    const log = logger.child({ session: id, sandbox: row.sandbox === 1 });
    switch (update.kind) {
      case 'connecting':
        if (row.status !== 'starting') setStatus(id, 'starting');
        return;
      case 'qr': {
        r.qr = { code: update.code, expiresAt: update.expiresAt };
        r.qrShown = true;
        for (const w of r.qrWaiters.splice(0)) w();
        // The code before the status: a UI that sees scan_qr_code already has it and need not ask (GET .../qr).
        publisher.publish({
          event: 'auth.qr',
          sessionId: id,
          organizationId: row.organization_id,
          payload: { code: update.code, expiresAt: update.expiresAt },
        });
        // A code on screen means WhatsApp answered: an earlier connection error is over.
        if (row.status !== 'scan_qr_code' || row.last_error_code !== null) setStatus(id, 'scan_qr_code', errorPatch(null));
        return;
      }
      case 'paired':
        log.info({ jid: update.me.jid }, 'paired');
        r.qr = undefined;
        setStatus(id, 'starting', identityPatch(update.me, row));
        return;
      case 'open':
        log.info('connected');
        r.live = true;
        r.attempt = 0;
        r.qr = undefined;
        setStatus(id, 'working', { ...identityPatch(update.me, row), lastConnectedAt: now(), ...errorPatch(null) });
        return;
      case 'closed': {
        r.live = false;
        r.client = undefined;
        r.qr = undefined;
        const paired = row.wa_jid !== null;
        const decision = decideAfterClose(update.statusCode, {
          paired,
          attempt: r.attempt,
          qrShown: r.qrShown,
          ...(deps.random ? { random: deps.random } : {}),
        });
        // Our own end and a 515 restart leave the last error as it was; anything else is the new one.
        const error = decision.error ? errorPatch(decision.error) : {};
        if (decision.action === 'reconnect') {
          r.attempt += 1;
          log.info({ code: update.statusCode, reason: decision.reason, delayMs: decision.delayMs, attempt: r.attempt }, 'reconnecting');
          if (decision.wipeAuth) {
            store.authState.clear(id);
            setStatus(id, decision.status, { waJid: null, waLid: null, phoneNumber: null, ...error });
          } else if (row.status !== decision.status || decision.error) {
            setStatus(id, decision.status, error);
          }
          r.reconnectTimer = timers.setTimeout(() => {
            r.reconnectTimer = undefined;
            if (r.generation === generation) connect(id);
          }, decision.delayMs);
          return;
        }
        log.warn({ code: update.statusCode, reason: decision.reason, attempts: r.attempt + 1 }, 'connection closed; not reconnecting');
        r.generation += 1;
        r.attempt = 0;
        if (decision.wipeAuth) {
          store.authState.clear(id);
          setStatus(id, decision.status, { waJid: null, waLid: null, phoneNumber: null, desiredRunning: false, ...error });
        } else {
          // An unpaired session that gave up pairing does not come back by itself at the next start.
          const keepRunning = paired && decision.status !== 'stopped' && row.desired_running === 1;
          setStatus(id, decision.status, { desiredRunning: keepRunning, ...error });
        }
        return;
      }
    }
  }

  function connect(id: string): void {
    const row = store.sessions.get(id);
    if (!row) return;
    const r = runtime(id);
    r.generation += 1;
    r.qrShown = false;
    const generation = r.generation;
    const factory = row.sandbox === 1 ? deps.sandboxFactory : deps.baileysFactory;
    if (!factory) {
      setStatus(id, 'failed', errorPatch({ code: 'client_error', reason: 'This kind of session cannot run in this gateway' }));
      logger.error({ session: id }, 'no client factory for this kind of session');
      return;
    }
    let client: WhatsAppClient;
    try {
      client = factory({
        sessionId: id,
        organizationId: row.organization_id,
        fullHistory: row.full_history === 1,
        hooks: { onUpdate: (u) => onUpdate(id, generation, u) },
      });
    } catch (err) {
      logger.error({ err, session: id }, 'could not create a WhatsApp client');
      setStatus(id, 'failed', errorPatch({ code: 'client_error', reason: `Could not create a WhatsApp client: ${String((err as Error)?.message ?? err).slice(0, 200)}` }));
      return;
    }
    r.client = client;
    client.connect().catch((err: unknown) => {
      if (r.generation !== generation) return;
      logger.error({ err, session: id }, 'connect failed');
      onUpdate(id, generation, { kind: 'closed', statusCode: 500, reason: 'connect failed' });
    });
  }

  /** Ends the current client on purpose; its later reports are ignored. */
  async function disconnect(id: string): Promise<void> {
    const r = runtime(id);
    r.generation += 1;
    if (r.reconnectTimer !== undefined) timers.clearTimeout(r.reconnectTimer);
    r.reconnectTimer = undefined;
    const client = r.client;
    r.client = undefined;
    r.live = false;
    r.qr = undefined;
    r.attempt = 0;
    for (const w of r.qrWaiters.splice(0)) w();
    if (client) {
      try {
        await client.close();
      } catch (err) {
        logger.warn({ err, session: id }, 'closing the client failed');
      }
    }
  }

  const isRunning = (id: string) => {
    const r = runtimes.get(id);
    return !!r && (r.client !== undefined || r.reconnectTimer !== undefined);
  };

  function start(organizationId: string, id: string): Session {
    requireRow(organizationId, id);
    if (isRunning(id)) return toSession(store.sessions.get(id)!);
    runtime(id).attempt = 0; // a new pairing run (or connection) gets its full number of attempts
    const row = setStatus(id, 'starting', { desiredRunning: true });
    connect(id);
    return toSession(store.sessions.get(id) ?? row!);
  }

  async function stop(organizationId: string, id: string): Promise<Session> {
    const row = requireRow(organizationId, id);
    await disconnect(id);
    const status: SessionStatus = row.status === 'logged_out' ? 'logged_out' : 'stopped';
    return toSession(setStatus(id, status, { desiredRunning: false })!);
  }

  return {
    toSession,
    create(input: CreateSessionInput): Session {
      const sandbox = input.sandbox === true;
      if (sandbox && !deps.sandboxFactory) throw new NotImplementedError('the sandbox is not available');
      const id = ulid();
      const row = store.sessions.create({
        id,
        organizationId: input.organizationId,
        label: input.label ?? defaultLabel(store.sessions.listByOrg(input.organizationId), sandbox),
        labelAuto: input.label === undefined,
        sandbox,
        sandboxSeed: sandbox ? newSandboxSeed(store, id) : null,
        fullHistory: input.fullHistory ?? false,
        autoRead: input.autoRead ?? false,
        presenceTyping: input.presenceTyping ?? false,
        now: now(),
      });
      logger.info({ session: row.id, sandbox }, sandbox ? 'sandbox session created' : 'session created');
      if (input.start) return start(input.organizationId, row.id);
      emitStatus(row);
      return toSession(row);
    },
    get(organizationId, id) {
      return toSession(requireRow(organizationId, id));
    },
    list(organizationId) {
      return store.sessions.listByOrg(organizationId).map(toSession);
    },
    start,
    stop,
    restart(organizationId, id) {
      requireRow(organizationId, id);
      void disconnect(id).then(() => {
        if (!store.sessions.get(id)) return;
        setStatus(id, 'starting', { desiredRunning: true });
        connect(id);
      });
      return toSession(setStatus(id, 'starting', { desiredRunning: true })!);
    },
    async logout(organizationId, id) {
      const row = requireRow(organizationId, id);
      const r = runtime(id);
      const client = r.live ? r.client : undefined;
      r.generation += 1; // the close that follows a logout is expected: don't reconnect
      if (client) {
        try {
          await client.logout();
        } catch (err) {
          logger.warn({ err, session: id }, 'logout on WhatsApp failed; unpairing locally');
        }
      }
      await disconnect(id);
      store.authState.clear(id);
      if (row.status === 'logged_out' && row.wa_jid === null) return toSession(row);
      // Logged out on purpose: not an error to show.
      return toSession(
        setStatus(id, 'logged_out', { waJid: null, waLid: null, phoneNumber: null, desiredRunning: false, ...errorPatch(null) })!,
      );
    },
    async delete(organizationId, id) {
      const row = requireRow(organizationId, id);
      await disconnect(id);
      runtimes.delete(id);
      store.sessions.delete(id);
      deps.onDeleted?.(id);
      logger.info({ session: id }, 'session deleted');
      publisher.publish({
        event: 'session.status',
        sessionId: id,
        organizationId: row.organization_id,
        payload: sessionDeletedPayload(toSession(row)),
      });
    },
    qr(organizationId, id) {
      const row = requireRow(organizationId, id);
      if (row.wa_jid) throw new ConflictError('session is already paired', { sessionId: id });
      const r = runtime(id);
      if (r.qr && r.qr.expiresAt > now()) return r.qr;
      if (!isRunning(id)) start(organizationId, id);
      throw new NotFoundError('no QR code yet: pairing has started, retry in a moment', { sessionId: id });
    },
    async pairingCode(organizationId, id, phone) {
      const row = requireRow(organizationId, id);
      if (row.wa_jid) throw new ConflictError('session is already paired', { sessionId: id });
      if (!isRunning(id)) start(organizationId, id);
      const r = runtime(id);
      if (!r.qr) {
        // The code can only be requested once the socket is up, which the first QR signals.
        await new Promise<void>((resolve) => {
          const t = timers.setTimeout(resolve, PAIRING_WAIT_MS);
          r.qrWaiters.push(() => {
            timers.clearTimeout(t);
            resolve();
          });
        });
      }
      const client = r.client;
      if (!client || !r.qr) throw new UpstreamError('WhatsApp did not become ready for pairing; try again');
      try {
        return { code: await client.requestPairingCode(phone) };
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new UpstreamError('WhatsApp refused the pairing code request', { reason: String((err as Error).message ?? err) });
      }
    },
    liveClient(id) {
      const r = runtimes.get(id);
      return r?.live ? r.client : undefined;
    },
    resumeAll() {
      for (const row of store.sessions.listAll()) {
        const shouldRun = row.desired_running === 1 && (row.wa_jid !== null || row.sandbox === 1);
        if (shouldRun) {
          setStatus(row.id, 'starting');
          connect(row.id);
        } else if (['starting', 'scan_qr_code', 'working'].includes(row.status)) {
          // Left over from a previous run that did not stop cleanly.
          setStatus(row.id, 'stopped', { desiredRunning: false });
        }
      }
    },
    async stopAll() {
      await Promise.all([...runtimes.keys()].map((id) => disconnect(id)));
    },
    onSummary(listener) {
      summaryListeners.add(listener);
      return () => summaryListeners.delete(listener);
    },
  };
}
