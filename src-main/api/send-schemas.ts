/**
 * Zod schemas of the sending routes (issue 13, docs/API.md "Sending and acting on messages"): the body of
 * POST .../messages by `type`, its multipart form for the document, edits, deletes and read receipts. Kept apart
 * from schemas.ts (the API's objects), which would otherwise pass 400 lines.
 */
import { z } from 'zod';

const chatTo = z.string().min(3).max(100).describe('the chat: ...@s.whatsapp.net, ...@lid or ...@g.us');
const messageRef = z.string().min(1).max(128);
const mediaFields = {
  to: chatTo,
  data: z.string().min(1).optional().describe('the file as base64 (or a data: URL); with multipart/form-data, the file is the part named `file` instead'),
  mimetype: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+"-]+)*$/, 'a media type such as image/jpeg')
    .optional()
    .describe('default: sniffed from the bytes, else from the filename'),
  filename: z.string().min(1).max(255).optional(),
  caption: z.string().max(65536).optional(),
  replyTo: messageRef.optional().describe('a message stored in the chat `to`'),
};
const mediaBody = <T extends string>(type: T, extra: Record<string, z.ZodType> = {}) =>
  z.object({ type: z.literal(type), ...mediaFields, ...extra }).strict();

export const SendMessageBody = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('text'),
      to: chatTo,
      text: z.string().min(1).max(65536),
      replyTo: messageRef.optional(),
      mentions: z.array(z.string().min(3).max(100)).max(256).optional(),
    })
    .strict(),
  mediaBody('image'),
  mediaBody('video'),
  mediaBody('audio', { ptt: z.boolean().optional().describe('send as a voice note') }),
  mediaBody('document'),
  mediaBody('sticker'),
  z
    .object({
      type: z.literal('location'),
      to: chatTo,
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(1000).optional(),
      address: z.string().max(1000).optional(),
      replyTo: messageRef.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('poll'),
      to: chatTo,
      name: z.string().trim().min(1).max(255),
      options: z.array(z.string().trim().min(1).max(100)).min(2).max(12),
      selectableCount: z.number().int().min(0).max(12).optional().describe('0 = any number of options; default 1'),
    })
    .strict(),
  z
    .object({
      type: z.literal('reaction'),
      to: chatTo,
      messageId: messageRef.describe('a message stored in the chat `to`'),
      emoji: z.string().max(16).describe('"" takes our reaction back'),
    })
    .strict(),
  z
    .object({
      type: z.literal('forward'),
      to: chatTo,
      messageId: messageRef.describe('a message stored in `fromChat`'),
      fromChat: z.string().min(3).max(100),
    })
    .strict(),
]);

/** The multipart/form-data form of a media send, for the document (parsed into SendMessageBody's fields). */
export const SendMultipartSchema = {
  type: 'object',
  required: ['type', 'to', 'file'],
  properties: {
    type: { type: 'string', enum: ['image', 'video', 'audio', 'document', 'sticker'] },
    to: { type: 'string' },
    file: { type: 'string', format: 'binary', description: 'the file; its part filename and Content-Type stand in for filename/mimetype' },
    mimetype: { type: 'string' },
    filename: { type: 'string' },
    caption: { type: 'string' },
    ptt: { type: 'string', enum: ['true', 'false'] },
    replyTo: { type: 'string' },
  },
};

export const EditMessageBody = z.object({ text: z.string().min(1).max(65536) }).strict();
export const DeleteMessageQuery = z.object({
  for: z.enum(['everyone', 'me']).describe('everyone: revoke on WhatsApp (our own message, within about 2.5 days); me: delete the stored copy only'),
});
export const ReadChatQuery = z.object({
  receipts: z.enum(['true', 'false']).optional().describe("send read receipts to WhatsApp (default: the session's autoRead)"),
});
