import type { SocketLike } from '../socket.js';

/**
 * A view of the socket whose emitter goes silent once `isCurrent()` is false: listeners the ingestor registers
 * stop firing the moment this client is closed, even if its own detach were to miss one.
 */
export function gatedSocket(sock: SocketLike, isCurrent: () => boolean): SocketLike {
  const ev = sock.ev;
  type Listener = (arg: unknown) => void;
  const gatedByEvent = new Map<string, Map<Listener, Listener>>();
  const gatedEv = new Proxy(ev, {
    get(target, prop) {
      if (prop === 'on') {
        return (event: string, listener: Listener) => {
          let gated = gatedByEvent.get(event);
          if (!gated) gatedByEvent.set(event, (gated = new Map()));
          let wrapper = gated.get(listener);
          if (!wrapper) {
            wrapper = (arg: unknown) => {
              if (isCurrent()) listener(arg);
            };
            gated.set(listener, wrapper);
          }
          (target.on as (e: string, l: Listener) => void)(event, wrapper);
        };
      }
      if (prop === 'off') {
        return (event: string, listener: Listener) => {
          const wrapper = gatedByEvent.get(event)?.get(listener);
          if (wrapper) {
            gatedByEvent.get(event)?.delete(listener);
            (target.off as (e: string, l: Listener) => void)(event, wrapper);
          } else {
            (target.off as (e: string, l: Listener) => void)(event, listener);
          }
        };
      }
      if (prop === 'process') {
        return (handler: (events: unknown) => void | Promise<void>) =>
          target.process((events) => (isCurrent() ? handler(events) : undefined));
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new Proxy(sock, {
    get(target, prop) {
      if (prop === 'ev') return gatedEv;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
