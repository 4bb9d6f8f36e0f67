/** Sending messages through the session's live client (text in v1). */
import { ValidationError } from '../core/errors.js';
import { isChatJid } from '../core/jid.js';
import type { Principal } from '../core/types.js';
import type { OutgoingText, SendResult } from '../core/whatsapp-port.js';
import { requireCapability, type Input } from './access.js';
import type { SessionsService } from './sessions.js';

export type MessagesService = ReturnType<typeof createMessagesService>;

export function createMessagesService(deps: { sessions: SessionsService }) {
  const { sessions } = deps;
  return {
    /** Stored at once as pending by the client, then updated by receipts ('message.status'). */
    async sendText(p: Principal, sessionId: string, input: Input<OutgoingText>): Promise<SendResult> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const body = input();
      if (!isChatJid(body.to)) throw new ValidationError('`to` is not a chat JID', { field: 'to', value: body.to });
      const bad = body.mentions?.find((m) => !isChatJid(m));
      if (bad) throw new ValidationError('a mention is not a JID', { field: 'mentions', value: bad });
      return sessions.liveClient(s).sendText({ to: body.to, text: body.text, replyTo: body.replyTo, mentions: body.mentions });
    },
  };
}
