/** JSON export: `{chat, exportedAt, messages: [Message...]}` with the API's Message objects, oldest first. */
import type { ExportHead, ExportItem, ExportWriter } from './types.js';

export function jsonWriter(head: ExportHead): ExportWriter {
  let first = true;
  return {
    start: () => `{"chat":${JSON.stringify(head.chat)},"exportedAt":${head.exportedAt},"messages":[\n`,
    item({ message, media }: ExportItem): string {
      // With media=include, media.file names the file inside the zip (null when it was never downloaded).
      const m = head.includeMedia && message.media ? { ...message, media: { ...message.media, file: media?.file ?? null } } : message;
      const text = (first ? '' : ',\n') + JSON.stringify(m);
      first = false;
      return text;
    },
    end: () => '\n]}\n',
  };
}
