import { describe, expect, it } from 'vitest';
import {
  canEdit,
  fileKindOf,
  isFailedSend,
  MAX_SEND_BYTES,
  messagePreview,
  ownReaction,
  oversizeReason,
  parseCoordinates,
  pendingMessage,
  pollProblem,
  reactionToSend,
  readableSendError,
} from '../../src-renderer/src/lib/logic/compose.js';
import { applyStatusUpdate } from '../../src-renderer/src/lib/logic/timeline.js';
import { makeMessage } from './fixtures.js';

describe('composer rules', () => {
  it('sends the photo formats WhatsApp shows as photos, the rest as documents', () => {
    expect(fileKindOf('image/jpeg')).toBe('image');
    expect(fileKindOf('image/PNG')).toBe('image');
    expect(fileKindOf('image/svg+xml')).toBe('document');
    expect(fileKindOf('video/mp4')).toBe('video');
    expect(fileKindOf('audio/ogg; codecs=opus')).toBe('audio');
    expect(fileKindOf('application/pdf')).toBe('document');
    expect(fileKindOf('')).toBe('document');
  });

  it('refuses a file over the limit before uploading, saying the limit', () => {
    expect(oversizeReason({ name: 'ok.jpg', size: MAX_SEND_BYTES })).toBeNull();
    expect(oversizeReason({ name: 'big.mov', size: MAX_SEND_BYTES + 1 })).toBe('big.mov is 64 MB: files can be at most 64 MB.');
    expect(oversizeReason({ name: 'huge.zip', size: 200 * 1024 * 1024 })).toBe('huge.zip is 200 MB: files can be at most 64 MB.');
  });

  it('never shows a bare WhatsApp error number', () => {
    expect(readableSendError('463')).toBe('Not sent: WhatsApp refused this message (error 463).');
    expect(readableSendError('error')).toBe('Not sent: WhatsApp did not accept this message.');
    const sentence = 'WhatsApp refused this message: the account is restricted';
    expect(readableSendError(sentence)).toBe(sentence);
    expect(readableSendError(null)).toBeNull();
  });

  it('knows a failed send of ours', () => {
    expect(isFailedSend(makeMessage({ id: 'a', timestamp: 1, fromMe: true, status: 'error', ackLevel: 0, error: '463' }))).toBe(true);
    expect(isFailedSend(makeMessage({ id: 'b', timestamp: 1, fromMe: true }))).toBe(false);
    expect(isFailedSend(makeMessage({ id: 'c', timestamp: 1, fromMe: false, error: 'x' }))).toBe(false);
  });

  it('finds our own reaction by our user parts (phone or LID); picking it again removes it', () => {
    const reactions = [
      { emoji: '😂', senderJid: '628111@s.whatsapp.net', senderLid: null, timestamp: 1 },
      { emoji: '👍', senderJid: null, senderLid: '99887766@lid', timestamp: 2 },
    ];
    expect(ownReaction(reactions, ['628999', '99887766'])).toBe('👍');
    expect(ownReaction(reactions, ['628111'])).toBe('😂');
    expect(ownReaction(reactions, ['628000'])).toBeNull();
    expect(ownReaction(reactions, [])).toBeNull();
    expect(reactionToSend('👍', '👍')).toBe('');
    expect(reactionToSend('❤️', '👍')).toBe('❤️');
    expect(reactionToSend('❤️', null)).toBe('❤️');
  });

  it('offers edit only on our own, sent, text messages', () => {
    expect(canEdit(makeMessage({ id: 'a', timestamp: 1, fromMe: true }))).toBe(true);
    expect(canEdit(makeMessage({ id: 'b', timestamp: 1, fromMe: false }))).toBe(false);
    expect(canEdit(makeMessage({ id: 'c', timestamp: 1, fromMe: true, type: 'image' }))).toBe(false);
    expect(canEdit(makeMessage({ id: 'd', timestamp: 1, fromMe: true, deleted: true }))).toBe(false);
    expect(canEdit(makeMessage({ id: 'e', timestamp: 1, fromMe: true, error: '463' }))).toBe(false);
  });

  it('checks a poll: a question, 2..12 distinct options', () => {
    expect(pollProblem('', ['a', 'b'])).toBe('The poll needs a question.');
    expect(pollProblem('Lunch?', ['a', ' '])).toBe('A poll needs at least 2 options.');
    expect(pollProblem('Lunch?', ['a', 'a'])).toBe('Two options are the same.');
    expect(pollProblem('Lunch?', Array.from({ length: 13 }, (_, i) => `o${i}`))).toBe('A poll has at most 12 options.');
    expect(pollProblem('Lunch?', ['Pizza', 'Sushi', ''])).toBeNull();
  });

  it('reads coordinates typed by a person, refusing out-of-range ones', () => {
    expect(parseCoordinates('-6.2088', '106.8456')).toEqual({ latitude: -6.2088, longitude: 106.8456 });
    expect(parseCoordinates('48,85', '2,35')).toEqual({ latitude: 48.85, longitude: 2.35 });
    expect(parseCoordinates('91', '0')).toBeNull();
    expect(parseCoordinates('', '0')).toBeNull();
    expect(parseCoordinates('north', '0')).toBeNull();
  });

  it('previews a message in one line', () => {
    expect(messagePreview(makeMessage({ id: 'a', timestamp: 1, body: 'hi there' }))).toBe('hi there');
    expect(messagePreview(makeMessage({ id: 'b', timestamp: 1, body: '', type: 'image' }))).toBe('Photo');
    expect(messagePreview(makeMessage({ id: 'c', timestamp: 1, deleted: true }))).toBe('This message was deleted');
    expect(messagePreview(makeMessage({ id: 'd', timestamp: 1, body: 'x'.repeat(200) }))).toHaveLength(141);
  });

  it('an edit announced by message.status carries the new text', () => {
    const list = [makeMessage({ id: 'm1', timestamp: 1, fromMe: true, body: 'helo' })];
    const next = applyStatusUpdate(list, { waMessageId: 'm1', edited: true, body: 'hello' });
    expect(next[0]).toMatchObject({ body: 'hello', edited: true });
    // A body without `edited` is not an edit.
    expect(applyStatusUpdate(list, { waMessageId: 'm1', body: 'x' })[0]!.body).toBe('helo');
  });

  it('shows what we sent at once as ours and pending, under the id the gateway gave', () => {
    const session = { id: 'S1', waJid: '628999@s.whatsapp.net', waLid: '111@lid' };
    const pending = pendingMessage(session, 'a@s.whatsapp.net', { waMessageId: 'W9', status: 'pending', timestamp: 0 }, { type: 'text', body: 'hi', quotedMessageId: 'Q1', error: 'x' }, 1234);
    expect(pending).toMatchObject({ id: 'W9', waMessageId: 'W9', chatJid: 'a@s.whatsapp.net', fromMe: true, direction: 'out', senderJid: '628999@s.whatsapp.net', body: 'hi', quotedMessageId: 'Q1', ackLevel: 1, status: 'pending', timestamp: 1234, error: null });
    expect(pendingMessage(session, 'a@s.whatsapp.net', { waMessageId: 'W9', status: 'sent', timestamp: 77 }, {}).ackLevel).toBe(2);
  });
});
