import { describe, expect, it } from 'vitest';
import {
  buildCsp,
  buildWebPreferences,
  isAllowedNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  normalizeGatewayOrigin,
  withCspHeader,
} from '../../src-main/electron/security.js';

const ORIGIN = 'http://127.0.0.1:7480';

describe('buildWebPreferences', () => {
  it('locks the renderer down and passes the API base to the preload', () => {
    const prefs = buildWebPreferences({ preloadPath: '/app/out/preload/index.cjs', apiBase: `${ORIGIN}/api/v1`, devTools: false });
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/app/out/preload/index.cjs',
      additionalArguments: [`--wagw-api-base=${ORIGIN}/api/v1`],
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('gives child windows no preload and no arguments', () => {
    const prefs = buildWebPreferences({ preloadPath: null, apiBase: null, devTools: true });
    expect(prefs).not.toHaveProperty('preload');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
  });
});

describe('buildCsp', () => {
  const csp = buildCsp(`${ORIGIN}/`);
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

  it('has no unsafe-* source anywhere', () => {
    expect(csp).not.toMatch(/unsafe-/);
    expect(csp).not.toMatch(/\*/);
  });

  it('lets the page connect only to the gateway over http and ws', () => {
    expect(directives.get('connect-src')).toEqual([ORIGIN, 'ws://127.0.0.1:7480']);
  });

  it('pins scripts and styles to self and closes objects, base, framing and forms', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    for (const name of ['object-src', 'base-uri', 'frame-ancestors', 'form-action', 'frame-src']) {
      expect(directives.get(name)).toEqual(["'none'"]);
    }
  });

  it('allows blob: (media fetched with the token) only for images, audio and video, never for scripts or frames', () => {
    expect(directives.get('media-src')).toEqual(["'self'", 'blob:']);
    for (const name of ['script-src', 'style-src', 'default-src', 'connect-src', 'frame-src', 'worker-src', 'object-src']) {
      expect(directives.get(name)).not.toContain('blob:');
    }
  });

  it('uses wss for an https gateway', () => {
    expect(buildCsp('https://gw.example.com:8443')).toContain('connect-src https://gw.example.com:8443 wss://gw.example.com:8443');
  });

  it('refuses something that is not a gateway origin', () => {
    expect(() => buildCsp('javascript:alert(1)')).toThrow(/not a gateway origin/);
    expect(() => buildCsp('http://user:pw@127.0.0.1:7480')).toThrow(/not a gateway origin/);
    expect(() => normalizeGatewayOrigin("http://127.0.0.1:7480/'; script-src *")).toThrow();
  });
});

describe('withCspHeader', () => {
  it('adds the policy when the server sent none, keeping other headers', () => {
    const out = withCspHeader({ 'content-type': ['text/html'] }, "default-src 'self'");
    expect(out).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
  });

  it('keeps a server policy and adds ours next to it (both are enforced)', () => {
    const out = withCspHeader({ 'content-security-policy': ["default-src 'none'"] }, "default-src 'self'");
    expect(out['content-security-policy']).toEqual(["default-src 'none'", "default-src 'self'"]);
    expect(Object.keys(out)).toHaveLength(1);
  });

  it('copies instead of mutating the input', () => {
    const input = { 'content-security-policy': ['a'] };
    withCspHeader(input, 'b');
    expect(input['content-security-policy']).toEqual(['a']);
  });
});

describe('navigation, window.open and IPC senders', () => {
  const allowed = [`${ORIGIN}/`, `${ORIGIN}/sessions/abc?x=1#top`, ORIGIN];
  const refused = [
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'http://127.0.0.1.evil.com:7480/',
    'http://localhost@evil.com/',
    'http://127.0.0.1:7480@evil.com/',
    'http://user:pw@127.0.0.1:7480/',
    'http://127.0.0.1:7481/',
    'http://127.0.0.1/',
    'https://127.0.0.1:7480/',
    'http://localhost:7480/',
    'ws://127.0.0.1:7480/realtime',
    'http://127.0.0.1:7480\\@evil.com/',
    ' http://127.0.0.1:7480/',
    'http://127.0.0.1:74\t80/',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ];

  it.each(allowed)('allows %s', (url) => {
    expect(isAllowedNavigation(url, ORIGIN)).toBe(true);
    expect(isTrustedSender(url, ORIGIN)).toBe(true);
  });

  it.each(refused)('refuses %j', (url) => {
    expect(isAllowedNavigation(url, ORIGIN)).toBe(false);
    expect(isTrustedSender(url, ORIGIN)).toBe(false);
  });

  it('does not trust a missing frame', () => {
    expect(isTrustedSender(null, ORIGIN)).toBe(false);
    expect(isTrustedSender(undefined, ORIGIN)).toBe(false);
    expect(isAllowedNavigation(42, ORIGIN)).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it.each(['https://example.com/', 'http://example.com/path?q=1', 'https://sub.example.co.uk:8443/a#b', 'https://8.8.8.8/'])(
    'opens %s',
    (url) => expect(isSafeExternalUrl(url)).toBe(true),
  );

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'java\tscript:alert(1)',
    'file:///C:/Windows/System32/calc.exe',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox',
    'smb://evil.com/share',
    'ms-msdt:/id',
    'mailto:a@example.com',
    'http://localhost@evil.com/',
    'https://user:pass@example.com/',
    'http://127.0.0.1.evil.com/',
    'http://localhost.evil.com/',
    'http://127.0.0.1:7480/',
    'http://localhost/',
    'http://app.localhost/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]/',
    'http://[2001:db8::1]/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/',
    'https://xn--pple-43d.com/',
    'https://аpple.com/',
    'http://intranet/',
    'https://example.com\\@evil.com',
    ' https://example.com',
    `https://example.com/${'a'.repeat(3000)}`,
    '',
    null,
    undefined,
  ])('refuses %j', (url) => expect(isSafeExternalUrl(url)).toBe(false));
});

describe('isPermissionAllowed', () => {
  it('allows only clipboard writes from the gateway page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', `${ORIGIN}/keys`, ORIGIN)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.com/', ORIGIN)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, ORIGIN)).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(permission, `${ORIGIN}/`, ORIGIN)).toBe(false);
    }
  });
});
