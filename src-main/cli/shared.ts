/** What the wagw commands share: errors, argument parsing, the data dir. */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultDataDir } from '../gateway/config.js';
import { openDataDir } from '../gateway/data-dir.js';

/** Bad flags: exit 2 with the usage text. */
export class UsageError extends Error {}

/** A bad configuration file or environment value: one line, exit 2. */
export class ConfigError extends Error {}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

export function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return Number(raw);
}

/** --data-dir, else WAGW_DATA_DIR, else the OS's per-user app data dir. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.WAGW_DATA_DIR || defaultDataDir()));
}

/** The data dir's database for the local admin commands (keys, login-link), opened and migrated by the gateway's own code. */
export function openDataStore(dataDirArg: string | undefined) {
  return openDataDir(resolveDataDir(dataDirArg), null);
}
