/**
 * A dialect: one family of MQTT AT commands (Eigencomm ECMT, Quectel QMT, …) described as data,
 * plus the few functions a table cannot express. Everything dialect-specific lives in
 * `src/dialects/<name>/`; the core (framing, the AT tracker, decode, `at`'s exit codes, the
 * mirror's reconstruction, redaction, the emulator) reads this description and names no
 * dialect's commands itself.
 *
 * Vocabulary shared by every dialect:
 * - an MQTT *operation* (`MqttOp`) is one step of a session: config, open, connect, subscribe,
 *   unsubscribe, publish, disconnect, close. Step names in reports are these words, whatever the
 *   dialect spells its commands;
 * - a *two-phase* command answers `OK` at once and its real outcome later as a *result URC*,
 *   correlated with the command by client (connect id / client idx) and, for SUB/UNS/PUB, msgID;
 * - *unsolicited* URCs are the ones no command asked for: a received message, a link loss, the
 *   module's own reconnect, a session end.
 *
 * Texts meant for users are `Text` (English and Chinese). Limits are per firmware profile; a
 * limit no source publishes is `null` (the lint then invents none).
 *
 * Layering: this file imports types only. A dialect folder may import `util/`, `framing/`, `urc/`
 * and `at/` (types and the AT command-line parser); `at/`, `framing/`, `mirror/` and `cli/` reach a
 * dialect only through this interface and the registry (`./index.ts`).
 */
import type { CommandProfile } from '../at/types.js';
import type { RawBlockRule } from '../framing/framer.js';
import type { ModemEvent, PayloadEnd, UrcRole } from '../urc/types.js';
import type { Text } from '../util/i18n.js';
import type { RedactionTrigger, SecretTag } from './redaction.js';
import type { AtEngine } from '../at/engine.js';
import type { ModuleSession, SessionFactoryOptions } from './session.js';

export type { RedactionTrigger, SecretTag };

/** The dialects this build knows (the `--dialect` choices besides `auto`). A new dialect adds its name. */
export type DialectName = 'ecmt' | 'qmt';

/** `--dialect`: a dialect by name, or `auto` (detect from the module's identity or the log). */
export type DialectChoice = DialectName | 'auto';

/** One step of an MQTT session, whatever the dialect calls its command. Also the mirror's step names. */
export type MqttOp = 'config' | 'open' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect' | 'close';

/** The MQTT operations that are two-phase (answered later by a result URC). */
export const TWO_PHASE_OPS: readonly MqttOp[] = ['open', 'connect', 'subscribe', 'unsubscribe', 'publish', 'disconnect', 'close'];

/** Where a value comes from: the source confidence marks of shared/protocol/*.md. */
export type Confidence =
  /** read in firmware source */
  | 'S'
  /** vendor manual / application note */
  | 'D'
  /** vendor-published host code (Quectel's driver) */
  | 'Q'
  /** observed in real logs or captures */
  | 'O'
  /** third-party driver code or comments */
  | 'C'
  /** inference */
  | 'I';

/** Evidence for a fact: its confidence mark and where it comes from (a reference section, a source tag). */
export interface Evidence {
  /** confidence mark of the reference */
  mark: Confidence;
  /** source: `ecmt.md §2.2`, `[AN-BG95]`, a fixture path… */
  source: string;
}

// ---------------------------------------------------------------------------------------------
// commands and their parameters

/** A named limit that varies per firmware profile (`FirmwareProfileSpec.limits`). */
export type LimitKey =
  | 'host'
  | 'clientId'
  | 'username'
  | 'password'
  | 'topic'
  | 'inlinePayload'
  | 'promptPayload'
  | 'keepaliveMax'
  | 'retainMax'
  | 'willTopic'
  | 'willMessage'
  | 'clientIdx'
  | (string & {});

/** One parameter of a command (or of a config key), in order. */
export interface ParamSpec {
  /** name used in lint findings and in the normalised command (`clientId`, `msgId`, `topic`…) */
  name: string;
  /** `int`: a number; `string`: text, normally quoted; `raw`: the rest of the line verbatim (ECMT inline payload); `enum`: one of `values` */
  type: 'int' | 'string' | 'raw' | 'enum';
  /** the firmware expects it in double quotes (the builders quote it) */
  quoted?: boolean;
  /** may be omitted (with everything after it) */
  optional?: boolean;
  /** the value runs to the end of the command line: a `;` in it does not end the command (ECMT's inline payload) */
  toEndOfLine?: boolean;
  /** accepted values when `type` is `enum` (as written on the wire, unquoted) */
  values?: readonly string[];
  /** fixed numeric range the firmware checks, the same on every profile (`[0, 65535]`) */
  range?: readonly [number, number];
  /** the per-profile limit that bounds it: a length for strings, a maximum for ints */
  limit?: LimitKey;
  /** the value is a secret: redacted under this tag, never printed unless the user opts in */
  secret?: SecretTag;
  /** what it means, for lint messages and help */
  doc: Text;
}

/** How a command hands over a payload after the command line. */
export type PromptMode =
  /** no data mode */
  | 'none'
  /** `> ` prompt, raw bytes, Ctrl-Z (0x1A) sends, ESC (0x1B) cancels */
  | 'ctrl-z'
  /** `> ` prompt, then exactly `<length>` bytes (a length parameter on the command line) */
  | 'length';

/** The URC that completes a two-phase command, and how it is correlated with the command. */
export interface ResultSpec {
  /** URC prefix, upper case without the colon (`+ECMTCONN`, `+QMTPUBEX`) */
  prefix: string;
  /** other spellings the firmware prints (`+ECMTCON`; BG96's `+QMTPUB` for an inline `AT+QMTPUBEX`) */
  variants?: readonly string[];
  /** typed event this URC parses to (`ModemEvent['type']`) */
  event: ModemEvent['type'];
  /** the command's parameters the URC repeats, to tell one command's URC from another's */
  correlate: readonly ('connectId' | 'msgId')[];
  /** host timer in ms: the module sends no timeout URC (ecmt.md §1, qmt.md §1) */
  hostTimeoutMs: number;
  /** the same command may be answered by two URCs (ECMT: `+ECMTCONN: 0,2,2` then `+ECMTCONN: 0,0,0`) */
  mayRepeat?: boolean;
  /** the URC's fields, for decode and docs */
  fields: readonly string[];
}

/** One command of the dialect. */
export interface CommandSpec {
  /** upper case, without `AT` (`+ECMTCONN`) */
  name: string;
  /** the MQTT step it performs */
  op: MqttOp;
  /** set-form parameters, in order */
  params: readonly ParamSpec[];
  /** the result URC for a two-phase command, null when the immediate answer is all (config) */
  result: ResultSpec | null;
  /** data mode after the command line, and when (`ctrl-z` only when the payload parameter is absent, say) */
  prompt: PromptMode;
  /**
   * The parameter (index in `params`) that, written as a bare integer, fixes the data-mode length:
   * exactly that many bytes after `> `, no Ctrl-Z (Quectel `AT+QMTPUB…,<len>`). The dialect's AT
   * profile reads it (`CommandProfile.dataLength`); the tracker, the engine and the replayer
   * follow it. Absent: the data mode ends as `prompt` says.
   */
  lengthParam?: number;
  /** immediate-answer (OK/ERROR) guard time in ms */
  immediateTimeoutMs: number;
  /** the syntax, as in the reference */
  syntax: string;
  /** what it does */
  doc: Text;
}

/** One key of the configuration command (`AT+ECMTCFG="keepalive",…`, `AT+QMTCFG="recv/mode",…`). */
export interface ConfigSpec {
  /** the key as written, lower case (`keepalive`, `recv/mode`) */
  key: string;
  /** parameters after the key (the connect id / client idx included, first) */
  params: readonly ParamSpec[];
  /**
   * What the setting does to the MQTT session, for the mirror: the option of a direct client it
   * corresponds to, or `none` (stored only, framing, module-side features).
   */
  mqtt: 'keepalive' | 'clean' | 'version' | 'will' | 'tls' | 'aliauth' | 'timeout' | 'none';
  /** the firmware stores the value but does not use it (ECMT "timeout", "echomode") */
  storedOnly?: boolean;
  /** what it does */
  doc: Text;
  evidence?: readonly Evidence[];
}

// ---------------------------------------------------------------------------------------------
// URCs and codes

/** What a URC means for a session (declared in urc/types.ts: the URC classifier reads the roles too). */
export type { UrcRole };

/** One URC or answer prefix the dialect prints. */
export interface UrcSpec {
  /** upper case, without the colon */
  prefix: string;
  role: UrcRole;
  /** the exact format(s), as in the reference */
  formats: readonly string[];
  doc: Text;
}

/** A table of numeric codes → meaning. */
export type CodeTable = Readonly<Record<number, Text>>;

/** The result of a two-phase command, normalised: what `at`, the mirror and summaries read. */
export interface MqttResult {
  op: MqttOp;
  /** connect id / client idx */
  connectId: number;
  /** msgID for SUB/UNS/PUB, null otherwise */
  msgId: number | null;
  /** the operation did what was asked (connect: accepted by the broker; subscribe: granted) */
  ok: boolean;
  /** the URC's result field */
  result: number;
  /** CONNACK return code (connect), granted QoS / retry count (sub, pub) when printed, else null */
  retCode: number | null;
  /** what the URC says, in both languages, naming the fields it rests on */
  meaning: Text;
  /**
   * Another result URC for the same command may still follow (ECMT: `+ECMTCONN: 0,2,2`, a failed
   * send, then `+ECMTCONN: 0,0,0` after an internal reconnect). Optional: absent means no.
   */
  mayFollow?: boolean;
}

/** Something the module did on its own, normalised. */
export type UnsolicitedSignal =
  | {
      kind: 'message';
      connectId: number;
      msgId: number;
      topic: string;
      /** exact payload bytes */
      payload: Buffer;
      /** certain when framed by the module (or a length), inferred when a heuristic ended it */
      boundary: 'certain' | 'inferred';
    }
  | { kind: 'link-lost'; connectId: number; errCode: number; meaning: Text; hint: Text | null }
  /** the session ended for good (ECMT: an unsolicited `+ECMTDISC: 0,0`) */
  | { kind: 'ended'; connectId: number };

// ---------------------------------------------------------------------------------------------
// framing, profiles, quirks, detection, redaction

/** How a received message's payload is framed. */
export interface PayloadFraming {
  /** URC prefix that carries a message (`+ECMTRECV`, `+QMTRECV`) */
  prefix: string;
  /** `raw`: to the end of the frame, no quotes (ECMT); `quoted`: in `"…"`, inner quotes not escaped (QMT) */
  style: 'raw' | 'quoted';
  /** a length field may precede the payload; when present the block ends after exactly that many bytes */
  length: 'never' | 'optional' | 'always';
  /** CR/LF inside the payload are printed as-is: one URC may span several lines */
  multiLine: boolean;
  /** how the end is found when no length is given, in words (README, decode notes) */
  doc: Text;
  /**
   * The framer's rule (raw-block header, frame start, and the exact length a header may announce:
   * `payloadLength`, which the framer counts), for `framing/`. `toEvent` builds the
   * typed message event from the header and payload bytes. Null when the dialect's messages fit
   * on one line.
   */
  rule: (RawBlockRule & {
    toEvent(header: Buffer, payload: Buffer, endedBy: PayloadEnd, truncated: boolean): ModemEvent;
  }) | null;
  /**
   * Read a message URC from one line without the framer (`parseLine`): `text` the line, `from`
   * where its prefix starts (after leading NULs and spaces). The payload is what the line holds
   * (boundary inferred, `endedBy: 'line'`); null when the line is not of the message's shape.
   * Optional (additive): without it the line reads as `info`.
   */
  fromLine?(text: string, from: number): ModemEvent | null;
}

/** Limits and quirks of one firmware build / module model. */
export interface FirmwareProfileSpec {
  /** id used by `--profile`/`--model` (`ec616s`, `EC800N`) */
  name: string;
  /** what it is and where the numbers come from */
  description: string;
  /** identity strings (ATI / AT+CGMM / AT+CGMR answers) that select it */
  identity?: readonly RegExp[];
  /** per-limit value; null: not published (no lint limit) */
  limits: Readonly<Partial<Record<LimitKey, number | null>>>;
  /** quirk ids (`Quirk.id`) this build shows */
  quirks: readonly string[];
}

/** A firmware behaviour that differs from MQTT or from the manual, with the evidence for it. */
export interface Quirk {
  /** stable id (`credential-quirk`, `double-conn-urc`, `pubex-answered-by-pub`) */
  id: string;
  /** what happens */
  doc: Text;
  evidence: readonly Evidence[];
}

/** How to recognise the dialect. */
export interface DetectSpec {
  /** ATI / AT+CGMI / AT+CGMM answers that name a module of this dialect (`/quectel/i`) */
  identity: readonly RegExp[];
  /** command and URC prefixes that only this dialect uses (`+ECMT`, `+QMT`), upper case */
  prefixes: readonly string[];
}

/** A host-side pre-flight check before MQTT (the PDP context query: `AT+CGPADDR`, Quectel's `AT+QIACT?`). */
export interface PdpCheck {
  /** the command to send (`AT+QIACT?`) */
  command: string;
  /** the answer prefix that lists an active context (`+QIACT`) */
  answerPrefix: string;
  doc: Text;
}

// ---------------------------------------------------------------------------------------------
// the normalised command (what a command line asked for)

/** A command line read back into its MQTT meaning (the mirror's reconstruction, `at`'s correlation). */
export type MqttCommand =
  | { op: 'config'; connectId: number | null; key: string; values: string[] }
  | { op: 'open'; connectId: number; host: string; port: number }
  | { op: 'connect'; connectId: number; clientId: string | undefined; username: string | undefined; password: string | undefined }
  | { op: 'subscribe'; connectId: number; msgId: number; topic: string; qos: 0 | 1 | 2 }
  | { op: 'unsubscribe'; connectId: number; msgId: number; topic: string }
  | {
      op: 'publish';
      connectId: number;
      msgId: number;
      qos: 0 | 1 | 2;
      retain: boolean;
      topic: string;
      /** inline payload, null when it comes after the prompt */
      payload: Buffer | null;
      mode: 'inline' | 'prompt';
      /** announced payload length (QMT length form), null when none */
      length: number | null;
    }
  | { op: 'disconnect'; connectId: number }
  | { op: 'close'; connectId: number };

// ---------------------------------------------------------------------------------------------
// dialect-neutral MQTT settings (what --keepalive, --clean, --mqtt-version, --ca ask for)

/**
 * An MQTT session setting as a direct client knows it, whatever the dialect: the run's
 * `--keepalive`, `--clean`, `--mqtt-version`, `--ca` (and a library caller's will). The direct
 * side of a comparison reads these; each dialect's `settingsFor` turns them into its own
 * configuration commands for the module.
 */
export type MqttSetting =
  /** keep-alive in seconds (0 disables PINGREQ) */
  | { type: 'keepalive'; seconds: number }
  /** clean session (true) or a persistent one (false) */
  | { type: 'clean'; clean: boolean }
  /** MQTT protocol level: 3 = MQTT 3.1, 4 = MQTT 3.1.1 */
  | { type: 'version'; level: 3 | 4 }
  | { type: 'will'; enabled: false }
  | { type: 'will'; enabled: true; qos: 0 | 1 | 2; retain: boolean; topic: string; message: string }
  /** the CA certificate (PEM text) the module verifies the broker with */
  | { type: 'ca'; pem: string };

/** One of a dialect's own configuration settings (opaque to the core: its session's `configure` takes it), with the key reports name it by. */
export interface DialectSetting {
  /** the configuration key as the dialect writes it (`keepalive`, `session`, `ssl`) */
  key: string;
  /** the setting as the dialect's session takes it */
  setting: unknown;
}

// ---------------------------------------------------------------------------------------------
// the dialect

export interface Dialect {
  /** short name: `--dialect`, the transcript header's `dialect` field */
  name: DialectName;
  /** human title (`Eigencomm ECMT`) */
  title: string;
  /** modules and firmware known to speak it */
  modules: readonly string[];
  /** the protocol reference it is built from (`shared/protocol/ecmt.md`) */
  reference: string;
  /** the command/URC family prefix (`+ECMT`, `+QMT`): every command and URC of the dialect starts with it */
  family: string;
  /** the configuration command (`+ECMTCFG`, `+QMTCFG`) */
  configCommand: string;
  /** MQTT commands, one per operation (several may share an op: QMT's PUB and PUBEX) */
  commands: readonly CommandSpec[];
  /** keys of the configuration command */
  configs: readonly ConfigSpec[];
  /** every URC / answer prefix it prints */
  urcs: readonly UrcSpec[];
  /** named code tables (`open-result`, `conn-result`, `connack`, `ack-result`, `stat`, `conn-state`) */
  codes: Readonly<Record<string, CodeTable>>;
  /** firmware builds / models with their limits and quirks; the first is the default */
  profiles: readonly FirmwareProfileSpec[];
  /** known quirks, with evidence */
  quirks: readonly Quirk[];
  /** how received messages are framed */
  framing: PayloadFraming;
  /** the module reconnects by itself after a link loss (ECMT yes, QMT no): an unexpected connect result is a reconnect */
  autoReconnect: boolean;
  /** clients the module can hold (ECMT 1, QMT 6) */
  maxClients: number;
  /** secrets to redact */
  redaction: readonly RedactionTrigger[];
  /** how to recognise it */
  detect: DetectSpec;
  /** PDP check a diagnosis runs before MQTT, null when the 3GPP `AT+CGPADDR` is the way */
  pdpCheck: PdpCheck | null;
  /**
   * The module keeps its TLS material itself (certificate files set up with its own commands, not
   * given by the run): what to check when its TLS handshake fails while a direct client's
   * succeeds, from the reference's field failures (worded as the usual causes, not as observed).
   * Absent: the run gives the module its CA (the configuration command), as ECMT does.
   */
  moduleTls?: { checks: Text };

  // ---- hooks: what a table cannot express ----

  /**
   * Parse one frame whose prefix (upper case, no colon) is one of `urcs`. `rest` is the text after
   * the colon and its spaces, `raw` the frame as printed. Null: not of a documented shape (the
   * caller reports it as `info`). Pure, never throws.
   */
  parseUrc(prefix: string, rest: string, raw: string): ModemEvent | null;
  /** The AT engine's answer profiles for this dialect's commands (which lines answer, prompts, guard times). */
  atProfiles(): CommandProfile[];
  /** A typed event read as the result of a two-phase command, or null if it is not one. */
  resultOf(ev: ModemEvent): MqttResult | null;
  /** A typed event read as something the module did on its own (message, link loss, end), or null. */
  unsolicitedOf(ev: ModemEvent): UnsolicitedSignal | null;
  /**
   * A set command's MQTT meaning: `name` upper case without `AT` (`+ECMTPUB`), `args` the text
   * after `=` as written (latin1, one char per byte; the dialect splits it with `splitArgs` of
   * `at/command-line.ts`, a payload running to the end of the line included). Null when it is
   * not one of this dialect's MQTT commands.
   */
  readCommand(name: string, args: string): MqttCommand | null;
  /**
   * A read-form answer (`AT+…OPEN?`, `AT+…CONN?`) that shows a session on the module: a link open
   * or a connection up or being made, on that client. Null for any other event. The close-on-exit
   * tidy reads it to leave alone a session the run did not open. Optional (additive): without it
   * no session is ever taken for someone else's.
   */
  activeSessionOf?(ev: ModemEvent): { connectId: number } | null;
  /** Explain any event of this dialect in one sentence (decode, `at`), or null when it has nothing to say. */
  explain(ev: ModemEvent): Text | null;
  /**
   * The dialect's MQTT session on an AT engine (what `compare` and `diagnose` drive): the
   * dialect-neutral shape of ./session.ts, with `lintSession` as its lint entry point.
   */
  session(engine: AtEngine, opts?: SessionFactoryOptions): ModuleSession;
  /**
   * The dialect-neutral MQTT settings as this dialect's configuration settings, in the order to
   * send them (each for `ModuleSession.configure`). Throws a CatError (`ERR_INVALID_OPTION`, both
   * languages, one line) for a setting the dialect cannot apply, so that no verdict rests on a
   * setting the module never got. Optional (additive): a dialect without it takes no settings
   * (the registry refuses any).
   */
  settingsFor?(settings: readonly MqttSetting[]): DialectSetting[];
}
