/**
 * Readable texts for WhatsApp refusing one of our sends (issue 13), shared by the two ways a refusal arrives:
 * at once (sock.sendMessage rejects: baileys/failures.ts sendFailure) and later, as an error ack
 * (`messages.update` with status ERROR and messageStubParameters [code, ...]: ingest/messages.ts).
 * Codes are those of WhatsApp's ack stanzas as Baileys 7 names them (Utils/decode-wa-message.js
 * SERVER_ERROR_CODES / NACK_REASONS, Socket/messages-recv.js handleBadAck).
 */

const KNOWN: Record<string, string> = {
  // 463: a 1:1 message without a privacy token (tctoken). Baileys: "usually means the account is restricted:
  // WhatsApp blocks starting new chats but preserves existing ones".
  '463': 'WhatsApp refused this message: the account is restricted (it cannot start new chats for now; existing chats still work) (463)',
  // 479: SMAX_INVALID, the stanza failed the server's validation (often a stale device session or bad addressing).
  '479': 'WhatsApp rejected this message as invalid (479); sending it again after a reconnect usually works',
  '408': 'WhatsApp did not confirm the message in time',
  '401': 'WhatsApp refused this message: the session is logged out',
  '403': 'WhatsApp refused this message: not allowed in this chat (you may not be a member, or only admins can send)',
  '404': 'WhatsApp refused this message: the recipient does not exist on WhatsApp',
  '406': 'WhatsApp refused this message: not acceptable (the recipient or the content is not allowed)',
  '428': 'the WhatsApp connection closed before the message was sent',
  '429': 'WhatsApp refused this message: too many messages, slow down',
};

/** The readable text of a WhatsApp error code (a number or its string), or null when the code is unknown. */
export function knownSendFailure(code: string | number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return KNOWN[String(code)] ?? null;
}

/**
 * The stored `error` of a message whose error ack carries these stub parameters: the readable text for a
 * known code, else "WhatsApp refused this message (<code>: <more>)"; null without parameters.
 */
export function ackFailureText(params: readonly string[]): string | null {
  const list = params.filter((p) => p.length > 0);
  if (list.length === 0) return null;
  const known = knownSendFailure(list[0]);
  if (known) return known;
  return `WhatsApp refused this message (${list.join(': ')})`;
}
