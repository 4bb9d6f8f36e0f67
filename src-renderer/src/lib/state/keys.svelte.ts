/** The organization's API keys (GET/POST /keys, DELETE /keys/{id}). */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { ApiKeyInfo, Capability, CreatedApiKey } from '../api/types.js';

export class KeysState {
  list = $state.raw<ApiKeyInfo[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The key just created, whose secret is shown once. */
  justCreated = $state<CreatedApiKey | null>(null);

  constructor(private readonly api: ApiClient) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.list = (await this.api.listKeys()).filter((k) => !k.revokedAt);
      this.error = null;
      this.loaded = true;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async create(name: string, capabilities: Capability[]): Promise<void> {
    const created = await this.api.createKey(name, capabilities);
    this.justCreated = created;
    const { secret: _secret, ...info } = created;
    this.list = [...this.list.filter((k) => k.id !== info.id), info];
  }

  async revoke(id: string): Promise<void> {
    await this.api.revokeKey(id);
    this.list = this.list.filter((k) => k.id !== id);
    if (this.justCreated?.id === id) this.justCreated = null;
  }

  dismissSecret(): void {
    this.justCreated = null;
  }
}
