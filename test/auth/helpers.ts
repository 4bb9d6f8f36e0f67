import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src-main/store/index.js';

/** A real SQLite store in a fresh temp dir, with one organization row; cleanup() closes and deletes it. */
export function tempStore(orgId = 'org_1'): { store: Store; file: string; dir: string; orgId: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-auth-'));
  const file = join(dir, 'gateway.db');
  const store = openStore(file);
  store.organizations.create(orgId, 'Test org', 1_000);
  return {
    store,
    file,
    dir,
    orgId,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
