/** The Activity view's state: the audit log of MCP tool calls (GET /audit), newest first, one page at a time. */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { AuditEntry } from '../api/types.js';

const PAGE = 50;

export class ActivityState {
  list = $state.raw<AuditEntry[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: ApiClient) {}

  /** The newest page (again): what the view shows on open and on Refresh. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const page = await this.api.listAudit({ limit: PAGE });
      this.list = page.data;
      this.nextCursor = page.nextCursor;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    this.loading = true;
    try {
      const page = await this.api.listAudit({ limit: PAGE, cursor: this.nextCursor });
      const seen = new Set(this.list.map((e) => e.id));
      this.list = [...this.list, ...page.data.filter((e) => !seen.has(e.id))];
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }
}
