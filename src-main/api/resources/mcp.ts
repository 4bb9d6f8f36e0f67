/**
 * MCP over Streamable HTTP at /mcp (issue 12), stateless: JSON-RPC in a POST, a JSON answer. Authenticated like
 * every route (API key or login token as Bearer) after the Host/Origin guard; the tools are in src-main/mcp.
 */
import { NotFoundError } from '../../core/errors.js';
import { readJson } from '../middleware/body.js';
import { principalOf } from '../middleware/auth.js';
import type { ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import type { ApiContext } from '../state.js';

const DESCRIPTION =
  'Model Context Protocol, Streamable HTTP transport in stateless mode (no Mcp-Session-Id): POST one JSON-RPC ' +
  'message with `Accept: application/json, text/event-stream`; the answer is JSON. Tools follow the credential\'s ' +
  'capabilities; send_text, set_presence and mark_read also need the gateway\'s `--mcp-allow-send`. Every tool call ' +
  'is written to the audit log (GET /api/v1/audit).';

function notAllowed(ctx: ApiContext): void {
  ctx.status = 405;
  ctx.set('Allow', 'POST');
}

export function registerMcpRoutes(api: ApiRegistry, deps: ApiDeps): void {
  api.add({
    method: 'post',
    path: '/mcp',
    base: 'root',
    operationId: 'mcp',
    summary: 'MCP endpoint (Streamable HTTP)',
    description: DESCRIPTION,
    tag: 'MCP',
    access: 'any',
    responses: {
      200: { description: 'A JSON-RPC response', schema: { type: 'object' } },
      202: { description: 'Accepted (a notification or response from the client)' },
      406: { description: 'The Accept header lacks application/json and text/event-stream' },
    },
    async handler(ctx) {
      const principal = principalOf(ctx);
      const handle = deps.mcp;
      if (!handle) throw new NotFoundError('MCP is not served by this gateway');
      const body = readJson(ctx);
      ctx.respond = false;
      await handle(principal, ctx.req, ctx.res, body);
    },
  });
  for (const method of ['get', 'delete'] as const) {
    api.add({
      method,
      path: '/mcp',
      base: 'root',
      operationId: `mcp${method === 'get' ? 'Get' : 'Delete'}`,
      summary: `MCP endpoint: ${method.toUpperCase()} is not used (stateless server)`,
      description: 'The server keeps no MCP session and opens no server-to-client stream: 405, as the transport allows.',
      tag: 'MCP',
      access: 'any',
      responses: { 405: { description: 'Method not allowed (Allow: POST)' } },
      handler: notAllowed,
    });
  }
}
