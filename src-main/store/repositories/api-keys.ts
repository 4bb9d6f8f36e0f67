import type { Db } from '../database.js';
import type { Capability } from '../../core/types.js';

export interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  capabilities: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  capabilities: Capability[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export function rowToApiKey(r: ApiKeyRow): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    capabilities: r.capabilities ? (r.capabilities.split(',') as Capability[]) : [],
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

export function createApiKeysRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO api_keys (id, organization_id, name, prefix, secret_hash, capabilities, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byHash = db.prepare('SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL');
  const get = db.prepare('SELECT * FROM api_keys WHERE id = ?');
  const listByOrg = db.prepare('SELECT * FROM api_keys WHERE organization_id = ? ORDER BY created_at, id');
  const revoke = db.prepare(
    'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND organization_id = ? AND revoked_at IS NULL',
  );
  const touch = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  return {
    insert(k: {
      id: string;
      organizationId: string;
      name: string;
      prefix: string;
      secretHash: string;
      capabilities: readonly Capability[];
      now: number;
    }): ApiKeyRow {
      insert.run(k.id, k.organizationId, k.name, k.prefix, k.secretHash, k.capabilities.join(','), k.now);
      return get.get(k.id) as ApiKeyRow;
    },
    findActiveByHash(hash: string): ApiKeyRow | undefined {
      return byHash.get(hash) as ApiKeyRow | undefined;
    },
    get(id: string): ApiKeyRow | undefined {
      return get.get(id) as ApiKeyRow | undefined;
    },
    listByOrg(organizationId: string): ApiKeyRow[] {
      return listByOrg.all(organizationId) as ApiKeyRow[];
    },
    revoke(organizationId: string, id: string, now: number = Date.now()): boolean {
      return revoke.run(now, id, organizationId).changes === 1;
    },
    touchLastUsed(id: string, now: number): void {
      touch.run(now, id);
    },
  };
}
