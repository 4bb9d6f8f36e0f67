/**
 * Text export in WhatsApp's own (Android) format, so tools that read WhatsApp exports read this one:
 *
 *   26/11/2026, 10:53 - Alice: Hello
 *   26/11/2026, 10:54 - Alice: first line
 *   second line continues the message
 *   26/11/2026, 10:55 - Bob: <attached: 3f2a...e1.jpg>
 *   26/11/2026, 10:56 - Messages to this group are now secured   (a system message: no "Name: ")
 *
 * Dates are dd/mm/yyyy, times HH:MM (24 h), in the gateway's local time zone. Media: `<attached: FILE>` (the
 * file sits next to the text in the zip) or `<Media omitted>`, a caption on the next line. A continuation
 * line that would read as a new message gets a zero-width space in front, so parsing gives back the count.
 */
import { attachmentName, authorOf, dayOf, textOf, timeOf, type ExportHead, type ExportItem, type ExportWriter } from './types.js';

/** The start of a message line (also the parser's test, see parseWhatsAppTxt). */
export const TXT_LINE_START = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}) - /;

export function txtWriter(head: ExportHead): ExportWriter {
  return {
    start: () => '',
    item(item: ExportItem): string {
      const m = item.message;
      let text = textOf(m);
      if (item.media && !m.deleted) {
        const tag = item.media.file ? `<attached: ${attachmentName(item)}>` : '<Media omitted>';
        text = text ? `${tag}\n${text}` : tag;
      }
      const lines = text.replace(/\r\n?/g, '\n').split('\n');
      const body = lines.map((l, i) => (i > 0 && TXT_LINE_START.test(l) ? `\u200b${l}` : l)).join('\n');
      const prefix = `${dayOf(m.timestamp)}, ${timeOf(m.timestamp)} - `;
      return m.type === 'system' ? `${prefix}${body}\n` : `${prefix}${authorOf(m, head.selfName)}: ${body}\n`;
    },
    end: () => '',
  };
}

export interface ParsedTxtMessage {
  day: string;
  time: string;
  /** Null for a system message. */
  author: string | null;
  text: string;
}

/**
 * Reads WhatsApp's Android text export back (ours or WhatsApp's own): a line that starts with a date and
 * time begins a message, any other line continues the previous one. `knownAuthors` is not needed: the
 * author is the text before the first ": " (a system line has none).
 */
export function parseWhatsAppTxt(text: string): ParsedTxtMessage[] {
  const out: ParsedTxtMessage[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const start = TXT_LINE_START.exec(line);
    if (start) {
      const rest = line.slice(start[0].length);
      const colon = rest.indexOf(': ');
      out.push({
        day: `${start[1]}/${start[2]}/${start[3]}`,
        time: `${start[4]}:${start[5]}`,
        author: colon >= 0 ? rest.slice(0, colon) : null,
        text: colon >= 0 ? rest.slice(colon + 2) : rest,
      });
    } else if (out.length) {
      out[out.length - 1]!.text += `\n${line}`;
    }
  }
  // The document ends with a newline: the last message does not carry it.
  const last = out[out.length - 1];
  if (last && last.text.endsWith('\n')) last.text = last.text.slice(0, -1);
  return out;
}
