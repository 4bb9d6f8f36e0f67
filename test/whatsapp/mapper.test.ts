import { BufferJSON, proto, type WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { canonicalChatJid, keyMapping, meIdentity, normalizeJid } from '../../src-main/core/jid.js';
import { describeContent, describeStub, editedBody, mapMessage, protocolAction, reactionRemoval, toMillis, type MapperContext } from '../../src-main/whatsapp/mapper.js';
import { writeRawMessage } from '../../src-main/whatsapp/raw-message.js';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  ME,
  buildCorpus,
  buildNonMessages,
  editOf,
  revokeOf,
  textMessage,
  wm,
} from '../fixtures/baileys/corpus.js';

/** A context with the same knowledge the ingestion has after the corpus' setup events. */
function fixtureContext(): MapperContext {
  const pnByLid = new Map([
    [ALICE.lid, ALICE.pn],
    [CAROL.lid, CAROL.pn],
    [ME.lid, ME.pn],
  ]);
  const lidByPn = new Map([...pnByLid].map(([l, p]) => [p, l]));
  const names = new Map<string, string>([
    [ALICE.pn, 'Alice A.'],
    [ALICE.lid, 'Alice A.'],
    [BOB.pn, 'Bobby'],
    [CAROL.pn, 'Carol'],
    [CAROL.lid, 'Carol'],
    [DAVE.lid, 'Dave'],
  ]);
  return {
    me: { jid: ME.pn, lid: ME.lid },
    resolvePn: (lid) => pnByLid.get(lid),
    resolveLid: (pn) => lidByPn.get(pn),
    displayName: (jid) => names.get(jid) ?? null,
    now: () => 42,
  };
}

const ctx = fixtureContext();

describe('normalizeJid', () => {
  it.each([
    ['15550000002@s.whatsapp.net', '15550000002@s.whatsapp.net'],
    ['15550000002:12@s.whatsapp.net', '15550000002@s.whatsapp.net'],
    ['15550000002_1:3@s.whatsapp.net', '15550000002@s.whatsapp.net'],
    ['15550000002@c.us', '15550000002@s.whatsapp.net'],
    ['15550000002:4@hosted', '15550000002@s.whatsapp.net'],
    ['200000000000002:9@lid', '200000000000002@lid'],
    ['200000000000002:9@hosted.lid', '200000000000002@lid'],
    ['120363000000000001@g.us', '120363000000000001@g.us'],
    ['1234567890-1600000000@g.us', '1234567890-1600000000@g.us'],
    ['120363999999999999@newsletter', '120363999999999999@newsletter'],
    ['status@broadcast', 'status@broadcast'],
  ])('%s -> %s', (input, output) => {
    expect(normalizeJid(input)).toBe(output);
  });

  it.each([[undefined], [null], [42], [''], ['no-at-sign'], ['@s.whatsapp.net'], ['123@'], [':1@lid']])(
    'rejects %s',
    (input) => {
      expect(normalizeJid(input)).toBeNull();
    },
  );
});

describe('timestamps', () => {
  it('reads seconds as Long, number or string and returns epoch ms', () => {
    // fromObject turns uint64 fields into protobufjs Long instances, as decoded traffic has them.
    const long = proto.WebMessageInfo.fromObject({ messageTimestamp: 1_719_662_400 }).messageTimestamp;
    expect(typeof long).toBe('object');
    expect(toMillis(long)).toBe(1_719_662_400_000);
    expect(toMillis(1_719_662_400)).toBe(1_719_662_400_000);
    expect(toMillis('1719662400')).toBe(1_719_662_400_000);
    expect(toMillis(1_719_662_400_123)).toBe(1_719_662_400_123); // already ms
    expect(toMillis(null)).toBe(0);
    expect(toMillis('garbage')).toBe(0);
  });

  it('falls back to the context clock when a message has no timestamp', () => {
    const rec = mapMessage(wm({ key: { remoteJid: BOB.pn, id: 'T1', fromMe: false }, message: { conversation: 'x' } }), ctx);
    expect(rec?.timestamp).toBe(42);
  });
});

describe('identities', () => {
  it('normalises our own ids and sorts the two forms', () => {
    expect(meIdentity(ME.user)).toEqual({ jid: ME.pn, lid: ME.lid });
    expect(meIdentity({ id: ME.user.lid })).toEqual({ jid: null, lid: ME.lid });
    expect(meIdentity(undefined)).toBeUndefined();
  });

  it('takes a LID/phone pair from message keys, but never maps a peer onto ourselves', () => {
    expect(keyMapping({ remoteJid: ALICE.lid, remoteJidAlt: ALICE.pn }, ctx.me)).toEqual({ lid: ALICE.lid, pn: ALICE.pn });
    expect(keyMapping({ remoteJid: '1@g.us', participant: ALICE.pn, participantAlt: `${ALICE.lid.split('@')[0]}:3@lid` }, ctx.me)).toEqual({
      lid: ALICE.lid,
      pn: ALICE.pn,
    });
    expect(keyMapping({ remoteJid: DAVE.lid, remoteJidAlt: ME.pn, fromMe: true }, ctx.me)).toBeNull();
    expect(keyMapping({ remoteJid: ME.lid, remoteJidAlt: ME.pn, fromMe: true }, ctx.me)).toEqual({ lid: ME.lid, pn: ME.pn });
    expect(keyMapping({ remoteJid: ALICE.pn, remoteJidAlt: BOB.pn }, ctx.me)).toBeNull();
  });

  it('files a LID 1:1 chat under the phone JID when known (alt first, then the mapping table)', () => {
    expect(canonicalChatJid({ remoteJid: DAVE.lid, remoteJidAlt: '15559990000@s.whatsapp.net' }, ctx)).toBe('15559990000@s.whatsapp.net');
    expect(canonicalChatJid({ remoteJid: CAROL.lid }, ctx)).toBe(CAROL.pn);
    expect(canonicalChatJid({ remoteJid: DAVE.lid }, ctx)).toBe(DAVE.lid);
    expect(canonicalChatJid({ remoteJid: ME.lid, fromMe: true }, ctx)).toBe(ME.pn);
    expect(canonicalChatJid({ remoteJid: '120363000000000001@g.us', participant: CAROL.lid }, ctx)).toBe('120363000000000001@g.us');
    expect(canonicalChatJid({ remoteJid: 'status@broadcast' }, ctx)).toBeNull();
    expect(canonicalChatJid({ remoteJid: '123@broadcast' }, ctx)).toBeNull();
  });
});

describe('mapMessage over the fixture corpus', () => {
  const corpus = buildCorpus();
  it('has at least 25 real WebMessageInfo payloads', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    expect(corpus.filter((c) => c.message instanceof proto.WebMessageInfo).length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus)('$name', ({ message, expected, placeholder, searchText }) => {
    const rec = mapMessage(message, ctx);
    expect(rec).not.toBeNull();
    const { direction, hasMedia, status, ...fields } = expected;
    expect({ ...rec, raw: undefined }).toEqual({ ...fields, placeholder: placeholder ?? false, raw: undefined, ...(searchText ? { searchText } : {}) });
    expect(direction).toBe(rec!.fromMe ? 'out' : 'in');
    expect(hasMedia).toBe(rec!.media !== null);
    expect(status).toBeTypeOf('string');
    expect(typeof rec!.raw).toBe('string');
  });

  it.each(buildNonMessages())('$name is not a message', ({ message }) => {
    expect(mapMessage(message, ctx)).toBeNull();
  });

  it('never throws on garbage', () => {
    const throwing = {
      get key(): never {
        throw new Error('boom');
      },
    };
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      'text',
      {},
      { key: null },
      { key: { id: 7, remoteJid: BOB.pn } },
      { key: { id: 'G1' } },
      { key: { id: 'G2', remoteJid: 'not a jid' }, message: { conversation: 'x' } },
      { key: { id: 'G3', remoteJid: BOB.pn }, message: 'not an object' },
      { key: { id: 'G4', remoteJid: BOB.pn }, message: { imageMessage: null } },
      { key: { id: 'G5', remoteJid: BOB.pn }, message: { extendedTextMessage: { contextInfo: { mentionedJid: 'oops' } } } },
      throwing,
    ];
    for (const g of garbage) expect(() => mapMessage(g as WAMessage, ctx)).not.toThrow();
    expect(mapMessage(garbage[5] as WAMessage, ctx)).toBeNull();
    expect(mapMessage(throwing as unknown as WAMessage, ctx)).toBeNull();
    // Odd but harmless content still maps (empty text, mentions ignored).
    expect(mapMessage(garbage[11] as WAMessage, ctx)).toMatchObject({ type: 'text', body: '', mentions: [] });
  });
});

describe('content', () => {
  it('maps the common content types', () => {
    expect(describeContent({ conversation: 'hi' })).toMatchObject({ type: 'text', body: 'hi' });
    expect(describeContent({ ptvMessage: { mimetype: 'video/mp4', fileLength: 10 } })).toMatchObject({
      type: 'video',
      media: { filename: null, mimetype: 'video/mp4', size: 10 },
    });
    expect(describeContent({ liveLocationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5 } })).toMatchObject({
      type: 'location',
      body: '1.5,2.5',
    });
    expect(describeContent({ pollCreationMessage: { name: 'Q' } })).toMatchObject({ type: 'poll', body: 'Q' });
    expect(describeContent({ groupInviteMessage: { groupName: 'G', caption: 'join us' } })).toMatchObject({
      type: 'unknown',
      body: 'join us',
    });
    expect(describeContent({ protocolMessage: { type: 0 } })).toBeNull();
    expect(describeContent({})).toBeNull();
  });

  it('reads edits, revokes and reaction removals', () => {
    const target = { remoteJid: ALICE.pn, fromMe: false, id: 'ORIG' };
    expect(protocolAction(revokeOf(target, 'R1', 1))).toEqual({ kind: 'revoke', targetId: 'ORIG', body: null });
    expect(protocolAction(editOf(target, 'E1', 'new text', 2))).toEqual({ kind: 'edit', targetId: 'ORIG', body: 'new text' });
    expect(protocolAction(textMessage(target, 'plain', 3))).toBeNull();
    expect(editedBody({ editedMessage: { message: { extendedTextMessage: { text: 'edited' } } } })).toBe('edited');
    const removal = wm({ key: { remoteJid: ALICE.pn, id: 'RX', fromMe: false }, message: { reactionMessage: { key: target, text: '' } } });
    expect(reactionRemoval(removal)).toEqual({ targetId: 'ORIG' });
    expect(mapMessage(removal, ctx)).toBeNull();
  });

  it('describes system stubs readably', () => {
    const S = proto.WebMessageInfo.StubType;
    expect(describeStub(S.GROUP_CREATE, ['Trip'], 'You', ctx)).toBe('You created group "Trip"');
    expect(describeStub(S.GROUP_PARTICIPANT_REMOVE, [DAVE.lid], 'Alice', ctx)).toBe('Alice removed Dave');
    expect(describeStub(S.GROUP_PARTICIPANT_LEAVE, [JSON.stringify({ id: '900000000000009@lid', phoneNumber: '15559999999@s.whatsapp.net' })], 'x', ctx)).toBe(
      '+1 555 999 9999 left',
    );
    expect(describeStub(S.GROUP_PARTICIPANT_PROMOTE, [ME.lid], 'Alice', ctx)).toBe('Alice made you an admin');
    expect(describeStub(S.GROUP_CHANGE_ANNOUNCE, ['on'], 'Bob', ctx)).toBe(
      "Bob changed this group's settings to allow only admins to send messages",
    );
    expect(describeStub(S.BIZ_NAME_CHANGE, ['Shop'], 'Bob', ctx)).toBe('Biz name change: Shop');
  });

  it('words the stubs that used to read as enum names', () => {
    const S = proto.WebMessageInfo.StubType;
    // History hands a contact's security-code change with fromMe=true: the contact is the parameter.
    expect(describeStub(S.E2E_IDENTITY_CHANGED, [CAROL.lid], 'You', ctx)).toBe("Carol's security code changed");
    expect(describeStub(S.INDIVIDUAL_CHANGE_NUMBER, [DAVE.lid, '15551731926@s.whatsapp.net'], 'You', ctx)).toBe(
      'Dave changed their phone number to +1 555 173 1926',
    );
    expect(describeStub(S.BLOCK_CONTACT, ['true'], 'You', ctx)).toBe('You blocked this contact');
    expect(describeStub(S.BLOCK_CONTACT, ['false'], 'You', ctx)).toBe('You unblocked this contact');
    expect(describeStub(S.CHANGE_EPHEMERAL_SETTING, ['0'], 'Bob', ctx)).toBe('Bob turned off disappearing messages');
    expect(describeStub(S.CHANGE_EPHEMERAL_SETTING, ['604800'], 'Bob', ctx)).toBe('Bob turned on disappearing messages (7 days)');
    expect(describeStub(S.BIZ_PRIVACY_MODE_TO_FB, ['x'], 'Shop', ctx)).toMatch(/secure service from Meta/);
    expect(describeStub(S.CHAT_PSA, [], 'x', ctx)).not.toMatch(/psa/i);
  });

  it('keeps the text of buttons and templates whose header is media', () => {
    const buttons = describeContent({ buttonsMessage: { imageMessage: { mimetype: 'image/jpeg' }, contentText: 'Menu', headerType: 4 } });
    expect(buttons).toMatchObject({ type: 'image', body: 'Menu' });
    const located = describeContent({
      templateMessage: { hydratedTemplate: { locationMessage: { degreesLatitude: 0 }, hydratedContentText: '', hydratedFooterText: 'Footer' } },
    });
    expect(located).toMatchObject({ type: 'text', body: 'Footer' });
    expect(describeContent({ callLogMesssage: { isVideo: true, durationSecs: 75 } })).toMatchObject({ type: 'system', body: 'Video call (1:15)' });
    expect(describeContent({ encCommentMessage: {} })).toMatchObject({ type: 'unknown', body: 'unsupported message kind (encCommentMessage)' });
    expect(describeContent({ albumMessage: {} })).toBeNull();
  });

  it('maps a revoked stub with content kept as deleted', () => {
    const m = wm({ key: { remoteJid: BOB.pn, id: 'RV', fromMe: false }, message: { conversation: 'gone' }, messageStubType: 1 });
    expect(mapMessage(m, ctx)).toMatchObject({ deleted: true, body: 'gone', type: 'text' });
  });
});

describe('raw payload', () => {
  const revive = (raw: string) => proto.WebMessageInfo.fromObject(JSON.parse(raw, BufferJSON.reviver) as Record<string, unknown>);

  it.each(buildCorpus())('revives to the same WebMessageInfo: $name', ({ message }) => {
    const raw = writeRawMessage(message)!;
    const original = message instanceof proto.WebMessageInfo ? message : proto.WebMessageInfo.fromObject(message as never);
    expect(revive(raw).toJSON()).toEqual(original.toJSON());
  });

  it('keeps bytes, 64-bit numbers and the key fields Baileys adds beyond the protobuf', () => {
    const image = buildCorpus().find((c) => c.expected.waMessageId === 'FX06')!.message;
    const raw = writeRawMessage(image)!;
    const parsed = JSON.parse(raw, BufferJSON.reviver) as { key: Record<string, unknown>; messageTimestamp: unknown };
    expect(parsed.key).toMatchObject({ remoteJid: ALICE.pn, remoteJidAlt: ALICE.lid, addressingMode: 'pn' });
    expect(parsed.messageTimestamp).toBe(String(image.messageTimestamp));
    const revived = proto.Message.fromObject((JSON.parse(raw, BufferJSON.reviver) as { message: Record<string, unknown> }).message);
    expect(Buffer.from(revived.imageMessage!.mediaKey!)).toEqual(Buffer.from(image.message!.imageMessage!.mediaKey!));
    expect(Number(revived.imageMessage!.fileLength)).toBe(204800);
    expect(raw).not.toContain('"labels"'); // empty lists left out
  });

  it('serialises plain objects carrying Buffers (live payloads) so fromObject reads them back', () => {
    const plainPayload = {
      key: { remoteJid: BOB.pn, id: 'P1', fromMe: true },
      message: proto.Message.fromObject({ imageMessage: { mediaKey: Buffer.from([1, 2, 3]), caption: 'x' } }),
      messageTimestamp: 1_719_662_400,
      status: proto.WebMessageInfo.Status.PENDING,
    };
    const raw = writeRawMessage(plainPayload as unknown as WAMessage)!;
    const back = revive(raw);
    expect([...back.message!.imageMessage!.mediaKey!]).toEqual([1, 2, 3]);
    expect(back.status).toBe(proto.WebMessageInfo.Status.PENDING);
    expect(back.key).toMatchObject({ remoteJid: BOB.pn, id: 'P1', fromMe: true });
  });
});
