import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingNativeBindingMessage, nativeBuildDirName, resolveNativeBinding } from '../../src-main/electron/native-binding.js';
// The build script and the app must agree on where the Electron build lives.
import * as script from '../../scripts/electron-native.mjs';

const base = {
  appPath: '/project',
  resourcesPath: '/opt/WhatsApp Gateway Desktop/resources',
  electronVersion: '38.8.6',
  platform: 'linux',
  arch: 'x64',
  env: {},
};

describe('resolveNativeBinding', () => {
  it('uses build/native/electron-<v>-<platform>-<arch> of the project in development', () => {
    const expected = join('/project', 'build', 'native', 'electron-38.8.6-linux-x64', 'better_sqlite3.node');
    const result = resolveNativeBinding({ ...base, isPackaged: false, exists: (p) => p === expected });
    expect(result).toEqual({ path: expected, searched: [expected] });
  });

  it('uses <resources>/native/... in a packaged app', () => {
    const expected = join(base.resourcesPath, 'native', 'electron-38.8.6-linux-x64', 'better_sqlite3.node');
    expect(resolveNativeBinding({ ...base, isPackaged: true, exists: (p) => p === expected }).path).toBe(expected);
  });

  it('prefers WAGW_NATIVE_BINDING, and reports null with every place searched when nothing exists', () => {
    const env = { WAGW_NATIVE_BINDING: '/custom/b.node' };
    expect(resolveNativeBinding({ ...base, env, isPackaged: false, exists: () => true }).path).toBe('/custom/b.node');
    const none = resolveNativeBinding({ ...base, env, isPackaged: false, exists: () => false });
    expect(none.path).toBeNull();
    expect(none.searched).toHaveLength(2);
    expect(missingNativeBindingMessage(none, '38.8.6')).toMatch(/\/custom\/b\.node.*electron-38\.8\.6-linux-x64/s);
  });

  it('agrees with scripts/electron-native.mjs on the directory and file', () => {
    expect(script.nativeBuildDirName('38.8.6', 'darwin', 'arm64')).toBe(nativeBuildDirName('38.8.6', 'darwin', 'arm64'));
    const fromScript = script.nativeBindingPath('/project', '38.8.6', 'linux', 'x64');
    const fromApp = resolveNativeBinding({ ...base, isPackaged: false, exists: () => true }).path;
    expect(fromScript).toBe(fromApp);
  });
});
