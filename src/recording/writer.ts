import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CatError } from '../util/errors.js';
import { encodeEntry, encodeHeader } from './format.js';
import { TRANSCRIPT_VERSION, type TranscriptEntry, type TranscriptHeader, type TranscriptKind } from './types.js';

/** Where entries go. */
export interface TranscriptSink {
  write(entry: TranscriptEntry): void;
  close(): void;
}

export interface HeaderFields {
  kind: TranscriptKind;
  source?: string;
  timing?: TranscriptHeader['timing'];
  module?: TranscriptHeader['module'];
  port?: TranscriptHeader['port'];
  redacted: boolean;
  note?: string;
  created?: string;
  [extra: string]: unknown;
}

export function makeHeader(fields: HeaderFields): TranscriptHeader {
  const { created, ...rest } = fields;
  return { cat1: 'transcript', version: TRANSCRIPT_VERSION, created: created ?? new Date().toISOString(), ...rest };
}

/**
 * Streaming file writer. Every entry is one complete line handed to the kernel with a single
 * write(2): a Ctrl-C, a crash or a SIGKILL leaves a file whose every complete line reads back.
 */
export class TranscriptWriter implements TranscriptSink {
  readonly path: string;
  #fd: number | null;
  /** bytes of the header line (padding included, newline excluded) */
  #headerBytes = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /**
   * Create (or truncate) the file and write the header. `reserve` pads the header line with
   * spaces (valid JSON) so that rewriteHeader() can later complete it in place — for what is
   * learned during the recording (the module's identity), while a kill still leaves a valid file.
   */
  static create(path: string, header: TranscriptHeader, opts: { reserve?: number } = {}): TranscriptWriter {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw new CatError('ERR_INPUT', `cannot write the transcript ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const w = new TranscriptWriter(path, fd);
    const text = encodeHeader(header);
    const padded = text + ' '.repeat(Math.max(0, opts.reserve ?? 0));
    w.#headerBytes = Buffer.byteLength(padded);
    w.#line(padded);
    return w;
  }

  /** Replace the header in place; false when the new one does not fit the reserved room. */
  rewriteHeader(header: TranscriptHeader): boolean {
    if (this.#fd === null) return false;
    const text = encodeHeader(header);
    const n = Buffer.byteLength(text);
    if (n > this.#headerBytes) return false;
    const buf = Buffer.from(text + ' '.repeat(this.#headerBytes - n), 'utf8');
    writeSync(this.#fd, buf, 0, buf.length, 0);
    return true;
  }

  write(entry: TranscriptEntry): void {
    this.#line(encodeEntry(entry));
  }

  #line(text: string): void {
    if (this.#fd === null) throw new CatError('ERR_INPUT', `the transcript ${this.path} is already closed`);
    const buf = Buffer.from(`${text}\n`, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
  }

  close(): void {
    if (this.#fd === null) return;
    try {
      fsyncSync(this.#fd);
    } catch {
      // not every file supports fsync (a pipe); the data is written either way
    }
    closeSync(this.#fd);
    this.#fd = null;
  }
}

/** Keeps entries in memory (tests, emulator self-recording). */
export class MemorySink implements TranscriptSink {
  readonly entries: TranscriptEntry[] = [];
  closed = false;
  constructor(readonly header: TranscriptHeader) {}
  write(entry: TranscriptEntry): void {
    this.entries.push(entry);
  }
  close(): void {
    this.closed = true;
  }
  /** The JSON Lines text of this transcript. */
  toJsonl(): string {
    return [encodeHeader(this.header), ...this.entries.map(encodeEntry)].join('\n') + '\n';
  }
}
