/**
 * `wagw export` on a real data dir: spawned as a person runs it (file written, progress on a non-TTY stderr,
 * errors and exit codes), and in-process for the TTY progress bar.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportChat, progressReporter } from '../../src-main/cli/commands/export.js';
import { parseWhatsAppTxt } from '../../src-main/export/txt.js';
import { openDataDir } from '../../src-main/gateway/data-dir.js';
import { seedMediaChat, sha256 } from '../export/fixtures.js';
import { unzip } from '../export/unzip.js';
import { textRecord } from '../helpers/gateway.js';
import { seedSessionRow } from '../helpers/store.js';

const CLI = join(process.cwd(), 'src-main/cli/wagw.ts');
const DM = '6281234567890@s.whatsapp.net';
const GROUP = '120363012345678901@g.us';
const N = 2500;

function wagw(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('wagw export', () => {
  let dataDir: string;
  let out: string;
  let seeded: { image: Buffer; sha: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wagw-cli-export-'));
    out = mkdtempSync(join(tmpdir(), 'wagw-cli-export-out-'));
    const store = openDataDir(dataDir, null);
    const org = store.organizations.ensureDefault(ulid);
    seedSessionRow(store, { organizationId: org.id, id: 'sess_one', label: 'one' });
    store.transaction(() => {
      store.chats.ensure('sess_one', DM, 'dm', 'Zoë');
      for (let i = 0; i < N; i++) store.messages.insert('sess_one', textRecord(DM, `m${i}`, 1_700_000_000_000 + i * 60_000, `message ${i}`));
    });
    seeded = await seedMediaChat(store, dataDir, 'sess_one', GROUP);
    store.close();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('writes the txt export of a chat (the only session is picked) with percentage lines on a non-TTY stderr', () => {
    const file = join(out, 'chat.txt');
    const res = wagw(['export', '--chat', DM, '--format', 'txt', '--out', file, '--data-dir', dataDir]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toBe(`Exported ${N} messages to ${file}\n`);
    expect(parseWhatsAppTxt(readFileSync(file, 'utf8'))).toHaveLength(N);
    const lines = res.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toBe(`export: 100% (${N}/${N} messages)`);
    expect(lines.every((l) => /^export: \d+% \(\d+\/2500 messages\)$/.test(l))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
  });

  it('--media writes a zip with the document and the media files; --quiet prints nothing', () => {
    const file = join(out, 'group.zip');
    const res = wagw(['export', '--chat', GROUP, '--format', 'html', '--media', '--quiet', '--out', file, '--data-dir', dataDir, '--session', 'sess_one']);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toBe('');
    const files = unzip(readFileSync(file));
    expect(sha256(files.get(`media/${seeded.sha}.png`)!)).toBe(seeded.sha);
    expect(files.get('WhatsApp Chat with Media _test_ group.html')!.toString('utf8')).toContain(`<img src="media/${seeded.sha}.png"`);
  });

  it('answers bad use with exit 2 and an unknown chat with exit 1, leaving no file behind', () => {
    const file = join(out, 'nothing.json');
    const missing = wagw(['export', '--out', file, '--data-dir', dataDir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--chat JID is required');
    const badFormat = wagw(['export', '--chat', DM, '--format', 'pdf', '--out', file, '--data-dir', dataDir]);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).toContain("--format must be json, html, txt or csv, got 'pdf'");
    const unknown = wagw(['export', '--chat', '111@s.whatsapp.net', '--out', file, '--data-dir', dataDir]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('error: chat not found\n');
    const badSession = wagw(['export', '--chat', DM, '--out', file, '--data-dir', dataDir, '--session', 'nope']);
    expect(badSession.status).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(out).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('draws a progress bar on a TTY (carriage returns, one final newline)', async () => {
    const writes: string[] = [];
    const lines: string[] = [];
    const code = await exportChat(
      ['--chat', DM, '--format', 'csv', '--out', join(out, 'tty.csv'), '--data-dir', dataDir],
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
      { isTTY: true, write: (s) => writes.push(s) },
    );
    expect(code).toBe(0);
    expect(writes.length).toBeGreaterThan(2);
    expect(writes[writes.length - 2]).toBe(`\r[${'#'.repeat(30)}] 100%  ${N}/${N} messages`);
    expect(writes[writes.length - 1]).toBe('\n');
    expect(readFileSync(join(out, 'tty.csv'), 'utf8').split('\r\n')).toHaveLength(N + 2);
    const bar = progressReporter({ isTTY: true, write: (s) => writes.push(s) });
    bar.update(1, 4);
    expect(writes[writes.length - 1]).toBe(`\r[${'#'.repeat(8)}${'-'.repeat(22)}]  25%  1/4 messages`);
  });
});
