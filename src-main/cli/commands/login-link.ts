/**
 * wagw login-link: a one-time login link for a browser, issued next to a running `wagw serve` on the same
 * data dir (the code is stored in the database, hashed; the gateway accepts it once within 10 minutes).
 *
 * The link's address: --public-url / --host / --port when given; else where the gateway running on this data
 * dir really answers (its gateway.json: the port it got, even a free one picked with --port 0, or its public
 * URL); else the config file and defaults, with a warning that no running gateway was found.
 */
import { dirname, resolve } from 'node:path';
import { issueStoredLoginCode } from '../../auth/stored-login-codes.js';
import { DEFAULT_PORT } from '../../gateway/config.js';
import { processAlive, readGatewayFile } from '../../gateway/gateway-file.js';
import { parsePublicUrl, publicOrigin } from '../../gateway/public-url.js';
import { ConfigError, openDataStore, parse, resolveDataDir, UsageError, type CliIo } from '../shared.js';
import { readConfigFile } from './serve.js';

export function gatewayOrigin(
  values: { 'public-url'?: string | undefined; port?: string | undefined; host?: string | undefined },
  file: { publicUrl?: string | undefined; port?: number | undefined; host?: string | undefined },
  env: NodeJS.ProcessEnv,
): string {
  const raw = values['public-url'] ?? (env.WAGW_PUBLIC_URL || undefined) ?? file.publicUrl;
  if (raw) {
    try {
      return parsePublicUrl(raw);
    } catch (err) {
      throw new ConfigError(`public URL: ${(err as Error).message}`);
    }
  }
  const port = values.port !== undefined ? Number(values.port) : (file.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be an integer from 1 to 65535`);
  return publicOrigin({ host: values.host ?? file.host ?? '127.0.0.1', port, publicUrl: null });
}

export function loginLink(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): number {
  const { values, positionals } = parse(args, {
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    'public-url': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const { file, content } = readConfigFile(values.config, values['data-dir'], env);
  const dataDir = resolveDataDir(values['data-dir'] ?? (content?.dataDir && file ? resolve(dirname(file), content.dataDir) : undefined), env);
  const explicit = values['public-url'] !== undefined || values.port !== undefined || values.host !== undefined;
  const running = readGatewayFile(dataDir);
  const live = running && processAlive(running.pid) ? running : undefined;
  const origin = !explicit && live ? (live.publicUrl ?? live.url) : gatewayOrigin(values, content ?? {}, env);
  if (!explicit && !live) {
    io.err(`No gateway is running on ${dataDir}: the link assumes ${origin}; it works once that gateway runs (within 10 minutes).`);
  }
  const store = openDataStore(dataDir);
  try {
    const code = issueStoredLoginCode(store);
    io.out('One-time login link (valid 10 minutes, for the gateway running on this data dir):');
    io.out(`${origin}/#login=${code}`);
  } finally {
    store.close();
  }
  return 0;
}
