import type { Db } from '../database.js';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
}

export type SigningKeysRepository = ReturnType<typeof createSigningKeysRepository>;

export function createSigningKeysRepository(db: Db) {
  const latest = db.prepare('SELECT * FROM signing_keys ORDER BY created_at DESC LIMIT 1');
  const all = db.prepare('SELECT * FROM signing_keys ORDER BY created_at DESC');
  const insert = db.prepare(
    'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  return {
    latest(): SigningKeyRow | undefined {
      return latest.get() as SigningKeyRow | undefined;
    },
    all(): SigningKeyRow[] {
      return all.all() as SigningKeyRow[];
    },
    insert(k: { kid: string; alg: string; privateJwk: string; publicJwk: string; now: number }): void {
      insert.run(k.kid, k.alg, k.privateJwk, k.publicJwk, k.now);
    },
  };
}
