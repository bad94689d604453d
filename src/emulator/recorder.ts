import { systemClock, type Clock } from '../util/clock.js';
import { createRedactor } from '../redact/redact.js';
import { StreamRedactor } from '../redact/stream-redactor.js';
import type { TranscriptHeader } from '../recording/types.js';
import { makeHeader, type TranscriptSink } from '../recording/writer.js';
import type { FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import { defaultIdentity, type EmulatorIdentity } from './options.js';
import { qmtIdentity, type QmtModel } from '../dialects/qmt/emulator-models.js';

/**
 * The emulator recording its own session into a transcript: host bytes it received are `tx`,
 * its output is `rx` (the directions of a recording made on the host side), secrets masked by
 * the standard redaction rules unless told otherwise. The header kind is always 'emulator':
 * emulator output is never presented as a hardware recording.
 */

export interface EmulatorHeaderOptions {
  /** Default 'ec616s'. */
  profile?: FirmwareProfileName;
  identity?: Partial<EmulatorIdentity>;
  seed?: number;
  /** A Quectel QMT emulator of this model (EcmtEmulator option dialect 'qmt'): the header names the model and the dialect. */
  qmtModel?: QmtModel;
  /** Default true: the recording is redacted (as EcmtEmulator's recordRedact default). */
  redacted?: boolean;
  note?: string;
}

/** The header for a transcript of an emulator session (kind 'emulator'). */
export function emulatorTranscriptHeader(opts: EmulatorHeaderOptions = {}): TranscriptHeader {
  const profile = opts.profile ?? 'ec616s';
  const q = opts.qmtModel;
  const id = { ...defaultIdentity(profile), ...(q ? qmtIdentity(q) : {}), ...opts.identity };
  return makeHeader({
    kind: 'emulator',
    source: q ? `cat1-bridge emulator, Quectel ${q} (QMT dialect), seed ${opts.seed ?? 1}` : `cat1-bridge EcmtEmulator, firmware profile ${profile}, seed ${opts.seed ?? 1}`,
    timing: 'recorded',
    module: { manufacturer: id.manufacturer, model: id.model, firmware: id.revision, profile: q ?? profile },
    ...(q ? { dialect: 'qmt' } : {}),
    redacted: opts.redacted ?? true,
    ...(opts.note ? { note: opts.note } : {}),
  });
}

export class EmulatorRecorder {
  readonly #sink: TranscriptSink;
  readonly #stream: StreamRedactor;
  readonly #clock: Clock;
  readonly #t0: number;
  #done = false;

  constructor(sink: TranscriptSink, opts: { redact: boolean; clock?: Clock }) {
    this.#sink = sink;
    this.#clock = opts.clock ?? systemClock;
    this.#t0 = this.#clock.now();
    this.#stream = new StreamRedactor(opts.redact ? createRedactor() : null, (p) => {
      if (this.#done) return;
      this.#sink.write({ t: p.t, dir: p.dir, data: p.data, ...(p.redact.length > 0 ? { redact: p.redact } : {}) });
    });
  }

  #now(): number {
    return Math.round(this.#clock.now() - this.#t0) / 1000;
  }

  /** Bytes the host sent. */
  host(bytes: Buffer): void {
    if (!this.#done) this.#stream.push('tx', bytes, this.#now());
  }

  /** Bytes the module printed (one complete output unit). */
  module(bytes: Buffer): void {
    if (this.#done) return;
    this.#stream.push('rx', bytes, this.#now());
    this.#stream.flush('rx');
  }

  note(text: string): void {
    if (this.#done) return;
    this.#stream.flush();
    this.#sink.write({ t: this.#now(), dir: 'note', text });
  }

  close(): void {
    if (this.#done) return;
    this.#stream.end();
    this.#done = true;
    this.#sink.close();
  }
}
