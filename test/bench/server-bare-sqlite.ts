/**
 * Child process: the second reference server of the HTTP benchmark. Bare node:http, no framework, doing the
 * work list-messages cannot avoid: read one page from the same database with the same SQL, map the rows to
 * the same Message JSON, serialise, write. What it does not do is everything the gateway adds around that
 * (routing, authentication, session/chat checks, security headers, error envelope, host guard).
 *
 * The query is the store's own: the messages repository (`store.messages.page`, raw-array rows), its
 * `rowToMessage` mapper and the per-page media details (`addMessageDetails`: media states, payload details,
 * reactions; the same three extra queries) are imported, not copied, so SQL and JSON stay identical when the
 * store changes. The connection is opened with the store's `openDatabase` (same pragmas: WAL, cache_size),
 * read-only. The next-page cursor is encoded with the gateway's codec and the fixture's cursor secret, so
 * the body is byte-for-byte the gateway's (http.ts checks that before measuring).
 *
 * Every request gets the page of the one chat given on the command line; `limit` and `cursor` are read from
 * the query string like the gateway reads them (a minimal server would still parse its input).
 * Reports `{type:'ready', port, pid}` over IPC; stops on 'stop' or SIGTERM.
 *   node --import tsx test/bench/server-bare-sqlite.ts --db FILE --session ID --chat JID --cursor-secret S
 */
import { createServer } from 'node:http';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import type { Message } from '../../src-main/core/types.js';
import { addMessageDetails } from '../../src-main/app/message-details.js';
import { openDatabase } from '../../src-main/store/database.js';
import { createStore } from '../../src-main/store/index.js';
import { rowToMessage } from '../../src-main/store/repositories/messages.js';
import { readPayloadDetails } from '../../src-main/whatsapp/message-details.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const dbFile = arg('--db');
const sessionId = arg('--session');
const chatJid = arg('--chat');
const secret = arg('--cursor-secret');
if (!dbFile || !sessionId || !chatJid || !secret) {
  process.stderr.write('usage: server-bare-sqlite.ts --db FILE --session ID --chat JID --cursor-secret S\n');
  process.exit(2);
}

const db = openDatabase(dbFile, { readonly: true });
const store = createStore(db);
const messages = store.messages;
// What the gateway's media port offers a page: payload details only (no file store or queue is touched).
const mediaPort = { files: null as never, queue: () => undefined, readDetails: readPayloadDetails };
const cursors = createCursorCodec(secret);
const listing = `messages:${sessionId}:${chatJid}`;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const limit = Math.min(200, Math.max(1, Number(params.get('limit')) || 50));
  const cursor = params.get('cursor');
  let after: { timestamp: number; pk: number } | undefined;
  if (cursor) {
    try {
      const [timestamp, pk] = cursors.decode(listing, cursor) as [number, number];
      after = { timestamp, pk };
    } catch {
      res.writeHead(400).end();
      return;
    }
  }
  // One row more than asked tells whether another page exists, as the gateway's keysetPage does.
  const rows = messages.page(sessionId, chatJid, limit + 1, after);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const last = rows[rows.length - 1];
  const items = rows.map((row) => ({ message: rowToMessage(row) as Message, pk: row.pk }));
  addMessageDetails(store, mediaPort, sessionId, chatJid, items);
  const body = JSON.stringify({
    data: items.map((i) => i.message),
    nextCursor: more && last ? cursors.encode(listing, [last.timestamp, last.pk]) : null,
  });
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0, pid: process.pid });
});
const stop = () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stop();
});
