/**
 * Baileys auth state in SQLite (BAILEYS.md section 2) instead of useMultiFileAuthState, whose file writes are not
 * atomic. Creds are one row per session; signal keys are rows of wa_auth_keys. Values are BufferJSON strings.
 *
 * Atomicity: Baileys commits each key transaction with ONE keys.set, and the repository writes one set in one
 * SQLite transaction, so a crash never leaves half a commit behind (the cause of "Bad MAC" sessions).
 */
import {
  BufferJSON,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { AuthStateRepository } from '../../store/repositories/auth-state.js';

export interface SqliteAuthState {
  /** Hand this to makeWASocket as `auth`. `state.creds` is the live object Baileys mutates. */
  state: AuthenticationState;
  /** Persists the whole (already mutated) creds object; call on every creds.update. */
  saveCreds(): void;
  /** Deletes this session's creds and keys (401 logged out) and starts over in memory with fresh creds. */
  clear(): void;
  /**
   * Abandons an unfinished pairing: fresh creds (initAuthCreds) are persisted and keys dropped. Needed after
   * requestPairingCode, which writes creds.me before pairing completes; with that half-state the next socket
   * would try to log in instead of showing a QR.
   */
  resetCreds(): void;
  /** True once WhatsApp accepted this device (creds.account is set at pair-success in both flows). */
  isPaired(): boolean;
}

/** True when creds belong to a paired device. */
export function credsArePaired(creds: AuthenticationCreds): boolean {
  // creds.me alone is not enough: requestPairingCode sets it (and `registered` flips when the phone answers)
  // before pair-success; creds.account only exists once the companion identity was signed.
  return Boolean(creds.account && creds.me?.id);
}

export function serialiseAuthValue(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function reviveAuthValue(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver) as unknown;
}

/**
 * Builds the auth state of one session. Call once per connection attempt: each call makes its own cacheable
 * key store, whose in-memory cache keys carry no session prefix and so must never be shared between sessions.
 */
export function createSqliteAuthState(repo: AuthStateRepository, sessionId: string, logger: Logger): SqliteAuthState {
  const log = logger.child({ sessionId, component: 'auth-state' });

  const loadCreds = (): AuthenticationCreds => {
    const stored = repo.getCreds(sessionId);
    if (stored === undefined) return initAuthCreds();
    try {
      return reviveAuthValue(stored) as AuthenticationCreds;
    } catch {
      // Starting over silently would unpair the user behind their back; make them log out on purpose.
      throw new AppError(
        'internal',
        'the stored WhatsApp credentials of this session are unreadable; log the session out and pair it again',
        { sessionId },
      );
    }
  };

  // Each key store belongs to one generation of the identity. clear()/resetCreds() start a new generation; a
  // socket still winding down holds the old store, whose late writes must not resurrect wiped keys.
  let generation = 0;
  const sqliteKeys = (ownGeneration: number): SignalKeyStore => ({
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0 || ownGeneration !== generation) return out;
      for (const [id, text] of repo.getKeys(sessionId, type, ids)) {
        try {
          let value = reviveAuthValue(text);
          if (type === 'app-state-sync-key' && value) {
            // Baileys reads this one as a protobuf message, not a plain object.
            value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
          }
          out[id] = value as SignalDataTypeMap[T];
        } catch (err) {
          // A missing key is something Baileys recovers from (it re-requests or re-creates); a throw is not.
          log.error({ type, id, err: (err as Error).message }, 'unreadable signal key skipped');
        }
      }
      return out;
    },
    set(data: SignalDataSet) {
      if (ownGeneration !== generation) {
        log.debug('signal key write after the auth state was wiped; dropped');
        return;
      }
      const entries: { type: string; id: string; value: string | null }[] = [];
      for (const type of Object.keys(data) as (keyof SignalDataSet)[]) {
        const byId = data[type];
        if (!byId) continue;
        for (const id of Object.keys(byId)) {
          const value = byId[id];
          entries.push({ type, id, value: value === null || value === undefined ? null : serialiseAuthValue(value) });
        }
      }
      // One repository call = one SQLite transaction for the whole commit.
      if (entries.length) repo.setKeys(sessionId, entries);
    },
  });

  const state: AuthenticationState = {
    creds: loadCreds(),
    keys: makeCacheableSignalKeyStore(sqliteKeys(generation), log),
  };

  const freshStart = (persist: boolean) => {
    const creds = initAuthCreds();
    // Two statements, not one transaction, and that is fine: a crash in between leaves no creds row, and a
    // missing row loads as initAuthCreds() too - the same unpaired state.
    repo.clear(sessionId);
    if (persist) repo.saveCreds(sessionId, serialiseAuthValue(creds));
    generation += 1;
    // A new cache too: the old one still holds keys of the identity we just dropped.
    state.creds = creds;
    state.keys = makeCacheableSignalKeyStore(sqliteKeys(generation), log);
  };

  return {
    state,
    saveCreds() {
      repo.saveCreds(sessionId, serialiseAuthValue(state.creds));
    },
    clear() {
      freshStart(false);
    },
    resetCreds() {
      freshStart(true);
    },
    isPaired() {
      return credsArePaired(state.creds);
    },
  };
}
