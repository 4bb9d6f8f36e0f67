/**
 * What the session manager writes into a session's row besides its status: the label and sandbox seed of a new
 * session, the identity of a connected account, and the lastError columns. Pure functions of their inputs; the
 * state machine that decides when to write them is session-manager.ts.
 */
import { formatPhoneNumber } from '../core/phone.js';
import type { AccountIdentity } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import type { SessionRow } from '../store/repositories/sessions.js';
import type { CloseError } from './reconnect-policy.js';

/**
 * The label of a new session nobody named: "Sandbox", "Sandbox 2", ... or "WhatsApp 1", "WhatsApp 2", ... (the
 * first number no session of the organization uses), so two sessions never read the same in a list.
 */
export function defaultLabel(existing: SessionRow[], sandbox: boolean): string {
  const taken = new Set(existing.map((s) => s.label));
  const base = sandbox ? 'Sandbox' : 'WhatsApp';
  if (sandbox && !taken.has(base)) return base;
  for (let n = sandbox ? 2 : 1; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
}

/**
 * The simulated account of a new sandbox session: the first sandbox session gets seed 1 (what
 * `serve --sandbox-seed` replaces, whatsapp-runtime.ts), every later one a seed of its own derived from its
 * id, so two sandbox sessions are two different people with different chats.
 */
export function newSandboxSeed(store: Store, id: string): number {
  const taken = new Set(store.sessions.listAll().filter((s) => s.sandbox === 1).map((s) => s.sandbox_seed));
  if (taken.size === 0) return 1;
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  let seed = (h >>> 1) || 2;
  while (taken.has(seed)) seed = (seed % (2 ** 31 - 2)) + 2;
  return seed;
}

/** The identity of a connected account; a label the gateway chose becomes the phone number once paired. */
export function identityPatch(me: AccountIdentity, row: SessionRow) {
  return {
    waJid: me.jid,
    waLid: me.lid,
    phoneNumber: me.phoneNumber,
    // A sandbox keeps "Sandbox N": it is not a phone.
    ...(row.label_auto === 1 && row.sandbox === 0 && me.phoneNumber ? { label: formatPhoneNumber(me.phoneNumber) } : {}),
  };
}

/** The columns of a session's lastError (null clears it). */
export function lastErrorPatch(error: CloseError | null, at: number) {
  return error
    ? { lastErrorCode: error.code, lastErrorReason: error.reason, lastErrorAt: at }
    : { lastErrorCode: null, lastErrorReason: null, lastErrorAt: null };
}
