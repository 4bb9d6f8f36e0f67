// Types of scripts/start.mjs (used by its tests).
export const projectRoot: string;

export interface ElectronProbe {
  path: string | null;
  exists: boolean;
  problem: string | null;
}
export function probeElectronBinary(requireFn?: (id: string) => unknown, exists?: (path: string) => boolean): ElectronProbe;

export interface ModeDecision {
  mode: 'desktop' | 'headless' | 'error';
  forced: boolean;
  reason: string;
  args: string[];
}
export function decideMode(input: {
  platform: string;
  env: Record<string, string | undefined>;
  argv: string[];
  electron: ElectronProbe;
}): ModeDecision;

export function isBuildStale(outputMtimes: (number | null)[], newestInputMtime: number): boolean;
export function mtimeOrNull(path: string): number | null;
export function newestMtime(paths: string[]): number;
export function hasFlag(args: string[], name: string): boolean;
export function headlessCommand(input: { root: string; args: string[]; rendererDir: string | null }): { command: string; args: string[] };
export function childEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
export function exitStatusOf(code: number | null | undefined, signal: NodeJS.Signals | null | undefined): number;
export function runForwarding(
  command: string,
  args: string[],
  options?: { cwd?: string; env?: Record<string, string | undefined>; signals?: NodeJS.Signals[] },
): Promise<number>;
