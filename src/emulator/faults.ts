import type { PacketCmd } from 'mqtt-packet';
import { intBetween, stream, type Random } from './prng.js';
import type { FaultOptions, IncomingMessage } from './options.js';

/**
 * Decides, deterministically from the seed, which faults act. Each kind of fault draws from
 * its own stream, so the same seed and the same input always give the same output, and
 * enabling one fault does not change the draws of another.
 */
export class FaultInjector {
  #f: FaultOptions;
  readonly #delay: Random;
  readonly #drop: Random;
  readonly #garble: Random;
  readonly #chunk: Random;

  constructor(seed: number, faults: FaultOptions) {
    this.#f = faults;
    this.#delay = stream(seed, 'delay');
    this.#drop = stream(seed, 'drop-urc');
    this.#garble = stream(seed, 'garble');
    this.#chunk = stream(seed, 'chunk');
  }

  get options(): FaultOptions {
    return this.#f;
  }

  /** Replace the fault set (already validated); the random streams go on where they were. */
  set(faults: FaultOptions): void {
    this.#f = faults;
  }

  /** Milliseconds to wait before executing a command (0: none). */
  commandDelay(): number {
    const d = this.#f.delayMs;
    if (d === undefined) return 0;
    if (typeof d === 'number') return d;
    return intBetween(this.#delay, d[0], d[1]);
  }

  /** Is this URC (its text) swallowed? */
  dropUrc(text: string): boolean {
    const d = this.#f.dropUrc;
    if (!d) return false;
    if (d.prefixes?.some((p) => text.toUpperCase().startsWith(p.toUpperCase()))) return true;
    return d.probability !== undefined && d.probability > 0 && this.#drop() < d.probability;
  }

  /** Apply garbling and splitting to one output write: the pieces to write, in order. */
  transform(bytes: Buffer): { pieces: Buffer[]; garbled: number } {
    let out = bytes;
    let garbled = 0;
    const g = this.#f.garble ?? 0;
    if (g > 0) {
      out = Buffer.from(bytes);
      for (let i = 0; i < out.length; i++) {
        if (this.#garble() < g) {
          // a different byte: add 1..255 modulo 256
          out[i] = (out[i]! + intBetween(this.#garble, 1, 255)) & 0xff;
          garbled++;
        }
      }
    }
    const max = this.#f.chunk ?? 0;
    if (max <= 0 || out.length <= 1) return { pieces: [out], garbled };
    const pieces: Buffer[] = [];
    for (let i = 0; i < out.length; ) {
      const n = intBetween(this.#chunk, 1, max);
      pieces.push(out.subarray(i, i + n));
      i += n;
    }
    return { pieces, garbled };
  }

  /**
   * Does the firmware hang on this command? `index` counts the commands received since the
   * emulator started (1 for the first). Pure: the emulator keeps the hung state.
   */
  hangsAt(line: string, index: number): boolean {
    const h = this.#f.hang;
    if (!h) return false;
    if (h.afterCommands !== undefined) return index > h.afterCommands;
    if (h.atCommand !== undefined) {
      const name = line.trim().toUpperCase();
      const want = h.atCommand.toUpperCase();
      return name.startsWith(want) && !/[A-Z0-9]/.test(name.charAt(want.length));
    }
    return false;
  }

  /** Does the emulator ignore this packet from the broker? */
  brokerSilent(cmd: PacketCmd): boolean {
    const s = this.#f.brokerSilence;
    if (s === undefined || s === false) return false;
    if (s === true) return true;
    return s.includes(cmd);
  }

  /** Is this received message lost by the module (acknowledged, not printed)? */
  dropIncoming(m: IncomingMessage): boolean {
    const d = this.#f.dropIncoming;
    if (!d) return false;
    if (d.every !== undefined && m.index % d.every === 0) return true;
    return d.match ? d.match(m) : false;
  }
}
