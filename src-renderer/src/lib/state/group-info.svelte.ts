/**
 * The group info panel's state (GroupInfo.svelte): one group's metadata and participants, loaded when the panel
 * opens (the gateway asks WhatsApp first when the session is live). The single writer of these fields.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { GroupInfo } from '../api/types.js';

export class GroupInfoState {
  group = $state<GroupInfo | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private request = 0;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
    readonly jid: string,
  ) {}

  /** Loads (again); an older answer never replaces a newer one. */
  async load(): Promise<void> {
    const mine = ++this.request;
    this.loading = true;
    this.error = null;
    try {
      const group = await this.api.getGroup(this.sessionId, this.jid);
      if (mine === this.request) this.group = group;
    } catch (error) {
      if (mine === this.request) this.error = describeError(error);
    } finally {
      if (mine === this.request) this.loading = false;
    }
  }
}

/** How a role reads in the panel; members carry no badge. */
export function roleLabel(role: GroupInfo['participants'][number]['role']): string | null {
  return role === 'superadmin' ? 'Group owner' : role === 'admin' ? 'Admin' : null;
}
