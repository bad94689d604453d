import { describe, expect, it } from 'vitest';
import { paint, wantColor } from '../../src/cli/io.js';

const tty = { isTTY: true } as unknown as NodeJS.WriteStream;
const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

describe('colours: picocolors, with colour support read the way Node reads it', () => {
  it.each([
    ['a terminal that supports colour', undefined, tty, { TERM: 'xterm-256color' }, true],
    ['a pipe', undefined, pipe, { TERM: 'xterm-256color' }, false],
    ['FORCE_COLOR=1 on a pipe', undefined, pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', undefined, tty, { FORCE_COLOR: '0', TERM: 'xterm' }, false],
    ['NO_COLOR=1 on a terminal', undefined, tty, { NO_COLOR: '1', TERM: 'xterm' }, false],
    ['FORCE_COLOR wins over NO_COLOR', undefined, pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, true],
    ['NODE_DISABLE_COLORS on a terminal', undefined, tty, { NODE_DISABLE_COLORS: '1', TERM: 'xterm' }, false],
    ['TERM=dumb', undefined, tty, { TERM: 'dumb' }, false],
    ['--no-color whatever the environment', false, tty, { FORCE_COLOR: '1', TERM: 'xterm' }, false],
  ] as const)('%s → %s', (_name, flag, stream, env, want) => {
    expect(wantColor(flag, stream, env as NodeJS.ProcessEnv)).toBe(want);
  });

  it('paints with ANSI SGR codes when on, and leaves text as it is when off', () => {
    expect(paint(true).cyan('RDY')).toBe('\x1b[36mRDY\x1b[39m');
    expect(paint(true).red('x')).toMatch(/^\x1b\[31mx\x1b\[39m$/);
    expect(paint(false).cyan('RDY')).toBe('RDY');
  });
});
