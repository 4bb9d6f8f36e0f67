/**
 * Media of the selected session's messages: the bytes as blob: object URLs (fetched with the token through
 * the API client; an LRU keeps the unused ones few, those on screen are kept until their bubble leaves the
 * virtual list), the live download state per message (media.downloaded / media.failed events, retries) and
 * the photo viewer. One instance per inbox; components call its actions and release what they acquired.
 *
 * Audio and video play from a blob: URL too, so the whole file is fetched before playback (seeking works in
 * the blob); fine for what a chat archive holds, and the only way without credentials in a URL.
 */
import type { ApiClient } from '../api/client.js';
import { ApiError, describeError, isStillDownloading } from '../api/errors.js';
import { openableDocumentType } from '@core/openable-documents.js';
import type { ArchivedMessage, EventPayloads, MediaState, OpenDocumentRequest, OpenDocumentResult } from '../api/types.js';
import { isChannelJid } from '../logic/format.js';
import { effectiveMediaState, mediaKey } from '../logic/media.js';
import { LruUrlCache } from '../logic/url-cache.js';

export type MediaVariant = 'thumbnail' | 'full';

/** Opens a message's document with the OS default app (the desktop bridge; AuthState.documentOpener). */
export type DocumentOpener = (ref: OpenDocumentRequest) => Promise<OpenDocumentResult>;

/** Unused object URLs kept for scrolling back (each holds its bytes in memory). */
const UNUSED_URLS_KEPT = 40;

export class MediaArchiveState {
  /** Live states by mediaKey (override the state the message was loaded with). */
  live = $state.raw<ReadonlyMap<string, MediaState>>(new Map());
  /** Why the last download or fetch failed, by mediaKey. */
  errors = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** Bumped when a file arrives, so a bubble showing the thumbnail fetches the full file. */
  arrivals = $state.raw<ReadonlyMap<string, number>>(new Map());
  /** The photo/video viewer: the messages it pages through and the one shown. */
  viewer = $state.raw<{ items: ArchivedMessage[]; index: number } | null>(null);

  private readonly urls: LruUrlCache;
  private readonly inflight = new Map<string, Promise<string>>();
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
    private readonly revoke: (url: string) => void = (url) => URL.revokeObjectURL(url),
    private readonly createUrl: (blob: Blob) => string = (blob) => URL.createObjectURL(blob),
    /** The desktop app's opener; null in a browser (documents then open from a blob: URL in a new tab). */
    private readonly documentOpener: DocumentOpener | null = null,
  ) {
    this.urls = new LruUrlCache(UNUSED_URLS_KEPT, revoke);
  }

  stateOf(message: ArchivedMessage): MediaState {
    return effectiveMediaState(message.media?.state, this.live.get(mediaKey(message.chatJid, message.waMessageId)));
  }

  errorOf(message: ArchivedMessage): string | null {
    return this.errors.get(mediaKey(message.chatJid, message.waMessageId)) ?? null;
  }

  arrivalOf(message: ArchivedMessage): number {
    return this.arrivals.get(mediaKey(message.chatJid, message.waMessageId)) ?? 0;
  }

  /** The gateway path of a message's media (chat message or channel post). */
  pathOf(message: ArchivedMessage): string {
    const kind = isChannelJid(message.chatJid) ? 'channel' : 'chat';
    return this.api.mediaPath(this.sessionId, kind, message.chatJid, message.id);
  }

  /**
   * An object URL for the message's bytes (or thumbnail), now held by the caller until `release` with the
   * same arguments. Fetch failures set the message's state (410 expired, others failed) and reject.
   */
  async acquire(message: ArchivedMessage, variant: MediaVariant): Promise<string> {
    const key = this.urlKey(message, variant);
    const cached = this.urls.acquire(key);
    if (cached) return cached;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fetchUrl(message, variant, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    await pending;
    const url = this.urls.acquire(key);
    if (!url) throw new Error('The media is no longer available');
    return url;
  }

  /**
   * For a component effect: acquires the URL, hands it to `onUrl` (unless the effect was cleaned up first)
   * and returns the cleanup that releases it. Failures go to `onError` (the state is already updated).
   */
  hold(
    message: ArchivedMessage,
    variant: MediaVariant,
    onUrl: (url: string) => void,
    onError: (error: unknown) => void = () => undefined,
  ): () => void {
    let held = false;
    let cancelled = false;
    this.acquire(message, variant).then(
      (url) => {
        if (cancelled) this.release(message, variant);
        else {
          held = true;
          onUrl(url);
        }
      },
      (error: unknown) => {
        if (!cancelled) onError(error);
      },
    );
    return () => {
      cancelled = true;
      if (held) this.release(message, variant);
    };
  }

  release(message: ArchivedMessage, variant: MediaVariant): void {
    this.urls.release(this.urlKey(message, variant));
  }

  /**
   * Bytes we already have (a file we just sent): shown at once for that message, without a round trip.
   * The gateway's copy is the same file, so the cached URL stays valid once the stored message arrives.
   */
  preload(chatJid: string, waMessageId: string, variant: MediaVariant, blob: Blob): void {
    if (this.disposed) return;
    const key = `${variant}\u0000${mediaKey(chatJid, waMessageId)}`;
    if (this.urls.peek(key)) return;
    this.urls.put(key, this.createUrl(blob));
    if (variant === 'full') this.setLive(mediaKey(chatJid, waMessageId), 'done');
  }

  /**
   * Whether "Open" is offered for a document: in a browser always (a new tab shows it or saves it); in the
   * desktop app for the types the main process hands to the OS (core/openable-documents.ts), others download only.
   */
  canOpenDocument(message: ArchivedMessage): boolean {
    if (!this.documentOpener) return true;
    return openableDocumentType(message.media?.mimetype, message.media?.filename) !== null;
  }

  /** True when documents open through the desktop app's OS default application (no blob: URL involved). */
  get opensDocumentsNatively(): boolean {
    return this.documentOpener !== null;
  }

  /** Desktop app: has the OS open the document (main fetches it itself); rejects with the reason in words. */
  async openDocumentNatively(message: ArchivedMessage): Promise<string> {
    if (!this.documentOpener) throw new Error('Documents open in a new tab here');
    const scope = isChannelJid(message.chatJid) ? 'channel' : 'chat';
    const result = await this.documentOpener({ sessionId: this.sessionId, scope, jid: message.chatJid, messageId: message.id });
    if (!result.ok) throw new Error(result.error);
    return result.fileName;
  }

  /** Asks the gateway to (re)queue the download (the retry of a failed or expired file). */
  async requestDownload(message: ArchivedMessage): Promise<void> {
    const key = mediaKey(message.chatJid, message.waMessageId);
    this.setLive(key, 'queued');
    this.setError(key, null);
    try {
      await this.api.requestMediaDownload(this.pathOf(message));
    } catch (error) {
      if (this.disposed) return;
      this.setLive(key, 'failed');
      this.setError(key, describeError(error));
    }
  }

  onDownloaded(payload: EventPayloads['media.downloaded']): void {
    const key = mediaKey(payload.chatJid, payload.waMessageId);
    this.setLive(key, 'done');
    this.setError(key, null);
    const next = new Map(this.arrivals);
    next.set(key, (next.get(key) ?? 0) + 1);
    this.arrivals = next;
  }

  onFailed(payload: EventPayloads['media.failed']): void {
    const key = mediaKey(payload.chatJid, payload.waMessageId);
    this.setLive(key, payload.state);
    this.setError(key, payload.error);
  }

  openViewer(items: ArchivedMessage[], message: ArchivedMessage): void {
    const index = items.findIndex((m) => m.id === message.id);
    this.viewer = index >= 0 ? { items, index } : { items: [message], index: 0 };
  }

  stepViewer(delta: number): void {
    const v = this.viewer;
    if (!v) return;
    const index = Math.min(v.items.length - 1, Math.max(0, v.index + delta));
    if (index !== v.index) this.viewer = { ...v, index };
  }

  closeViewer(): void {
    this.viewer = null;
  }

  dispose(): void {
    this.disposed = true;
    this.urls.clear();
  }

  private urlKey(message: ArchivedMessage, variant: MediaVariant): string {
    return `${variant}\u0000${mediaKey(message.chatJid, message.waMessageId)}`;
  }

  private async fetchUrl(message: ArchivedMessage, variant: MediaVariant, key: string): Promise<string> {
    const state = mediaKey(message.chatJid, message.waMessageId);
    try {
      const blob = await this.api.fetchMedia(this.pathOf(message), variant === 'thumbnail' ? 'thumbnail' : undefined);
      const url = this.createUrl(blob);
      if (this.disposed) {
        this.revoke(url);
        throw new Error('closed');
      }
      this.urls.put(key, url);
      if (variant === 'full' && this.stateOf(message) !== 'done') this.setLive(state, 'done');
      return url;
    } catch (error) {
      if (variant === 'full' && !this.disposed && error instanceof ApiError) {
        // Still downloading (the gateway waited a bounded time): not a failure; media.downloaded follows and
        // whoever holds the file asks again (arrivalOf).
        if (isStillDownloading(error)) {
          this.setLive(state, 'queued');
          throw error;
        }
        // 501: not downloaded and no live client to fetch it now; the message keeps its own state.
        if (error.status === 410) this.setLive(state, 'expired');
        else if (error.status !== 501 && error.status !== 404) this.setLive(state, 'failed');
        this.setError(state, error.message);
      }
      throw error;
    }
  }

  private setLive(key: string, value: MediaState): void {
    if (this.live.get(key) === value) return;
    const next = new Map(this.live);
    next.set(key, value);
    this.live = next;
  }

  private setError(key: string, value: string | null): void {
    if ((this.errors.get(key) ?? null) === value) return;
    const next = new Map(this.errors);
    if (value === null) next.delete(key);
    else next.set(key, value);
    this.errors = next;
  }
}
