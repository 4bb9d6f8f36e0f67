/**
 * The large database shared by the paging, HTTP and startup benchmarks: one chat of 1,000,000 messages plus
 * 10,000 other chats (5 messages each), written with plain prepared INSERTs into a database created by the
 * real openStore (so the schema and migrations are the production ones). Built once per run in a temp dir.
 *
 * Rows look like real ones (bodies from the sandbox corpus, group senders with push names, a raw payload of
 * the usual size) but keys are generated in order, which makes the build fast; paging never looks at ids.
 * Timestamps are whole seconds with ties (about one message in five shares its second with a neighbour),
 * so the (timestamp, pk) tiebreak of keyset paging is exercised.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { createApiKeyService } from '../../src-main/auth/api-keys.js';
import { defaultMigrationsDir } from '../../src-main/store/database.js';
import { openStore } from '../../src-main/store/index.js';
import { FIRST_NAMES, LAST_NAMES, TEXTS } from '../../src-main/whatsapp/sandbox/corpus.js';

const FIXTURE_VERSION = 2; // 2: the search index is built with the rows
/** The gateway's database file name in its data dir (DB_FILE of gateway/create-gateway.ts). */
const DB_FILE = 'gateway.db';

export interface FixtureMeta {
  version: number;
  /** The gateway's data dir (holds gateway.db). */
  dataDir: string;
  dbFile: string;
  organizationId: string;
  sessionId: string;
  /** The chat with `bigChatMessages` messages. */
  chatJid: string;
  bigChatMessages: number;
  otherChats: number;
  messagesPerOtherChat: number;
  /** A read-only API key of the organization. */
  apiKey: string;
  cursorSecret: string;
  migrations: string[];
  buildMs: number;
  fileMiB: number;
}

export interface FixtureSize {
  bigChatMessages: number;
  otherChats: number;
  messagesPerOtherChat: number;
}

export const FULL_FIXTURE: FixtureSize = { bigChatMessages: 1_000_000, otherChats: 10_000, messagesPerOtherChat: 5 };

const BIG_CHAT = '120363025246125888@g.us';
const T0 = Date.UTC(2022, 0, 1); // the big chat's first message; one message every ~0.8 s after that

function migrationNames(): string[] {
  return readdirSync(defaultMigrationsDir())
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort();
}

export function readFixture(dir: string): FixtureMeta {
  return JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureMeta;
}

/** Reuses a fixture in `dir` when it has this size and schema, else builds it. */
export function ensureFixture(dir: string, size: FixtureSize, log: (m: string) => void = () => {}): FixtureMeta {
  const metaFile = join(dir, 'fixture.json');
  if (existsSync(metaFile)) {
    const meta = readFixture(dir);
    if (
      meta.version === FIXTURE_VERSION &&
      meta.bigChatMessages === size.bigChatMessages &&
      meta.otherChats === size.otherChats &&
      meta.messagesPerOtherChat === size.messagesPerOtherChat &&
      JSON.stringify(meta.migrations) === JSON.stringify(migrationNames()) &&
      existsSync(meta.dbFile)
    ) {
      log(`reusing fixture in ${dir}`);
      return meta;
    }
  }
  return buildFixture(dir, size, log);
}

function people(n: number): { jid: string; name: string }[] {
  const out: { jid: string; name: string }[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST_NAMES[(i * 7) % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(i * 11) % LAST_NAMES.length]!;
    out.push({ jid: `62812${String(10_000_000 + i * 7919).padStart(8, '0')}@s.whatsapp.net`, name: `${first} ${last}` });
  }
  return out;
}

export function buildFixture(dir: string, size: FixtureSize, log: (m: string) => void = () => {}): FixtureMeta {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const dbFile = join(dir, DB_FILE);
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const store = openStore(dbFile);
  const db = store.db;
  // Build settings only (restored below): nothing here survives into the benchmarks' connections.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const org = store.organizations.ensureDefault(ulid, T0);
  const sessionId = ulid();
  store.sessions.create({
    id: sessionId,
    organizationId: org.id,
    label: 'Benchmark',
    sandbox: false,
    sandboxSeed: null,
    fullHistory: true,
    autoRead: false,
    presenceTyping: false,
    now: T0,
  });
  const cursorSecret = store.meta.getOrCreate('cursor_secret', () => randomBytes(32).toString('base64url'));
  const apiKey = createApiKeyService({ store }).create(org.id, 'benchmark (read)', ['read']).key;

  const texts = Object.values(TEXTS).flat();
  const members = people(40);
  const insertMessage = db.prepare(`INSERT INTO messages (session_id, chat_jid, wa_message_id, from_me, sender_jid,
      sender_lid, sender_name, type, body, media_filename, media_mimetype, media_size, has_media, mentions,
      mention_names, quoted_message_id, timestamp, created_at, ack_level, error, edited, deleted, placeholder, raw)
    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, NULL, 0, 0, 0, ?)`);
  const insertChat = db.prepare(
    `INSERT INTO chats (session_id, jid, name, type, last_message_at, unread_count, archived, pinned, muted_until)
     VALUES (?, ?, ?, ?, ?, 0, 0, 0, NULL)`,
  );

  let serial = 0;
  const add = (chatJid: string, group: boolean, i: number, timestamp: number) => {
    serial++;
    const id = `3EB0${serial.toString(16).toUpperCase().padStart(16, '0')}`;
    const fromMe = i % 6 === 0;
    const who = members[(i * 13) % members.length]!;
    const senderJid = fromMe ? '6281100000001@s.whatsapp.net' : group ? who.jid : chatJid;
    const body = texts[(i * 31) % texts.length]!;
    const image = i % 17 === 0;
    const quoted = i % 9 === 0 && i > 0 ? `3EB0${(serial - 1).toString(16).toUpperCase().padStart(16, '0')}` : null;
    const message = image
      ? `{"imageMessage":{"url":"https://mmg.whatsapp.net/v/t62.7118-24/bench-${serial}.enc","mimetype":"image/jpeg","caption":${JSON.stringify(body)},"fileSha256":"MM3klho1H2tn0PHknRMFaKcrPXoQkhDbmtHj4WVuwYU=","fileLength":"83211","height":1280,"width":960,"mediaKey":"q8nB5nJ9x0YQ2m3Zk9m6mQ7r4B3m4pOa1uQq1o9yC0E="}}`
      : `{"conversation":${JSON.stringify(body)}}`;
    const raw = `{"key":{"remoteJid":"${chatJid}","fromMe":${fromMe},"id":"${id}"${group && !fromMe ? `,"participant":"${who.jid}"` : ''}},"message":${message},"messageTimestamp":"${Math.floor(timestamp / 1000)}","pushName":${JSON.stringify(fromMe ? 'Me' : who.name)},"status":"${fromMe ? 'READ' : 'DELIVERY_ACK'}"}`;
    insertMessage.run(
      sessionId,
      chatJid,
      id,
      fromMe ? 1 : 0,
      senderJid,
      fromMe ? null : who.name,
      image ? 'image' : 'text',
      body,
      null,
      image ? 'image/jpeg' : null,
      image ? 83211 : null,
      image ? 1 : 0,
      quoted,
      timestamp,
      timestamp + 1500,
      fromMe ? 4 : 3,
      raw,
    );
  };

  // The other chats first (their messages interleave in time with the big chat's), then the big chat.
  const spanSeconds = Math.max(1, Math.floor(size.bigChatMessages * 0.8));
  db.transaction(() => {
    for (let c = 0; c < size.otherChats; c++) {
      const jid = `4479${String(c).padStart(8, '0')}@s.whatsapp.net`;
      let last = 0;
      for (let k = 0; k < size.messagesPerOtherChat; k++) {
        const ts = T0 + ((c * 7919 + k * 104_729) % spanSeconds) * 1000;
        last = Math.max(last, ts);
        add(jid, false, c * 10 + k, ts);
      }
      insertChat.run(sessionId, jid, `Chat ${c}`, 'dm', last);
    }
  })();
  log(`fixture: ${size.otherChats} small chats written`);
  const CHUNK = 100_000;
  let lastTs = T0;
  for (let start = 0; start < size.bigChatMessages; start += CHUNK) {
    db.transaction(() => {
      for (let i = start; i < Math.min(size.bigChatMessages, start + CHUNK); i++) {
        lastTs = T0 + Math.floor(i * 0.8) * 1000;
        add(BIG_CHAT, true, i, lastTs);
      }
    })();
    log(`fixture: big chat ${Math.min(size.bigChatMessages, start + CHUNK)} / ${size.bigChatMessages}`);
  }
  insertChat.run(sessionId, BIG_CHAT, 'Bench: one million messages', 'group', lastTs);
  // Index the rows for search now, as a gateway that stored them would have (its indexer follows ingestion).
  // Otherwise the first gateway to open the fixture spends its first minute indexing a million rows in batches
  // of ~90 ms between requests: measured, the paging p99 was 80-91 ms on a fresh fixture and 5-6 ms on one a
  // gateway had opened before.
  const tIndex = performance.now();
  while (!store.search.backfill(5000).finished);
  log(`fixture: search index built in ${((performance.now() - tIndex) / 1000).toFixed(1)} s`);
  const migrations = (db.prepare('SELECT name FROM schema_migrations ORDER BY version').all() as { name: string }[]).map(
    (r) => `${r.name}.sql`,
  );
  store.close(); // checkpoints the WAL into the main file
  const meta: FixtureMeta = {
    version: FIXTURE_VERSION,
    dataDir: dir,
    dbFile,
    organizationId: org.id,
    sessionId,
    chatJid: BIG_CHAT,
    bigChatMessages: size.bigChatMessages,
    otherChats: size.otherChats,
    messagesPerOtherChat: size.messagesPerOtherChat,
    apiKey,
    cursorSecret,
    migrations,
    buildMs: Math.round(performance.now() - started),
    fileMiB: Math.round(statSync(dbFile).size / 2 ** 20),
  };
  writeFileSync(join(dir, 'fixture.json'), JSON.stringify(meta, null, 2));
  log(`fixture built in ${(meta.buildMs / 1000).toFixed(1)} s (${meta.fileMiB} MiB)`);
  return meta;
}
