#!/usr/bin/env node
/**
 * wagw: the headless command line of WhatsApp Gateway Desktop.
 *   wagw serve [--data-dir D] [--port P] [--host H] [--sandbox [--sandbox-seed N] [--sandbox-rate M]]
 *   wagw keys create --name N --caps read,send[,manage] [--data-dir D]
 *   wagw keys list [--data-dir D]
 *   wagw keys revoke <id> [--data-dir D]
 *   wagw mcp [--data-dir D] [--session ID] [--allow-send] [--key KEY]   (src-main/cli/mcp.ts)
 */
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pino from 'pino';
import { createApiKeyService } from '../auth/api-keys.js';
import { AppError } from '../core/errors.js';
import { CAPABILITIES, type Capability } from '../core/types.js';
import { DEFAULT_HOST, DEFAULT_PORT, defaultConfig, defaultDataDir, type GatewayConfig } from '../gateway/config.js';
import { createGateway, DB_FILE, StartupError } from '../gateway/create-gateway.js';
import { openStore } from '../store/index.js';
import { ulid } from 'ulid';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export class UsageError extends Error {}

const USAGE = `Usage:
  wagw serve [--data-dir DIR] [--port PORT] [--host HOST] [--renderer-dir DIR] [--log-level LEVEL]
             [--sandbox] [--sandbox-seed N] [--sandbox-rate MSGS_PER_MIN]
             [--jwks-url URL --jwt-issuer ISS --jwt-audience AUD] [--allowed-origin ORIGIN] [--mcp-allow-send]
  wagw keys create --name NAME --caps read,send[,manage] [--data-dir DIR]
  wagw keys list [--data-dir DIR]
  wagw keys revoke <id> [--data-dir DIR]
  wagw mcp [--data-dir DIR] [--session ID] [--allow-send] [--key KEY]

Defaults: --data-dir ${defaultDataDir()}  --host ${DEFAULT_HOST}  --port ${DEFAULT_PORT}`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const SERVE_OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'renderer-dir': { type: 'string' },
  'log-level': { type: 'string' },
  sandbox: { type: 'boolean' },
  'sandbox-seed': { type: 'string' },
  'sandbox-rate': { type: 'string' },
  'jwks-url': { type: 'string' },
  'jwt-issuer': { type: 'string' },
  'jwt-audience': { type: 'string' },
  'allowed-origin': { type: 'string', multiple: true },
  'mcp-allow-send': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const KEYS_OPTIONS = {
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  caps: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return Number(raw);
}

/** The UI built in this checkout (npm start / npm test build it), if there is one. */
function builtRendererDir(): string | null {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../out/renderer');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function serveConfig(args: string[]): GatewayConfig {
  const { values, positionals } = parse(args, SERVE_OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const external = [values['jwks-url'], values['jwt-issuer'], values['jwt-audience']];
  if (external.some(Boolean) && !external.every(Boolean)) {
    throw new UsageError('--jwks-url, --jwt-issuer and --jwt-audience go together');
  }
  if (values['jwks-url']) {
    try {
      new URL(values['jwks-url']);
    } catch {
      throw new UsageError(`--jwks-url is not a URL: '${values['jwks-url']}'`);
    }
  }
  const sandboxWanted = values.sandbox || values['sandbox-seed'] !== undefined || values['sandbox-rate'] !== undefined;
  return defaultConfig({
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    host: values.host ?? DEFAULT_HOST,
    port: integer('port', values.port, 0, 65535) ?? DEFAULT_PORT,
    logLevel: logLevel as GatewayConfig['logLevel'],
    rendererDir: values['renderer-dir'] ? resolve(values['renderer-dir']) : builtRendererDir(),
    sandbox: sandboxWanted
      ? {
          ensureSession: values.sandbox === true,
          seed: integer('sandbox-seed', values['sandbox-seed'], 0, 2 ** 31 - 1) ?? 1,
          ratePerMinute: integer('sandbox-rate', values['sandbox-rate'], 0, 60_000) ?? 3,
        }
      : null,
    externalJwt: values['jwks-url']
      ? { jwksUrl: values['jwks-url'], issuer: values['jwt-issuer']!, audience: values['jwt-audience']! }
      : null,
    extraOrigins: values['allowed-origin'] ?? [],
    mcpAllowSend: values['mcp-allow-send'] === true,
  });
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const config = serveConfig(args);
  const logger = pino({ level: config.logLevel, base: { app: 'wagw' } }, pino.destination(2));
  const gateway = createGateway(config, { logger });
  const info = await gateway.start();
  io.out(`WhatsApp Gateway Desktop is running (headless).`);
  io.out(`API base:   ${info.apiBase}`);
  io.out(`API docs:   ${info.apiBase}/docs`);
  io.out(`Data dir:   ${info.dataDir}`);
  if (config.sandbox?.ensureSession) io.out(`Sandbox:    on (a simulated WhatsApp account; seed ${config.sandbox.seed})`);
  if (!config.rendererDir) io.out('UI:         not built in this checkout yet (npm start builds it); the API works without it.');
  io.out(`Open the UI (one-time login link, valid 10 minutes):\n  ${gateway.createLoginLink()}`);
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      gateway.stop().then(resolveStop, (err: unknown) => {
        logger.error({ err }, 'stop failed');
        resolveStop();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return 0;
}

function openDataStore(dataDirArg: string | undefined) {
  const dataDir = resolve(dataDirArg ?? defaultDataDir());
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return openStore(join(dataDir, DB_FILE));
  } catch (err) {
    throw new StartupError(`cannot open the data directory ${dataDir}: ${(err as Error).message}`);
  }
}

function parseCaps(raw: string | undefined): Capability[] {
  if (!raw) throw new UsageError('--caps is required, e.g. --caps read,send');
  const caps = raw.split(',').map((c) => c.trim()).filter(Boolean);
  const bad = caps.find((c) => !(CAPABILITIES as readonly string[]).includes(c));
  if (bad) throw new UsageError(`unknown capability '${bad}': use read, send, manage`);
  if (!caps.length) throw new UsageError('--caps must name at least one capability');
  return [...new Set(caps)] as Capability[];
}

function keys(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, KEYS_OPTIONS);
  if (sub === 'create') {
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!values.name) throw new UsageError('--name is required');
    const caps = parseCaps(values.caps);
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      const { key, info } = createApiKeyService({ store }).create(org.id, values.name, caps);
      io.out(`Created API key ${info.id} '${info.name}' with ${info.capabilities.join(',')}. It is shown only once:`);
      io.out(key);
    } finally {
      store.close();
    }
    return 0;
  }
  if (sub === 'list') {
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      const list = createApiKeyService({ store }).list(org.id);
      if (!list.length) io.out('No API keys. Create one with: wagw keys create --name NAME --caps read,send');
      for (const k of list) {
        const state = k.revokedAt ? 'revoked' : 'active';
        const used = k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : 'never';
        io.out(`${k.id}  ${k.prefix}…  ${k.capabilities.join(',').padEnd(17)} ${state.padEnd(8)} last used ${used}  ${k.name}`);
      }
    } finally {
      store.close();
    }
    return 0;
  }
  if (sub === 'revoke') {
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError('usage: wagw keys revoke <id>');
    const store = openDataStore(values['data-dir']);
    try {
      const org = store.organizations.ensureDefault(ulid);
      if (!createApiKeyService({ store }).revoke(org.id, id)) {
        io.err(`error: no active API key with id ${id}`);
        return 1;
      }
      io.out(`Revoked API key ${id}.`);
    } finally {
      store.close();
    }
    return 0;
  }
  throw new UsageError(sub ? `unknown keys command '${sub}'` : 'keys needs a command: create, list or revoke');
}

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
    if (command === 'serve') return await serve(rest, io);
    if (command === 'keys') return keys(rest, io);
    if (command === 'mcp') return await (await import('./mcp.js')).mcpCommand(rest, io);
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${USAGE}`);
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
