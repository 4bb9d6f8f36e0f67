/**
 * Child process of the realtime benchmark: the real gateway on a fresh data dir, plus a load source that
 * hands live messages (`messages.upsert`, type notify) to an ingestor wired exactly like the gateway's own
 * (same store, the gateway's realtime hub as publisher), at a fixed rate.
 *
 * IPC: sends {type:'ready', port, apiKey, sessionId}; on {type:'go'} ingests `rate` messages/s for
 * `warmup + seconds` seconds, stamping each with wall-clock time just before it is handed to the ingestor,
 * then sends {type:'done', sent:[{id, at, measured, expectFrame, handleMs}]}.
 *   node --import tsx test/bench/server-realtime.ts --rate 1000 --seconds 5 --warmup 1
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApiKeyService } from '../../src-main/auth/api-keys.js';
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { generateMessages, generateSandboxAccount } from '../../src-main/whatsapp/sandbox/index.js';
import { wallMs } from './common.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rate = arg('--rate', 1000);
const seconds = arg('--seconds', 5);
const warmup = arg('--warmup', 1);
const SEED = 77;

const dataDir = mkdtempSync(join(tmpdir(), 'wagw-bench-realtime-'));
const gateway = createGateway(defaultConfig({ dataDir, port: 0, logLevel: 'silent' }));
const info = await gateway.start();
const running = gateway.running()!;
const { store, organizationId } = running;
const account = generateSandboxAccount(SEED);
const sessionId = running.sessions.create({ organizationId, label: 'realtime bench' }).id;
store.sessions.update(sessionId, { waJid: account.me.jid, waLid: account.me.lid });
const apiKey = createApiKeyService({ store }).create(organizationId, 'realtime bench', ['read']).key;
const ingestor = createIngestor({ store, publisher: running.realtime, logger: pino({ level: 'silent' }) });

const warmupCount = Math.round(rate * warmup);
const count = warmupCount + Math.round(rate * seconds);
const messages = generateMessages(SEED, count, account.chats, { me: account.me });

interface Sent {
  id: string;
  at: number;
  measured: boolean;
  expectFrame: boolean;
  handleMs: number;
}

function runLoad(): Promise<Sent[]> {
  const sent: Sent[] = [];
  const start = performance.now();
  let i = 0;
  return new Promise((resolve) => {
    // Each tick sends the messages that are due by the schedule (normally one): a steady `rate` per second.
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      while (i < due) {
        const m = messages[i]!;
        const at = wallMs();
        const t = performance.now();
        const stats = ingestor.handle(sessionId, { 'messages.upsert': { messages: [m], type: 'notify' } });
        sent.push({ id: m.key.id!, at, measured: i >= warmupCount, expectFrame: stats.inserted + stats.replaced > 0, handleMs: performance.now() - t });
        i++;
      }
      if (i < count) setTimeout(tick, 1);
      else resolve(sent);
    };
    tick();
  });
}

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'go') {
    void runLoad().then((sent) => process.send?.({ type: 'done', sent }));
  } else if (m?.type === 'stop') {
    void gateway.stop().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.send?.({ type: 'ready', port: info.port, apiKey, sessionId });
