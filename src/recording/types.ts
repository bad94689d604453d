import type { Redaction } from '../redact/types.js';
/**
 * The transcript format (JSON Lines, version 1). See README "Transcript format".
 *
 * Line 1, the header:
 *   {"cat1":"transcript","version":1,"kind":"emulator","created":"2026-11-26T07:00:00.000Z",
 *    "source":"…where it came from…","timing":"recorded","redacted":true,…}
 * Then one entry per line:
 *   {"t":0.125,"dir":"tx","text":"AT+CSQ\r"}
 *   {"t":0.131,"dir":"rx","text":"\r\n+CSQ: 23,99\r\n\r\nOK\r\n"}
 *   {"t":0.2,"dir":"rx","b64":"AAEC/w=="}      (not valid UTF-8, or text that escapes to more)
 *   {"t":0.3,"dir":"tx","text":"AT+ECMTCONN=0,\"id\",\"****\",\"********\"\r",
 *    "redact":[{"at":21,"len":4,"tag":"username"},{"at":28,"len":8,"tag":"password"}]}
 *   {"t":0.4,"dir":"note","text":"operator unplugged the antenna"}
 */

export const TRANSCRIPT_VERSION = 1;

/** How a transcript was made. Emulator output is never presented as a hardware recording. */
export type TranscriptKind =
  /** recorded by cat1 from a real module */
  | 'hardware'
  /** recorded from cat1's module emulator */
  | 'emulator'
  /** converted from a text log pasted from a serial terminal */
  | 'imported-log'
  /** an example from a vendor manual */
  | 'vendor-example'
  /** reconstructed from strings that real modules were seen to print (public sources) */
  | 'field-observed';

export const TRANSCRIPT_KINDS: readonly TranscriptKind[] = ['hardware', 'emulator', 'imported-log', 'vendor-example', 'field-observed'];

export interface TranscriptHeader {
  cat1: 'transcript';
  version: number;
  kind: TranscriptKind;
  /** ISO 8601 time the recording started. */
  created: string;
  /** Provenance: where the bytes came from, in words. */
  source?: string;
  /** Whether the `t` values were measured (`recorded`), made up for order only (`synthetic`), or absent (`none`). */
  timing?: 'recorded' | 'synthetic' | 'none';
  /** Module identity if known. */
  module?: { manufacturer?: string; model?: string; firmware?: string; profile?: string };
  port?: { path?: string; baudRate?: number };
  /** True when secrets were masked at capture time (the default). */
  redacted: boolean;
  note?: string;
  /**
   * The MQTT AT dialect the session was read with (`ecmt`, `qmt`; optional, format version
   * unchanged): named by --dialect, or detected (see `dialectFrom`).
   */
  dialect?: string;
  /** How `dialect` was chosen: `option` (--dialect), `identity` (the module's AT+CGMI/CGMM/CGMR), `log`, or `default` (nothing told the dialects apart). */
  dialectFrom?: 'option' | 'identity' | 'log' | 'default';
  /** Unknown header fields are kept so a newer writer's file still reads. */
  [extra: string]: unknown;
}

/** A masked span (defined with the redaction layer, src/redact/). */
export type { Redaction };

export type TranscriptEntry = DataEntry | NoteEntry;

export interface DataEntry {
  /** Seconds since the start of the recording; null when the source had no times. */
  t: number | null;
  /** tx: host → module, rx: module → host. */
  dir: 'tx' | 'rx';
  data: Buffer;
  redact?: Redaction[];
  /**
   * Imported logs only (never written to a transcript file): notes a person wrote after a line
   * of this entry (`+ECMTCONN: 0,0,5  ← 认证失败`). `at` is the byte offset where the annotated
   * line ends (after its line end); the note is not part of `data`.
   */
  notes?: EntryNote[];
  /** Imported logs only: runs of binary junk inside `data` (power-up noise, a wrong baud rate). */
  garbage?: GarbageSpan[];
}

export interface EntryNote {
  at: number;
  text: string;
}

/** Why a run of junk is there, as far as the log shows it. */
export type GarbageDiagnosis =
  /** before the first line of AT traffic, or right before a boot banner */
  | 'power-up'
  /** between lines of AT traffic */
  | 'baud-rate';

export interface GarbageSpan {
  /** byte offset and length in the entry's data */
  at: number;
  len: number;
  /** junk bytes as read from the log (an undecodable byte counts one; line breaks do not count) */
  bytes: number;
  diagnosis: GarbageDiagnosis;
}

export interface NoteEntry {
  t: number | null;
  dir: 'note';
  text: string;
}
