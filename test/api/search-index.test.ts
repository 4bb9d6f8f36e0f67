/**
 * A search answer says whether the index was complete (issue 10, `index` of GET .../messages/search): a search
 * indexes at most SEARCH_INDEXES_FIRST queued messages before it runs, so with more waiting (a large history
 * sync, and the background indexer not through yet) some stored messages are not findable, and the answer
 * must say so instead of looking complete. The background indexer is held off here (it looks for queued rows
 * once an hour), so the queue stays as the test leaves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_INDEXES_FIRST } from '../../src-main/store/repositories/search.js';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';

const GROUP = '120363012345678901@g.us';
const T0 = 1_700_000_000_000;
const EXTRA = 1234;

describe('GET /sessions/{s}/messages/search: index completeness', () => {
  let g: TestGateway;
  let sid: string;
  let key: string;

  beforeAll(async () => {
    g = await startTestGateway({ config: { searchIndexIntervalMs: 3_600_000 } });
    sid = g.session();
    key = g.key(['read']);
    g.store.chats.ensure(sid, GROUP, 'group', 'Family');
  });
  afterAll(() => g.close());

  const search = (q: string) => g.req('GET', `/api/v1/sessions/${sid}/messages/search?q=${encodeURIComponent(q)}&limit=5`, { auth: key });
  const status = () => g.req('GET', `/api/v1/sessions/${sid}/messages/search/status`, { auth: key });

  it('an ordinary search: complete, nothing pending', async () => {
    g.store.messages.insert(sid, textRecord(GROUP, 'ONE', T0, 'a lonely haystack'));
    const res = await search('haystack');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.index).toEqual({ complete: true, pending: 0 });
  });

  it('more queued than one search indexes: complete:false with the count left, then true once indexed', async () => {
    const total = SEARCH_INDEXES_FIRST + EXTRA;
    // One history chunk: oldest first, each with a word of its own. The queue is indexed newest pk first.
    const records = Array.from({ length: total }, (_, i) => textRecord(GROUP, `H${i}`, T0 + 1000 + i * 1000, `needle w${i}`));
    expect(g.store.messages.insertMany(sid, records, Date.now())).toBe(total);
    expect((await status()).body).toMatchObject({ queued: total, finished: false });

    // The oldest message is in the part this search could not index: not found, and the answer says so.
    const first = await search('needle w0');
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([]);
    expect(first.body.index).toEqual({ complete: false, pending: EXTRA });
    expect((await status()).body).toMatchObject({ queued: EXTRA, finished: false });

    // The next search indexes the rest first: found, complete.
    const second = await search('needle w0');
    expect(second.body.data.map((h: { message: { id: string } }) => h.message.id)).toEqual(['H0']);
    expect(second.body.index).toEqual({ complete: true, pending: 0 });
    expect((await status()).body).toEqual({ done: 0, total: 0, queued: 0, finished: true });
  });
});
