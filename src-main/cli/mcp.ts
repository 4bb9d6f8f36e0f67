/**
 * `wagw mcp`: an MCP server over stdio for desktop AI clients (issue 12). stdout carries the protocol only;
 * every log line goes to stderr. Composition in src-main/gateway/mcp-stdio.ts, tools in src-main/mcp/tools.ts.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { defaultDataDir } from '../gateway/config.js';
import { composeStdioMcp } from '../gateway/mcp-stdio.js';

export const MCP_USAGE = `  wagw mcp [--data-dir DIR] [--session ID] [--allow-send] [--key KEY]
             MCP over stdio for a local AI assistant. Uses the running gateway of DIR when there is one,
             else reads the archive read-only. Send tools need --allow-send AND a key with send.
             --key (or WAGW_API_KEY): act as this API key (default: a key "mcp (stdio)" created on first use).`;

export interface McpIo {
  err: (line: string) => void;
}

const OPTIONS = {
  'data-dir': { type: 'string' },
  session: { type: 'string' },
  'allow-send': { type: 'boolean' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs until the client closes stdin (or SIGINT/SIGTERM). Returns the exit code; never throws. */
export async function mcpCommand(args: string[], io: McpIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    const parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    if (parsed.positionals.length) throw new Error(`unexpected argument '${parsed.positionals[0]}'`);
    values = parsed.values;
  } catch (err) {
    io.err(`error: ${(err as Error).message.replace(/^TypeError \[\w+\]: /, '')}\n\nUsage:\n${MCP_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.err(`Usage:\n${MCP_USAGE}`);
    return 0;
  }
  const key = values.key ?? (env.WAGW_API_KEY || undefined);
  let mcp;
  try {
    mcp = await composeStdioMcp({
      dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
      session: values.session,
      allowSend: values['allow-send'] === true,
      key,
      log: io.err,
    });
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return 1;
  }
  const where = mcp.mode === 'gateway' ? `through the gateway at ${mcp.gatewayUrl}` : 'read-only (no gateway running)';
  io.err(`wagw mcp: serving MCP on stdio ${where} as ${mcp.principal}; tools: ${mcp.tools.join(', ')}`);

  const transport = new StdioServerTransport();
  const done = new Promise<void>((resolveDone) => {
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      void mcp.server.close().catch(() => {});
      mcp.close();
      resolveDone();
    };
    transport.onclose = finish;
    process.stdin.once('end', finish);
    process.stdin.once('close', finish);
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
  });
  transport.onerror = (err) => io.err(`wagw mcp: ${err.message}`);
  await mcp.server.connect(transport);
  await done;
  return 0;
}
