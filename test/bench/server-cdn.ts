/**
 * Child process: the sandbox's media CDN (src-main/whatsapp/sandbox/media-cdn.ts) for the media benchmark, in
 * its own process as WhatsApp's CDN is outside the gateway: serving a blob must not count as the gateway's work.
 * Reports `{type:'ready', origin, pid}`; on `{type:'load', dir}` serves every file of dir at /bench/<name> and
 * answers `{type:'loaded', count}`; stops on 'stop' or SIGTERM.
 *   node --import tsx test/bench/server-cdn.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxMediaCdn } from '../../src-main/whatsapp/sandbox/media-cdn.js';

const cdn = await startSandboxMediaCdn();
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await cdn.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('message', (m: { type?: string; dir?: string }) => {
  if (m?.type === 'stop') void stop();
  if (m?.type === 'load' && m.dir) {
    const names = readdirSync(m.dir);
    for (const name of names) cdn.put(`/bench/${name}`, readFileSync(join(m.dir, name)));
    process.send?.({ type: 'loaded', count: names.length });
  }
});
process.send?.({ type: 'ready', origin: cdn.origin, pid: process.pid });
