/**
 * Child process: the reference server of the media benchmark, a bare node:http server that answers every
 * request with one file piped from `createReadStream` (node's defaults), nothing else. Reports
 * `{type:'ready', port, pid}` over IPC.
 *   node --import tsx test/bench/server-bare-file.ts --file PATH [--content-type TYPE]
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const file = arg('--file');
if (!file) {
  process.stderr.write('usage: server-bare-file.ts --file PATH [--content-type TYPE]\n');
  process.exit(2);
}
const size = statSync(file).size;
const contentType = arg('--content-type') ?? 'application/octet-stream';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(size) });
  createReadStream(file).pipe(res);
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
