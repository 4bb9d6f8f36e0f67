#!/usr/bin/env node
/**
 * Builds better-sqlite3's native addon for Electron into a SEPARATE directory, leaving node_modules alone.
 *
 * Why: a native addon is compiled against one runtime's ABI. Plain Node (tests, `wagw serve`, `npm start`
 * headless) and Electron (the desktop app) need different builds of better_sqlite3.node. Rebuilding
 * node_modules for Electron (the usual electron-rebuild advice) breaks every Node use until it is rebuilt
 * back, so instead:
 *   - node_modules/better-sqlite3 keeps the plain-Node build (installed by npm as usual);
 *   - this script copies the package to a temp dir and builds it there for Electron <version> (first a
 *     prebuilt binary from better-sqlite3's GitHub releases via prebuild-install, else from source with
 *     node-gyp against Electron's headers from https://electronjs.org/headers), then stores the result as
 *     build/native/electron-<version>-<platform>-<arch>/better_sqlite3.node;
 *   - the Electron main process passes that file to the store as config.nativeBinding (better-sqlite3's
 *     `nativeBinding` option), see src-main/electron/native-binding.ts;
 *   - electron-builder ships build/native as <resources>/native (outside the asar: a .node file must be a
 *     real file to be dlopen()ed), and sets npmRebuild: false so it never rebuilds node_modules itself.
 * `npm start` (desktop mode) runs this script when the file for the installed Electron is missing.
 *
 * Needs network access to github.com or electronjs.org (plus a C++ toolchain for the source build). Without
 * it, it fails within a few seconds with exit code 2 and says so; the headless mode needs none of this.
 *
 * Usage: node scripts/electron-native.mjs [--force] [--dist-url URL] [--prebuilt-host URL] [--no-prebuilt]
 *                                         [--timeout-ms N]
 * Mirrors: --dist-url (or ELECTRON_HEADERS_MIRROR) for headers; --prebuilt-host (or
 * npm_config_better_sqlite3_binary_host) for prebuilt binaries.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIST_URL = 'https://electronjs.org/headers';
export const NATIVE_BINDING_FILE = 'better_sqlite3.node';
export const EXIT_NO_NETWORK = 2;

/** Keep in step with nativeBuildDirName() in src-main/electron/native-binding.ts (a test checks it). */
export function nativeBuildDirName(electronVersion, platform, arch) {
  return `electron-${electronVersion}-${platform}-${arch}`;
}

export function nativeBindingPath(root, electronVersion, platform = process.platform, arch = process.arch) {
  return join(root, 'build', 'native', nativeBuildDirName(electronVersion, platform, arch), NATIVE_BINDING_FILE);
}

/** The installed Electron's version, read from its package.json (works without the Electron binary). */
export function installedElectronVersion(root = projectRoot) {
  const file = join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(file)) throw new Error(`electron is not installed (${file} missing); run npm install`);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

export function installedBetterSqliteVersion(root = projectRoot) {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
}

/**
 * The environment for the build tools. npm exports its config as npm_config_* to scripts, and this
 * machine's npm config points nodedir at the local Node headers: node-gyp would then quietly compile
 * against Node's headers instead of Electron's and produce an addon Electron refuses to load. Drop every
 * setting that could redirect the target runtime.
 */
export function buildToolEnv(env) {
  const out = { ...env };
  for (const key of Object.keys(out)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source|devdir)$/i.test(key)) delete out[key];
  }
  return out;
}

/** The GitHub release asset prebuild-install would download (or the mirror's equivalent). */
export function prebuiltUrl({ host, sqliteVersion, abi, platform, arch }) {
  const base = host ? host.replace(/\/$/, '') : 'https://github.com/WiseLibs/better-sqlite3/releases/download';
  return `${base}/v${sqliteVersion}/better-sqlite3-v${sqliteVersion}-electron-v${abi}-${platform}-${arch}.tar.gz`;
}

export function headersUrl(distUrl, electronVersion) {
  return `${distUrl.replace(/\/$/, '')}/v${electronVersion}/SHASUMS256.txt`;
}

/** HEAD request with a deadline: {ok, reason}. Never throws. */
export async function probe(url, timeoutMs) {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { ok: true, reason: `HTTP ${response.status}` };
    return { ok: false, reason: `HTTP ${response.status}` };
  } catch (error) {
    const code = error?.cause?.code ?? error?.name ?? 'error';
    return { ok: false, reason: `${code}${error?.cause?.message ? ` (${error.cause.message})` : ''}` };
  }
}

/**
 * Which build routes are possible, from the probe results: pure, so the decision is tested directly.
 * Returns the ordered list of methods to try; empty means nothing can work (no network).
 */
export function planBuild({ prebuilt, headers, allowPrebuilt }) {
  const plan = [];
  if (allowPrebuilt && prebuilt.ok) plan.push('prebuilt');
  if (headers.ok) plan.push('node-gyp');
  return plan;
}

export function parseArgs(argv) {
  const options = { force: false, distUrl: null, prebuiltHost: null, allowPrebuilt: true, timeoutMs: 8000 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return v;
    };
    if (arg === '--force') options.force = true;
    else if (arg === '--no-prebuilt') options.allowPrebuilt = false;
    else if (arg === '--dist-url') options.distUrl = value();
    else if (arg === '--prebuilt-host') options.prebuiltHost = value();
    else if (arg === '--timeout-ms') {
      const n = Number(value());
      if (!Number.isInteger(n) || n <= 0) throw new Error('--timeout-ms must be a positive integer');
      options.timeoutMs = n;
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

function run(command, args, cwd, env, log) {
  log(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.error) return { ok: false, reason: String(result.error) };
  return result.status === 0 ? { ok: true } : { ok: false, reason: `exit code ${result.status}` };
}

/**
 * Builds (or finds) the Electron build of better_sqlite3.node. Returns {path, built}; throws an Error with
 * .exitCode set (EXIT_NO_NETWORK when no source is reachable).
 */
export async function ensureElectronNative(options = {}, { root = projectRoot, env = process.env, log = console.log } = {}) {
  const electronVersion = installedElectronVersion(root);
  const platform = process.platform;
  const arch = process.arch;
  const target = nativeBindingPath(root, electronVersion, platform, arch);
  if (existsSync(target) && !options.force) return { path: target, built: false };

  const sqliteVersion = installedBetterSqliteVersion(root);
  const abi = require(join(root, 'node_modules', 'node-abi')).getAbi(electronVersion, 'electron');
  const distUrl = options.distUrl ?? env.ELECTRON_HEADERS_MIRROR ?? DEFAULT_DIST_URL;
  const prebuiltHost = options.prebuiltHost ?? env.npm_config_better_sqlite3_binary_host ?? null;
  const timeoutMs = options.timeoutMs ?? 8000;
  const prebuiltAsset = prebuiltUrl({ host: prebuiltHost, sqliteVersion, abi, platform, arch });
  const headers = headersUrl(distUrl, electronVersion);

  log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}, ${platform}-${arch})`);
  const allowPrebuilt = options.allowPrebuilt ?? true;
  const [prebuiltProbe, headersProbe] = await Promise.all([
    allowPrebuilt ? probe(prebuiltAsset, timeoutMs) : Promise.resolve({ ok: false, reason: 'disabled' }),
    probe(headers, timeoutMs),
  ]);
  const plan = planBuild({ prebuilt: prebuiltProbe, headers: headersProbe, allowPrebuilt });
  if (plan.length === 0) {
    const error = new Error(
      [
        `Cannot build better-sqlite3 for Electron ${electronVersion}: no download source is reachable.`,
        `  prebuilt binary ${prebuiltAsset}: ${prebuiltProbe.reason}`,
        `  Electron headers ${headers}: ${headersProbe.reason}`,
        'This step needs internet access once (or a mirror: --prebuilt-host / --dist-url).',
        `On a connected machine run \`node scripts/electron-native.mjs\`, or copy its result to ${target}.`,
        'The headless mode needs none of this: `npm start -- --headless`.',
      ].join('\n'),
    );
    error.exitCode = EXIT_NO_NETWORK;
    throw error;
  }

  const work = mkdtempSync(join(tmpdir(), 'wagw-electron-native-'));
  try {
    const pkgDir = join(work, 'better-sqlite3');
    // A private copy: the build writes build/ inside the package, which must not touch node_modules.
    const ownBuild = join(root, 'node_modules', 'better-sqlite3', 'build');
    cpSync(join(root, 'node_modules', 'better-sqlite3'), pkgDir, {
      recursive: true,
      filter: (source) => source !== ownBuild && !source.startsWith(`${ownBuild}${sep}`),
    });
    const toolEnv = buildToolEnv(env);
    const attempts = [];
    for (const method of plan) {
      let result;
      if (method === 'prebuilt') {
        const bin = join(root, 'node_modules', 'prebuild-install', 'bin.js');
        const prebuiltEnv = prebuiltHost ? { ...toolEnv, npm_config_better_sqlite3_binary_host: prebuiltHost } : toolEnv;
        result = run(process.execPath, [bin, '--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform, '--verbose'], pkgDir, prebuiltEnv, log);
      } else {
        const bin = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
        const devdir = join(env.ELECTRON_GYP_DIR ?? join(homedir(), '.electron-gyp'));
        result = run(
          process.execPath,
          [bin, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${distUrl}`, `--devdir=${devdir}`],
          pkgDir,
          toolEnv,
          log,
        );
      }
      const built = join(pkgDir, 'build', 'Release', NATIVE_BINDING_FILE);
      if (result.ok && existsSync(built)) {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(built, target);
        writeFileSync(
          join(dirname(target), 'build-info.json'),
          `${JSON.stringify({ electronVersion, abi, platform, arch, sqliteVersion, method, builtAt: new Date().toISOString() }, null, 2)}\n`,
        );
        log(`wrote ${target} (${method})`);
        return { path: target, built: true };
      }
      attempts.push(`${method}: ${result.ok ? 'no output file' : result.reason}`);
    }
    const error = new Error(`Building better-sqlite3 for Electron ${electronVersion} failed:\n  ${attempts.join('\n  ')}`);
    error.exitCode = 1;
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`electron-native: ${error.message}`);
    process.exit(64);
  }
  try {
    const { path, built } = await ensureElectronNative(options);
    if (!built) console.log(`already built: ${path} (use --force to rebuild)`);
  } catch (error) {
    console.error(`electron-native: ${error.message}`);
    process.exit(error.exitCode ?? 1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
