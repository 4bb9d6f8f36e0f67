/** The audit log of MCP tool calls (issue 12): newest first, cursor paged, `manage` only. */
import { principalOf } from '../middleware/auth.js';
import { pageOf } from '../http.js';
import { listOf, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ListQuery } from '../schemas.js';

export function registerAuditRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { audit } = deps.app;
  api.add({
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'List MCP tool calls (audit log)',
    description:
      'Every MCP tool call (stdio `wagw mcp` and the gateway\'s /mcp), newest first: time, principal, tool, arguments ' +
      '(JSON, cut after 4 KiB), result size in bytes, outcome and error code. Cursor paging as everywhere.',
    tag: 'Audit',
    access: 'manage',
    query: ListQuery,
    responses: { 200: { description: 'A page of audit entries', schema: listOf('AuditEntry') } },
    handler(ctx) {
      ctx.body = audit.page(principalOf(ctx), pageOf(ctx));
    },
  });
}
