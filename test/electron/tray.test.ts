import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule);
const { trayIconPath, trayStatusFor } = await import('../../src-main/electron/tray.js');

describe('trayStatusFor', () => {
  it.each([
    [null, 'disconnected', 'WhatsApp Gateway: starting'],
    [{ sessions: 0, working: 0, needsAttention: 0 }, 'disconnected', 'WhatsApp Gateway: no sessions yet'],
    [{ sessions: 3, working: 0, needsAttention: 0 }, 'disconnected', 'WhatsApp Gateway: not connected'],
    [{ sessions: 3, working: 2, needsAttention: 0 }, 'connected', 'WhatsApp Gateway: 2 of 3 connected'],
    [{ sessions: 3, working: 2, needsAttention: 1 }, 'attention', 'WhatsApp Gateway: 1 session needs attention'],
    [{ sessions: 3, working: 0, needsAttention: 2 }, 'attention', 'WhatsApp Gateway: 2 sessions need attention'],
  ])('%j -> %s', (summary, state, tooltip) => {
    expect(trayStatusFor(summary)).toEqual({ state, tooltip });
  });

  it('names icons that exist in resources/', async () => {
    const { existsSync } = await import('node:fs');
    for (const state of ['connected', 'disconnected', 'attention'] as const) {
      const path = trayIconPath(new URL('../../resources', import.meta.url).pathname, state);
      expect(existsSync(path)).toBe(true);
      expect(existsSync(path.replace(/\.png$/, '@2x.png'))).toBe(true);
    }
  });
});
