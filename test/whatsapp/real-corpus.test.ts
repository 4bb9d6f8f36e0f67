/**
 * The real-payload corpus (test/fixtures/real, listed in test/fixtures/README.md): messages other people's
 * Baileys apps received and committed to public repositories, phone numbers masked. Each one is revived the
 * way Baileys hands it to us (live upserts through proto.WebMessageInfo.fromObject plus the v7 key fields
 * the protobuf drops; history-sync records as given, string enums and string timestamps included), emitted
 * on a real Baileys event buffer into the real ingestor and a real SQLite store, and the stored row is
 * compared with what a correct archive shows.
 *
 * Rows the mapper does not get right yet carry `knownGap` in their fixture and run as `it.fails`: when the
 * mapper learns the kind, the row starts passing, `it.fails` reports it, and the gap note comes out.
 *
 * A second table sweeps every content field WhatsApp's proto.Message can carry (read from the installed
 * WAProto), because the corpus cannot hold every kind: each wrapper (a field whose value carries a `message`)
 * must be unwrapped, and every other kind must give a readable row, a placeholder, or (signalling) no row,
 * never an empty bubble.
 */
import { makeEventBuffer, proto, type WAMessage } from '@whiskeysockets/baileys';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src-main/core/types.js';
import { rowToMessage } from '../../src-main/store/repositories/messages.js';
import { parseSearchQuery } from '../../src-main/store/search-query.js';
import { createIngestor, type GatewayIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real');
const NOW = 1_800_000_000_000;
/** Our own account in the corpus: no fixture's (masked) number is ours, so fromMe rows are the store owner's. */
const ME = { id: '15550000001:7@s.whatsapp.net', lid: '100000000000001:7@lid', name: 'Corpus Owner' };

interface Expected {
  /** False: a correct archive keeps no row for this payload (protocol messages, votes, status posts...). */
  stored: boolean;
  why?: string;
  waMessageId: string;
  chatJid: string;
  fromMe: boolean;
  /** The sender's JID (either form) when it is known from the key: participant in groups, the peer in 1:1 chats. */
  sender?: string;
  type?: Message['type'];
  body?: string;
  bodyContains?: string;
  bodyNonEmpty?: boolean;
  hasMedia?: boolean;
  edited?: boolean;
  deleted?: boolean;
  placeholder?: boolean;
}

interface RealFixture {
  file: string;
  kind: string;
  source: { repo: string; commit: string; path: string; url: string; messageId: string };
  event: 'messages.upsert' | 'messaging-history.set';
  note: string;
  expected: Expected;
  knownGap?: string;
  payload: Record<string, unknown>;
}

function loadFixtures(): RealFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as Omit<RealFixture, 'file'>), file }));
}

/** The v7 key fields WAMessageKey adds beyond the protobuf: fromObject drops them, Baileys sets them. */
const KEY_EXTRAS = ['remoteJidAlt', 'participantAlt', 'addressingMode', 'server_id'] as const;

/** A live upsert as Baileys emits it: a WebMessageInfo instance (Longs, enums as numbers) with v7 key fields. */
function reviveUpsert(payload: Record<string, unknown>): WAMessage {
  const m = proto.WebMessageInfo.fromObject(payload) as WAMessage;
  const key = payload.key as Record<string, unknown> | undefined;
  if (key && m.key) {
    for (const field of KEY_EXTRAS) {
      if (key[field] !== undefined && key[field] !== null) (m.key as Record<string, unknown>)[field] = key[field];
    }
  }
  return m;
}

interface Harness {
  t: TempStore;
  sessionId: string;
  ingestor: GatewayIngestor;
  ev: ReturnType<typeof makeEventBuffer>;
  /** Log lines at warn level or above from ingestion. */
  problems: Record<string, unknown>[];
  detach: () => void;
}

function harness(): Harness {
  const t = tempStoreWithSession({ patch: { waJid: '15550000001@s.whatsapp.net', waLid: '100000000000001@lid', phoneNumber: '15550000001' } });
  const problems: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void problems.push(JSON.parse(line) as Record<string, unknown>) });
  const ingestor = createIngestor({ store: t.store, publisher: { publish: () => undefined }, logger, now: () => NOW });
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const sock = { ev, user: ME } as unknown as SocketLike;
  const detach = ingestor.attach(t.session.id, sock);
  return { t, sessionId: t.session.id, ingestor, ev, problems, detach };
}

/** One buffered batch per payload, as Baileys emits one per incoming node / history chunk. */
function feed(h: Harness, fx: RealFixture): void {
  h.ev.buffer();
  try {
    if (fx.event === 'messages.upsert') {
      h.ev.emit('messages.upsert', { messages: [reviveUpsert(fx.payload)], type: 'notify' });
    } else {
      h.ev.emit('messaging-history.set', {
        chats: [],
        contacts: [],
        messages: [fx.payload as unknown as WAMessage],
        syncType: proto.HistorySync.HistorySyncType.RECENT,
        progress: null,
        isLatest: false,
      });
    }
  } finally {
    h.ev.flush();
  }
}

const messageCount = (h: Harness): number =>
  (h.t.store.db.prepare('SELECT count(*) AS n FROM messages WHERE session_id = ?').get(h.sessionId) as { n: number }).n;

function storedMessage(h: Harness, id: string): Message | undefined {
  const row = h.t.store.messages.findById(h.sessionId, id);
  return row ? rowToMessage(row) : undefined;
}

/** The assertions of one row: what a correct archive shows for it. */
function checkRow(h: Harness, fx: RealFixture): void {
  const e = fx.expected;
  const stored = storedMessage(h, e.waMessageId);
  if (!e.stored) {
    expect(stored, `no row for ${fx.kind}: ${e.why ?? ''}`).toBeUndefined();
    return;
  }
  expect(stored, `a row for ${fx.kind}`).toBeDefined();
  const m = stored!;
  expect(m.chatJid).toBe(e.chatJid);
  expect(m.fromMe).toBe(e.fromMe);
  if (e.fromMe) expect(m.senderJid).toBe('15550000001@s.whatsapp.net');
  if (e.sender !== undefined) expect([m.senderJid, m.senderLid]).toContain(e.sender);
  if (e.type !== undefined) expect(m.type).toBe(e.type);
  if (e.body !== undefined) expect(m.body).toBe(e.body);
  if (e.bodyContains !== undefined) expect(m.body).toContain(e.bodyContains);
  if (e.bodyNonEmpty) expect(m.body.trim().length).toBeGreaterThan(0);
  if (e.hasMedia !== undefined) expect(m.hasMedia).toBe(e.hasMedia);
  if (e.edited !== undefined) expect(m.edited).toBe(e.edited);
  if (e.deleted !== undefined) expect(m.deleted).toBe(e.deleted);
  // Never an empty bubble: a row shows text, media, a deletion, or is a placeholder awaiting its content.
  if (!m.deleted && !m.hasMedia && !e.placeholder) expect(m.body.trim().length, 'an empty bubble').toBeGreaterThan(0);
}

const fixtures = loadFixtures();

describe('the real-payload corpus through a real event buffer into SQLite', () => {
  let h: Harness;
  let firstPassCount = 0;

  beforeAll(() => {
    h = harness();
    for (const fx of fixtures) feed(h, fx);
    firstPassCount = messageCount(h);
  });
  afterAll(() => {
    h.detach();
    h.ev.destroy();
    h.t.cleanup();
  });

  it('holds at least 60 outside payloads across at least 30 kinds, each with its source', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    expect(new Set(fixtures.map((f) => f.kind)).size).toBeGreaterThanOrEqual(30);
    for (const fx of fixtures) {
      expect(fx.source.url, fx.file).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//);
      expect(fx.expected.waMessageId, fx.file).toBe((fx.payload.key as { id: string }).id);
    }
    const readme = readFileSync(join(FIXTURE_DIR, '..', 'README.md'), 'utf8');
    for (const fx of fixtures) expect(readme, `README lists ${fx.file}`).toContain(fx.file);
  });

  it('logs no warning or error while ingesting the corpus', () => {
    expect(h.problems).toEqual([]);
  });

  for (const fx of fixtures) {
    const title = `${fx.file} (${fx.kind})`;
    if (fx.knownGap) it.fails(`${title} [known gap: ${fx.knownGap}]`, () => checkRow(h, fx));
    else it(title, () => checkRow(h, fx));
  }

  it('stores nothing twice when the whole corpus is replayed twice more', () => {
    for (let pass = 0; pass < 2; pass++) for (const fx of fixtures) feed(h, fx);
    expect(messageCount(h)).toBe(firstPassCount);
    expect(h.problems).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Edits and revokes landing on their real targets

/** A corpus edit's or revoke's target, from the same committed store (test/fixtures/real/targets). */
interface TargetFixture extends RealFixture {
  /** The corpus file whose edit or revoke names this message. */
  targetOf: string;
  /** The row once the edit or revoke is applied; `search`: a term that finds it only before / only after. */
  after: { body?: string; edited?: boolean; deleted: boolean; search?: { before: string; after: string } };
}

const TARGET_DIR = join(FIXTURE_DIR, 'targets');
const targets = readdirSync(TARGET_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ ...(JSON.parse(readFileSync(join(TARGET_DIR, file), 'utf8')) as Omit<TargetFixture, 'file'>), file }));

describe('edits and revokes from the corpus land on their real targets', () => {
  const found = (h: Harness, term: string, chatJid: string): string[] => {
    while (h.t.store.search.pending()) h.t.store.search.backfill();
    return h.t.store.search.search(h.sessionId, parseSearchQuery(term), { chatJid, includeChannels: true }, 10).map((hit) => hit.message.wa_message_id);
  };

  it('holds an edit and a revoke pair at least, each target from its change\'s own store', () => {
    const changes = targets.map((t) => fixtures.find((f) => f.file === t.targetOf));
    expect(changes.every(Boolean)).toBe(true);
    expect(targets.some((t) => t.after.edited)).toBe(true);
    expect(targets.some((t) => t.after.deleted)).toBe(true);
    targets.forEach((t, i) => {
      expect(t.source.repo).toBe(changes[i]!.source.repo);
      expect(t.source.commit).toBe(changes[i]!.source.commit);
      expect(t.expected.waMessageId).toBe((t.payload.key as { id: string }).id);
    });
    const readme = readFileSync(join(FIXTURE_DIR, '..', 'README.md'), 'utf8');
    for (const t of targets) expect(readme, `README lists ${t.file}`).toContain(t.file);
  });

  for (const target of targets) {
    const change = fixtures.find((f) => f.file === target.targetOf)!;
    it(`${change.file} (${change.kind}) on ${target.file} (${target.kind})`, () => {
      const h = harness();
      try {
        feed(h, target);
        checkRow(h, target);
        const chat = target.expected.chatJid;
        const id = target.expected.waMessageId;
        if (target.after.search) expect(found(h, target.after.search.before, chat)).toContain(id);
        feed(h, change);
        const m = storedMessage(h, id)!;
        if (target.after.body !== undefined) expect(m.body).toBe(target.after.body);
        if (target.after.edited !== undefined) expect(m.edited).toBe(target.after.edited);
        expect(m.deleted).toBe(target.after.deleted);
        if (target.after.search) {
          expect(found(h, target.after.search.after, chat)).toContain(id);
          expect(found(h, target.after.search.before, chat)).not.toContain(id);
        }
        // The change itself is no bubble, and nothing was logged.
        expect(storedMessage(h, change.expected.waMessageId)).toBeUndefined();
        expect(messageCount(h)).toBe(1);
        expect(h.problems).toEqual([]);
      } finally {
        h.detach();
        h.ev.destroy();
        h.t.cleanup();
      }
    });
  }
});

// -------------------------------------------------------------------------------------------------------------
// Every kind proto.Message can carry

/** Content fields that are signalling, not a bubble: no row is right for them (a row is fine too if readable). */
const SIGNALLING = new Set([
  'senderKeyDistributionMessage',
  'fastRatchetKeySenderKeyDistributionMessage',
  'messageContextInfo',
  'protocolMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'encReactionMessage',
  'encEventResponseMessage',
  'secretEncryptedMessage',
  'placeholderMessage',
  'reactionMessage', // empty text = a removal
  'albumMessage', // a header: the album's items arrive on their own
  'stickerSyncRmrMessage',
  'limitSharingMessage', // a wrapper around a protocol setting change
  'eventCoverImage', // the cover image of an event message, sent alongside it
  'pollCreationOptionImageMessage', // the image of one poll option, sent alongside the poll
  'messageHistoryBundle', // history for new group members: the messages come out of it
  'messageHistoryNotice',
  'scheduledCallEditMessage', // edits or cancels an earlier scheduled call
]);

/** Wrappers whose inner content is of one kind: what they carry in real traffic and what the row is. */
const WRAPPED: Record<string, { inner: Record<string, unknown>; type: Message['type']; body: string }> = {
  lottieStickerMessage: {
    inner: { stickerMessage: { mimetype: 'application/was', isLottie: true } },
    type: 'sticker',
    body: '',
  },
  pollCreationMessageV4: {
    inner: { pollCreationMessage: { name: 'inside pollCreationMessageV4', options: [{ optionName: 'a' }] } },
    type: 'poll',
    body: 'inside pollCreationMessageV4',
  },
};

/**
 * The readable fields a content kind may have; fromObject keeps the ones its type declares. A kind that has
 * one must show it, a kind that has none must show the placeholder.
 */
const READABLE = {
  text: 'readable text',
  caption: 'readable caption',
  name: 'readable name',
  title: 'readable title',
  description: 'readable description',
  contentText: 'readable content text',
  selectedDisplayText: 'readable selection',
  displayName: 'readable display name',
  groupName: 'readable group name',
  note: 'readable note',
};

/** Kinds the mapper does not show right yet, with what it should do (the sweep runs them as it.fails). */
const SWEEP_GAPS: Record<string, string> = {};

const CONTENT_FIELDS = Object.getOwnPropertyNames(proto.Message.prototype).filter(
  (k) => !k.startsWith('_') && k !== 'constructor' && k !== 'toJSON',
);

/** Fields whose value wraps a whole Message (FutureProofMessage and the like), found from the proto itself. */
function isWrapper(field: string): boolean {
  try {
    type Wrapped = Record<string, { message?: { conversation?: string } } | undefined>;
    const m = proto.Message.fromObject({ [field]: { message: { conversation: 'x' } } }) as unknown as Wrapped;
    return m[field]?.message?.conversation === 'x';
  } catch {
    return false;
  }
}

describe("every content kind of WhatsApp's proto.Message", () => {
  let h: Harness;
  const cases = CONTENT_FIELDS.map((field, i) => {
    const wrapper = isWrapper(field);
    const id = `SWEEP${String(i).padStart(3, '0')}`;
    const text = `inside ${field}`;
    const wrapped = WRAPPED[field];
    const content =
      field === 'conversation'
        ? 'plain conversation'
        : wrapper
          ? { message: wrapped ? wrapped.inner : { extendedTextMessage: { text } } }
          : { ...READABLE };
    const payload = {
      key: { remoteJid: '15550009999@s.whatsapp.net', fromMe: false, id },
      messageTimestamp: 1_760_000_000 + i,
      pushName: 'Sweep Sender',
      message: { [field]: content },
    };
    return { field, wrapper, id, text, payload };
  });

  beforeAll(() => {
    h = harness();
    for (const c of cases) {
      h.ev.buffer();
      h.ev.emit('messages.upsert', { messages: [reviveUpsert(c.payload)], type: 'notify' });
      h.ev.flush();
    }
  });
  afterAll(() => {
    h.detach();
    h.ev.destroy();
    h.t.cleanup();
  });

  it('knows the proto: some 90 content fields, some 25 of them wrappers', () => {
    expect(CONTENT_FIELDS.length).toBeGreaterThanOrEqual(90);
    expect(cases.filter((c) => c.wrapper).length).toBeGreaterThanOrEqual(20);
    expect(h.problems).toEqual([]);
  });

  for (const c of cases) {
    const check = (): void => {
      const m = storedMessage(h, c.id);
      if (c.wrapper && !SIGNALLING.has(c.field)) {
        // A wrapper is unwrapped: its inner text is the row.
        expect(m, `a row for ${c.field}`).toBeDefined();
        expect(m!.type).toBe(WRAPPED[c.field]?.type ?? 'text');
        expect(m!.body).toBe(WRAPPED[c.field]?.body ?? c.text);
        return;
      }
      if (!m) {
        expect(SIGNALLING.has(c.field), `${c.field} is dropped without a row`).toBe(true);
        return;
      }
      // Readable: a body, media, or the clear placeholder; never an empty bubble.
      if (!m.hasMedia) expect(m.body.trim().length, `${c.field} is an empty bubble`).toBeGreaterThan(0);
      if (m.type === 'unknown' && !m.body.includes('readable')) {
        expect(m.body, `${c.field}: the placeholder when nothing is readable`).toBe(`unsupported message kind (${c.field})`);
      }
    };
    const title = `${c.field}${c.wrapper ? ' (wrapper)' : ''}`;
    const gap = SWEEP_GAPS[c.field];
    if (gap) it.fails(`${title} [known gap: ${gap}]`, check);
    else it(title, check);
  }
});
