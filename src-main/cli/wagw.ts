#!/usr/bin/env node
/**
 * wagw: the headless command line of WhatsApp Gateway Desktop. One module per command in cli/commands (and
 * cli/mcp.ts), each imported only when its command runs: `wagw mcp` must answer an AI client quickly and never
 * loads the HTTP gateway (Koa, jose, ws) it does not use.
 */
import { AppError } from '../core/errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, defaultDataDir } from '../gateway/config.js';
import { StartupError } from '../gateway/startup-error.js';
import { ConfigError, UsageError, type CliIo } from './shared.js';

export { ConfigError, UsageError, type CliIo } from './shared.js';

const USAGE = `Usage:
  wagw serve [--config FILE] [--data-dir DIR] [--port PORT] [--host HOST] [--public-url URL]
             [--trusted-proxy ADDRESS]... [--strict] [--renderer-dir DIR] [--log-level LEVEL]
             [--sandbox] [--sandbox-seed N] [--sandbox-rate MSGS_PER_MIN]
             [--jwks-url URL --jwt-issuer ISS --jwt-audience AUD] [--allowed-origin ORIGIN]...
             [--backup-dir DIR [--backup-every MINUTES] [--backup-keep N]] [--mcp-allow-send]
  wagw login-link [--data-dir DIR] [--config FILE] [--public-url URL] [--port PORT]
  wagw doctor [--url URL] [--data-dir DIR] [--config FILE] [--public-url URL] [--insecure]
  wagw backup --out FILE [--data-dir DIR]
  wagw restore FILE --data-dir DIR [--force]
  wagw keys create --name NAME --caps read,send[,manage] [--data-dir DIR]
  wagw keys list [--data-dir DIR]
  wagw keys revoke <id> [--data-dir DIR]
  wagw export --chat JID --out FILE [--format json|html|txt|csv] [--media] [--session ID] [--data-dir DIR] [--quiet]
  wagw search "words" [--chat JID] [--sender JID] [--type TYPE] [--session ID] [--limit N] [--json] [--data-dir DIR]
  wagw mcp [--data-dir DIR] [--session ID] [--allow-send] [--key KEY]

Defaults: --data-dir ${defaultDataDir()} (or WAGW_DATA_DIR)  --host ${DEFAULT_HOST}  --port ${DEFAULT_PORT}
Config file: --config FILE (or WAGW_CONFIG), else <data-dir>/config.json; flags and environment override it.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(USAGE);
      return 0;
    }
    if (command === 'serve') return await (await import('./commands/serve.js')).serve(rest, io);
    if (command === 'keys') return (await import('./commands/keys.js')).keys(rest, io);
    if (command === 'search') return (await import('./commands/search.js')).search(rest, io);
    if (command === 'login-link') return (await import('./commands/login-link.js')).loginLink(rest, io);
    if (command === 'doctor') return await (await import('./commands/doctor.js')).doctor(rest, io);
    if (command === 'backup') return await (await import('./commands/backup.js')).backup(rest, io);
    if (command === 'restore') return await (await import('./commands/backup.js')).restore(rest, io);
    if (command === 'export') return await (await import('./commands/export.js')).exportChat(rest, io);
    if (command === 'mcp') return await (await import('./mcp.js')).mcpCommand(rest, io);
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof StartupError || err instanceof AppError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    io.err(`error: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /wagw(\.ts|\.js|\.mjs)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
