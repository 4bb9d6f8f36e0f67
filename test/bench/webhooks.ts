/**
 * Benchmark 6, webhook delivery: events published at 1,000/s for 10 s (3 s with --quick, after 1 s of
 * warm-up) through the realtime hub into a store with one webhook endpoint, while the delivery worker sends
 * them to a fast receiver on 127.0.0.1 in a child process (same file, `--receiver`). Latency = arrival at the
 * receiver - the moment publish() returned (the event and its delivery row are committed by then); both
 * stamped with wall-clock time (common.ts wallMs). Also: the outbox size (undelivered rows) at the start, its
 * peak while the load runs, at the end of the load and after the drain; and what the outbox adds to
 * publish() (the same publishes with no endpoint, one endpoint filtered out, one endpoint matching).
 *   node --import tsx test/bench/webhooks.ts [--quick] [--out result.json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { GatewayEvent } from '../../src-main/core/events.js';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import { createRealtimeHub } from '../../src-main/gateway/realtime.js';
import { openStore } from '../../src-main/store/index.js';
import { createDeliveryWorker } from '../../src-main/webhooks/delivery-worker.js';
import { createWebhookService } from '../../src-main/webhooks/endpoints.js';
import { benchArgs, figure, finish, log, nextMessage, repoPath, spawnTs, stopChild, summarize, wallMs } from './common.js';

const BENCH = 'webhooks';

if (process.argv.includes('--receiver')) {
  // The receiver: 204 at once, remembers when each message number arrived.
  const arrivals: [number, number][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = wallMs();
      const frame = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: { n?: number } };
      if (typeof frame.payload.n === 'number' && req.headers['webhook-signature']) arrivals.push([frame.payload.n, at]);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port }));
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'report') process.send?.({ type: 'arrivals', arrivals });
    if (m?.type === 'stop') server.close(() => process.exit(0));
  });
} else {
  await main();
}

function event(organizationId: string, sessionId: string, n: number): GatewayEvent {
  // A payload the size of a typical stored text message (~550 bytes of JSON).
  const payload = {
    n,
    id: `3EB0${n.toString(16).padStart(16, '0')}`,
    chatJid: '6281234567890@s.whatsapp.net',
    fromMe: false,
    senderJid: '6281234567890@s.whatsapp.net',
    senderName: 'Alice Example',
    type: 'text',
    body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
    timestamp: 1_780_000_000_000 + n,
    status: 'delivered',
    hasMedia: false,
    media: null,
    mentions: [],
    quotedMessageId: null,
    edited: false,
    deleted: false,
    sessionId,
  };
  return { event: 'message', organizationId, sessionId, payload } as unknown as GatewayEvent;
}

/** µs per publish() over `n` events into a fresh store with the given endpoints (no worker running). */
function publishCost(endpoints: { events?: string[] }[], n: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-bench-webhooks-cost-'));
  const store = openStore(join(dir, 'gateway.db'));
  try {
    const org = store.organizations.ensureDefault(() => 'bench', Date.now()).id;
    const service = createWebhookService({ store, cursors: createCursorCodec('x') });
    for (const e of endpoints) service.create(org, { url: 'http://127.0.0.1:9/none', ...e });
    const hub = createRealtimeHub({ store, logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 2000; i++) hub.publish(event(org, 's1', i)); // warm-up
    const t = performance.now();
    for (let i = 0; i < n; i++) hub.publish(event(org, 's1', i));
    return ((performance.now() - t) * 1000) / n;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = benchArgs();
  // --rate N (standalone runs only): a lower rate shows the latency below saturation.
  const rateArg = process.argv.indexOf('--rate');
  const rate = rateArg >= 0 ? Number(process.argv[rateArg + 1]) : 1000;
  const seconds = args.quick ? 3 : 10;
  const warmup = 1;
  const dir = mkdtempSync(join(tmpdir(), 'wagw-bench-webhooks-'));
  const child = spawnTs(repoPath('test/bench/webhooks.ts'), ['--receiver']);
  const store = openStore(join(dir, 'gateway.db'));
  const logger = pino({ level: 'warn' });
  const worker = createDeliveryWorker({ store, logger });
  try {
    const { port } = await nextMessage<{ port: number }>(child, 'ready', 60_000);
    const org = store.organizations.ensureDefault(() => 'bench', Date.now()).id;
    const hub = createRealtimeHub({ store, logger });
    const service = createWebhookService({ store, cursors: createCursorCodec('x'), worker });
    service.create(org, { url: `http://127.0.0.1:${port}/hook`, events: ['message'] });
    worker.start();

    const warmupCount = Math.round(rate * warmup);
    const count = warmupCount + Math.round(rate * seconds);
    const committed = new Array<number>(count);
    const outboxStart = store.webhooks.backlog();
    let outboxPeak = 0;
    const publishUs: number[] = [];
    await new Promise<void>((resolve) => {
      const start = performance.now();
      let i = 0;
      // Each tick publishes what is due by the schedule (normally one): a steady `rate` per second.
      const tick = () => {
        const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (i < due) {
          const t = performance.now();
          hub.publish(event(org, 's1', i));
          committed[i] = wallMs();
          if (i >= warmupCount) publishUs.push((performance.now() - t) * 1000);
          i++;
        }
        if (i % 100 === 0) outboxPeak = Math.max(outboxPeak, store.webhooks.backlog());
        if (i < count) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const loadSpan = seconds + warmup;
    const outboxEndOfLoad = store.webhooks.backlog();
    const drainStart = performance.now();
    while (store.webhooks.backlog() > 0 && performance.now() - drainStart < 10_000) await new Promise((r) => setTimeout(r, 10));
    const drainMs = performance.now() - drainStart;
    const outboxAfter = store.webhooks.backlog();
    child.send({ type: 'report' });
    const { arrivals } = await nextMessage<{ arrivals: [number, number][] }>(child, 'arrivals', 60_000);
    const arrivedAt = new Map<number, number>();
    let duplicates = 0;
    let outOfOrder = 0;
    let last = -1;
    for (const [n, at] of arrivals) {
      if (arrivedAt.has(n)) duplicates++;
      else arrivedAt.set(n, at);
      if (n < last) outOfOrder++;
      last = Math.max(last, n);
    }
    const latencies: number[] = [];
    let lost = 0;
    for (let n = warmupCount; n < count; n++) {
      const at = arrivedAt.get(n);
      if (at === undefined) lost++;
      else latencies.push(at - committed[n]!);
    }
    const lat = summarize(latencies);
    // The worker's own measure of each request (write -> answer read), i.e. the round trip that bounds one endpoint.
    const roundTrip = summarize(store.db.prepare('SELECT duration_ms FROM webhook_deliveries WHERE duration_ms IS NOT NULL').pluck().all() as number[]);
    const pub = summarize(publishUs);
    await worker.stop();

    const costN = args.quick ? 5_000 : 20_000;
    const cost = {
      noEndpoint: publishCost([], costN),
      filteredOut: publishCost([{ events: ['sync.progress'] }], costN),
      oneEndpoint: publishCost([{}], costN),
    };
    log(
      BENCH,
      `request round trip ms: median ${roundTrip.median} p99 ${roundTrip.p99}; ${count - warmupCount} measured, ${latencies.length} received, ${lost} lost, ${duplicates} duplicates, ${outOfOrder} out of order; outbox start ${outboxStart} peak ${outboxPeak} end-of-load ${outboxEndOfLoad} after drain ${outboxAfter} (${Math.round(drainMs)} ms); publish() us: no endpoint ${cost.noEndpoint.toFixed(1)}, filtered out ${cost.filteredOut.toFixed(1)}, one endpoint ${cost.oneEndpoint.toFixed(1)}`,
    );
    finish(args, {
      bench: BENCH,
      figures: [
        figure('webhooks.rate', (count - warmupCount) / seconds, 'events/s', null, `events published per second (target rate ${rate})`),
        figure('webhooks.latency.median', lat.median, 'ms', null, 'commit -> receipt at a loopback receiver, median'),
        figure('webhooks.latency.p99', lat.p99, 'ms', { op: '<', value: 100 }, 'commit -> receipt at a loopback receiver, p99'),
        figure('webhooks.latency.max', lat.max, 'ms', null, 'commit -> receipt, max'),
        figure('webhooks.undelivered', lost, 'events', { op: '<=', value: 0 }, 'events not received by the end of a 10 s drain'),
        figure('webhooks.out_of_order', outOfOrder, 'events', { op: '<=', value: 0 }, 'events received before an earlier one'),
        figure('webhooks.outbox.peak', outboxPeak, 'rows', { op: '<=', value: 100 }, 'undelivered rows at the worst moment of the load (100 = 0.1 s of events)'),
        figure('webhooks.outbox.end_of_load', outboxEndOfLoad, 'rows', { op: '<=', value: 100 }, 'undelivered rows when the load stops'),
        figure('webhooks.publish_us.one_endpoint', cost.oneEndpoint, 'us', null, 'publish() with one matching endpoint (event + delivery row)'),
        figure('webhooks.publish_us.no_endpoint', cost.noEndpoint, 'us', null, 'publish() with no endpoint (reference)'),
      ],
      details: { rate, seconds, warmup, loadSpan, roundTripMs: roundTrip, deliveredDuringLoad: count - outboxEndOfLoad, outboxStart, outboxPeak, outboxEndOfLoad, outboxAfter, drainMs, duplicates, lost, latency: lat, publishUs: pub, cost },
    });
  } finally {
    await worker.stop();
    if (child.connected) child.send({ type: 'stop' });
    await stopChild(child);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
