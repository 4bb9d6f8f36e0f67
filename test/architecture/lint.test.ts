/**
 * The architecture rules of eslint.config.js, each shown to fire on a fixture (and to stay quiet where the
 * layering allows the import), plus the whole source tree passing them.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0]!.messages;
/** The messages of the lint errors for `code` placed at `file`. */
const errors = async (file: string, code: string) => (await lint(file, code)).filter((m) => m.severity === 2).map((m) => m.message);
const importing = (spec: string) => `import { a } from '${spec}';\nexport { a };\n`;

describe('architecture lint rules', () => {
  it('only src-main/electron and src-main/preload may import electron', async () => {
    for (const file of ['src-main/gateway/x.ts', 'src-main/store/x.ts', 'src-main/cli/x.ts', 'src-main/api/x.ts', 'src-main/app/x.ts', 'src-main/whatsapp/x.ts']) {
      expect((await lint(file, "import { app } from 'electron';\nexport const a = app;\n")).map((m) => m.ruleId), file).toContain('no-restricted-imports');
      expect((await lint(file, "export const e = require('electron');\n")).map((m) => m.ruleId), file).toContain('no-restricted-syntax');
      expect((await lint(file, "export const e = await import('electron');\n")).map((m) => m.ruleId), file).toContain('no-restricted-syntax');
    }
    for (const file of ['src-main/electron/main.ts', 'src-main/preload/index.ts']) {
      expect(await lint(file, "import { app } from 'electron';\nexport const a = app;\n"), file).toEqual([]);
    }
  });

  it('SQL (store.db, prepare()) only in src-main/store', async () => {
    const sql = "export const n = (store: any) => store.db.prepare('SELECT 1').get();\n";
    const prepareOnly = "export const n = (db: any) => db.prepare('SELECT 1').get();\n";
    for (const file of ['src-main/api/resources/x.ts', 'src-main/app/x.ts', 'src-main/gateway/x.ts', 'src-main/whatsapp/x.ts', 'src-main/whatsapp/ingest/x.ts', 'src-main/cli/x.ts', 'src-main/electron/x.ts', 'src-main/auth/x.ts']) {
      expect(await errors(file, sql), file).toContain('SQL is written only in src-main/store: add or use a repository method instead of store.db / prepare().');
      expect((await errors(file, prepareOnly)).some((m) => m.startsWith('SQL is written only')), file).toBe(true);
    }
    expect(await errors('src-main/store/repositories/x.ts', sql)).toEqual([]);
    // The temporary exceptions of this branch (eslint.config.js TEMPORARY_SQL_OUTSIDE_STORE) are exactly two files.
    expect(await errors('src-main/whatsapp/ingest.ts', sql)).toEqual([]);
    expect(await errors('src-main/whatsapp/baileys/adapter.ts', sql)).toEqual([]);
    expect(await errors('src-main/whatsapp/baileys/other.ts', sql)).not.toEqual([]);
  });

  it('doors (api/, mcp/, cli/, electron/, preload/) import neither store/ nor whatsapp/', async () => {
    const cases: [string, string][] = [
      ['src-main/api/resources/x.ts', '../../store/index.js'],
      ['src-main/api/resources/x.ts', '../../store/repositories/messages.js'],
      ['src-main/api/resources/x.ts', '../../whatsapp/ingest.js'],
      ['src-main/api/x.ts', '../whatsapp/baileys/adapter.js'],
      ['src-main/mcp/x.ts', '../store/index.js'],
      ['src-main/cli/x.ts', '../store/index.js'],
      ['src-main/electron/x.ts', '../store/index.js'],
      ['src-main/preload/x.ts', '../whatsapp/sandbox/index.js'],
    ];
    for (const [file, spec] of cases) {
      const messages = await errors(file, importing(spec));
      expect(messages.some((m) => /through app\/ services, never store\/|through core\/whatsapp-port\.ts/.test(m)), `${file} -> ${spec}`).toBe(true);
    }
    expect(await errors('src-main/api/resources/x.ts', importing('../../app/index.js'))).toEqual([]);
  });

  it('api/ never imports gateway/ (gateway/ composes api/), core/ imports nothing of ours', async () => {
    const gateway = 'gateway/ is the composition root: only electron/ and cli/ start it; nothing below imports it.';
    expect((await errors('src-main/api/x.ts', importing('../gateway/create-gateway.js'))).some((m) => m.includes(gateway))).toBe(true);
    expect(await errors('src-main/api/middleware/x.ts', importing('../../gateway/realtime.js'))).not.toEqual([]);
    expect(await errors('src-main/gateway/x.ts', importing('../api/create-api.js'))).toEqual([]);
    expect(await errors('src-main/core/x.ts', importing('../store/index.js'))).not.toEqual([]);
    expect(await errors('src-main/core/x.ts', importing('./types.js'))).toEqual([]);
  });

  it('app/ imports no door, no gateway/ and no whatsapp/; it may use store/ repositories', async () => {
    const api = 'api/ is a door: the app layer and the adapters never import a door (gateway/ composes it).';
    expect((await errors('src-main/app/x.ts', importing('../api/http.js'))).some((m) => m.includes(api))).toBe(true);
    expect((await errors('src-main/app/x.ts', importing('../api/middleware/auth.js'))).some((m) => m.includes(api))).toBe(true);
    expect(await errors('src-main/app/x.ts', importing('../gateway/session-manager.js'))).not.toEqual([]);
    expect(await errors('src-main/app/x.ts', importing('../whatsapp/ingest.js'))).not.toEqual([]);
    expect(await errors('src-main/app/x.ts', importing('../store/index.js'))).toEqual([]);
  });

  it('adapters (store/, whatsapp/) import neither doors, app/ nor gateway/', async () => {
    for (const file of ['src-main/store/x.ts', 'src-main/whatsapp/x.ts']) {
      for (const spec of ['../api/ports.js', '../app/index.js', '../gateway/config.js']) {
        expect(await errors(file, importing(spec)), `${file} -> ${spec}`).not.toEqual([]);
      }
    }
  });

  it('the source tree passes the lint', async () => {
    const results = await eslint.lintFiles(['src-main']);
    const found = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(found).toEqual([]);
  });
});
