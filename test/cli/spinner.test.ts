import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/cli/spinner.js';

/** A stream that says it is a terminal, collecting what is written. */
function tty(): { stream: NodeJS.WriteStream; text: () => string } {
  const p = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let out = '';
  p.on('data', (b: Buffer) => (out += b.toString('utf8')));
  Object.assign(p, { isTTY: true, columns: 100, rows: 30, cursorTo: () => true, moveCursor: () => true, clearLine: () => true });
  return { stream: p, text: () => out };
}

describe('progress on stderr', () => {
  afterEach(() => vi.useRealTimers());

  it('on a terminal: nothing for a short wait; after ~1 s one line updated in place; cleared at the end', async () => {
    vi.useFakeTimers();
    const t = tty();
    const p = new Progress({ json: false, stream: t.stream, env: { TERM: 'xterm' } });
    p.update('module: connecting (AT+ECMTCONN)…');
    await vi.advanceTimersByTimeAsync(900);
    expect(t.text()).toBe('');
    await vi.advanceTimersByTimeAsync(300);
    expect(t.text()).toContain('module: connecting (AT+ECMTCONN)…');
    p.update('subscribing on both sides…');
    await vi.advanceTimersByTimeAsync(200);
    expect(t.text()).toContain('subscribing on both sides…');
    expect(t.text()).not.toContain('\n'); // in place, never a new line
    p.stop();
    await vi.advanceTimersByTimeAsync(200);
    const end = t.text();
    p.update('x');
    expect(t.text()).toBe(end);
    // NO_COLOR unset here: the spinner may be coloured; with NO_COLOR it is not
    const t2 = tty();
    const q = new Progress({ json: false, stream: t2.stream, env: { TERM: 'xterm', NO_COLOR: '1' } });
    q.update('waiting');
    await vi.advanceTimersByTimeAsync(1500);
    q.stop();
    // eslint-disable-next-line no-control-regex
    expect(t2.text()).not.toMatch(/\x1b\[3\dm/);
    expect(t2.text()).toContain('waiting');
  });

  it('never with --json, whatever the stream', async () => {
    vi.useFakeTimers();
    const t = tty();
    const p = new Progress({ json: true, stream: t.stream, env: {} });
    p.update('module: opening…');
    await vi.advanceTimersByTimeAsync(5000);
    p.stop();
    expect(t.text()).toBe('');
  });
});
