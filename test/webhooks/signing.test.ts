/**
 * Standard Webhooks signing (src-main/webhooks/signing.ts) against the `standardwebhooks` library: what we
 * sign, any receiver verifies; a changed byte, id or timestamp does not verify.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, redactUrl, sign, webhookHeaders } from '../../src-main/webhooks/signing.js';

describe('webhook signing', () => {
  it('secrets are whsec_ + base64 of at least 24 random bytes, all different', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateSecret()));
    expect(secrets.size).toBe(50);
    for (const s of secrets) {
      expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(s.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    }
  });

  it('signs exactly as the standardwebhooks library does, and its verify accepts our headers', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ schema: 'v1', id: 'evt_1', event: 'message', payload: { text: 'héllo ✓' } });
    const ts = Math.floor(Date.now() / 1000);
    expect(sign(secret, 'evt_1', ts, body)).toBe(new Webhook(secret).sign('evt_1', new Date(ts * 1000), body));
    const headers = webhookHeaders(secret, 'evt_1', ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('a changed body, id, timestamp or secret does not verify', () => {
    const secret = generateSecret();
    const body = '{"a":1}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, 'evt_1', ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"a":2}', headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(ts + 1) })).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('URLs in logs lose their credentials and query', () => {
    expect(redactUrl('https://user:p4ss@example.com:8443/hook?token=abc')).toBe('https://example.com:8443/hook?…');
    expect(redactUrl('http://127.0.0.1:9/x')).toBe('http://127.0.0.1:9/x');
    expect(redactUrl('not a url')).not.toContain('not a url');
  });
});
