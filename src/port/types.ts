import type { TypedEmitter } from '../util/emitter.js';

/** Events of a ModemPort. */
export type ModemPortEvents = {
  /** Bytes from the module (or, on the module side of a pair, from the host). */
  data: [chunk: Buffer];
  /** The port closed; `error` set when it closed because of a failure (device unplugged...). */
  close: [error: Error | undefined];
  /** A failure that does not close the port by itself. */
  error: [error: Error];
};

/**
 * Bytes in, bytes out. Knows nothing about AT.
 * Implementations: SerialModemPort (the real `serialport`), the in-memory pair,
 * RecordingPort (tees both directions to a transcript) and ReplayPort (strict replay).
 */
export interface ModemPort extends TypedEmitter<ModemPortEvents> {
  /** What this port is, for messages: a device path, "memory:host", "replay:file.jsonl"… */
  readonly description: string;
  readonly isOpen: boolean;
  /** Resolves when the bytes were handed to the device; rejects with ERR_PORT_CLOSED / ERR_PORT_WRITE. */
  write(data: Uint8Array | string): Promise<void>;
  /** Idempotent. Emits `close` once. */
  close(): Promise<void>;
}
