/**
 * The desktop app's own command-line flags (`npm start -- --port 7481 --data-dir /tmp/x`, or the packaged
 * binary's arguments). Electron/Chromium switches in the same argv are ignored.
 */
import { ValidationError } from '../core/errors.js';

export interface DesktopArgs {
  /** null = use the default port (and fall back to a free one if it is taken). */
  port: number | null;
  /** null = app.getPath('userData'). */
  dataDir: string | null;
}

function flagValue(argv: readonly string[], name: string): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ValidationError(`--${name} needs a value`);
      return next;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return null;
}

export function parsePort(raw: string, source: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ValidationError(`${source} must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Flags win over the environment (WAGW_PORT, WAGW_DATA_DIR). Throws ValidationError on a bad value. */
export function parseDesktopArgs(argv: readonly string[], env: Record<string, string | undefined>): DesktopArgs {
  const portFlag = flagValue(argv, 'port');
  const dataDirFlag = flagValue(argv, 'data-dir');
  let port: number | null = null;
  if (portFlag !== null) port = parsePort(portFlag, '--port');
  else if (env.WAGW_PORT) port = parsePort(env.WAGW_PORT, 'WAGW_PORT');
  const dataDir = dataDirFlag ?? (env.WAGW_DATA_DIR || null);
  if (dataDir !== null && dataDir.trim() === '') throw new ValidationError('--data-dir must not be empty');
  return { port, dataDir };
}
