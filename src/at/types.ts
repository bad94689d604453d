import type { Buffer } from 'node:buffer';
import type { PayloadEnd, ModemEvent, EventOf } from '../urc/types.js';
import type { Text } from '../util/i18n.js';

/** What the host wrote, as the tracker understood it. */
export type HostEvent =
  | { type: 'command'; raw: string; command: string }
  /**
   * `end`: 'ctrl-z' sent, 'esc' cancelled, 'none' a fixed-length payload complete at its count
   * (`AT+QMTPUBEX=…,<len>`), 'excess' bytes written after such a payload was complete and before
   * the module answered: not payload (the module reads them as command input and drops them).
   */
  | { type: 'data'; raw: string; payload: Buffer; end: 'ctrl-z' | 'esc' | 'none' | 'excess' };

/** Frames that are not module events in themselves. */
export type FrameEvent =
  | { type: 'prompt'; raw: string }
  | { type: 'echo'; raw: string }
  | { type: 'overlong'; raw: string; length: number; head: Buffer; complete: boolean }
  | { type: 'note'; raw: string }
  /**
   * A run of binary junk found in a pasted log (power-up noise, a wrong baud rate): `length`
   * bytes, `raw` their first bytes in hex; `diagnosis` says which the log suggests.
   */
  | { type: 'garbage'; raw: string; length: number; diagnosis: 'power-up' | 'baud-rate' };

export type TimelineEvent = ModemEvent | HostEvent | FrameEvent;

/**
 * Where an item belongs. The classification order is fixed: echo, answer to the pending
 * command, final result, prompt, unsolicited.
 */
export type Role =
  /** a command the host wrote */
  | 'command'
  /** a data-mode payload the host wrote */
  | 'data'
  /** the module's echo of a command */
  | 'echo'
  /** an information line belonging to the pending command's answer */
  | 'answer'
  /** the final result of the pending command */
  | 'final'
  /** the data prompt the pending command expected */
  | 'prompt'
  /** unsolicited result code (always delivered, never part of an answer) */
  | 'urc'
  /** a final result or prompt that no command was waiting for */
  | 'stray'
  /** the answer of a command that had already timed out or been abandoned */
  | 'late'
  /** bytes that are not a frame (overlong line) */
  | 'garbage'
  /** an annotation */
  | 'note';

export interface TimelineItem {
  /** Order of the item in the stream, from 0. */
  seq: number;
  /** Seconds from the start, or null when unknown. */
  t: number | null;
  dir: 'tx' | 'rx' | null;
  role: Role;
  event: TimelineEvent;
  /** The command the item belongs to (echo, answer, final, prompt, late). */
  command?: string;
  /** A note a person wrote after this line in a pasted log (`← 认证失败`); not module output. */
  note?: string;
  /** Copy-paste mistakes found in a command the host wrote (typographic quotes, full-width punctuation…). */
  paste?: PasteMistakes;
}

/** Copy-paste mistakes in a command line, what the module will answer, and the line corrected. */
export interface PasteMistakes {
  findings: Array<{ code: string; message: Text }>;
  /** what the module will answer to the line as written */
  answer: Text;
  /** the command with every mistake corrected (masked like the command when it holds secrets) */
  corrected: string;
}

export type FinalError = EventOf<'error' | 'cme-error' | 'cms-error'>;

/** The result of one command. Never thrown: a discriminated union on `status`. */
export type AtOutcome =
  | { status: 'ok'; command: string; lines: ModemEvent[]; elapsedMs: number }
  | { status: 'error'; command: string; lines: ModemEvent[]; error: FinalError; meaning: Text | null; elapsedMs: number }
  | { status: 'timeout'; command: string; lines: ModemEvent[]; waitedFor: 'final' | 'prompt'; timeoutMs: number; elapsedMs: number }
  | { status: 'aborted'; command: string; lines: ModemEvent[]; reason: string; elapsedMs: number }
  | { status: 'reset'; command: string; lines: ModemEvent[]; banner: string; elapsedMs: number };

/** How a command is answered. Dialects contribute these. */
export interface CommandProfile {
  /** Name for messages and tests. */
  name: string;
  /** The command name this profile is for (`+ECMTPUB`), for fast lookup. */
  command?: string;
  /** Does this profile apply to the command line (without the CR)? */
  match(command: string): boolean;
  /**
   * Which received lines are this command's information answer. `null`: the command has no
   * information lines (everything but the final result is unsolicited).
   */
  answer: ((text: string, event: ModemEvent) => boolean) | null;
  /** Timeout for the immediate answer, in ms. Default: the engine's. */
  timeoutMs?: number;
  /** The command switches the module to data mode (it answers the `> ` prompt). */
  prompt?: (command: string) => boolean;
  /**
   * How the data mode ends for this command line: a number when the module takes exactly that
   * many bytes after `> ` (a length parameter of the command: Quectel `AT+QMTPUBEX=…,<len>`), no
   * Ctrl-Z; null when Ctrl-Z sends (ESC cancels). Absent: always null.
   */
  dataLength?: (command: string) => number | null;
}

/** The grammar a dialect set brings: how lines and raw blocks read, and how commands are answered. */
export interface LineGrammar {
  parseLine(text: string): ModemEvent;
  rawBlock: {
    headerLength(text: string): number;
    isFrameStart(text: string): boolean;
    /** Bytes the payload takes when the header announces a length (see RawBlockRule.payloadLength); absent or null: none. */
    payloadLength?(header: string): number | null;
    toEvent(header: Buffer, payload: Buffer, endedBy: PayloadEnd, truncated: boolean): ModemEvent;
  } | null;
  /** How this command line is answered (dialect profiles first, then the general ones). */
  profileFor(command: string): CommandProfile;
}
