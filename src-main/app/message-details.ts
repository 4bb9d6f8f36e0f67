/**
 * Message objects as the API serves them (docs/API.md "The archive in use"): the stored columns plus
 * media.{state, width, height, seconds, ptt, animated, pageCount, thumbnail}, location, contacts, poll and
 * the reactions to each message. One page costs at most three extra queries (payloads of the rows that
 * need one, media states, reactions), whatever its size, plus the name lookups of its distinct people
 * (app/names.ts: senders, mentions and reactions by name, never a bare LID).
 */
import type { Message, MessageReaction } from '../core/types.js';
import type { Store } from '../store/index.js';
import { nameMessage, selfJids, sessionNames } from './names.js';
import type { MediaPort } from './ports.js';

/** Types whose details live in the payload; media messages need it for dimensions and the thumbnail flag. */
const PAYLOAD_TYPES = new Set(['location', 'contact', 'poll']);

export function addMessageDetails(
  store: Store,
  media: MediaPort | null,
  sessionId: string,
  chatJid: string,
  items: readonly { message: Message; pk: number }[],
): void {
  if (items.length === 0) return;
  const mediaPks = items.filter((i) => i.message.hasMedia).map((i) => i.pk);
  const states = mediaPks.length ? store.media.states(mediaPks) : new Map<number, string>();
  const payloadPks = media
    ? items.filter((i) => i.message.hasMedia || PAYLOAD_TYPES.has(i.message.type)).map((i) => i.pk)
    : [];
  const raws = payloadPks.length ? store.messages.rawsOf(payloadPks) : new Map<number, string>();
  const targets = items.filter((i) => i.message.type !== 'reaction' && !i.message.deleted).map((i) => i.message.waMessageId);
  const reactions = new Map<string, MessageReaction[]>();
  for (const r of targets.length ? store.messages.reactionsTo(sessionId, chatJid, targets) : []) {
    if (!r.body) continue;
    let list = reactions.get(r.quoted_message_id);
    if (!list) reactions.set(r.quoted_message_id, (list = []));
    list.push({ emoji: r.body, senderJid: r.sender_jid, senderLid: r.sender_lid, timestamp: r.timestamp });
  }
  for (const { message, pk } of items) {
    const raw = raws.get(pk);
    const details = raw && media ? media.readDetails(raw) : undefined;
    if (message.media) {
      message.media = {
        ...message.media,
        width: null,
        height: null,
        seconds: null,
        ptt: false,
        animated: false,
        pageCount: null,
        thumbnail: false,
        ...details?.media,
        state: (states.get(pk) as NonNullable<Message['media']>['state']) ?? 'none',
      };
    }
    if (details?.location) message.location = details.location;
    if (details?.contacts) message.contacts = details.contacts;
    if (details?.poll) message.poll = details.poll;
    const rs = reactions.get(message.waMessageId);
    if (rs) message.reactions = rs;
  }
  const names = sessionNames(store, sessionId);
  const row = store.sessions.get(sessionId);
  const self = selfJids({ waJid: row?.wa_jid ?? null, waLid: row?.wa_lid ?? null });
  for (const { message } of items) nameMessage(names, message, self);
}
