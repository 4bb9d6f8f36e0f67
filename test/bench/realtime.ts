/**
 * Benchmark 5, realtime latency: live messages ingested at 1,000/s for 5 s (after 1 s of warm-up) in the
 * gateway's process; a WebSocket client here (ticket from POST /api/v1/realtime/ticket with an API key)
 * records when each message's `message` frame arrives. Latency = arrival - the moment the message was handed
 * to the ingestor (wall-clock with sub-millisecond resolution, same machine).
 */
import WebSocket from 'ws';
import { benchArgs, figure, finish, httpGet, log, nextMessage, repoPath, spawnTs, stopChild, summarize, wallMs } from './common.js';

const BENCH = 'realtime';
const args = benchArgs();
const rate = 1000;
const seconds = args.quick ? 3 : 5;
const warmup = 1;

interface Sent {
  id: string;
  at: number;
  measured: boolean;
  expectFrame: boolean;
  handleMs: number;
}

const child = spawnTs(repoPath('test/bench/server-realtime.ts'), ['--rate', String(rate), '--seconds', String(seconds), '--warmup', String(warmup)]);
try {
  const ready = await nextMessage<{ port: number; apiKey: string; sessionId: string }>(child, 'ready', 120_000);
  const ticketRes = await httpGet(`http://127.0.0.1:${ready.port}/api/v1/realtime/ticket`, { 'x-api-key': ready.apiKey }, false, 'POST');
  if (ticketRes.status !== 200) throw new Error(`ticket: HTTP ${ticketRes.status} ${ticketRes.body.toString('utf8')}`);
  const { url } = JSON.parse(ticketRes.body.toString('utf8')) as { url: string };
  const arrivals = new Map<string, number>();
  let frames = 0;
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data: Buffer) => {
    const at = wallMs();
    frames++;
    const frame = JSON.parse(data.toString('utf8')) as { event: string; payload: { waMessageId?: string } };
    if (frame.event === 'message' && frame.payload.waMessageId && !arrivals.has(frame.payload.waMessageId)) {
      arrivals.set(frame.payload.waMessageId, at);
    }
  });
  const done = nextMessage<{ sent: Sent[] }>(child, 'done', 120_000);
  child.send({ type: 'go' });
  const { sent } = await done;
  await new Promise((r) => setTimeout(r, 500)); // frames still in flight
  ws.close();

  const measured = sent.filter((s) => s.measured && s.expectFrame);
  const latencies: number[] = [];
  let lost = 0;
  for (const s of measured) {
    const at = arrivals.get(s.id);
    if (at === undefined) lost++;
    else latencies.push(at - s.at);
  }
  const span = (sent[sent.length - 1]!.at - sent.find((s) => s.measured)!.at) / 1000;
  const achieved = sent.filter((s) => s.measured).length / span;
  const lat = summarize(latencies);
  const handle = summarize(sent.filter((s) => s.measured).map((s) => s.handleMs));
  log(BENCH, `${measured.length} frames expected, ${latencies.length} received, ${lost} lost; ${frames} frames in all; ingest handle() p50 ${handle.median.toFixed(3)} ms p99 ${handle.p99.toFixed(3)} max ${handle.max.toFixed(1)} ms`);
  finish(args, {
    bench: BENCH,
    figures: [
      figure('realtime.rate', achieved, 'msg/s', null, 'live messages ingested per second (target rate 1000)'),
      figure('realtime.latency.median', lat.median, 'ms', null, 'ingest -> WebSocket frame, median'),
      figure('realtime.latency.p99', lat.p99, 'ms', { op: '<=', value: 10 }, 'ingest -> WebSocket frame, p99'),
      figure('realtime.latency.max', lat.max, 'ms', null, 'ingest -> WebSocket frame, max'),
      figure('realtime.lost_frames', lost, 'frames', { op: '<=', value: 0 }, 'messages whose frame never arrived'),
    ],
    details: { rate, seconds, warmup, expected: measured.length, received: latencies.length, lost, latency: lat, ingestHandleMs: handle },
  });
} finally {
  if (child.connected) child.send({ type: 'stop' });
  await stopChild(child);
}
