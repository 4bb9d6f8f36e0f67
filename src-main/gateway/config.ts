/**
 * Gateway configuration, shared by the headless CLI (`wagw serve`) and the Electron entry.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ExternalJwtConfig {
  /** JWKS URL of an existing login service the gateway should trust instead of its own keys. */
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export interface SandboxConfig {
  /** Create a sandbox session at start if the organization has none. */
  ensureSession: boolean;
  /** Seed of the simulated account's generated data (deterministic). */
  seed: number;
  /** New incoming sandbox messages per minute (0 = none). */
  ratePerMinute: number;
}

export interface GatewayConfig {
  dataDir: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sandbox: SandboxConfig | null;
  externalJwt: ExternalJwtConfig | null;
  /** Directory of the built renderer to serve at '/', or null to serve the API only. */
  rendererDir: string | null;
  /** better_sqlite3.node built for this runtime (Electron passes its own build). */
  nativeBinding: string | null;
  /** Extra origins allowed to open the realtime socket / call the API from a browser (besides our own). */
  extraOrigins: string[];
  /** Origin the gateway is reached at from outside (a TLS reverse proxy), e.g. https://gw.example.com, or null. */
  publicUrl: string | null;
  /** Reverse proxy addresses allowed to name the client with X-Forwarded-For. */
  trustedProxies: string[];
  /** Issue 12: offer MCP send tools at /mcp to keys with `send` (`wagw serve --mcp-allow-send`); off by default. */
  mcpAllowSend?: boolean;
  /** Issue 13: the largest file one send takes (default 64 MiB); tests make it small to exercise 413. */
  sendMediaMaxBytes?: number;
  /**
   * Issue 10: how often the background search indexer looks for queued messages (default 500 ms). Tests make
   * it long to hold work in the queue and see what a search answers meanwhile (`index.complete: false`).
   */
  searchIndexIntervalMs?: number;
}

export const DEFAULT_PORT = 7480;
export const DEFAULT_HOST = '127.0.0.1';

export const PRODUCT_NAME = 'WhatsApp Gateway Desktop';

/**
 * The OS's per-user application data directory for this app. It is the same directory Electron's
 * app.getPath('userData') gives the desktop app, so `wagw serve` and the desktop app share one account.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

export function defaultConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    dataDir: defaultDataDir(),
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    logLevel: 'info',
    sandbox: null,
    externalJwt: null,
    rendererDir: null,
    nativeBinding: null,
    extraOrigins: [],
    publicUrl: null,
    trustedProxies: [],
    ...overrides,
  };
}
