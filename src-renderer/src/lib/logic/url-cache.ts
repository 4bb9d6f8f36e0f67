/**
 * Object URLs (blob:) for media bytes fetched with the bearer token (an <img src> cannot carry the
 * Authorization header, and the API never takes credentials in the query string). Each URL holds its blob in
 * memory until revoked, so: URLs in use by a bubble on screen are kept (reference counted), and of the unused
 * ones only the `capacity` most recently used stay (scrolling back is instant), the rest are revoked.
 */
export class LruUrlCache {
  /** Insertion order = recency order (oldest first); touching an entry re-inserts it. */
  private readonly entries = new Map<string, { url: string; refs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly revoke: (url: string) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  peek(key: string): string | undefined {
    return this.entries.get(key)?.url;
  }

  /** Adds a URL nobody uses yet (a replaced one is revoked unless in use, then it goes when released). */
  put(key: string, url: string): void {
    const before = this.entries.get(key);
    if (before && before.url !== url) this.revoke(before.url);
    this.entries.delete(key);
    this.entries.set(key, { url, refs: before?.refs ?? 0 });
    this.evict();
  }

  /** The URL for `key`, now in use until `release`; undefined when not cached. */
  acquire(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.refs++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.url;
  }

  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.refs = Math.max(0, entry.refs - 1);
    this.evict();
  }

  /** Revokes everything (the session's inbox closes). */
  clear(): void {
    for (const entry of this.entries.values()) this.revoke(entry.url);
    this.entries.clear();
  }

  private evict(): void {
    if (this.entries.size <= this.capacity) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (entry.refs > 0) continue;
      this.entries.delete(key);
      this.revoke(entry.url);
    }
  }
}
