/**
 * The delivery marker of an outgoing message from its ackLevel (0 error, 1 pending, 2 sent, 3 delivered,
 * 4 read, 5 played).
 */
import type { Message } from '../api/types.js';

export type TickKind = 'error' | 'pending' | 'sent' | 'delivered' | 'read';

export interface Tick {
  kind: TickKind;
  /** What is drawn. */
  glyph: string;
  /** Accessible text and tooltip. */
  label: string;
}

const TICKS: Record<TickKind, Tick> = {
  error: { kind: 'error', glyph: '!', label: 'Not sent' },
  pending: { kind: 'pending', glyph: '🕓', label: 'Pending' },
  sent: { kind: 'sent', glyph: '✓', label: 'Sent' },
  delivered: { kind: 'delivered', glyph: '✓✓', label: 'Delivered' },
  read: { kind: 'read', glyph: '✓✓', label: 'Read' },
};

export function tickKindForAck(ackLevel: number): TickKind {
  if (!Number.isFinite(ackLevel) || ackLevel <= 0) return 'error';
  if (ackLevel === 1) return 'pending';
  if (ackLevel === 2) return 'sent';
  if (ackLevel === 3) return 'delivered';
  return 'read'; // 4 read, 5 played
}

/** Null for incoming messages: ticks only describe what we sent. */
export function tickFor(message: Pick<Message, 'fromMe' | 'ackLevel' | 'error'>): Tick | null {
  if (!message.fromMe) return null;
  if (message.error) return { ...TICKS.error, label: `Not sent: ${message.error}` };
  const tick = TICKS[tickKindForAck(message.ackLevel)];
  return message.ackLevel === 5 ? { ...tick, label: 'Played' } : tick;
}
