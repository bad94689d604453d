/**
 * Items 1 and 2: the serial byte path (framing + engine classification + typed events) against
 * @serialport/parser-readline splitting the same bytes, and against pathological input.
 */
import { ReadlineParser } from '@serialport/parser-readline';
import { AtTracker } from '../../src/at/tracker.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { chunkOf, prng, type Wire } from './workload.js';

/** What the classifier produced: enough to be sure the work was done, and to compare runs. */
export interface DecodeCount {
  items: number;
  urcs: number;
  recv: number;
  recvBytes: number;
  /** most bytes the framer held at once */
  maxBuffered: number;
}

/**
 * The module's bytes through the engine's classifier (AtTracker: framer, line grammar, typed
 * events, the answer/URC attribution), fed chunk by chunk in wire order. As the engine does,
 * a raw +ECMTRECV payload still open when the host writes is ended (the engine's quiet timer).
 */
export function decodeWire(w: Wire, from = 0, to = w.count, watch = false): DecodeCount {
  const c: DecodeCount = { items: 0, urcs: 0, recv: 0, recvBytes: 0, maxBuffered: 0 };
  const onItem = (it: TimelineItem): void => {
    c.items++;
    if (it.role === 'urc') {
      c.urcs++;
      if (it.event.type === 'ecmt-recv') {
        c.recv++;
        c.recvBytes += it.event.payload.length;
      }
    }
  };
  const tr = new AtTracker(onItem, { grammar: defaultGrammar() });
  for (let i = from; i < to; i++) {
    const chunk = chunkOf(w, i);
    if (w.dirs[i] === 0) {
      if (tr.blockPending) tr.quiet();
      tr.tx(chunk);
    } else {
      tr.rx(chunk);
      if (watch) {
        const b = tr.framerBuffered;
        if (b > c.maxBuffered) c.maxBuffered = b;
      }
    }
  }
  tr.end();
  return c;
}

/**
 * The baseline: the same chunks, in the same order, into @serialport/parser-readline (a
 * Transform per direction, lines end at CRLF from the module and at CR from the host), each
 * line counted and nothing else done. Resolves with the number of lines.
 */
export async function splitWire(w: Wire, from = 0, to = w.count): Promise<number> {
  let lines = 0;
  const rx = new ReadlineParser({ delimiter: '\r\n' });
  const tx = new ReadlineParser({ delimiter: '\r' });
  rx.on('data', () => void lines++);
  tx.on('data', () => void lines++);
  for (let i = from; i < to; i++) (w.dirs[i] === 0 ? tx : rx).write(chunkOf(w, i));
  await new Promise<void>((resolve) => {
    let open = 2;
    const done = (): void => void (--open === 0 && resolve());
    rx.on('end', done);
    tx.on('end', done);
    rx.end();
    tx.end();
  });
  return lines;
}

/** A wire holding only module bytes, cut like `like` (same chunk sizes, in order). */
export function rxOnlyWire(bytes: Buffer, like: Wire): Wire {
  const ends: number[] = [];
  let pos = 0;
  for (let i = 0; i < like.count && pos < bytes.length; i++) {
    const start = i === 0 ? 0 : like.ends[i - 1]!;
    pos = Math.min(bytes.length, pos + (like.ends[i]! - start));
    ends.push(pos);
  }
  return { bytes, ends: Int32Array.from(ends), dirs: new Uint8Array(ends.length).fill(1), count: ends.length, txBytes: 0, rxBytes: bytes.length };
}

/** `size` printable bytes without CR or LF (a module stuck printing one endless line). */
export function noCrlf(size: number): Buffer {
  const pattern = Buffer.from('+ECMTPUB: 0,1,0 AT+CSQ "topic/a",{"k":"v"} OK ERROR > 0123456789 abcdefghijklmnopqrstuvwxyz ', 'latin1');
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += pattern.length) pattern.copy(b, i, 0, Math.min(pattern.length, size - i));
  return b;
}

/** `size` random bytes (seeded: the same every run). */
export function randomBinary(size: number, seed = 11): Buffer {
  const r = prng(seed);
  const b = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE(Math.floor(r() * 4294967296), i);
  return b;
}
