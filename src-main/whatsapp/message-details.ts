/**
 * What the API shows of a stored message beyond its columns (docs/API.md "The archive in use"): media
 * dimensions and flags, location, contact cards and polls, read from the payload ingestion kept in
 * `messages.raw` (raw-message.ts). The app layer reaches this through its MediaPort (src-main/app/ports.ts),
 * which the gateway fills once the WhatsApp side is loaded (gateway/whatsapp-runtime.ts). Never throws.
 */
import { extractMessageContent, getAggregateVotesInPollMessage, proto, type WAMessage } from '@whiskeysockets/baileys';
import type { MessageLocation, MessagePoll, PayloadDetails } from '../core/types.js';
import { describeMedia, reviveRaw } from '../media/downloader.js';

const text = (v: string | null | undefined): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Phone numbers of a vCard: the `waid` WhatsApp adds (digits), else the TEL values as written. */
export function vcardPhones(vcard: string | null | undefined): string[] {
  if (!vcard) return [];
  const out: string[] = [];
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL/i.test(line)) continue;
    const waid = /waid=(\d+)/i.exec(line)?.[1];
    const value = line.slice(line.indexOf(':') + 1).trim();
    const phone = waid ? `+${waid}` : value;
    if (phone && !out.includes(phone)) out.push(phone);
  }
  return out;
}

function location(m: proto.Message.ILocationMessage | proto.Message.ILiveLocationMessage, live: boolean): MessageLocation | undefined {
  const lat = Number(m.degreesLatitude);
  const lon = Number(m.degreesLongitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  const plain = m as proto.Message.ILocationMessage;
  return { latitude: lat, longitude: lon, name: text(plain.name), address: text(plain.address), url: text(plain.url), live };
}

function poll(msg: WAMessage, content: proto.IMessage): MessagePoll | undefined {
  const p = content.pollCreationMessage ?? content.pollCreationMessageV2 ?? content.pollCreationMessageV3;
  if (!p) return undefined;
  const names = (p.options ?? []).map((o) => o.optionName ?? '');
  // Votes are known only when the payload carries decrypted poll updates (Baileys' pollUpdates).
  let votes = new Map<string, number>();
  if (msg.pollUpdates?.length) {
    try {
      votes = new Map(getAggregateVotesInPollMessage({ message: msg.message, pollUpdates: msg.pollUpdates }).map((v) => [v.name, v.voters.length]));
    } catch {
      votes = new Map();
    }
  }
  return {
    name: p.name ?? '',
    options: names.map((name) => ({ name, votes: votes.get(name) ?? 0 })),
    selectableCount: p.selectableOptionsCount ?? 0,
  };
}

export function readPayloadDetails(raw: string): PayloadDetails {
  let msg: WAMessage;
  try {
    msg = reviveRaw(raw);
  } catch {
    return {};
  }
  const out: PayloadDetails = {};
  try {
    const d = describeMedia(msg);
    if (d) {
      out.media = {
        width: d.width,
        height: d.height,
        seconds: d.seconds,
        ptt: d.ptt,
        animated: d.animated,
        pageCount: d.pageCount,
        thumbnail: d.jpegThumbnail !== null,
      };
    }
    const content = extractMessageContent(msg.message);
    if (!content) return out;
    if (content.locationMessage) out.location = location(content.locationMessage, false);
    else if (content.liveLocationMessage) out.location = location(content.liveLocationMessage, true);
    if (content.contactMessage) {
      out.contacts = [{ name: text(content.contactMessage.displayName), phones: vcardPhones(content.contactMessage.vcard) }];
    } else if (content.contactsArrayMessage) {
      out.contacts = (content.contactsArrayMessage.contacts ?? []).map((c) => ({ name: text(c.displayName), phones: vcardPhones(c.vcard) }));
    }
    const p = poll(msg, content);
    if (p) out.poll = p;
  } catch {
    // a payload we cannot read adds nothing
  }
  return out;
}
