import { describe, expect, it } from 'vitest';
import { Progress, progressLine, wantProgress, PROGRESS_MIN_BYTES } from '../../src/cli/progress.js';

describe('the decode progress bar', () => {
  it('is drawn only for inputs over ~20 MB, on a terminal, without --json', () => {
    const big = PROGRESS_MIN_BYTES + 1;
    expect(wantProgress(big, { json: false, isTTY: true })).toBe(true);
    expect(wantProgress(big, { json: true, isTTY: true })).toBe(false);
    expect(wantProgress(big, { json: false, isTTY: false })).toBe(false);
    expect(wantProgress(PROGRESS_MIN_BYTES, { json: false, isTTY: true })).toBe(false);
    expect(wantProgress(null, { json: false, isTTY: true })).toBe(false); // stdin: size unknown
    expect(Progress.forInput(big, { json: false, stream: { isTTY: false, write: () => true } })).toBeNull();
  });

  it('is one line that fits the terminal, with the percentage and the bytes read', () => {
    const l = progressLine(50 * 1024 * 1024, 100 * 1024 * 1024, 80);
    expect(l).toMatch(/^decode \[#+\.+\]  50%  50\.0\/100\.0 MB$/);
    expect(l.length).toBeLessThanOrEqual(80);
    expect(l.includes('\n')).toBe(false);
  });

  it('redraws at most every 100 ms (an injected clock) and erases itself when done', () => {
    const written: string[] = [];
    let now = 0;
    const p = new Progress(100, { isTTY: true, columns: 80, write: (s) => written.push(s) }, () => now);
    p.update(10);
    p.update(20); // same instant: not redrawn
    now = 150;
    p.update(30);
    p.done();
    expect(written.length).toBe(3);
    expect(written[0]).toMatch(/^\r.*10%/);
    expect(written[1]).toMatch(/^\r.*30%/);
    expect(written[2]).toBe('\r\u001b[K');
  });
});
