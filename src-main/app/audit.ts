/** The audit log of MCP tool calls (issue 12): every door that runs a tool records it here; `manage` reads it. */
import { ulid } from 'ulid';
import type { CursorCodec } from '../core/cursor.js';
import { ValidationError } from '../core/errors.js';
import type { AuditEntry, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { AuditRow } from '../store/repositories/audit.js';
import { requireCapability } from './access.js';
import { keysetPage, type PageInput, type PageOf } from './paging.js';

/** Arguments are kept up to this many characters of JSON (a long send_text is cut, marked as such). */
export const AUDIT_ARGUMENTS_MAX = 4096;

export type { AuditEntry };

export interface AuditRecord {
  organizationId: string;
  /** Who called: principalLabel(p), or 'local:mcp-stdio' for the read-only stdio server without a key. */
  principal: string;
  transport: 'stdio' | 'http';
  tool: string;
  arguments: unknown;
  at: number;
  resultBytes: number;
  outcome: 'ok' | 'error';
  errorCode?: string | null | undefined;
  durationMs: number;
}

/** How a principal is named in the audit log. */
export function principalLabel(p: Principal): string {
  return p.kind === 'api_key' ? `api_key:${p.keyId}` : `user:${p.subject}`;
}

function argumentsText(args: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(args ?? {}) ?? '{}';
  } catch {
    text = '"(arguments not serialisable)"';
  }
  return text.length > AUDIT_ARGUMENTS_MAX ? `${text.slice(0, AUDIT_ARGUMENTS_MAX)}…(truncated)` : text;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  principal: r.principal,
  transport: r.transport as AuditEntry['transport'],
  tool: r.tool,
  arguments: r.arguments,
  resultBytes: r.result_bytes,
  outcome: r.outcome as AuditEntry['outcome'],
  errorCode: r.error_code,
  durationMs: r.duration_ms,
});

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { store: Store; cursors: CursorCodec }) {
  const { store } = deps;
  return {
    /** Written by the door itself after the call (not a caller's action, so no capability check). */
    record(r: AuditRecord): void {
      store.audit.insert({
        id: `aud_${ulid()}`,
        organization_id: r.organizationId,
        at: r.at,
        principal: r.principal,
        transport: r.transport,
        tool: r.tool,
        arguments: argumentsText(r.arguments),
        result_bytes: r.resultBytes,
        outcome: r.outcome,
        error_code: r.errorCode ?? null,
        duration_ms: r.durationMs,
      });
    },

    /** Newest first, cursor paged; needs `manage`. */
    page(p: Principal, page: PageInput): PageOf<AuditEntry> {
      requireCapability(p, 'manage');
      return keysetPage(deps.cursors, `audit:${p.organizationId}`, page, {
        key: (after) => {
          if (!after) return undefined;
          const [seq] = after;
          if (after.length !== 1 || typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
            throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
          }
          return seq;
        },
        fetch: (limit, before) => store.audit.page(p.organizationId, limit, before),
        position: (row) => [row.seq],
        toItem: toEntry,
      });
    },
  };
}
