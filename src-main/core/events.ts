/**
 * Realtime events the gateway publishes (API.md "WS /realtime"). Producers (session manager, ingestion,
 * API services) publish; the realtime hub stores them in the bounded event log and fans them out.
 */
export type RealtimeEventName =
  | 'auth.qr'
  | 'session.status'
  | 'message'
  | 'message.status'
  | 'chat.deleted'
  | 'sync.progress';

export interface GatewayEvent {
  event: RealtimeEventName;
  sessionId: string;
  organizationId: string;
  payload: Record<string, unknown>;
}

export interface EventPublisher {
  publish(event: GatewayEvent): void;
}
