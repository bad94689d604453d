import type { Packet } from 'mqtt-packet';
import type { Clock } from '../util/clock.js';
import type { FirmwareProfile } from '../dialects/ecmt/firmware.js';
import type { AtCommand } from '../at/command-line.js';
import type { EmulatorConditions, EmulatorIdentity, IncomingMessage } from './options.js';
import type { EcmtSession, SessionState } from '../dialects/ecmt/emulator-session.js';

/** What a dialect's emulated MQTT client reports to the module around it (state, packets, link, messages, faults). */
export type SessionEvent =
  | { type: 'state'; state: SessionState }
  | { type: 'mqtt'; dir: 'out' | 'in'; packet: Packet }
  | { type: 'link'; what: 'connecting' | 'up' | 'down' | 'failed'; detail: string }
  | { type: 'incoming'; message: IncomingMessage; outcome: 'printed' | 'dropped-rx-buffer' | 'dropped-fault' }
  | { type: 'fault'; kind: string; detail: string }
  | { type: 'note'; text: string };

/** How a command ends. */
export type Final =
  | { type: 'ok' }
  /** plain `ERROR`: the AT decoder's syntax errors (missing mandatory parameter, unknown command) */
  | { type: 'error' }
  /** `+CME ERROR: <n>` (or ERROR / the text, after AT+CMEE) */
  | { type: 'cme'; code: number };

/** A command's answer: information lines, then the final result; `after` runs once it is written. */
export interface FinalReply {
  kind: 'final';
  lines: readonly string[];
  final: Final;
  after?: () => void;
}

/** The command wants data: the emulator prints `\r\n> `, reads bytes up to Ctrl-Z/ESC and calls onData. */
export interface PromptReply {
  kind: 'prompt';
  /** bytes kept; more are dropped and `overflow` is set */
  limit: number;
  /** fixed length: the payload ends after exactly this many bytes (no Ctrl-Z/ESC; both count as data) */
  exact?: number;
  /** called for Ctrl-Z or when `exact` bytes arrived (ESC is answered OK by the emulator itself: nothing is sent) */
  onData(payload: Buffer, overflow: boolean): Reply | Promise<Reply>;
}

export type Reply = FinalReply | PromptReply;

export const OK: Final = { type: 'ok' };
export const ERROR: Final = { type: 'error' };
export const cme = (code: number): Final => ({ type: 'cme', code });

export function reply(final: Final, lines: readonly string[] = [], after?: () => void): FinalReply {
  return after ? { kind: 'final', lines, final, after } : { kind: 'final', lines, final };
}

/** Settings of the module that commands change (all lost on reboot). */
export interface ModuleSettings {
  echo: boolean;
  cmee: 0 | 1 | 2;
  /** AT+CFUN: 0 minimum, 1 full, 4 flight mode */
  cfun: 0 | 1 | 4;
  /** AT+CEREG=<n> / AT+CREG=<n>: unsolicited registration reports */
  ceregN: number;
  cregN: number;
  /** AT+CGATT: packet domain attached (when registered) */
  attach: boolean;
  /** AT+CPIN=<pin> was accepted */
  pinEntered: boolean;
  /** AT+CGDCONT definitions: cid → type, APN */
  contexts: Map<number, { type: string; apn: string }>;
}

/** What the command handlers see of the module. */
export interface ModuleContext {
  readonly profile: FirmwareProfile;
  readonly identity: EmulatorIdentity;
  readonly conditions: EmulatorConditions;
  readonly settings: ModuleSettings;
  readonly session: EcmtSession;
  readonly clock: Clock;
  /** Reboots since power-up: async work started in an older epoch must not print. */
  readonly epoch: number;
  /** Print a URC (`\r\n<text>\r\n`), unless a fault drops it. */
  urc(text: string): void;
  /** Resolve a host name with the emulated DNS (conditions.dns); null when it fails. */
  resolve(host: string): Promise<string | null>;
  /** A draw in [0, 1) from the seeded stream of `purpose`. */
  random(purpose: string): number;
  /** Restart the module (prints the boot banner). */
  reboot(): void;
  /** Radio, SIM or attach changed: report registration changes and drop links if the PDN went away. */
  networkChanged(): void;
  /** The CID of the default bearer: 0 on NB-IoT (EC616), 1 on CAT1. */
  readonly defaultCid: number;
  /** +CEREG stat now (0 not registered, 1 home, 2 searching, 3 denied, 5 roaming). */
  regStat(): number;
  /** The default bearer has an address (registered, attached, PDN active, radio on). */
  pdpActive(): boolean;
}

export type CommandHandler = (command: AtCommand, ctx: ModuleContext) => Reply | Promise<Reply>;

/** Events the emulator emits for tests and tools. */
export type EcmtEmulatorEvents = {
  /** Bytes the host wrote, as read from the port, before the emulator acts on them. */
  input: [bytes: Buffer];
  /** A command line was received (before it runs). */
  command: [command: AtCommand];
  /** A command (or a data-mode payload) got its final result; `final` is the line printed (OK, ERROR, +CME ERROR: 3…). */
  answered: [final: string];
  /** A line that is not a command was received (answered ERROR). */
  invalid: [line: string, reason: string];
  /** Bytes written to the port (after faults: what the host really gets). */
  output: [bytes: Buffer];
  /** A URC was produced; `dropped` when a fault swallowed it. */
  urc: [text: string, dropped: boolean];
  /** An MQTT packet sent to ('out') or received from ('in') the broker. */
  mqtt: [dir: 'out' | 'in', packet: Packet];
  /** The ECMT session changed state. */
  state: [state: SessionState];
  /** TCP/TLS connection events (connecting, up, down, failed) with a reason. */
  link: [event: { type: 'connecting' | 'up' | 'down' | 'failed'; detail: string }];
  /** A PUBLISH from the broker, and whether +ECMTRECV printed it. */
  incoming: [message: IncomingMessage, outcome: 'printed' | 'dropped-rx-buffer' | 'dropped-fault'];
  /** A fault acted (kind: delay, drop-urc, garble, silence, drop-incoming, ...). */
  fault: [kind: string, detail: string];
  /** Something worth knowing about the emulation itself (credential quirk applied, TLS form not implemented...). */
  note: [text: string];
  /** The module restarted (reboot() or AT+CFUN=1,1). */
  reboot: [];
  /** An internal failure (never thrown at the caller). */
  error: [error: Error];
};
