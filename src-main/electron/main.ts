/**
 * Electron main entry (bundled to out/main/index.js by electron-vite). All logic is in app.ts.
 */
import { runDesktopApp } from './app.js';

runDesktopApp().catch((error: unknown) => {
  console.error('WhatsApp Gateway Desktop failed to start:', error);
  process.exit(1);
});
