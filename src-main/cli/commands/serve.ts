/**
 * wagw serve: the gateway in the foreground. Settings come from flags, then environment variables
 * (WAGW_DATA_DIR, WAGW_CONFIG, WAGW_PUBLIC_URL, WAGW_TRUSTED_PROXY), then the configuration file
 * (--config FILE, else <data-dir>/config.json when it exists), then defaults.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startBackupSchedule, type BackupSchedule } from '../../backup/schedule.js';
import { DEFAULT_HOST, DEFAULT_PORT, defaultConfig, type GatewayConfig } from '../../gateway/config.js';
import { ConfigFileError, loadConfigFile, type ConfigFile } from '../../gateway/config-file.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { exposureWarnings, parsePublicUrl, PublicUrlError } from '../../gateway/public-url.js';
import { ConfigError, integer, parse, resolveDataDir, UsageError, type CliIo } from '../shared.js';

export const SERVE_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  strict: { type: 'boolean' },
  'renderer-dir': { type: 'string' },
  'log-level': { type: 'string' },
  sandbox: { type: 'boolean' },
  'sandbox-seed': { type: 'string' },
  'sandbox-rate': { type: 'string' },
  'jwks-url': { type: 'string' },
  'jwt-issuer': { type: 'string' },
  'jwt-audience': { type: 'string' },
  'allowed-origin': { type: 'string', multiple: true },
  'backup-dir': { type: 'string' },
  'backup-every': { type: 'string' },
  'backup-keep': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The UI built beside this program: out/renderer in a checkout, renderer/ beside the server bundle (this
 * command may sit in the bundle's chunks/ directory, so one level up too).
 */
function builtRendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [resolve(here, '../../../out/renderer'), resolve(here, '../../out/renderer'), join(here, 'renderer'), join(here, '..', 'renderer')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

export interface ServeOptions {
  config: GatewayConfig;
  /** Refuse to start when exposureWarnings() has anything to say. */
  strict: boolean;
  backup: BackupSchedule | null;
  /** The configuration file that was read, if any. */
  configFile: string | null;
}

/** Which configuration file applies, and its content. */
export function readConfigFile(
  flag: string | undefined,
  dataDirFlag: string | undefined,
  env: NodeJS.ProcessEnv,
): { file: string | null; content: ConfigFile | null } {
  const named = flag ?? (env.WAGW_CONFIG || undefined);
  try {
    if (named) return { file: resolve(named), content: loadConfigFile(resolve(named), true) };
    const file = join(resolveDataDir(dataDirFlag, env), 'config.json');
    const content = loadConfigFile(file, false);
    if (content?.dataDir) throw new ConfigFileError(`${file}: 'dataDir' belongs in a file named with --config, not in the data dir itself`);
    return { file: content ? file : null, content };
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigError(err.message);
    throw err;
  }
}

function publicUrlOf(raw: string | undefined, source: string): string | null {
  if (raw === undefined || raw === '') return null;
  try {
    return parsePublicUrl(raw);
  } catch (err) {
    if (source === '--public-url') throw new UsageError(`--public-url: ${(err as PublicUrlError).message}`);
    throw new ConfigError(`${source}: ${(err as PublicUrlError).message}`);
  }
}

function proxiesOf(list: readonly string[], source: string): string[] {
  for (const p of list) {
    if (isIP(p) === 0) {
      const message = `${source}: '${p}' is not an IP address (name the reverse proxy by the address it connects from)`;
      throw source === '--trusted-proxy' ? new UsageError(message) : new ConfigError(message);
    }
  }
  return [...list];
}

export function serveOptions(args: string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const { values, positionals } = parse(args, SERVE_OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const { file, content } = readConfigFile(values.config, values['data-dir'], env);
  const f: ConfigFile = content ?? {};
  const str = (v: number | undefined) => (v === undefined ? undefined : String(v));

  const logLevel = values['log-level'] ?? f.logLevel ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const jwksUrl = values['jwks-url'] ?? f.jwksUrl;
  const jwtIssuer = values['jwt-issuer'] ?? f.jwtIssuer;
  const jwtAudience = values['jwt-audience'] ?? f.jwtAudience;
  const external = [jwksUrl, jwtIssuer, jwtAudience];
  if (external.some(Boolean) && !external.every(Boolean)) {
    throw new UsageError('--jwks-url, --jwt-issuer and --jwt-audience go together');
  }
  if (jwksUrl) {
    try {
      new URL(jwksUrl);
    } catch {
      throw new UsageError(`--jwks-url is not a URL: '${jwksUrl}'`);
    }
  }
  const sandboxSeed = values['sandbox-seed'] ?? str(f.sandboxSeed);
  const sandboxRate = values['sandbox-rate'] ?? str(f.sandboxRate);
  const sandboxOn = values.sandbox ?? f.sandbox;
  const sandboxWanted = sandboxOn || sandboxSeed !== undefined || sandboxRate !== undefined;

  const publicUrl =
    values['public-url'] !== undefined
      ? publicUrlOf(values['public-url'], '--public-url')
      : env.WAGW_PUBLIC_URL
        ? publicUrlOf(env.WAGW_PUBLIC_URL, 'WAGW_PUBLIC_URL')
        : publicUrlOf(f.publicUrl, `${file}: 'publicUrl'`);
  const trustedProxies = values['trusted-proxy']
    ? proxiesOf(values['trusted-proxy'], '--trusted-proxy')
    : env.WAGW_TRUSTED_PROXY
      ? proxiesOf(env.WAGW_TRUSTED_PROXY.split(',').map((s) => s.trim()).filter(Boolean), 'WAGW_TRUSTED_PROXY')
      : proxiesOf(f.trustedProxies ?? [], `${file}: 'trustedProxies'`);

  const dataDir = values['data-dir'] || env.WAGW_DATA_DIR ? resolveDataDir(values['data-dir'], env) : f.dataDir ? resolve(dirname(file!), f.dataDir) : resolveDataDir(undefined, env);
  const rendererDir = values['renderer-dir'] ?? (f.rendererDir && file ? resolve(dirname(file), f.rendererDir) : undefined);

  const backupDir = values['backup-dir'] ?? (f.backupDir && file ? resolve(dirname(file), f.backupDir) : undefined);
  const backupEvery = integer('backup-every', values['backup-every'] ?? str(f.backupEvery), 1, 7 * 24 * 60);
  const backupKeep = integer('backup-keep', values['backup-keep'] ?? str(f.backupKeep), 1, 1000);
  if (!backupDir && (backupEvery !== undefined || backupKeep !== undefined)) throw new UsageError('--backup-every and --backup-keep need --backup-dir');

  const config = defaultConfig({
    dataDir,
    host: values.host ?? f.host ?? DEFAULT_HOST,
    port: integer('port', values.port ?? str(f.port), 0, 65535) ?? DEFAULT_PORT,
    logLevel: logLevel as GatewayConfig['logLevel'],
    rendererDir: rendererDir ? resolve(rendererDir) : builtRendererDir(),
    sandbox: sandboxWanted
      ? {
          ensureSession: sandboxOn === true,
          seed: integer('sandbox-seed', sandboxSeed, 0, 2 ** 31 - 1) ?? 1,
          ratePerMinute: integer('sandbox-rate', sandboxRate, 0, 60_000) ?? 3,
        }
      : null,
    externalJwt: jwksUrl ? { jwksUrl, issuer: jwtIssuer!, audience: jwtAudience! } : null,
    extraOrigins: values['allowed-origin'] ?? f.allowedOrigins ?? [],
    publicUrl,
    trustedProxies,
  });
  return {
    config,
    strict: values.strict ?? f.strict ?? false,
    backup: backupDir ? { dir: resolve(backupDir), everyMinutes: backupEvery ?? 24 * 60, keep: backupKeep ?? 7 } : null,
    configFile: file,
  };
}

export function serveConfig(args: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return serveOptions(args, env).config;
}

export async function serve(args: string[], io: CliIo): Promise<number> {
  const { config, strict, backup, configFile } = serveOptions(args);
  const warnings = exposureWarnings({ host: config.host, publicUrl: config.publicUrl });
  if (strict && warnings.length) throw new ConfigError(`refusing to start (--strict): ${warnings[0]}`);
  for (const w of warnings) io.err(`warning: ${w}`);
  const logger = pino({ level: config.logLevel, base: { app: 'wagw' } }, pino.destination(2));
  const gateway = createGateway(config, { logger });
  const info = await gateway.start();
  const schedule = backup ? startBackupSchedule(backup, { dataDir: config.dataDir, logger }) : null;
  io.out(`WhatsApp Gateway Desktop is running (headless).`);
  io.out(`API base:   ${info.apiBase}`);
  io.out(`API docs:   ${info.apiBase}/docs`);
  io.out(`Data dir:   ${info.dataDir}`);
  if (configFile) io.out(`Config:     ${configFile}`);
  if (config.publicUrl) io.out(`Listening:  ${config.host}:${info.port} (public URL ${config.publicUrl})`);
  if (config.trustedProxies.length) io.out(`Proxies:    X-Forwarded-For trusted from ${config.trustedProxies.join(', ')}`);
  if (backup) io.out(`Backups:    every ${backup.everyMinutes} min into ${backup.dir} (keeping ${backup.keep})`);
  if (config.sandbox?.ensureSession) io.out(`Sandbox:    on (a simulated WhatsApp account; seed ${config.sandbox.seed})`);
  if (!config.rendererDir) io.out('UI:         not built yet (npm start, or npm run build:server for the server bundle, builds it); the API works without it.');
  io.out(`Open the UI (one-time login link, valid 10 minutes):\n  ${gateway.createLoginLink()}`);
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      schedule?.stop();
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
