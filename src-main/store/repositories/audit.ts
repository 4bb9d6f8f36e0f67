import type { Db } from '../database.js';

export interface AuditRow {
  seq: number;
  id: string;
  organization_id: string;
  at: number;
  principal: string;
  transport: string;
  tool: string;
  arguments: string;
  result_bytes: number;
  outcome: string;
  error_code: string | null;
  duration_ms: number;
}

export type NewAuditRow = Omit<AuditRow, 'seq'>;

export type AuditRepository = ReturnType<typeof createAuditRepository>;

/** The audit log of MCP tool calls (migration 008): append-only, paged newest first by seq. */
export function createAuditRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO audit_log (id, organization_id, at, principal, transport, tool, arguments, result_bytes, outcome,
       error_code, duration_ms)
     VALUES (@id, @organization_id, @at, @principal, @transport, @tool, @arguments, @result_bytes, @outcome,
       @error_code, @duration_ms)`,
  );
  const first = db.prepare('SELECT * FROM audit_log WHERE organization_id = ? ORDER BY seq DESC LIMIT ?');
  const next = db.prepare('SELECT * FROM audit_log WHERE organization_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  return {
    insert(row: NewAuditRow): void {
      insert.run(row);
    },
    /** Newest first; `before` is the seq of the last row of the previous page. */
    page(organizationId: string, limit: number, before?: number): AuditRow[] {
      return (before === undefined ? first.all(organizationId, limit) : next.all(organizationId, before, limit)) as AuditRow[];
    },
  };
}
