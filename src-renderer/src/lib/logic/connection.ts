/**
 * What the header says about the connection (issue 13): the realtime socket to the gateway AND the selected
 * session's real state. "Live" (green) only when both are up: a stopped session under an open socket is not live.
 */
import type { Session } from '@core/types.js';
import type { RealtimeStatus } from '../api/realtime.js';

export type ConnectionTone = 'ok' | 'busy' | 'warn' | 'bad' | 'off';

export interface ConnectionSummary {
  label: string;
  tone: ConnectionTone;
  /** A longer sentence (tooltip), with the session's last error when there is one. */
  detail: string;
}

export function connectionSummary(realtime: RealtimeStatus, session: Session | undefined): ConnectionSummary {
  if (realtime !== 'open') {
    const offline = realtime === 'idle' || realtime === 'stopped';
    return {
      label: offline ? 'Offline' : 'Reconnecting…',
      tone: offline ? 'off' : 'warn',
      detail: offline ? 'No connection to the gateway.' : 'Connecting to the gateway again…',
    };
  }
  if (!session) return { label: 'No session', tone: 'off', detail: 'Connected to the gateway; no WhatsApp session selected.' };
  const why = session.lastError ? ` ${session.lastError.reason}.` : '';
  switch (session.status) {
    case 'working':
      return session.live
        ? { label: 'Live', tone: 'ok', detail: `${session.label}: connected to WhatsApp.` }
        : { label: 'Connecting…', tone: 'busy', detail: `${session.label}: connecting to WhatsApp.` };
    case 'starting':
      return session.lastError
        ? { label: 'Retrying…', tone: 'warn', detail: `${session.label}: trying again.${why}` }
        : { label: 'Connecting…', tone: 'busy', detail: `${session.label}: connecting to WhatsApp.` };
    case 'scan_qr_code':
      return { label: 'Waiting for QR scan', tone: 'warn', detail: `${session.label}: not paired yet; scan the QR code on the Sessions page.` };
    case 'failed':
      return { label: 'Failed', tone: 'bad', detail: `${session.label}: not connected.${why}` };
    case 'logged_out':
      return { label: 'Logged out', tone: 'bad', detail: `${session.label}: logged out; pair it again on the Sessions page.${why}` };
    default:
      return { label: 'Stopped', tone: 'off', detail: `${session.label}: stopped; showing the stored copy.${why}` };
  }
}
