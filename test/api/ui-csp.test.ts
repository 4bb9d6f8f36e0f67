import { describe, expect, it } from 'vitest';
import { uiContentSecurityPolicy } from '../../src-main/api/create-api.js';

describe('the headless UI content security policy', () => {
  const csp = uiContentSecurityPolicy('http://127.0.0.1:7480');
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

  it('lets images, audio and video come from blob: URLs (media fetched with the token), nothing else', () => {
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('media-src')).toEqual(["'self'", 'blob:']);
    for (const [name, sources] of directives) {
      if (name !== 'img-src' && name !== 'media-src') expect(sources, name).not.toContain('blob:');
    }
  });

  it('keeps scripts to the gateway and connections to the gateway and its socket', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:7480', 'ws://127.0.0.1:7480']);
    expect(csp).not.toMatch(/unsafe-/);
  });
});
