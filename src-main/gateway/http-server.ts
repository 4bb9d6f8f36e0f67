/**
 * The HTTP side of the root: the node:http server around the Koa app, listening with start-up errors a
 * person can act on, and the Host / Origin allow-lists (known only once the port is, since port 0 resolves
 * at listen).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { loopbackHosts } from '../api/middleware/host-guard.js';
import type { GatewayConfig } from './config.js';
import { StartupError } from './startup-error.js';

export interface HttpAddress {
  /** e.g. http://127.0.0.1:7480 (the listening port once known). */
  origin(): string;
  /** Host header values the host guard and the realtime upgrade accept. */
  allowedHosts(): string[];
  /** Browser origins allowed to call the API and open the realtime socket. */
  allowedOrigins(): string[];
  /** Records the port the server actually listens on. */
  setPort(port: number): void;
}

export function httpAddress(config: Pick<GatewayConfig, 'host' | 'port' | 'extraOrigins'>): HttpAddress {
  let port = config.port;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  // Computed once per port, not on every request.
  let hostsFor = -1;
  let hosts: string[] = [];
  let origins: string[] = [];
  const refresh = () => {
    if (hostsFor === port) return;
    hosts = loopbackHosts(port, wildcard || config.host === '127.0.0.1' ? [] : [`${config.host}:${port}`]);
    origins = [...hosts.map((h) => `http://${h}`), ...config.extraOrigins.map((o) => o.toLowerCase())];
    hostsFor = port;
  };
  return {
    origin: () => `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    allowedHosts() {
      refresh();
      return hosts;
    },
    allowedOrigins() {
      refresh();
      return origins;
    },
    setPort(p) {
      port = p;
    },
  };
}

export function createHttpServer(handler: RequestListener): Server {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Listens and resolves with the bound port; EADDRINUSE and friends become a StartupError. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${port} on ${host} is already in use: choose another with --port`));
      else if (err.code === 'EACCES') reject(new StartupError(`not allowed to listen on ${host}:${port}: choose a port above 1024`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host}: not an address of this machine`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes the server and every open connection (keep-alive ones included). */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
