import type { Logger } from 'pino';
import type { WhatsAppClientFactory } from '../core/whatsapp-port.js';

export interface GatewayInfo {
  /** e.g. http://127.0.0.1:7480 */
  url: string;
  /** e.g. http://127.0.0.1:7480/api/v1 */
  apiBase: string;
  host: string;
  port: number;
  dataDir: string;
}

/** A short summary for the tray icon and the window title. */
export interface ConnectionSummary {
  sessions: number;
  working: number;
  /** Any session that needs the person (QR to scan, failed, logged out). */
  needsAttention: number;
}

export interface Gateway {
  /** Opens the data dir and database, serves HTTP, restarts every paired session. Resolves once listening. */
  start(): Promise<GatewayInfo>;
  /** Stops sockets, closes the HTTP server and the database. Safe to call twice. */
  stop(): Promise<void>;
  /** A fresh, short-lived login JWT for the local owner (Electron main hands these to the renderer). */
  mintLoginToken(): Promise<string>;
  /** A one-time login link for the browser UI (headless mode). */
  createLoginLink(): string;
  /** Called on every session status change; returns an unsubscribe function. */
  onConnectionSummary(listener: (summary: ConnectionSummary) => void): () => void;
}

export interface GatewayDeps {
  logger?: Logger;
  now?: () => number;
  /** Override the WhatsApp adapters (tests). */
  baileysFactory?: WhatsAppClientFactory;
  sandboxFactory?: WhatsAppClientFactory;
}
