/** Sessions: one attached WhatsApp number (or sandbox account) each, as a caller of an organization sees them. */
import { ConflictError, NotFoundError, NotImplementedError } from '../core/errors.js';
import type { Principal, Session } from '../core/types.js';
import type { WhatsAppClient } from '../core/whatsapp-port.js';
import { requireCapability, type Input } from './access.js';
import type { CreateSessionInput, SandboxControls, SandboxState, SessionControl } from './ports.js';

export type SessionAction = 'start' | 'stop' | 'restart' | 'logout';

export interface SessionMe {
  connected: boolean;
  phoneNumber: string | null;
  sessionId: string;
  status: Session['status'];
  waJid: string | null;
  waLid: string | null;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService(deps: { control: SessionControl; sandbox: SandboxControls | null }) {
  const { control } = deps;

  /** The session in the caller's organization (another org's session is not_found, never forbidden). */
  const inOrg = (p: Principal, sessionId: string): Session => control.get(p.organizationId, sessionId);

  const sandboxOf = (p: Principal, sessionId: string) => {
    const s = inOrg(p, sessionId);
    if (!s.sandbox || !deps.sandbox) throw new NotFoundError('not a sandbox session', { sessionId: s.id });
    return { session: s, sandbox: deps.sandbox };
  };

  return {
    /** For the other services: a read of the session after their own capability check. */
    inOrg,

    /** The live client of a session, or not_implemented (the last step of the check order). */
    liveClient(session: Session): WhatsAppClient {
      const client = control.liveClient(session.id);
      if (!client) throw new NotImplementedError('the session has no live WhatsApp client', { sessionId: session.id });
      return client;
    },

    /** The live client of a session, or null (actions that are optional without one, such as read receipts). */
    liveClientOrNull(session: Session): WhatsAppClient | null {
      return control.liveClient(session.id) ?? null;
    },

    list(p: Principal): Session[] {
      requireCapability(p, 'read');
      return control.list(p.organizationId);
    },

    create(p: Principal, input: Input<Omit<CreateSessionInput, 'organizationId'>>): Session {
      requireCapability(p, 'manage');
      return control.create({ organizationId: p.organizationId, ...input() });
    },

    get(p: Principal, sessionId: string): Session {
      requireCapability(p, 'read');
      return inOrg(p, sessionId);
    },

    async delete(p: Principal, sessionId: string): Promise<void> {
      requireCapability(p, 'manage');
      const s = inOrg(p, sessionId);
      await control.delete(p.organizationId, s.id);
    },

    async act(p: Principal, sessionId: string, action: SessionAction): Promise<Session> {
      requireCapability(p, 'manage');
      const s = inOrg(p, sessionId);
      return control[action](p.organizationId, s.id);
    },

    qr(p: Principal, sessionId: string): { code: string; expiresAt: number } {
      requireCapability(p, 'manage');
      const s = inOrg(p, sessionId);
      return control.qr(p.organizationId, s.id);
    },

    async pairingCode(p: Principal, sessionId: string, input: Input<{ phone: string }>): Promise<{ code: string }> {
      requireCapability(p, 'manage');
      const s = inOrg(p, sessionId);
      return control.pairingCode(p.organizationId, s.id, input().phone);
    },

    me(p: Principal, sessionId: string): SessionMe {
      requireCapability(p, 'read');
      const s = inOrg(p, sessionId);
      if (!s.waJid) throw new NotFoundError('session is not paired', { sessionId: s.id });
      return {
        connected: s.live,
        phoneNumber: s.phoneNumber,
        sessionId: s.id,
        status: s.status,
        waJid: s.waJid,
        waLid: s.waLid,
      };
    },

    sandboxState(p: Principal, sessionId: string): SandboxState {
      requireCapability(p, 'read');
      const { session, sandbox } = sandboxOf(p, sessionId);
      return sandbox.state(session.id);
    },

    /** Simulates (un)reachable WhatsApp for a sandbox session's next connections. */
    sandboxNetwork(p: Principal, sessionId: string, input: Input<{ reachable: boolean }>): SandboxState {
      requireCapability(p, 'manage');
      const { session, sandbox } = sandboxOf(p, sessionId);
      sandbox.setReachable(session.id, input().reachable);
      return sandbox.state(session.id);
    },

    sandboxPair(p: Principal, sessionId: string): void {
      requireCapability(p, 'manage');
      const { session, sandbox } = sandboxOf(p, sessionId);
      if (!sandbox.pair(session.id)) throw new ConflictError('the sandbox session is not waiting for pairing');
    },
  };
}
