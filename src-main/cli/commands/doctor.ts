/**
 * wagw doctor: checks a running gateway from the outside (as a browser would reach it) and the machine it
 * runs on: reachable, Host accepted, TLS in front when public, clock in sync, data dir writable, disk space.
 * Prints one line per check; exit 1 when any check fails.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { isLoopbackHost } from '../../gateway/public-url.js';
import { parse, resolveDataDir, UsageError, type CliIo } from '../shared.js';
import { gatewayOrigin } from './login-link.js';
import { readConfigFile } from './serve.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  level: CheckLevel;
  detail: string;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(url: URL, opts: { host?: string; insecure: boolean; timeoutMs: number }): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const requester = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = requester(
      url,
      {
        method: 'GET',
        headers: opts.host ? { host: opts.host } : {},
        timeout: opts.timeoutMs,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: !opts.insecure, servername: url.hostname } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c.length < 4096 ? c : ''));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface DoctorOptions {
  /** Where to reach the gateway (default: its public URL, else the local address). */
  url: string;
  /** The public origin, if one is configured. */
  publicUrl: string | null;
  dataDir: string;
  insecure: boolean;
  now?: () => number;
  timeoutMs?: number;
}

export async function runDoctor(o: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 5000;
  const target = new URL('/healthz', o.url);
  const publicHost = o.publicUrl ? new URL(o.publicUrl).host : null;
  // The Host a browser sends: the public URL's, also when we reach the gateway by its local address.
  const hostHeader = publicHost && new URL(o.url).host !== publicHost ? publicHost : undefined;
  let answer: Answer | null = null;
  const sentAt = now();
  try {
    answer = await get(target, { host: hostHeader, insecure: o.insecure, timeoutMs });
    checks.push({ name: 'reachable', level: 'ok', detail: `${target.href} answered ${answer.status}` });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const tlsHint = /certificate|self.signed|CERT_/i.test(`${e.code} ${e.message}`) ? ' (TLS certificate not trusted; --insecure skips the check)' : '';
    checks.push({ name: 'reachable', level: 'fail', detail: `${target.href}: ${e.code ?? ''} ${e.message}${tlsHint}`.trim() });
  }
  if (answer) {
    if (answer.status === 403 && /host not allowed/.test(answer.body)) {
      checks.push({ name: 'host accepted', level: 'fail', detail: `403 host not allowed for Host ${hostHeader ?? target.host}: start the gateway with --public-url ${o.publicUrl ?? `${target.protocol}//${target.host}`}` });
    } else if (answer.status === 200) {
      checks.push({ name: 'host accepted', level: 'ok', detail: `Host ${hostHeader ?? target.host} accepted` });
    } else {
      checks.push({ name: 'host accepted', level: 'fail', detail: `/healthz answered ${answer.status}, not 200` });
    }
    const date = answer.headers.date ? Date.parse(answer.headers.date) : NaN;
    if (Number.isNaN(date)) {
      checks.push({ name: 'time in sync', level: 'warn', detail: 'the answer had no Date header' });
    } else {
      // Date has one-second resolution: allow for it and for the round trip.
      const skew = Math.abs(date + 500 - (sentAt + now()) / 2);
      const level: CheckLevel = skew > 30_000 ? 'fail' : skew > 5_000 ? 'warn' : 'ok';
      checks.push({ name: 'time in sync', level, detail: `server clock ${level === 'ok' ? 'within' : 'off by'} ${Math.round(skew / 1000)} s of this machine's${level === 'ok' ? '' : ' (WhatsApp refuses clients whose clock is off; run NTP, e.g. systemd-timesyncd)'}` });
    }
  }
  const exposed = o.publicUrl ?? o.url;
  const exposedUrl = new URL(exposed);
  if (isLoopbackHost(exposedUrl.hostname)) {
    checks.push({ name: 'TLS in front', level: 'ok', detail: `${exposedUrl.origin} is loopback only; TLS not needed` });
  } else if (exposedUrl.protocol === 'https:') {
    checks.push({ name: 'TLS in front', level: 'ok', detail: `${exposedUrl.origin} is served over https` });
  } else {
    checks.push({ name: 'TLS in front', level: 'fail', detail: `${exposedUrl.origin} is plain http on a public name: put a TLS reverse proxy in front (docs/self-hosting.md)` });
  }
  const probe = join(o.dataDir, `.doctor-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(probe, 'ok', { mode: 0o600 });
    rmSync(probe);
    checks.push({ name: 'data dir writable', level: 'ok', detail: o.dataDir });
  } catch (err) {
    checks.push({ name: 'data dir writable', level: 'fail', detail: `${o.dataDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  }
  try {
    const fs = statfsSync(o.dataDir);
    const free = fs.bavail * fs.bsize;
    const gib = (free / 2 ** 30).toFixed(1);
    const level: CheckLevel = free < 100 * 2 ** 20 ? 'fail' : free < 2 ** 30 ? 'warn' : 'ok';
    checks.push({ name: 'disk space', level, detail: `${gib} GiB free for ${o.dataDir}` });
  } catch (err) {
    checks.push({ name: 'disk space', level: 'fail', detail: `${o.dataDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
  }
  return checks;
}

export async function doctor(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parse(args, {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    'public-url': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    insecure: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const { file, content } = readConfigFile(values.config, values['data-dir'], env);
  const f = content ?? {};
  const origin = gatewayOrigin(values, f, env);
  const configuredPublic = values['public-url'] ?? (env.WAGW_PUBLIC_URL || undefined) ?? f.publicUrl;
  let url = origin;
  if (values.url) {
    try {
      url = new URL(values.url).origin;
    } catch {
      throw new UsageError(`--url is not a URL: '${values.url}'`);
    }
  }
  const dataDir = values['data-dir'] || env.WAGW_DATA_DIR || !f.dataDir || !file ? resolveDataDir(values['data-dir'], env) : resolve(dirname(file), f.dataDir);
  const checks = await runDoctor({ url, publicUrl: configuredPublic ? origin : null, dataDir, insecure: values.insecure === true });
  for (const c of checks) (c.level === 'fail' ? io.err : io.out)(`${c.level.toUpperCase().padEnd(4)}  ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => c.level === 'fail').length;
  io.out(failed ? `${failed} check(s) failed.` : 'All checks passed.');
  return failed ? 1 : 0;
}
