#!/usr/bin/env node
// `npm test`: type check, lint, build the UI, then every vitest suite (unit, integration over loopback HTTP,
// and the end-to-end suite in real Chromium). Extra arguments go to vitest, e.g. `npm test -- test/api`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const env = { ...process.env };

function run(label, cmd, cmdArgs) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${cmdArgs.join(' ')}\n`);
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
  if (res.status !== 0) {
    process.stderr.write(`\n${label} failed (exit ${res.status ?? res.signal}).\n`);
    process.exit(res.status ?? 1);
  }
}

if (!existsSync(chromium)) {
  const banner = [
    '',
    '!'.repeat(78),
    `!! No Chromium at ${chromium}: the browser (end-to-end) suite cannot run.`,
    '!! Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).',
  ];
  if (process.env.CI === 'true') {
    process.stderr.write([...banner, '!! CI=true: a missing Chromium is a failure.', '!'.repeat(78), ''].join('\n'));
    process.exit(1);
  }
  process.stderr.write([...banner, '!! SKIPPING ONLY the browser suite; everything else runs.', '!'.repeat(78), ''].join('\n'));
  env.WAGW_SKIP_BROWSER = '1';
} else {
  env.CHROMIUM_PATH = chromium;
}

const bin = (name) => `node_modules/.bin/${name}`;
if (args.length === 0) {
  run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  run('typecheck e2e', bin('tsc'), ['-p', 'test/e2e/tsconfig.json', '--noEmit']);
  run('typecheck UI', bin('tsc'), ['-p', 'src-renderer/tsconfig.json', '--noEmit']);
  run('lint', bin('eslint'), ['src-main', 'test', 'scripts']);
}
if (!env.WAGW_SKIP_BROWSER) run('build UI', bin('vite'), ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
run('tests', bin('vitest'), ['run', ...args]);
