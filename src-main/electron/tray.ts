/**
 * The tray icon: connection state at a glance, and the way back to the window (or out of the app) while the
 * window is hidden. The gateway keeps serving the API with the window closed; only "Quit" stops it.
 */
import { Menu, Tray, nativeImage } from 'electron';
import { join } from 'node:path';
import type { ConnectionSummary } from '../gateway/types.js';

export type TrayState = 'connected' | 'disconnected' | 'attention';

export interface TrayStatus {
  state: TrayState;
  tooltip: string;
}

const PRODUCT = 'WhatsApp Gateway';

/** Attention wins (a QR to scan or a failed session needs the person), then "any session working". */
export function trayStatusFor(summary: ConnectionSummary | null): TrayStatus {
  if (summary === null) return { state: 'disconnected', tooltip: `${PRODUCT}: starting` };
  const { sessions, working, needsAttention } = summary;
  if (needsAttention > 0) {
    return {
      state: 'attention',
      tooltip: `${PRODUCT}: ${needsAttention} session${needsAttention === 1 ? '' : 's'} need${needsAttention === 1 ? 's' : ''} attention`,
    };
  }
  if (sessions === 0) return { state: 'disconnected', tooltip: `${PRODUCT}: no sessions yet` };
  if (working > 0) return { state: 'connected', tooltip: `${PRODUCT}: ${working} of ${sessions} connected` };
  return { state: 'disconnected', tooltip: `${PRODUCT}: not connected` };
}

/** resources/tray/tray-<state>.png (16 px, with a tray-<state>@2x.png that Electron picks on HiDPI). */
export function trayIconPath(resourcesDir: string, state: TrayState): string {
  return join(resourcesDir, 'tray', `tray-${state}.png`);
}

export interface AppTray {
  update(summary: ConnectionSummary | null): void;
  destroy(): void;
}

export interface TrayActions {
  showWindow(): void;
  /** Opens the gateway's API docs in the user's browser. */
  openApiDocs(): void;
  quit(): void;
}

export function createAppTray(resourcesDir: string, actions: TrayActions): AppTray {
  let status = trayStatusFor(null);
  const tray = new Tray(nativeImage.createFromPath(trayIconPath(resourcesDir, status.state)));
  tray.setToolTip(status.tooltip);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open WhatsApp Gateway', click: () => actions.showWindow() },
      { label: 'API documentation', click: () => actions.openApiDocs() },
      { type: 'separator' },
      { label: 'Quit', click: () => actions.quit() },
    ]),
  );
  tray.on('click', () => actions.showWindow());
  let destroyed = false;
  return {
    update(summary) {
      if (destroyed) return;
      const next = trayStatusFor(summary);
      if (next.state !== status.state) tray.setImage(nativeImage.createFromPath(trayIconPath(resourcesDir, next.state)));
      if (next.tooltip !== status.tooltip) tray.setToolTip(next.tooltip);
      status = next;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tray.destroy();
    },
  };
}
