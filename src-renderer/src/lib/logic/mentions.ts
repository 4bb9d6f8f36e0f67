/**
 * Splits a message body into text and mention segments so "@205227043110953" shows as "@Alice".
 * WhatsApp writes a mention as "@" + the user part of the mentioned JID (phone number or LID);
 * `mentionNames` maps that user part to a display name.
 */
export type BodySegment = { kind: 'text'; text: string } | { kind: 'mention'; text: string; user: string };

const MENTION = /@(\d{5,20})\b/g;

export function segmentBody(body: string, mentionNames: Readonly<Record<string, string>>): BodySegment[] {
  const segments: BodySegment[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    const user = match[1]!;
    const name = mentionNames[user];
    if (name === undefined) continue; // Not a known mention: leave the text as written.
    const at = match.index;
    if (at > last) segments.push({ kind: 'text', text: body.slice(last, at) });
    segments.push({ kind: 'mention', text: `@${name}`, user });
    last = at + match[0].length;
  }
  if (last < body.length) segments.push({ kind: 'text', text: body.slice(last) });
  return segments;
}

/** Plain-text version (chat list previews, quoted previews). */
export function bodyWithMentionNames(body: string, mentionNames: Readonly<Record<string, string>>): string {
  return segmentBody(body, mentionNames)
    .map((s) => s.text)
    .join('');
}
