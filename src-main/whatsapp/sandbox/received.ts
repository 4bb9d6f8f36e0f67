/**
 * What a simulated contact's phone shows of one of our sends (issue 13): the kind and a short text, for the
 * sandbox inspector (GET /sessions/{s}/sandbox `received`), so tests and the UI suite can check that the
 * "phone" got a photo, a poll, an edit or a delete. Pure: reads the generated WAMessage only.
 */
import { normalizeMessageContent, proto, type WAMessage } from '@whiskeysockets/baileys';

/** What a simulated contact got from one of our sends (issue 13), for the sandbox inspector. */
export interface ReceivedRecord {
  id: string;
  to: string;
  kind: 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'location' | 'poll' | 'reaction' | 'forward' | 'edit' | 'delete' | 'other';
  /** The text, caption, poll name, emoji, place, or the id an edit/delete/reaction names, as the phone shows it. */
  text: string;
  at: number;
}

/** Read receipts the simulated contacts saw (issue 13). */
export interface ReadReceiptRecord {
  jid: string;
  ids: string[];
  at: number;
}


/** The kind of a message we sent and the text the contact sees (caption, place, poll name, emoji, the id revoked). */
export function describeReceived(message: WAMessage): Pick<ReceivedRecord, 'kind' | 'text'> {
  const content = normalizeMessageContent(message.message);
  const protocol = content?.protocolMessage;
  let kind: ReceivedRecord['kind'] = 'other';
  let text = '';
  if (protocol?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) {
    kind = 'edit';
    const edited = normalizeMessageContent(protocol.editedMessage ?? undefined);
    text = edited?.conversation ?? edited?.extendedTextMessage?.text ?? '';
  } else if (protocol?.type === proto.Message.ProtocolMessage.Type.REVOKE) {
    kind = 'delete';
    text = protocol.key?.id ?? '';
  } else if (content?.reactionMessage) {
    kind = 'reaction';
    text = content.reactionMessage.text ?? '';
  } else if (content?.conversation || content?.extendedTextMessage) {
    kind = 'text';
    text = content.conversation ?? content.extendedTextMessage?.text ?? '';
  } else if (content?.locationMessage) {
    kind = 'location';
    const l = content.locationMessage;
    text = l.name ?? `${l.degreesLatitude},${l.degreesLongitude}`;
  } else if (content?.pollCreationMessage || content?.pollCreationMessageV3 || content?.pollCreationMessageV2) {
    kind = 'poll';
    text = (content.pollCreationMessage ?? content.pollCreationMessageV3 ?? content.pollCreationMessageV2)?.name ?? '';
  } else {
    for (const k of ['image', 'video', 'audio', 'document', 'sticker'] as const) {
      const media = content?.[`${k}Message`] as { caption?: string | null; fileName?: string | null } | null | undefined;
      if (media) {
        kind = k;
        text = media.caption ?? (k === 'document' ? media.fileName ?? '' : '');
        break;
      }
    }
  }
  const forwarded = Object.values(content ?? {}).some((v) => (v as { contextInfo?: { isForwarded?: boolean | null } } | null)?.contextInfo?.isForwarded);
  if (forwarded && kind !== 'edit' && kind !== 'delete') kind = 'forward';
  return { kind, text };
}
