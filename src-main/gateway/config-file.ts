/**
 * The configuration file of `wagw serve` (`<data-dir>/config.json`, or `--config FILE`): JSON whose keys are
 * the serve flags in camelCase (`--public-url` -> `publicUrl`; repeatable flags take arrays). Flags and
 * environment variables override it. Unknown keys, wrong types and unreadable files are errors with one line
 * that names the file and the key.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

const port = z.number().int().min(0).max(65535);
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const ConfigFileSchema = z
  .object({
    $schema: z.string().optional(),
    dataDir: z.string().min(1).optional().describe('Data directory (only in a --config file, not in <data-dir>/config.json)'),
    host: z.string().min(1).optional().describe('Listen address, default 127.0.0.1'),
    port: port.optional().describe('Port, default 7480'),
    publicUrl: z.string().min(1).optional().describe('Origin of the gateway behind its TLS reverse proxy, e.g. https://gw.example.com'),
    trustedProxies: z.array(z.string().min(1)).optional().describe('Reverse proxy addresses allowed to set X-Forwarded-For'),
    allowedOrigins: z.array(z.string().min(1)).optional().describe('Other browser origins allowed to call the API'),
    strict: z.boolean().optional().describe('Refuse to start on a risky exposure instead of warning'),
    rendererDir: z.string().min(1).optional(),
    logLevel: logLevel.optional(),
    sandbox: z.boolean().optional(),
    sandboxSeed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    sandboxRate: z.number().int().min(0).max(60_000).optional(),
    jwksUrl: z.string().min(1).optional(),
    jwtIssuer: z.string().min(1).optional(),
    jwtAudience: z.string().min(1).optional(),
    backupDir: z.string().min(1).optional().describe('Directory of scheduled backups'),
    backupEvery: z.number().int().min(1).max(7 * 24 * 60).optional().describe('Minutes between scheduled backups'),
    backupKeep: z.number().int().min(1).max(1000).optional().describe('Scheduled backups kept (oldest deleted first)'),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** The JSON Schema of the file (docs/config.schema.json is generated from it). */
export function configFileJsonSchema(): unknown {
  return z.toJSONSchema(ConfigFileSchema, { target: 'draft-2020-12' });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return `${path ? `'${path}': ` : ''}${issue.message}`;
}

/** Parses the text of a configuration file; throws ConfigFileError with a one-line message. */
export function parseConfigFile(text: string, file: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigFileError(`${file}: must be a JSON object`);
  const result = ConfigFileSchema.safeParse(json);
  if (!result.success) throw new ConfigFileError(`${file}: ${describeIssue(result.error.issues[0]!)}`);
  return result.data;
}

/**
 * Reads a configuration file. A missing file is an error when it was named (required), and means "no file"
 * for the default location.
 */
export function loadConfigFile(file: string, required: boolean): ConfigFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if ((code === 'ENOENT' || code === 'ENOTDIR') && !required) return null;
    throw new ConfigFileError(`${file}: cannot read the configuration file (${code})`);
  }
  return parseConfigFile(text, file);
}
