/**
 * The redaction property on the paths that write: every sensitive line of the fixtures and the
 * protocol reference (test/helpers/sensitive.ts) arrives as module output in random pieces, with
 * quiet times longer than the flush between some of them and the host speaking between others,
 * through the recorder (the transcript, as JSON Lines: text or base64), the chunk view (the hex
 * of `--hex`, spaced and plain), and the decoder of a recording made with --log-secrets (what
 * `cat1 decode` prints as JSON). No form of a secret — plain, hex, upper hex, spaced hex, base64
 * at each alignment — may show in any of them. Timers are fake: a "pause" is advancing them.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { itemToJson } from '../../src/at/json.js';
import { defaultGrammar } from '../../src/grammar.js';
import { ChunkTap, hex } from '../../src/cli/pty-serve.js';
import { RecordingPort } from '../../src/port/recorder.js';
import type { ModemPort, ModemPortEvents } from '../../src/port/types.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { MemorySink, makeHeader } from '../../src/recording/writer.js';
import type { TranscriptEntry } from '../../src/recording/types.js';
import { TypedEmitter } from '../../src/util/emitter.js';
import { ALL_SENSITIVE, type Sensitive } from '../helpers/sensitive.js';

/** A port the test feeds directly (module output) and whose writes it keeps (host output). */
class FedPort extends TypedEmitter<ModemPortEvents> implements ModemPort {
  readonly description = 'test:fed';
  isOpen = true;
  write(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.isOpen = false;
    this.emit('close', undefined);
    return Promise.resolve();
  }
  feed(b: Buffer): void {
    this.emit('data', b);
  }
}

/** Every form of a value that must not show (only values of 6+ bytes: shorter ones match by chance). */
function forms(value: string): string[] {
  const b = Buffer.from(value, 'latin1');
  const out = [value, b.toString('hex'), b.toString('hex').toUpperCase(), hex(b)];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k, 0x20), b]).toString('base64');
    const inner = enc.slice(k === 0 ? 0 : 4, Math.floor((k + b.length) / 3) * 4);
    if (inner.length >= 8) out.push(inner);
  }
  return out;
}

function expectClean(where: string, text: string, s: Sensitive): void {
  for (const v of s.secrets.filter((x) => x.length >= 6)) {
    for (const f of forms(v)) expect(text.includes(f), `${s.from}: a form of "${v}" (${f}) in ${where}:\n${text}`).toBe(false);
  }
}

interface Plan {
  s: Sensitive;
  cuts: number[];
  /** after piece i: 0 nothing, 1 a quiet time, 2 the host writes a byte */
  between: number[];
}

const plan = fc.record({
  s: fc.constantFrom(...ALL_SENSITIVE),
  cuts: fc.array(fc.nat(), { maxLength: 10 }),
  between: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 11, maxLength: 11 }),
});

function pieces(p: Plan): Buffer[] {
  const bytes = Buffer.from(`\r\n${p.s.line}\r\nOK\r\n`, 'latin1');
  const bounds = [...new Set([0, ...p.cuts.map((c) => c % bytes.length), bytes.length])].sort((a, b) => a - b);
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push(bytes.subarray(bounds[i]!, bounds[i + 1]!));
  return out;
}

describe('every writing path, any cuts and pauses (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the recorder: the transcript (text and base64) never holds a secret, and keeps every byte count (1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const port = new FedPort();
        const sink = new MemorySink(makeHeader({ kind: 'emulator', source: 'property', timing: 'recorded', redacted: true }));
        const rec = new RecordingPort(port, sink);
        const parts = pieces(p);
        const dir = p.s.dir;
        for (const [i, b] of parts.entries()) {
          if (dir === 'rx') port.feed(b);
          else await rec.write(b);
          if (p.between[i] === 1) vi.advanceTimersByTime(200);
          if (p.between[i] === 2) {
            if (dir === 'rx') await rec.write('A');
            else port.feed(Buffer.from('O'));
          }
        }
        await rec.close();
        expectClean('the transcript', sink.toJsonl(), p.s);
        const mine = sink.entries.filter((e) => e.dir === dir).reduce((n, e) => n + (e.dir === 'note' ? 0 : e.data.length), 0);
        expect(mine).toBe(parts.reduce((n, b) => n + b.length, 0));
      }),
      { numRuns: 1000 },
    );
  });

  it('the chunk view (--hex): no secret in the hex, spaced or not, or in its ASCII column; every chunk shown (1,000 runs)', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const shown: Buffer[] = [];
        const tap = new ChunkTap((c) => shown.push(c.bytes), { quietMs: 50 });
        const parts = pieces(p);
        const other = p.s.dir === 'rx' ? 'tx' : 'rx';
        for (const [i, b] of parts.entries()) {
          tap.push(p.s.dir, b, i);
          if (p.between[i] === 1) vi.advanceTimersByTime(200);
          if (p.between[i] === 2) tap.push(other, Buffer.from(other === 'tx' ? 'A' : 'O'), i);
        }
        tap.flush();
        const all = shown.map((b) => `${hex(b)} ${b.toString('hex')} ${b.toString('latin1')}`).join('\n');
        expectClean('the chunk view', all, p.s);
        const between = p.between.slice(0, parts.length).filter((x) => x === 2).length;
        expect(shown.reduce((n, b) => n + b.length, 0)).toBe(parts.reduce((n, b) => n + b.length, 0) + between);
      }),
      { numRuns: 1000 },
    );
  });

  it('decode of a recording made with --log-secrets: no secret in the JSON events (1,000 runs)', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const events: string[] = [];
        const dec = new SessionDecoder((item) => events.push(JSON.stringify(itemToJson(item))), { grammar: defaultGrammar() });
        let t = 0;
        for (const [i, b] of pieces(p).entries()) {
          t += p.between[i] === 1 ? 0.5 : 0.001;
          const e: TranscriptEntry = { t, dir: p.s.dir, data: Buffer.from(b) };
          dec.push(e);
        }
        dec.end();
        expectClean('the decoded events', events.join('\n'), p.s);
        expect(events.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
