#!/usr/bin/env node
/**
 * `npm start`: runs the app in the best mode this machine supports, and says which and why.
 *
 * - desktop:  the Electron binary is installed AND there is a display (DISPLAY / WAYLAND_DISPLAY on Linux;
 *             macOS and Windows always have one). Builds with electron-vite when the output is missing or
 *             older than the sources, makes sure better-sqlite3 is built for Electron
 *             (scripts/electron-native.mjs), then launches Electron on the built app.
 * - headless: otherwise. Builds the renderer when out/renderer is missing or stale, then runs
 *             `tsx src-main/cli/wagw.ts serve --renderer-dir out/renderer <your args>`; open the printed
 *             login link in a browser.
 *
 * Force a mode with `--headless` / `--desktop` (or WAGW_MODE=headless|desktop). All other arguments pass
 * through: `npm start -- --port 7481 --data-dir /tmp/wagw`. SIGINT/SIGTERM/SIGHUP reach the child exactly
 * once (it runs in its own process group) and its exit code becomes ours.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as osConstants } from 'node:os';

const require = createRequire(import.meta.url);
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the Electron binary is, without running it. The `electron` npm package's main module returns the
 * binary's path, but throws when the package was installed without its binary (no path.txt).
 */
export function probeElectronBinary(requireFn = require, exists = existsSync) {
  let path;
  try {
    path = requireFn('electron');
  } catch (error) {
    const first = String(error?.message ?? error).split('\n')[0];
    return { path: null, exists: false, problem: `the electron package has no binary (${first})` };
  }
  if (typeof path !== 'string' || path === '') return { path: null, exists: false, problem: 'require("electron") did not return a path' };
  if (!exists(path)) return { path, exists: false, problem: `the Electron binary ${path} does not exist` };
  return { path, exists: true, problem: null };
}

const MODE_FLAGS = new Set(['--headless', '--desktop']);

/**
 * The decision, as a pure function. Returns { mode: 'desktop'|'headless'|'error', reason, forced, args }
 * where args are the pass-through arguments (mode flags removed).
 */
export function decideMode({ platform, env, argv, electron }) {
  const args = argv.filter((a) => !MODE_FLAGS.has(a));
  let requested = null;
  if (argv.includes('--headless')) requested = 'headless';
  else if (argv.includes('--desktop')) requested = 'desktop';
  else if (env.WAGW_MODE) requested = env.WAGW_MODE;
  if (argv.includes('--headless') && argv.includes('--desktop')) {
    return { mode: 'error', forced: true, reason: '--headless and --desktop were both given', args };
  }
  if (requested !== null && requested !== 'headless' && requested !== 'desktop') {
    return { mode: 'error', forced: true, reason: `WAGW_MODE must be "headless" or "desktop", got ${JSON.stringify(requested)}`, args };
  }
  if (requested === 'headless') return { mode: 'headless', forced: true, reason: 'headless mode was requested', args };
  if (requested === 'desktop') {
    if (!electron.exists) return { mode: 'error', forced: true, reason: `desktop mode was requested but ${electron.problem}`, args };
    return { mode: 'desktop', forced: true, reason: 'desktop mode was requested', args };
  }
  if (!electron.exists) return { mode: 'headless', forced: false, reason: electron.problem, args };
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    const display = env.WAYLAND_DISPLAY ? `WAYLAND_DISPLAY=${env.WAYLAND_DISPLAY}` : env.DISPLAY ? `DISPLAY=${env.DISPLAY}` : null;
    if (display === null) return { mode: 'headless', forced: false, reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)', args };
    return { mode: 'desktop', forced: false, reason: `the Electron binary is installed and a display is available (${display})`, args };
  }
  return { mode: 'desktop', forced: false, reason: `the Electron binary is installed (${platform} always has a display)`, args };
}

/** A build is needed when an output is missing or any input is newer than the oldest output. Pure. */
export function isBuildStale(outputMtimes, newestInputMtime) {
  if (outputMtimes.length === 0 || outputMtimes.some((m) => m === null)) return true;
  return newestInputMtime > Math.min(...outputMtimes);
}

export function mtimeOrNull(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Newest modification time of the files under the given paths (skipping node_modules and dot dirs). */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry));
      }
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of paths) visit(path);
  return newest;
}

export function hasFlag(args, name) {
  return args.some((a) => a === name || a.startsWith(`${name}=`));
}

/** The headless command line: renderer dir first, so a --renderer-dir the user passes wins. */
export function headlessCommand({ root, args, rendererDir }) {
  const tsxCli = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const cliArgs = [tsxCli, join(root, 'src-main', 'cli', 'wagw.ts'), 'serve'];
  if (rendererDir !== null && !hasFlag(args, '--renderer-dir')) cliArgs.push('--renderer-dir', rendererDir);
  return { command: process.execPath, args: [...cliArgs, ...args] };
}

/** The child's environment: ELECTRON_RUN_AS_NODE would turn the Electron binary into plain Node. */
export function childEnv(env) {
  const out = { ...env };
  delete out.ELECTRON_RUN_AS_NODE;
  return out;
}

/**
 * The exit status for a child that ended: its code, or 128 + signal number when a signal ended it
 * (what a shell reports).
 */
export function exitStatusOf(code, signal) {
  if (code !== null && code !== undefined) return code;
  if (signal) return 128 + (osConstants.signals[signal] ?? 1);
  return 1;
}

function log(message) {
  console.log(`[start] ${message}`);
}

function runSync(label, command, args, cwd) {
  log(label);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.error) throw new Error(`${label} failed: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${label} failed (exit code ${result.status ?? result.signal})`);
}

/** Spawns the long-running child and mirrors its life: signals in, exit status out. */
export function runForwarding(command, args, { cwd, env, signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] } = {}) {
  return new Promise((resolvePromise) => {
    // Own process group on POSIX: a terminal Ctrl+C then reaches the child once (forwarded by us), not twice
    // (directly and forwarded), so a "second signal = force quit" handler never fires by accident.
    const child = spawn(command, args, { cwd, env, stdio: 'inherit', detached: process.platform !== 'win32' });
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of signals) process.on(signal, forward);
    const done = (status) => {
      for (const signal of signals) process.off(signal, forward);
      resolvePromise(status);
    };
    child.on('error', (error) => {
      console.error(`[start] could not run ${command}: ${error.message}`);
      done(127);
    });
    child.on('exit', (code, signal) => done(exitStatusOf(code, signal)));
  });
}

function ensureDesktopBuild(root) {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => mtimeOrNull(join(root, p)));
  const inputs = newestMtime(['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p)));
  if (!isBuildStale(outputs, inputs)) {
    log('desktop build is up to date');
    return;
  }
  runSync('building the app (electron-vite build)', process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], root);
}

/** Builds the renderer for the headless server if needed; returns the directory to serve or null. */
function ensureRendererBuild(root) {
  const rendererRoot = join(root, 'src-renderer');
  const outDir = join(root, 'out', 'renderer');
  const config = join(rendererRoot, 'vite.config.ts');
  const canBuild = existsSync(config) && existsSync(join(rendererRoot, 'index.html'));
  const built = mtimeOrNull(join(outDir, 'index.html'));
  if (!canBuild) {
    if (built !== null) return outDir;
    log('no renderer sources to build (src-renderer/vite.config.ts or index.html missing): serving the API only');
    return null;
  }
  if (!isBuildStale([built], newestMtime([rendererRoot]))) {
    log('renderer build is up to date');
    return outDir;
  }
  runSync('building the renderer (vite build)', process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config, '--outDir', outDir, '--emptyOutDir'], root);
  return outDir;
}

async function main() {
  const root = projectRoot;
  const electron = probeElectronBinary();
  let decision = decideMode({ platform: process.platform, env: process.env, argv: process.argv.slice(2), electron });
  if (decision.mode === 'error') {
    console.error(`[start] ${decision.reason}`);
    return 64;
  }
  log(`mode: ${decision.mode}, because ${decision.reason}`);

  if (decision.mode === 'desktop') {
    try {
      ensureDesktopBuild(root);
      const { ensureElectronNative } = await import('./electron-native.mjs');
      const native = await ensureElectronNative({}, { root });
      log(`better-sqlite3 for Electron: ${native.path}`);
    } catch (error) {
      console.error(`[start] ${error.message}`);
      if (decision.forced) return error.exitCode ?? 1;
      decision = { ...decision, mode: 'headless', reason: 'the desktop app cannot be prepared on this machine (see above)' };
      log(`mode: headless, because ${decision.reason}`);
    }
  }

  if (decision.mode === 'desktop') {
    return runForwarding(electron.path, [root, ...decision.args], { cwd: root, env: childEnv(process.env) });
  }

  let rendererDir;
  try {
    rendererDir = ensureRendererBuild(root);
  } catch (error) {
    console.error(`[start] ${error.message}`);
    return 1;
  }
  const { command, args } = headlessCommand({ root, args: decision.args, rendererDir });
  return runForwarding(command, args, { cwd: root, env: childEnv(process.env) });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
