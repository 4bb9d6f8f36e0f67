/**
 * Endpoint input validation (src-main/webhooks/endpoints.ts validateEndpointInput): the "bad input -> 400"
 * lines of issue 11, as ValidationError the API's error middleware maps to 400.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-main/core/errors.js';
import { EVENT_NAMES } from '../../src-main/core/events.js';
import { MAX_URL_LENGTH, validateEndpointInput } from '../../src-main/webhooks/endpoints.js';

const bad = (body: unknown, mode: 'create' | 'update' = 'create') => {
  try {
    validateEndpointInput(body, mode);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('validation_error');
    return (e as ValidationError).details;
  }
  throw new Error(`accepted ${JSON.stringify(body).slice(0, 200)}`);
};

describe('webhook endpoint validation', () => {
  it('accepts http and https URLs, events "*" or known names, session ids, description, enabled', () => {
    expect(validateEndpointInput({ url: 'https://example.com/hook' }, 'create')).toEqual({ url: 'https://example.com/hook' });
    expect(validateEndpointInput({ url: 'http://127.0.0.1:8080/x?y=1', events: ['*'] }, 'create').events).toEqual(['*']);
    expect(validateEndpointInput({ url: 'http://h/x', events: [...EVENT_NAMES] }, 'create').events).toEqual([...EVENT_NAMES]);
    expect(validateEndpointInput({ url: 'http://h/', sessions: ['s1', 's1'], description: 'd', enabled: false }, 'create')).toEqual({
      url: 'http://h/',
      sessions: ['s1'],
      description: 'd',
      enabled: false,
    });
    expect(validateEndpointInput({ enabled: true }, 'update')).toEqual({ enabled: true });
  });

  it('invalid URL, ftp://, a 10 kB URL, a missing URL -> 400 on url', () => {
    expect(bad({ url: 'not a url' })).toMatchObject({ field: 'url' });
    expect(bad({ url: 'ftp://example.com/hook' })).toMatchObject({ field: 'url' });
    expect(bad({ url: 'file:///etc/passwd' })).toMatchObject({ field: 'url' });
    expect(bad({ url: 'javascript:alert(1)' })).toMatchObject({ field: 'url' });
    expect(bad({ url: `https://example.com/${'a'.repeat(10_000)}` })).toMatchObject({ field: 'url' });
    expect(bad({ url: `https://example.com/${'a'.repeat(MAX_URL_LENGTH)}` })).toMatchObject({ field: 'url' });
    expect(bad({})).toMatchObject({ field: 'url' });
    expect(bad({ url: 42 })).toMatchObject({ field: 'url' });
    expect(bad({ url: 'ftp://x/' }, 'update')).toMatchObject({ field: 'url' });
  });

  it('unknown event names, empty or mixed filters -> 400 on events', () => {
    expect(bad({ url: 'https://h/', events: ['message', 'mesage'] })).toMatchObject({ field: 'events' });
    expect(bad({ url: 'https://h/', events: [] })).toMatchObject({ field: 'events' });
    expect(bad({ url: 'https://h/', events: 'message' })).toMatchObject({ field: 'events' });
    expect(bad({ url: 'https://h/', events: ['*', 'message'] })).toMatchObject({ field: 'events' });
  });

  it('malformed sessions, description, enabled, unknown fields -> 400', () => {
    expect(bad({ url: 'https://h/', sessions: [] })).toMatchObject({ field: 'sessions' });
    expect(bad({ url: 'https://h/', sessions: [1] })).toMatchObject({ field: 'sessions' });
    expect(bad({ url: 'https://h/', description: 'x'.repeat(501) })).toMatchObject({ field: 'description' });
    expect(bad({ url: 'https://h/', enabled: 'yes' })).toMatchObject({ field: 'enabled' });
    expect(bad({ url: 'https://h/', secret: 'whsec_mine' })).toMatchObject({ field: 'secret' });
    bad(null);
    bad([]);
  });
});
