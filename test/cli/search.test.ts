/** `wagw search` as a script runs it: a real data dir, the CLI spawned for real. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textRecord } from '../helpers/gateway.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NODE = process.execPath;
const CLI = join(process.cwd(), 'src-main/cli/wagw.ts');
const DM = '6281234567890@s.whatsapp.net';
const GROUP = '120363012345678901@g.us';

function wagw(args: string[]) {
  return spawnSync(NODE, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('wagw search', () => {
  let t: TempStore;
  let sid: string;
  beforeAll(() => {
    t = tempStore();
    sid = t.seedSession().id;
    t.store.chats.ensure(sid, DM, 'dm', 'Budi');
    t.store.chats.ensure(sid, GROUP, 'group', 'Family');
    t.store.messages.insert(sid, textRecord(DM, 'A1', 1_700_000_000_000, 'Schönes Wetter & <sun>'));
    t.store.messages.insert(sid, textRecord(GROUP, 'A2', 1_700_000_001_000, 'schones wochenende'));
    t.store.close();
  });
  afterAll(() => t.cleanup());

  it('prints hits newest first, accent-insensitive, with chat and [hit]', () => {
    const r = wagw(['search', 'schones', '--data-dir', t.dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Family <120363012345678901@g.us>');
    expect(lines[0]).toContain('[schones] wochenende');
    expect(lines[1]).toContain('[Schönes] Wetter & <sun>');
  });

  it('--chat filters; --json prints the API shape for scripts', () => {
    const r = wagw(['search', 'schones', '--chat', DM, '--json', '--data-dir', t.dir]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      data: { message: { id: string; chatJid: string }; chat: { name: string }; snippet: string }[];
      index: { complete: boolean; pending: number };
    };
    expect(out.index).toEqual({ complete: true, pending: 0 });
    expect(out.data.map((h) => h.message.id)).toEqual(['A1']);
    expect(out.data[0]!.chat.name).toBe('Budi');
    expect(out.data[0]!.snippet).toBe('<mark>Schönes</mark> Wetter &amp; &lt;sun&gt;');
  });

  it('an empty query or a missing word is an error with a clear message, a bad session too', () => {
    const empty = wagw(['search', '  ', '--data-dir', t.dir]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('q is required');
    const usage = wagw(['search', '--data-dir', t.dir]);
    expect(usage.status).toBe(2);
    const bad = wagw(['search', 'x', '--session', 'nope', '--data-dir', t.dir]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('no session nope');
    expect(wagw(['search', 'nothingmatches', '--data-dir', t.dir]).stdout.trim()).toBe('No messages found.');
  });
});
