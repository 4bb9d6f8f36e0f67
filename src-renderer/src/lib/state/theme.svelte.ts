/**
 * The theme switch: light, dark, or the system's (prefers-color-scheme). Persisted in localStorage and applied as
 * `data-theme` on <html> (app.css keys its palettes on it); "system" removes the attribute, so the media query
 * decides. Applied from main.ts before the app mounts (no inline script: the CSP allows none). One writer: set().
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
const KEY = 'wagw.theme';

function stored(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Puts a choice on <html>: data-theme="light"/"dark", or none for the system's. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  if (choice === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = choice;
}

class ThemeState {
  choice = $state<ThemeChoice>(stored());

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') globalThis.localStorage?.removeItem(KEY);
      else globalThis.localStorage?.setItem(KEY, choice);
    } catch {
      // Storage may be unavailable (private mode): the choice still holds for this window.
    }
    applyTheme(choice);
  }
}

export const theme = new ThemeState();
