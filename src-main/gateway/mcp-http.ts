/**
 * The /mcp handler, loaded on first use so the MCP SDK costs `wagw serve` nothing at start (issue 12).
 */
import type { Logger } from 'pino';
import type { AppServices } from '../app/index.js';
import type { ApiDeps } from '../api/ports.js';

export function lazyMcpHandler(deps: { app: AppServices; allowSend: boolean; logger: Logger }): NonNullable<ApiDeps['mcp']> {
  let handler: Promise<NonNullable<ApiDeps['mcp']>> | undefined;
  return async (principal, req, res, body) => {
    handler ??= import('../mcp/http-handler.js').then((m) =>
      m.createMcpHttpHandler({
        app: deps.app,
        allowSend: deps.allowSend,
        onError: (err) => deps.logger.error({ err }, 'mcp tool call failed unexpectedly'),
      }),
    );
    return (await handler)(principal, req, res, body);
  };
}
