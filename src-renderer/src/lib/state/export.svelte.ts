/**
 * Exporting one chat (GET .../export): the menu's choices, the download's progress, and saving the result
 * as a file through an object URL. One ExportState per open chat (ChatView creates it).
 */
import type { ApiClient, ExportFormat } from '../api/client.js';
import { describeError } from '../api/errors.js';

export const EXPORT_FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'html', label: 'HTML page' },
  { value: 'txt', label: 'WhatsApp text (.txt)' },
  { value: 'json', label: 'JSON' },
  { value: 'csv', label: 'CSV' },
];

export class ExportState {
  open = $state(false);
  format = $state<ExportFormat>('html');
  media = $state(false);
  busy = $state(false);
  bytes = $state(0);
  messages = $state<number | null>(null);
  error = $state<string | null>(null);
  /** The last saved file's name (shown until the menu closes). */
  saved = $state<string | null>(null);

  constructor(
    private readonly api: ApiClient,
    private readonly sessionId: string,
    private readonly chatJid: string,
  ) {}

  toggle(): void {
    this.open = !this.open;
    if (!this.open && !this.busy) this.reset();
  }

  close(): void {
    if (this.busy) return;
    this.open = false;
    this.reset();
  }

  private reset(): void {
    this.error = null;
    this.saved = null;
    this.bytes = 0;
    this.messages = null;
  }

  /** Downloads the export and hands it to the browser as a file; returns the file name (null on failure). */
  async run(save: (blob: Blob, filename: string) => void = saveBlob): Promise<string | null> {
    if (this.busy) return null;
    this.busy = true;
    this.reset();
    try {
      const result = await this.api.exportChat(this.sessionId, this.chatJid, { format: this.format, media: this.media }, (p) => {
        this.bytes = p.bytes;
        this.messages = p.messages;
      });
      this.bytes = result.bytes;
      this.messages = result.messages;
      save(result.blob, result.filename);
      this.saved = result.filename;
      return result.filename;
    } catch (error) {
      this.error = describeError(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}

/** Saves a blob under a name: an object URL on a temporary link, released once the click is handled. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** 1536 -> "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
