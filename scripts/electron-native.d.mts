// Types of scripts/electron-native.mjs (used by its tests).
export const projectRoot: string;
export const DEFAULT_DIST_URL: string;
export const NATIVE_BINDING_FILE: string;
export const EXIT_NO_NETWORK: number;

export function nativeBuildDirName(electronVersion: string, platform: string, arch: string): string;
export function nativeBindingPath(root: string, electronVersion: string, platform?: string, arch?: string): string;
export function installedElectronVersion(root?: string): string;
export function installedBetterSqliteVersion(root?: string): string;
export function buildToolEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
export function prebuiltUrl(input: { host: string | null; sqliteVersion: string; abi: string; platform: string; arch: string }): string;
export function headersUrl(distUrl: string, electronVersion: string): string;

export interface ProbeResult {
  ok: boolean;
  reason: string;
}
export function probe(url: string, timeoutMs: number): Promise<ProbeResult>;
export function planBuild(input: { prebuilt: ProbeResult; headers: ProbeResult; allowPrebuilt: boolean }): ('prebuilt' | 'node-gyp')[];

export interface ElectronNativeOptions {
  force?: boolean;
  distUrl?: string | null;
  prebuiltHost?: string | null;
  allowPrebuilt?: boolean;
  timeoutMs?: number;
}
export function parseArgs(argv: string[]): Required<ElectronNativeOptions>;
export function ensureElectronNative(
  options?: ElectronNativeOptions,
  context?: { root?: string; env?: Record<string, string | undefined>; log?: (message: string) => void },
): Promise<{ path: string; built: boolean }>;
