import type { Db } from '../database.js';

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: number;
}

export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>;

export function createOrganizationsRepository(db: Db) {
  const first = db.prepare('SELECT * FROM organizations ORDER BY created_at, id LIMIT 1');
  const get = db.prepare('SELECT * FROM organizations WHERE id = ?');
  const insert = db.prepare('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)');
  return {
    get(id: string): OrganizationRow | undefined {
      return get.get(id) as OrganizationRow | undefined;
    },
    /** The single user's organization, created at first start. */
    ensureDefault(newId: () => string, now: number = Date.now()): OrganizationRow {
      const existing = first.get() as OrganizationRow | undefined;
      if (existing) return existing;
      const id = newId();
      insert.run(id, 'Personal', now);
      return get.get(id) as OrganizationRow;
    },
    create(id: string, name: string, now: number = Date.now()): OrganizationRow {
      insert.run(id, name, now);
      return get.get(id) as OrganizationRow;
    },
  };
}
