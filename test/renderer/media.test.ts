import { describe, expect, it } from 'vitest';
import {
  documentKind,
  foldReactions,
  formatDuration,
  isWebUrl,
  mediaBox,
  mediaKindOf,
  nextPlaybackRate,
  openStreetMapUrl,
  pageCountLabel,
  reactionBadges,
  splitLinks,
  votePercents,
} from '../../src-renderer/src/lib/logic/media.js';
import { LruUrlCache } from '../../src-renderer/src/lib/logic/url-cache.js';
import { ApiError, isStillDownloading } from '../../src-renderer/src/lib/api/errors.js';
import type { ArchivedMessage } from '../../src-renderer/src/lib/api/types.js';
import { makeMessage } from './fixtures.js';

describe('documentKind', () => {
  it('names office formats by what they are, never the raw MIME type', () => {
    expect(documentKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a.docx')).toBe('Word document');
    expect(documentKind('application/msword', null)).toBe('Word document');
    expect(documentKind('application/pdf', 'report.pdf')).toBe('PDF document');
    expect(documentKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', null)).toBe('Excel spreadsheet');
    expect(documentKind('application/pdf; charset=binary', null)).toBe('PDF document');
  });

  it('falls back to the extension when the MIME type is generic or missing', () => {
    expect(documentKind('application/octet-stream', 'slides.PPTX')).toBe('PowerPoint presentation');
    expect(documentKind(null, 'notes.txt')).toBe('Text file');
    expect(documentKind(null, 'data.qqq')).toBe('QQQ file');
    expect(documentKind(null, null)).toBe('Document');
  });

  it('names other media types by their family', () => {
    expect(documentKind('image/png', 'x')).toBe('PNG image');
    expect(documentKind('audio/ogg; codecs=opus', null)).toBe('OGG audio');
    expect(documentKind('video/mp4', null)).toBe('MP4 video');
  });
});

describe('formatDuration', () => {
  it('writes m:ss and h:mm:ss', () => {
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(185.9)).toBe('3:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
  it('is empty when unknown', () => {
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('');
    expect(formatDuration(-1)).toBe('');
  });
});

describe('mediaBox', () => {
  it('keeps the aspect ratio within the bubble maximum', () => {
    expect(mediaBox(1280, 720)).toEqual({ width: 280, height: 158 });
    expect(mediaBox(720, 1280)).toEqual({ width: 180, height: 320 });
  });
  it('never enlarges small pictures and never collapses thin ones', () => {
    expect(mediaBox(200, 150)).toEqual({ width: 200, height: 150 });
    expect(mediaBox(4000, 10)).toEqual({ width: 280, height: 80 });
  });
  it('reserves a 4:3 box when the size is unknown', () => {
    expect(mediaBox(null, undefined)).toEqual({ width: 280, height: 210 });
  });
});

describe('mediaKindOf', () => {
  const m = (type: ArchivedMessage['type'], media: ArchivedMessage['media']) =>
    ({ type, media, hasMedia: media !== null }) as ArchivedMessage;
  it('tells voice notes from other audio', () => {
    expect(mediaKindOf(m('audio', { filename: null, mimetype: 'audio/ogg', size: 1, ptt: true }))).toBe('voice');
    expect(mediaKindOf(m('audio', { filename: null, mimetype: 'audio/mpeg', size: 1 }))).toBe('audio');
  });
  it('is null without media', () => {
    expect(mediaKindOf(m('text', null))).toBeNull();
    expect(mediaKindOf(m('image', { filename: null, mimetype: 'image/jpeg', size: 1 }))).toBe('image');
  });
});

describe('links', () => {
  it('finds http(s) and www links, leaving trailing punctuation as text', () => {
    expect(splitLinks('see https://example.org/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(splitLinks('www.example.com')).toEqual([{ kind: 'link', text: 'www.example.com', href: 'https://www.example.com' }]);
    expect(splitLinks('(https://en.wikipedia.org/wiki/A_(b))')[1]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/A_(b)',
      href: 'https://en.wikipedia.org/wiki/A_(b)',
    });
  });
  it('never links other schemes or credentials', () => {
    expect(splitLinks('javascript:alert(1) file:///etc/passwd')).toEqual([{ kind: 'text', text: 'javascript:alert(1) file:///etc/passwd' }]);
    expect(isWebUrl('https://user:pw@example.org')).toBe(false);
    expect(isWebUrl('data:text/html,x')).toBe(false);
  });
});

describe('openStreetMapUrl', () => {
  it('puts a marker at the location', () => {
    expect(openStreetMapUrl(-6.2, 106.816666)).toBe(
      'https://www.openstreetmap.org/?mlat=-6.200000&mlon=106.816666#map=16/-6.200000/106.816666',
    );
  });
  it('refuses impossible coordinates', () => {
    expect(openStreetMapUrl(91, 0)).toBeNull();
    expect(openStreetMapUrl(Number.NaN, 0)).toBeNull();
  });
});

describe('reactions', () => {
  const target = makeMessage({ id: 'T', timestamp: 10 });
  const react = (id: string, sender: string, emoji: string, timestamp: number) =>
    makeMessage({ id, timestamp, type: 'reaction', body: emoji, quotedMessageId: 'T', senderJid: sender, senderName: sender.startsWith('b') ? 'Bea' : null });

  it('folds reaction messages into their target, one per sender, newest wins', () => {
    const { messages, reactions } = foldReactions([
      target,
      react('R1', 'a@s.whatsapp.net', '👍', 11),
      react('R2', 'b@s.whatsapp.net', '👍', 12),
      react('R3', 'a@s.whatsapp.net', '❤️', 13),
    ]);
    expect(messages.map((m) => m.id)).toEqual(['T']);
    expect(reactionBadges(reactions.get('T'))).toEqual([
      { emoji: '👍', count: 1, senders: ['b@s.whatsapp.net'], names: ['Bea'] },
      { emoji: '❤️', count: 1, senders: ['a@s.whatsapp.net'], names: ['a'] },
    ]);
  });

  it('an empty emoji removes the sender reaction; API reactions on the target count too', () => {
    const withApi = { ...target, reactions: [{ emoji: '😂', senderJid: null, senderLid: '205227043110953@lid', timestamp: 5 }] };
    const { reactions } = foldReactions([withApi, react('R1', 'a@s.whatsapp.net', '👍', 11), react('R2', 'a@s.whatsapp.net', '', 12)]);
    expect(reactionBadges(reactions.get('T'))).toEqual([{ emoji: '😂', count: 1, senders: ['205227043110953@lid'], names: ['Unknown contact'] }]);
  });
});

describe('small helpers', () => {
  it('vote percents sum to about 100 and survive zero votes', () => {
    expect(votePercents([1, 3])).toEqual([25, 75]);
    expect(votePercents([0, 0])).toEqual([0, 0]);
  });
  it('cycles voice note speeds 1x, 1.5x, 2x', () => {
    expect([1, 1.5, 2].map(nextPlaybackRate)).toEqual([1.5, 2, 1]);
  });
  it('labels page counts', () => {
    expect(pageCountLabel(1)).toBe('1 page');
    expect(pageCountLabel(12)).toBe('12 pages');
    expect(pageCountLabel(null)).toBeNull();
  });
});

describe('LruUrlCache', () => {
  it('keeps referenced URLs, revokes the least recently used unreferenced ones beyond capacity', () => {
    const revoked: string[] = [];
    const cache = new LruUrlCache(2, (url) => revoked.push(url));
    cache.put('a', 'blob:a');
    cache.put('b', 'blob:b');
    expect(cache.acquire('a')).toBe('blob:a');
    cache.put('c', 'blob:c');
    cache.put('d', 'blob:d');
    // 'a' is in use; b and c are the oldest unused.
    expect(revoked).toEqual(['blob:b', 'blob:c']);
    cache.release('a');
    cache.put('e', 'blob:e');
    expect(revoked).toEqual(['blob:b', 'blob:c', 'blob:a']);
    expect(cache.peek('a')).toBeUndefined();
    cache.clear();
    expect(revoked.sort()).toEqual(['blob:a', 'blob:b', 'blob:c', 'blob:d', 'blob:e']);
  });
});

describe('isStillDownloading', () => {
  it('tells the gateway\'s "still downloading" answer (502, state queued) from a failed download and other errors', () => {
    expect(isStillDownloading(new ApiError(502, 'internal', 'the download has not finished yet; ask again shortly', { id: 'X', state: 'queued' }))).toBe(true);
    expect(isStillDownloading(new ApiError(502, 'internal', 'the media could not be downloaded', { id: 'X', reason: 'boom' }))).toBe(false);
    expect(isStillDownloading(new ApiError(501, 'not_implemented', 'no live client', { state: 'queued' }))).toBe(false);
    expect(isStillDownloading(new Error('network'))).toBe(false);
  });
});
