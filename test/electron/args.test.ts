import { describe, expect, it } from 'vitest';
import { parseDesktopArgs } from '../../src-main/electron/args.js';
import { ValidationError } from '../../src-main/core/errors.js';

describe('parseDesktopArgs', () => {
  it('reads --port and --data-dir in both spellings, ignoring Chromium switches', () => {
    expect(parseDesktopArgs(['/usr/bin/electron', '.', '--enable-logging', '--port', '7481', '--data-dir=/tmp/x'], {})).toEqual({
      port: 7481,
      dataDir: '/tmp/x',
    });
    expect(parseDesktopArgs(['app', '--port=0'], {})).toEqual({ port: 0, dataDir: null });
  });

  it('falls back to WAGW_PORT / WAGW_DATA_DIR, flags winning', () => {
    expect(parseDesktopArgs(['app'], { WAGW_PORT: '9000', WAGW_DATA_DIR: '/d' })).toEqual({ port: 9000, dataDir: '/d' });
    expect(parseDesktopArgs(['app', '--port', '9001'], { WAGW_PORT: '9000' })).toEqual({ port: 9001, dataDir: null });
    expect(parseDesktopArgs(['app'], {})).toEqual({ port: null, dataDir: null });
  });

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--port', '-1']],
    [['--port']],
    [['--port', '--data-dir', '/x']],
    [['--data-dir=']],
  ])('rejects %j with a ValidationError', (argv) => {
    expect(() => parseDesktopArgs(argv, {})).toThrow(ValidationError);
  });

  it('rejects a bad WAGW_PORT', () => {
    expect(() => parseDesktopArgs([], { WAGW_PORT: '12x' })).toThrow(/WAGW_PORT/);
  });
});
