/**
 * One session's media download policy (GET/PATCH /sessions/{session}/media-policy): which kinds download on
 * receipt and up to what size, history media lazy or automatic, and the storage cap. Changing it needs the
 * manage capability; the gateway's answer (the whole policy) replaces what is shown.
 */
import type { ApiClient, MediaPolicyPatch } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { MediaPolicy } from '../api/types.js';

export class MediaPolicyState {
  policy = $state.raw<MediaPolicy | null>(null);
  saving = $state(false);
  error = $state<string | null>(null);
  /** Changes are sent as they are made (the form is never locked); only the newest answer is shown. */
  private sent = 0;
  private pending = 0;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
  ) {}

  async load(): Promise<void> {
    try {
      this.policy = await this.api.getMediaPolicy(this.sessionId);
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
    }
  }

  /** An input the form cannot send (not a number): said where the gateway's errors are. */
  reject(message: string): void {
    this.error = message;
  }

  /** Sends one change; on failure the shown policy stays what the gateway has. */
  async update(patch: MediaPolicyPatch): Promise<boolean> {
    const seq = ++this.sent;
    this.pending++;
    this.saving = true;
    try {
      const policy = await this.api.updateMediaPolicy(this.sessionId, patch);
      if (seq === this.sent) {
        this.policy = policy;
        this.error = null;
      }
      return true;
    } catch (error) {
      this.error = describeError(error);
      return false;
    } finally {
      if (--this.pending === 0) this.saving = false;
    }
  }
}
