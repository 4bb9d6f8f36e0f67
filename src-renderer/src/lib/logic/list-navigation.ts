/** Keyboard navigation of a list (the chat list): which index a key moves the active item to. */

export type ListNavResult = { kind: 'move'; index: number } | { kind: 'open'; index: number } | { kind: 'none' };

/**
 * `active` is -1 when nothing is active yet. ArrowDown/ArrowUp move by one (clamped, no wrap), Home/End jump,
 * PageDown/PageUp move by `pageSize`, Enter opens the active item.
 */
export function navigateList(key: string, active: number, count: number, pageSize = 10): ListNavResult {
  if (count <= 0) return { kind: 'none' };
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
      return { kind: 'move', index: active < 0 ? 0 : clamp(active + 1) };
    case 'ArrowUp':
      return { kind: 'move', index: active < 0 ? 0 : clamp(active - 1) };
    case 'Home':
      return { kind: 'move', index: 0 };
    case 'End':
      return { kind: 'move', index: count - 1 };
    case 'PageDown':
      return { kind: 'move', index: clamp((active < 0 ? 0 : active) + pageSize) };
    case 'PageUp':
      return { kind: 'move', index: clamp((active < 0 ? 0 : active) - pageSize) };
    case 'Enter':
      return active >= 0 && active < count ? { kind: 'open', index: active } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}
