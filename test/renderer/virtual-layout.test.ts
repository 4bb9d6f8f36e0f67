import { describe, expect, it } from 'vitest';
import { VirtualLayout } from '../../src-renderer/src/lib/logic/virtual-layout.js';

function keys(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`k${i}`);
  return out;
}

describe('VirtualLayout', () => {
  it('computes offsets from estimates and measured heights', () => {
    const layout = new VirtualLayout();
    layout.setItems(['a', 'b', 'c'], [10, 20, 30]);
    expect(layout.totalHeight).toBe(60);
    expect(layout.offsetOf(2)).toBe(30);
    expect(layout.setMeasuredHeight('b', 50)).toBe(true);
    expect(layout.setMeasuredHeight('b', 50.2)).toBe(false); // sub-pixel noise is not a change
    layout.rebuild();
    expect(layout.offsetOf(2)).toBe(60);
    expect(layout.totalHeight).toBe(90);
    expect(layout.setMeasuredHeight('zzz', 10)).toBe(false); // unknown key does not change the layout
  });

  it('finds the item at an offset by binary search', () => {
    const layout = new VirtualLayout();
    layout.setItems(['a', 'b', 'c', 'd'], [10, 20, 30, 40]);
    expect(layout.indexAtOffset(-5)).toBe(0);
    expect(layout.indexAtOffset(0)).toBe(0);
    expect(layout.indexAtOffset(9.9)).toBe(0);
    expect(layout.indexAtOffset(10)).toBe(1);
    expect(layout.indexAtOffset(59)).toBe(2);
    expect(layout.indexAtOffset(60)).toBe(3);
    expect(layout.indexAtOffset(1000)).toBe(3);
  });

  it('keeps the rendered range bounded while scrolling through 10,000 variable-height items', () => {
    const layout = new VirtualLayout({ overscanPx: 600, maxRendered: 80 });
    const ks = keys(0, 10_000);
    layout.setItems(ks, ks.map((_, i) => 30 + (i % 7) * 15));
    // Measure differently from the estimates, as a browser would.
    ks.forEach((k, i) => layout.setMeasuredHeight(k, 24 + ((i * 13) % 90)));
    layout.rebuild();
    const viewport = 800;
    let maxRendered = 0;
    for (let top = 0; top <= layout.totalHeight; top += 337) {
      const { start, end } = layout.range(top, viewport);
      maxRendered = Math.max(maxRendered, end - start);
      // The viewport is always covered.
      expect(layout.offsetOf(start)).toBeLessThanOrEqual(top);
      expect(layout.offsetOf(end)).toBeGreaterThanOrEqual(Math.min(layout.totalHeight, top + viewport));
    }
    expect(maxRendered).toBeLessThanOrEqual(80);
    expect(maxRendered).toBeGreaterThan(10);
  });

  it('caps a huge viewport at maxRendered while keeping the top of the viewport rendered', () => {
    const layout = new VirtualLayout({ overscanPx: 500, maxRendered: 20 });
    const ks = keys(0, 1000);
    layout.setItems(ks, ks.map(() => 10));
    const r = layout.range(5000, 5000);
    expect(r.end - r.start).toBe(20);
    expect(r.start).toBe(500);
    const small = layout.range(5000, 100);
    expect(small.end - small.start).toBe(20);
    expect(small.start).toBeLessThanOrEqual(500);
    expect(small.end).toBeGreaterThanOrEqual(510);
  });

  it('keeps the same pixel of the same item at the top when older items are prepended', () => {
    const layout = new VirtualLayout();
    let ks = keys(1000, 1050);
    layout.setItems(ks, ks.map(() => 40));
    const scrollTop = 10 * 40 + 13; // 13 px into k1010
    const anchor = layout.anchorAt(scrollTop)!;
    expect(anchor).toEqual({ key: 'k1010', delta: 13 });

    ks = [...keys(950, 1000), ...ks]; // an older page arrives
    layout.setItems(ks, ks.map(() => 40));
    const restored = layout.scrollTopFor(anchor)!;
    expect(restored).toBe(60 * 40 + 13);
    expect(layout.anchorAt(restored)).toEqual(anchor);

    // Measurements of the prepended items (above the viewport) shift the anchor by exactly their correction.
    keys(950, 1000).forEach((k) => layout.setMeasuredHeight(k, 55));
    layout.rebuild();
    expect(layout.scrollTopFor(anchor)).toBe(50 * 55 + 10 * 40 + 13);
  });

  it('simulates paging back through 10,000 messages with a bounded render and a stable anchor', () => {
    const layout = new VirtualLayout({ maxRendered: 80 });
    const all = keys(0, 10_000); // oldest first
    let loaded = all.slice(-50);
    layout.setItems(loaded, loaded.map(() => 48));
    let scrollTop = layout.bottomScrollTop(700);
    let pages = 1;
    while (loaded.length < all.length) {
      // The user scrolls up until near the top, which loads the next older page.
      scrollTop = Math.max(0, scrollTop - 1500);
      const r = layout.range(scrollTop, 700);
      expect(r.end - r.start).toBeLessThanOrEqual(80);
      if (scrollTop > 800) continue;
      const anchor = layout.anchorAt(scrollTop)!;
      const older = all.slice(Math.max(0, all.length - loaded.length - 50), all.length - loaded.length);
      loaded = [...older, ...loaded];
      layout.setItems(loaded, loaded.map((_, i) => 40 + (i % 3) * 10));
      scrollTop = layout.scrollTopFor(anchor)!;
      expect(layout.anchorAt(scrollTop)!.key).toBe(anchor.key);
      pages++;
    }
    expect(pages).toBe(200);
    expect(layout.count).toBe(10_000);
  });

  it('forgets measurements of items that left the list', () => {
    const layout = new VirtualLayout();
    layout.setItems(['a', 'b'], [10, 10]);
    layout.setMeasuredHeight('a', 99);
    layout.setItems(['b'], [10]);
    layout.setItems(['a', 'b'], [10, 10]);
    expect(layout.isMeasured('a')).toBe(false);
    expect(layout.totalHeight).toBe(20);
  });

  it('returns an empty range and no anchor for an empty list', () => {
    const layout = new VirtualLayout();
    expect(layout.range(0, 500)).toEqual({ start: 0, end: 0 });
    expect(layout.anchorAt(0)).toBeNull();
    expect(layout.scrollTopFor({ key: 'x', delta: 0 })).toBeNull();
    expect(() => layout.setItems(['a'], [])).toThrow(RangeError);
  });
});
