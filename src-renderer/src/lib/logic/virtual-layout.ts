/**
 * Layout math of a variable-height virtual list (the chat's message list). Pure: no DOM, so it is unit tested
 * under Node. The component (VirtualList.svelte) feeds it item keys, measured heights and the scroll position,
 * and renders only `range()` between two spacers whose heights come from `offsetOf()`.
 *
 * Scroll stability rests on an anchor: the first item at the top of the viewport plus how far into it the
 * viewport starts. After any change above the viewport (older pages prepended, estimates replaced by measured
 * heights) the scrollTop that keeps the same pixel of the same item at the top is `scrollTopFor(anchor)`.
 */

export interface VisibleRange {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
}

export interface ScrollAnchor {
  key: string;
  /** scrollTop minus the anchor item's offset: how far (px) the viewport top is into the item. */
  delta: number;
}

export interface VirtualLayoutOptions {
  /** Pixels rendered beyond each edge of the viewport. */
  overscanPx: number;
  /** Hard cap on the number of rendered items, whatever the viewport size. */
  maxRendered: number;
}

export const DEFAULT_LAYOUT_OPTIONS: VirtualLayoutOptions = { overscanPx: 600, maxRendered: 80 };

export class VirtualLayout {
  private keys: readonly string[] = [];
  private estimates: readonly number[] = [];
  private readonly measured = new Map<string, number>();
  private readonly indexByKey = new Map<string, number>();
  /** offsets[i] = top of item i; offsets[n] = total height. */
  private offsets = new Float64Array(1);
  readonly options: VirtualLayoutOptions;

  constructor(options: Partial<VirtualLayoutOptions> = {}) {
    this.options = { ...DEFAULT_LAYOUT_OPTIONS, ...options };
  }

  get count(): number {
    return this.keys.length;
  }

  get totalHeight(): number {
    return this.offsets[this.keys.length] ?? 0;
  }

  /** Replaces the item list (keys oldest first) with a height estimate per item; measured heights are kept by key. */
  setItems(keys: readonly string[], estimates: readonly number[]): void {
    if (keys.length !== estimates.length) throw new RangeError('keys and estimates differ in length');
    this.keys = keys;
    this.estimates = estimates;
    this.indexByKey.clear();
    keys.forEach((k, i) => this.indexByKey.set(k, i));
    // Forget heights of items that left, so the cache stays bounded by the list.
    for (const k of this.measured.keys()) if (!this.indexByKey.has(k)) this.measured.delete(k);
    this.rebuild();
  }

  /** Records a measured height. Returns true when it changed the layout (the caller then rebuilds). */
  setMeasuredHeight(key: string, height: number): boolean {
    if (!Number.isFinite(height) || height < 0) return false;
    const previous = this.measured.get(key);
    if (previous !== undefined && Math.abs(previous - height) < 0.5) return false;
    this.measured.set(key, height);
    return this.indexByKey.has(key);
  }

  /** Drops every measurement (e.g. the width changed, so text wraps differently). */
  clearMeasurements(): void {
    this.measured.clear();
    this.rebuild();
  }

  heightOf(index: number): number {
    const key = this.keys[index];
    if (key === undefined) return 0;
    return this.measured.get(key) ?? this.estimates[index] ?? 0;
  }

  isMeasured(key: string): boolean {
    return this.measured.has(key);
  }

  rebuild(): void {
    const n = this.keys.length;
    const offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + this.heightOf(i);
    this.offsets = offsets;
  }

  offsetOf(index: number): number {
    const clamped = Math.max(0, Math.min(this.keys.length, index));
    return this.offsets[clamped] ?? 0;
  }

  indexOfKey(key: string): number {
    return this.indexByKey.get(key) ?? -1;
  }

  keyAt(index: number): string | undefined {
    return this.keys[index];
  }

  /** Index of the item that contains vertical position y (clamped to the list). */
  indexAtOffset(y: number): number {
    const n = this.keys.length;
    if (n === 0) return 0;
    if (y <= 0) return 0;
    if (y >= this.totalHeight) return n - 1;
    // Largest i with offsets[i] <= y.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.offsets[mid]! <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The items to render for a viewport, with overscan, never more than maxRendered. */
  range(scrollTop: number, viewportHeight: number): VisibleRange {
    const n = this.keys.length;
    if (n === 0) return { start: 0, end: 0 };
    const { overscanPx, maxRendered } = this.options;
    const top = Math.max(0, scrollTop);
    const bottom = top + Math.max(0, viewportHeight);
    const firstVisible = this.indexAtOffset(top);
    const lastVisible = this.indexAtOffset(Math.max(top, bottom - 1));
    let start = this.indexAtOffset(top - overscanPx);
    let end = this.indexAtOffset(bottom + overscanPx) + 1;
    if (end - start > maxRendered) {
      // Keep what is on screen; share the remaining budget between both overscan sides.
      const visibleCount = lastVisible - firstVisible + 1;
      if (visibleCount >= maxRendered) {
        start = firstVisible;
        end = firstVisible + maxRendered;
      } else {
        const spare = maxRendered - visibleCount;
        const before = Math.min(firstVisible - start, Math.ceil(spare / 2));
        const after = Math.min(end - lastVisible - 1, spare - before);
        start = firstVisible - before;
        end = lastVisible + 1 + after;
        // Give back any unused budget to the side that has more.
        const unused = maxRendered - (end - start);
        if (unused > 0) start = Math.max(0, start - unused);
      }
    }
    return { start: Math.max(0, start), end: Math.min(n, end) };
  }

  /**
   * The anchor describing the current scroll position, or null for an empty list. `canAnchor(index)` may
   * refuse items whose key does not stay with the content around it: a day separator keeps its key when older
   * messages of the same day are prepended, so anchoring on it at the very top would not move the view down
   * by the new page (the view would jump and keep loading pages). The next acceptable item is used instead,
   * with a negative delta when it starts below the viewport top.
   */
  anchorAt(scrollTop: number, canAnchor?: (index: number) => boolean): ScrollAnchor | null {
    if (this.keys.length === 0) return null;
    let index = this.indexAtOffset(scrollTop);
    if (canAnchor) {
      // Refused items are rare and never adjacent in practice; a short search keeps scroll handling cheap.
      for (let probe = index, limit = Math.min(this.keys.length, index + 16); probe < limit; probe++) {
        if (canAnchor(probe)) {
          index = probe;
          break;
        }
      }
    }
    const key = this.keys[index]!;
    return { key, delta: scrollTop - this.offsetOf(index) };
  }

  /** The scrollTop that puts the anchor back where it was, or null when its item is gone. */
  scrollTopFor(anchor: ScrollAnchor): number | null {
    const index = this.indexOfKey(anchor.key);
    if (index < 0) return null;
    return Math.max(0, this.offsetOf(index) + anchor.delta);
  }

  /** scrollTop that shows the end of the list (bottom-anchored chat). */
  bottomScrollTop(viewportHeight: number): number {
    return Math.max(0, this.totalHeight - viewportHeight);
  }
}
