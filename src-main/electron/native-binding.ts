/**
 * Which better_sqlite3.node the Electron main process loads.
 *
 * better-sqlite3 is a native addon compiled against one runtime's ABI. node_modules keeps the plain-Node
 * build (tests, the headless CLI); scripts/electron-native.mjs builds a second copy against Electron's headers
 * into build/native/electron-<version>-<platform>-<arch>/better_sqlite3.node, and electron-builder ships
 * that directory, outside the asar, as <resources>/native/. The store receives the path as
 * config.nativeBinding, so neither build ever overwrites the other. Keep the directory name in step with
 * nativeBuildDirName() in scripts/electron-native.mjs (a test checks they agree).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_BINDING_FILE = 'better_sqlite3.node';

export function nativeBuildDirName(electronVersion: string, platform: string, arch: string): string {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

export interface NativeBindingLookup {
  isPackaged: boolean;
  /** app.getAppPath(): the project root in development. */
  appPath: string;
  /** process.resourcesPath: where extraResources land in a packaged app. */
  resourcesPath: string;
  electronVersion: string;
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
}

export interface NativeBindingResult {
  /** The file to pass as config.nativeBinding, or null when none was found. */
  path: string | null;
  /** Every place looked at, for the error message when none exists. */
  searched: string[];
}

export function resolveNativeBinding(lookup: NativeBindingLookup): NativeBindingResult {
  const exists = lookup.exists ?? existsSync;
  const dir = nativeBuildDirName(lookup.electronVersion, lookup.platform, lookup.arch);
  const candidates: string[] = [];
  const override = lookup.env.WAGW_NATIVE_BINDING;
  if (override) candidates.push(override);
  if (lookup.isPackaged) candidates.push(join(lookup.resourcesPath, 'native', dir, NATIVE_BINDING_FILE));
  else candidates.push(join(lookup.appPath, 'build', 'native', dir, NATIVE_BINDING_FILE));
  const found = candidates.find((candidate) => exists(candidate)) ?? null;
  return { path: found, searched: candidates };
}

export function missingNativeBindingMessage(result: NativeBindingResult, electronVersion: string): string {
  return [
    `better-sqlite3 has not been built for Electron ${electronVersion}.`,
    `Looked in: ${result.searched.join(', ')}`,
    'Run `node scripts/electron-native.mjs` (needs internet access to electronjs.org and a C++ toolchain),',
    'or use headless mode: `npm start -- --headless`.',
  ].join('\n');
}
