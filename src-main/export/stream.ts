/**
 * Writes an export to a Node stream with backpressure: text of one batch is joined, written, and when the
 * stream's buffer is full the next batch is not read until it drains. Memory stays at one batch of messages
 * plus the stream's high-water mark, whatever the size of the chat.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { csvWriter } from './csv.js';
import { htmlWriter } from './html.js';
import { jsonWriter } from './json.js';
import { txtWriter } from './txt.js';
import type { ExportFormat, ExportHead, ExportItem, ExportWriter } from './types.js';

export function writerFor(format: ExportFormat, head: ExportHead): ExportWriter {
  switch (format) {
    case 'json':
      return jsonWriter(head);
    case 'html':
      return htmlWriter(head);
    case 'txt':
      return txtWriter(head);
    case 'csv':
      return csvWriter(head);
  }
}

/** Writes one chunk; resolves once the stream can take more (rejects if it fails or closes first). */
export async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (!chunk) return;
  if (out.destroyed) throw new Error('export stream closed');
  if (out.write(chunk)) return;
  const ac = new AbortController();
  try {
    // A destroyed stream (the client went away) closes instead of draining; 'error' makes once() reject.
    await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
  if (out.destroyed) throw new Error('export stream closed');
}

/**
 * Streams the document: start, every batch of items, end. `onBatch` is told how many messages are written
 * so far (progress). Does not end `out`: the caller may append (the zip adds media after the document).
 */
export async function writeExport(
  out: Writable,
  writer: ExportWriter,
  batches: Iterable<ExportItem[]> | AsyncIterable<ExportItem[]>,
  onBatch?: (written: number) => void,
): Promise<number> {
  let written = 0;
  await writeChunk(out, writer.start());
  for await (const batch of batches) {
    let text = '';
    for (const item of batch) text += writer.item(item);
    written += batch.length;
    await writeChunk(out, text);
    onBatch?.(written);
    // Let the event loop run between batches: while the socket's buffers still take everything, no write waits
    // for 'drain', and without this the whole export would run in one go, blocking every other request and
    // never hearing that the reader went away.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await writeChunk(out, writer.end());
  return written;
}
