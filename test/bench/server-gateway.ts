/**
 * Child process: the real gateway (createGateway, as `wagw serve` composes it) on a given data dir and a free
 * port, so a benchmark's load generator never shares the server's event loop. Reports
 * `{type:'ready', port, pid, organizationId}` over IPC; stops on 'stop' or SIGTERM.
 *   node --import tsx test/bench/server-gateway.ts --data-dir DIR
 */
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';

const i = process.argv.indexOf('--data-dir');
const dataDir = i >= 0 ? process.argv[i + 1] : undefined;
if (!dataDir) {
  process.stderr.write('usage: server-gateway.ts --data-dir DIR\n');
  process.exit(2);
}

const gateway = createGateway(defaultConfig({ dataDir, port: 0, logLevel: 'silent' }));
const info = await gateway.start();
const running = gateway.running()!;
// The WhatsApp side (Baileys, ingestion, payload readers) is imported after the server listens; measuring before it
// is in would count its import and compilation (under tsx, on the loader thread too) as request cost.
await running.whatsapp;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await gateway.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') void stop();
});
process.send?.({ type: 'ready', port: info.port, pid: process.pid, organizationId: running.organizationId });
