import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  childEnv,
  decideMode,
  exitStatusOf,
  headlessCommand,
  isBuildStale,
  newestMtime,
  probeElectronBinary,
  projectRoot,
  runForwarding,
} from '../../scripts/start.mjs';

const present = { path: '/x/electron', exists: true, problem: null };
const missing = { path: null, exists: false, problem: 'the electron package has no binary (boom)' };

describe('decideMode', () => {
  it.each([
    ['linux', { DISPLAY: ':0' }, [], present, 'desktop', /display is available \(DISPLAY=:0\)/],
    ['linux', { WAYLAND_DISPLAY: 'wayland-0' }, [], present, 'desktop', /WAYLAND_DISPLAY=wayland-0/],
    ['linux', {}, [], present, 'headless', /no display/],
    ['linux', { DISPLAY: ':0' }, [], missing, 'headless', /no binary/],
    ['darwin', {}, [], present, 'desktop', /darwin always has a display/],
    ['win32', {}, [], present, 'desktop', /win32/],
    ['win32', {}, [], missing, 'headless', /no binary/],
    ['linux', { DISPLAY: ':0' }, ['--headless'], present, 'headless', /requested/],
    ['linux', { DISPLAY: ':0', WAGW_MODE: 'headless' }, [], present, 'headless', /requested/],
    ['linux', {}, ['--desktop'], present, 'desktop', /requested/],
    ['linux', {}, ['--desktop'], missing, 'error', /desktop mode was requested but the electron package has no binary/],
    ['linux', {}, ['--desktop', '--headless'], present, 'error', /both/],
    ['linux', { WAGW_MODE: 'gui' }, [], present, 'error', /WAGW_MODE/],
  ] as const)('%s %j %j -> %s', (platform, env, argv, electron, mode, reason) => {
    const decision = decideMode({ platform, env, argv: [...argv], electron });
    expect(decision.mode).toBe(mode);
    expect(decision.reason).toMatch(reason);
  });

  it('passes every other argument through, in order, without the mode flags', () => {
    const decision = decideMode({
      platform: 'linux',
      env: {},
      argv: ['--port', '7481', '--headless', '--data-dir', '/tmp/d', '--sandbox'],
      electron: present,
    });
    expect(decision.args).toEqual(['--port', '7481', '--data-dir', '/tmp/d', '--sandbox']);
  });
});

describe('probeElectronBinary', () => {
  it('reports a package installed without its binary (require throws)', () => {
    const probe = probeElectronBinary(() => {
      throw new Error('Electron failed to install correctly, please delete node_modules/electron\nmore');
    });
    expect(probe).toEqual({ path: null, exists: false, problem: 'the electron package has no binary (Electron failed to install correctly, please delete node_modules/electron)' });
  });

  it('reports a path that does not exist, and accepts one that does', () => {
    expect(probeElectronBinary(() => '/nope/electron', () => false)).toMatchObject({ exists: false, problem: /does not exist/ });
    expect(probeElectronBinary(() => '/bin/electron', () => true)).toEqual({ path: '/bin/electron', exists: true, problem: null });
  });

  it('matches reality on this machine', () => {
    const probe = probeElectronBinary();
    expect(probe.exists).toBe(probe.path !== null && existsSync(probe.path));
  });
});

describe('build staleness', () => {
  it('is stale when an output is missing or older than the newest input', () => {
    expect(isBuildStale([], 0)).toBe(true);
    expect(isBuildStale([100, null], 50)).toBe(true);
    expect(isBuildStale([100, 90], 95)).toBe(true);
    expect(isBuildStale([100, 90], 90)).toBe(false);
  });

  it('newestMtime walks directories and skips node_modules and dot dirs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-start-'));
    try {
      writeFileSync(join(dir, 'a.ts'), 'a');
      utimesSync(join(dir, 'a.ts'), 1000, 1000);
      mkdirSync(join(dir, 'node_modules'));
      writeFileSync(join(dir, 'node_modules', 'b.js'), 'b');
      mkdirSync(join(dir, '.cache'));
      writeFileSync(join(dir, '.cache', 'c'), 'c');
      expect(newestMtime([dir, join(dir, 'missing')])).toBe(1_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('headless command', () => {
  it('runs wagw serve through tsx with the built renderer and the passed flags', () => {
    const { command, args } = headlessCommand({ root: '/p', args: ['--port', '7481', '--data-dir', '/d'], rendererDir: '/p/out/renderer' });
    expect(command).toBe(process.execPath);
    expect(args).toEqual([
      '/p/node_modules/tsx/dist/cli.mjs',
      '/p/src-main/cli/wagw.ts',
      'serve',
      '--renderer-dir',
      '/p/out/renderer',
      '--port',
      '7481',
      '--data-dir',
      '/d',
    ]);
  });

  it('lets a --renderer-dir of the caller win, and omits it without a built UI', () => {
    expect(headlessCommand({ root: '/p', args: ['--renderer-dir=/mine'], rendererDir: '/p/out/renderer' }).args.slice(2)).toEqual(['serve', '--renderer-dir=/mine']);
    expect(headlessCommand({ root: '/p', args: [], rendererDir: null }).args.slice(2)).toEqual(['serve']);
  });

  it('tsx cli path exists', () => {
    expect(existsSync(headlessCommand({ root: projectRoot, args: [], rendererDir: null }).args[0]!)).toBe(true);
  });
});

describe('child process plumbing', () => {
  it('exit status: code, or 128 + signal number', () => {
    expect(exitStatusOf(0, null)).toBe(0);
    expect(exitStatusOf(3, null)).toBe(3);
    expect(exitStatusOf(null, 'SIGINT')).toBe(130);
    expect(exitStatusOf(null, 'SIGTERM')).toBe(143);
  });

  it('childEnv removes ELECTRON_RUN_AS_NODE only', () => {
    expect(childEnv({ ELECTRON_RUN_AS_NODE: '1', PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-forward-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function waitForFile(path: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!existsSync(path)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('forwards a signal to the child once and returns its exit code', async () => {
    const ready = join(dir, 'ready');
    const script = `let n=0;process.on('SIGUSR2',()=>{n++;setTimeout(()=>process.exit(40+n),100)});require('fs').writeFileSync(${JSON.stringify(ready)},'');setInterval(()=>{},1000);`;
    const done = runForwarding(process.execPath, ['-e', script], { cwd: dir, env: process.env, signals: ['SIGUSR2'] });
    await waitForFile(ready);
    process.emit('SIGUSR2' as NodeJS.Signals, 'SIGUSR2' as NodeJS.Signals);
    expect(await done).toBe(41);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('reports death by signal as 128 + signal', async () => {
    const ready = join(dir, 'ready');
    const script = `require('fs').writeFileSync(${JSON.stringify(ready)},'');setInterval(()=>{},1000);`;
    const done = runForwarding(process.execPath, ['-e', script], { cwd: dir, env: process.env, signals: ['SIGUSR2'] });
    await waitForFile(ready);
    process.emit('SIGUSR2' as NodeJS.Signals, 'SIGUSR2' as NodeJS.Signals);
    expect(await done).toBe(128 + 12);
  });

  it('reports a command that cannot start as 127', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      expect(await runForwarding(join(dir, 'no-such-binary'), [], { cwd: dir, env: process.env, signals: [] })).toBe(127);
    } finally {
      console.error = original;
    }
    expect(String(errors[0])).toMatch(/could not run/);
  });
});

describe('npm start itself', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(projectRoot, 'scripts', 'start.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('refuses contradictory mode flags with exit code 64', () => {
    const result = run(['--headless', '--desktop']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/both given/);
  });

  it.skipIf(probeElectronBinary().exists)('explains why desktop mode is impossible here', () => {
    const result = run(['--desktop']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/desktop mode was requested but the electron package has no binary/);
  });
});
