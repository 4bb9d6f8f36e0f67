/**
 * The HTTP side of the root: the node:http server around the Koa app, listening with start-up errors a
 * person can act on, and the Host / Origin allow-lists (known only once the port is, since port 0 resolves
 * at listen).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { GatewayConfig } from './config.js';
import { allowedHostsFor, allowedOriginsFor, publicOrigin } from './public-url.js';
import { StartupError } from './startup-error.js';

export interface HttpAddress {
  /** e.g. http://127.0.0.1:7480 (the listening port once known). */
  origin(): string;
  /** http://<listen address>:<port> (127.0.0.1 for a wildcard), ignoring any public URL. */
  localOrigin(): string;
  /** Host header values the host guard and the realtime upgrade accept. */
  allowedHosts(): string[];
  /** Browser origins allowed to call the API and open the realtime socket. */
  allowedOrigins(): string[];
  /** Records the port the server actually listens on. */
  setPort(port: number): void;
}

export function httpAddress(config: Pick<GatewayConfig, 'host' | 'port' | 'extraOrigins' | 'publicUrl'>): HttpAddress {
  let port = config.port;
  const exposure = () => ({ host: config.host, port, publicUrl: config.publicUrl });
  // Computed once per port (port 0 resolves at listen), not on every request.
  let hostsFor = -1;
  let hosts: string[] = [];
  let origins: string[] = [];
  const refresh = () => {
    if (hostsFor === port) return;
    hosts = allowedHostsFor(exposure());
    origins = allowedOriginsFor(exposure(), config.extraOrigins);
    hostsFor = port;
  };
  return {
    // The origin of every URL the gateway prints or returns: the public URL when one is set.
    origin: () => publicOrigin(exposure()),
    // Where processes on this machine reach the listener directly (gateway.json), never through the proxy.
    localOrigin: () => publicOrigin({ ...exposure(), publicUrl: null }),
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
