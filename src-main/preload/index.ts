/**
 * The preload of the main window. Runs sandboxed (no Node, only a subset of 'electron'), is bundled to
 * CommonJS (out/preload/index.cjs) because sandboxed preloads cannot be ES modules, and exposes exactly one
 * object, `window.wagw` (see api.ts), through contextBridge.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY } from './api.js';
import { buildBridge } from './bridge.js';

contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  buildBridge(process.argv, (channel, ...args) => ipcRenderer.invoke(channel, ...args)),
);
