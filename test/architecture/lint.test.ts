import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0]!.messages;

describe('architecture lint rules', () => {
  it('only src-main/electron and src-main/preload may import electron', async () => {
    for (const file of ['src-main/gateway/x.ts', 'src-main/store/x.ts', 'src-main/cli/x.ts', 'src-main/api/x.ts']) {
      expect((await lint(file, "import { app } from 'electron';\nexport const a = app;\n")).map((m) => m.ruleId), file).toContain('no-restricted-imports');
      expect((await lint(file, "export const e = require('electron');\n")).map((m) => m.ruleId), file).toContain('no-restricted-syntax');
      expect((await lint(file, "export const e = await import('electron');\n")).map((m) => m.ruleId), file).toContain('no-restricted-syntax');
    }
    for (const file of ['src-main/electron/main.ts', 'src-main/preload/index.ts']) {
      expect(await lint(file, "import { app } from 'electron';\nexport const a = app;\n"), file).toEqual([]);
    }
  });

  it('api/ never imports gateway/, core/ imports nothing of ours', async () => {
    expect((await lint('src-main/api/x.ts', "import { a } from '../gateway/create-gateway.js';\nexport { a };\n")).length).toBeGreaterThan(0);
    expect((await lint('src-main/core/x.ts', "import { a } from '../store/index.js';\nexport { a };\n")).length).toBeGreaterThan(0);
    expect(await lint('src-main/core/x.ts', "import { a } from './types.js';\nexport { a };\n")).toEqual([]);
  });

  it('the source tree passes the lint', async () => {
    const results = await eslint.lintFiles(['src-main']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(errors).toEqual([]);
  });
});
