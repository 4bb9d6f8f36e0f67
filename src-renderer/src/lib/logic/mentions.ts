/**
 * Splits a message body into text and mention segments so "@205227043110953" shows as "@Alice".
 * WhatsApp writes a mention as "@" + the user part of the mentioned JID (phone number or LID);
 * `mentionNames` maps that user part to a display name.
 */
import { displayJid, jidUser } from './format.js';

export type BodySegment = { kind: 'text'; text: string } | { kind: 'mention'; text: string; user: string };

export interface MentionContext {
  /** JIDs the message mentions: such tokens are styled as mentions even without a known name. */
  mentions?: readonly string[];
  /** User parts (phone number, LID) of our own account: shown as "@You". */
  selfUsers?: readonly string[];
}

const MENTION = /@(\d{5,20})\b/g;

export function segmentBody(
  body: string,
  mentionNames: Readonly<Record<string, string>> | null | undefined,
  context: MentionContext = {},
): BodySegment[] {
  const names = mentionNames ?? {};
  // The user part written after "@" -> the mentioned JID (its fallback name: a formatted number, never a LID).
  const mentioned = new Map((context.mentions ?? []).map((jid) => [jidUser(jid), jid]));
  const self = new Set((context.selfUsers ?? []).filter(Boolean));
  const segments: BodySegment[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    const user = match[1]!;
    const name = names[user] ?? (self.has(user) ? 'You' : undefined);
    // Not a known mention: leave the text as written.
    if (name === undefined && !mentioned.has(user)) continue;
    const at = match.index;
    if (at > last) segments.push({ kind: 'text', text: body.slice(last, at) });
    segments.push({ kind: 'mention', text: `@${name ?? displayJid(mentioned.get(user)!)}`, user });
    last = at + match[0].length;
  }
  if (last < body.length) segments.push({ kind: 'text', text: body.slice(last) });
  return segments;
}

/** Plain-text version (chat list previews, quoted previews). */
export function bodyWithMentionNames(
  body: string,
  mentionNames: Readonly<Record<string, string>> | null | undefined,
  context: MentionContext = {},
): string {
  return segmentBody(body, mentionNames, context)
    .map((s) => s.text)
    .join('');
}
