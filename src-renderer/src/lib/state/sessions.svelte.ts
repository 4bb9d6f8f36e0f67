/**
 * The organization's WhatsApp sessions, kept current by realtime `session.status`, `sync.progress` and
 * `auth.qr` events, with the latest QR code per session.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { QrCodeGrant, Session, SessionAction, StorageUsage, SyncState } from '../api/types.js';

export class SessionsState {
  list = $state.raw<Session[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Latest QR per session id (from auth.qr events or GET .../qr). */
  qr = $state.raw<Record<string, QrCodeGrant>>({});

  /** GET .../storage per session id, shown on the session card (absent: not loaded or not served). */
  storage = $state.raw<Record<string, StorageUsage>>({});
  private storageTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per session: the number of the last storage request sent, and of the one whose answer is shown. */
  private storageSent = new Map<string, number>();
  private storageShown = new Map<string, number>();

  constructor(private readonly api: ApiClient) {}

  /** Loads a session's storage usage; a gateway without the route leaves the card without it. */
  async loadStorage(id: string): Promise<void> {
    // Answers can come back out of order (a throttled refresh sent before a cap change, answered after the
    // refresh that follows it): an older answer never replaces a newer one.
    const seq = (this.storageSent.get(id) ?? 0) + 1;
    this.storageSent.set(id, seq);
    try {
      const usage = await this.api.getStorage(id);
      if (seq < (this.storageShown.get(id) ?? 0)) return;
      this.storageShown.set(id, seq);
      this.storage = { ...this.storage, [id]: usage };
    } catch {
      // Not served (older gateway) or the session is gone: nothing to show.
    }
  }

  /** A file arrived or failed: re-read the usage shortly (throttled, downloads come in bursts). */
  storageChanged(id: string): void {
    if (!(id in this.storage) || this.storageTimers.has(id)) return;
    this.storageTimers.set(
      id,
      setTimeout(() => {
        this.storageTimers.delete(id);
        void this.loadStorage(id);
      }, 1000),
    );
  }

  get(id: string | null): Session | undefined {
    return id === null ? undefined : this.list.find((s) => s.id === id);
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.list = await this.api.listSessions();
      this.error = null;
      this.loaded = true;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  upsert(session: Session): void {
    if (!session || typeof session.id !== 'string') return;
    const at = this.list.findIndex((s) => s.id === session.id);
    if (at < 0) this.list = [...this.list, session];
    else this.list = this.list.map((s) => (s.id === session.id ? { ...s, ...session } : s));
    // A paired or stopped session has no QR to show any more.
    if (session.status !== 'scan_qr_code' && session.status !== 'starting') this.clearQr(session.id);
  }

  remove(id: string): void {
    this.list = this.list.filter((s) => s.id !== id);
    this.clearQr(id);
  }

  applySync(id: string, sync: { state: SyncState; progress: number }): void {
    this.list = this.list.map((s) => (s.id === id ? { ...s, sync: { state: sync.state, progress: sync.progress } } : s));
  }

  setQr(id: string, grant: QrCodeGrant): void {
    if (typeof grant?.code !== 'string' || grant.code === '') return;
    if (this.qr[id]?.code === grant.code) return;
    this.qr = { ...this.qr, [id]: grant };
  }

  clearQr(id: string): void {
    if (!(id in this.qr)) return;
    const next = { ...this.qr };
    delete next[id];
    this.qr = next;
  }

  async create(body: Parameters<ApiClient['createSession']>[0]): Promise<Session> {
    const session = await this.api.createSession(body);
    this.upsert(session);
    return session;
  }

  async act(id: string, action: SessionAction): Promise<void> {
    const session = await this.api.sessionAction(id, action);
    this.upsert(session);
  }

  async delete(id: string): Promise<void> {
    await this.api.deleteSession(id);
    this.remove(id);
  }
}
