/**
 * The configuration file of `wagw serve`: flags override environment variables, which override the file;
 * unknown keys, wrong types and unreadable files are a one-line error with exit code 2.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/wagw.js';
import { serveOptions } from '../../src-main/cli/commands/serve.js';
import { configFileJsonSchema } from '../../src-main/gateway/config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'wagw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('wagw serve configuration file', () => {
  it('reads --config FILE; flags override it; the environment sits in between', () => {
    const cfg = file('ok.json', {
      $schema: './config.schema.json',
      dataDir: 'data',
      host: '0.0.0.0',
      port: 17555,
      publicUrl: 'https://gw.example.com/',
      trustedProxies: ['127.0.0.1'],
      logLevel: 'warn',
      backupDir: 'backups',
      backupEvery: 60,
    });
    const o = serveOptions(['--config', cfg], {});
    expect(o.config).toMatchObject({
      dataDir: join(dir, 'data'),
      host: '0.0.0.0',
      port: 17555,
      publicUrl: 'https://gw.example.com',
      trustedProxies: ['127.0.0.1'],
      logLevel: 'warn',
    });
    expect(o.backup).toEqual({ dir: join(dir, 'backups'), everyMinutes: 60, keep: 7 });
    expect(o.configFile).toBe(cfg);
    const env = { WAGW_PUBLIC_URL: 'https://env.example.com', WAGW_TRUSTED_PROXY: '10.0.0.2, 10.0.0.3' };
    expect(serveOptions(['--config', cfg], env).config).toMatchObject({ publicUrl: 'https://env.example.com', trustedProxies: ['10.0.0.2', '10.0.0.3'] });
    const flags = serveOptions(['--config', cfg, '--port', '8080', '--public-url', 'https://flag.example.com', '--trusted-proxy', '::1'], env);
    expect(flags.config).toMatchObject({ port: 8080, publicUrl: 'https://flag.example.com', trustedProxies: ['::1'] });
  });

  it('reads <data-dir>/config.json when there is no --config, or WAGW_CONFIG', () => {
    const dataDir = join(dir, 'dd');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ port: 9001, publicUrl: 'https://dd.example.com' }));
    expect(serveOptions(['--data-dir', dataDir], {}).config).toMatchObject({ port: 9001, publicUrl: 'https://dd.example.com', dataDir });
    expect(serveOptions([], { WAGW_DATA_DIR: dataDir }).config.port).toBe(9001);
    expect(serveOptions([], { WAGW_CONFIG: file('env.json', { port: 9002 }) }).config.port).toBe(9002);
    expect(serveOptions(['--data-dir', join(dir, 'none')], {}).configFile).toBeNull();
  });

  it.each([
    ['an unknown key', { port: 1, prot: 2 }, /unknown key 'prot'/],
    ['a wrong type', { port: '7480' }, /'port': .*number/i],
    ['a wrong item type', { trustedProxies: [1] }, /'trustedProxies\.0'/],
    ['a bad public URL', { publicUrl: 'gw.example.com' }, /publicUrl.*not a URL/],
    ['a trusted proxy that is not an address', { trustedProxies: ['proxy.local'] }, /not an IP address/],
    ['invalid JSON', '{"port": 1,', /not valid JSON/],
    ['not an object', '[1]', /must be a JSON object/],
  ])('refuses %s with one line and exit code 2', async (_what, content, message) => {
    const cfg = file(`bad-${Math.random().toString(36).slice(2)}.json`, content);
    const r = await run(['serve', '--config', cfg, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).not.toContain('\n');
    expect(r.err[0]).toContain(cfg);
    expect(r.err[0]).toMatch(message);
  });

  it('refuses an unreadable configuration file with one line and exit code 2', async () => {
    for (const cfg of [join(dir, 'missing.json'), dir /* a directory: EISDIR, even for root */]) {
      const r = await run(['serve', '--config', cfg]);
      expect(r.code).toBe(2);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/cannot read the configuration file \((ENOENT|EISDIR)\)/);
    }
  });

  it('refuses dataDir inside <data-dir>/config.json (circular)', async () => {
    const dataDir = join(dir, 'circular');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ dataDir: '/elsewhere' }));
    const r = await run(['serve', '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/'dataDir' belongs in a file named with --config/);
  });

  it('--strict refuses a non-loopback listen address without a public URL (exit 2, before listening)', async () => {
    const r = await run(['serve', '--data-dir', join(dir, 'strict'), '--host', '0.0.0.0', '--port', '0', '--strict']);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/refusing to start \(--strict\): listening on 0\.0\.0\.0.*without --public-url/);
    const http = await run(['serve', '--data-dir', join(dir, 'strict'), '--host', '0.0.0.0', '--public-url', 'http://gw.example.com', '--strict']);
    expect(http.code).toBe(2);
    expect(http.err[0]).toMatch(/unencrypted/);
  });

  it('has a JSON Schema (docs/config.schema.json is generated from it)', () => {
    const schema = configFileJsonSchema() as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['publicUrl', 'trustedProxies', 'backupDir']));
    // Regenerate after changing the schema: npx tsx -e "import('./src-main/gateway/config-file.ts').then(m => require('fs').writeFileSync('docs/config.schema.json', JSON.stringify(m.configFileJsonSchema(), null, 2) + '\\n'))"
    expect(JSON.parse(readFileSync(join(process.cwd(), 'docs', 'config.schema.json'), 'utf8'))).toEqual(schema);
  });
});
