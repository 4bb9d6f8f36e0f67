/**
 * Child process: the reference server of the HTTP benchmark, a bare node:http server that answers every
 * request with the bytes the gateway returned for the same URL (read once from a file, served from memory).
 * Reports `{type:'ready', port, pid}` over IPC.
 *   node --import tsx test/bench/server-raw.ts --body FILE --content-type TYPE
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const bodyFile = arg('--body');
if (!bodyFile) {
  process.stderr.write('usage: server-raw.ts --body FILE [--content-type TYPE]\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const headers = { 'Content-Type': arg('--content-type') ?? 'application/json; charset=utf-8', 'Content-Length': String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ type: 'ready', port: typeof addr === 'object' && addr ? addr.port : 0, pid: process.pid });
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stop();
});
