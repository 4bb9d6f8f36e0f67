/**
 * `<data-dir>/gateway.json`: where a running gateway answers, so another process on the same data dir (`wagw mcp`)
 * can talk to it instead of opening WhatsApp itself (one process owns Baileys). Written after listen, removed at
 * stop; a stale file (crash) is harmless because readers also check /healthz.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GATEWAY_FILE = 'gateway.json';

export interface GatewayFile {
  /** Where processes on this machine reach it, e.g. http://127.0.0.1:7480 (always plain HTTP, never the proxy). */
  url: string;
  apiBase: string;
  /** The --public-url origin (e.g. https://gw.example.com) when one is set: what links for a browser use. */
  publicUrl?: string;
  pid: number;
  startedAt: number;
}

export function writeGatewayFile(
  dataDir: string,
  info: { url: string; apiBase: string; publicUrl?: string | null },
  now: number = Date.now(),
): void {
  const file = join(dataDir, GATEWAY_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const content: GatewayFile = { url: info.url, apiBase: info.apiBase, pid: process.pid, startedAt: now };
  if (info.publicUrl) content.publicUrl = info.publicUrl;
  writeFileSync(tmp, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes the file if it is still ours (another gateway may have started on the same dir since). */
export function removeGatewayFile(dataDir: string): void {
  const current = readGatewayFile(dataDir);
  if (current && current.pid === process.pid) rmSync(join(dataDir, GATEWAY_FILE), { force: true });
}

export function readGatewayFile(dataDir: string): GatewayFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, GATEWAY_FILE), 'utf8')) as Partial<GatewayFile>;
    if (typeof parsed.url !== 'string' || typeof parsed.apiBase !== 'string' || !/^http:\/\//.test(parsed.url)) return undefined;
    const found: GatewayFile = { url: parsed.url, apiBase: parsed.apiBase, pid: Number(parsed.pid) || 0, startedAt: Number(parsed.startedAt) || 0 };
    if (typeof parsed.publicUrl === 'string' && /^https?:\/\//.test(parsed.publicUrl)) found.publicUrl = parsed.publicUrl;
    return found;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The gateway recorded for the data dir, if its process is alive and it answers /healthz within the timeout. The
 * pid check keeps a key from being sent to whatever else listens on a crashed gateway's port later.
 */
export async function findRunningGateway(dataDir: string, timeoutMs = 750): Promise<GatewayFile | undefined> {
  const file = readGatewayFile(dataDir);
  if (!file || !processAlive(file.pid)) return undefined;
  try {
    const res = await fetch(`${file.url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok ? file : undefined;
  } catch {
    return undefined;
  }
}
