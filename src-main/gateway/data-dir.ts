/**
 * The data directory and the database in it: created with owner-only permissions, checked before anything
 * listens, and failures turned into a StartupError a person can act on.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.js';
import { StartupError } from './startup-error.js';

/** The SQLite database file inside the data directory (WAL files sit next to it). */
export const DB_FILE = 'gateway.db';

/** Creates the data directory if needed (mode 0700) and checks it is readable and writable. */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(`data directory ${dir} is not usable (${code}): choose another with --data-dir`);
  }
}

/** Prepares the data directory and opens (migrating) its database. */
export function openDataDir(dir: string, nativeBinding: string | null): Store {
  prepareDataDir(dir);
  try {
    return openStore(join(dir, DB_FILE), { nativeBinding: nativeBinding ?? undefined });
  } catch (err) {
    const msg = (err as Error).message;
    if ((err as Error).name === 'MigrationError') throw new StartupError(`database: ${msg}`);
    if (/SQLITE_CANTOPEN|unable to open/i.test(msg)) throw new StartupError(`cannot open the database in ${dir}: ${msg}`);
    throw err;
  }
}
