import { isIPv4 } from 'node:net';
import * as v from 'valibot';
import type { Duplex } from 'node:stream';
import type { PacketCmd } from 'mqtt-packet';
import { CatError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import { FIRMWARE_PROFILES, PROFILE_NAMES, type FirmwareProfile, type FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import type { TranscriptSink } from '../recording/writer.js';
import { QMT_MODELS, emulatedModel, qmtIdentity, qmtModel, type EmulatedModel, type QmtModel } from '../dialects/qmt/emulator-models.js';
import { defaultDialect } from '../dialects/index.js';
import { commandLine, resultPrefix } from '../dialects/words.js';

/** Examples in validation messages: the default dialect's subscribe command and publish result URC. */
const EXAMPLE = { command: commandLine(defaultDialect(), 'subscribe'), urc: resultPrefix(defaultDialect(), 'publish') };

/**
 * Options of the emulator: what the module is (profile, identity), the world it lives in
 * (conditions: SIM, network, PDN, DNS, ping), how it misbehaves on purpose (faults), and the
 * hooks tests use (clock, connect, record). Validated once, in `resolveOptions`, against one
 * schema (valibot), with an error that names the option.
 */

// ---------------------------------------------------------------------------------------------
// identity
// ---------------------------------------------------------------------------------------------

/** What the identity commands answer. The defaults are obviously fake and say "emulator". */
export interface EmulatorIdentity {
  /** AT+CGMI. Default `cat1-bridge emulator`. */
  manufacturer: string;
  /** AT+CGMM. Default `<profile>-EMU` (e.g. `EC616S-EMU`). */
  model: string;
  /** AT+CGMR. Default `EMU_<PROFILE>_V0.1 (emulated firmware)`. */
  revision: string;
  /** AT+CGSN, 15 digits. Default `860000000000001` (not a real device). */
  imei: string;
  /** AT+CIMI, up to 15 digits. Default `460000000000001`. */
  imsi: string;
  /** AT+ECICCID, 19–20 digits. Default `89860000000000000001`. */
  iccid: string;
}

export function defaultIdentity(profile: FirmwareProfileName): EmulatorIdentity {
  const p = profile.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return {
    manufacturer: 'cat1-bridge emulator',
    model: `${p}-EMU`,
    revision: `EMU_${p}_V0.1 (emulated firmware)`,
    imei: '860000000000001',
    imsi: '460000000000001',
    iccid: '89860000000000000001',
  };
}

// ---------------------------------------------------------------------------------------------
// conditions
// ---------------------------------------------------------------------------------------------

export type SimCondition = 'ready' | 'absent' | 'pin-required';
export type RegistrationCondition = 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered';
/** Radio access: NB-IoT (EC616 family, default bearer cid 0, AcT 9) or LTE CAT1 (cid 1, AcT 7). */
export type RatCondition = 'nbiot' | 'cat1';

/**
 * How host names resolve (AT+ECDNS, AT+ECPING, AT+ECMTOPEN):
 * - `'system'` (default): a real lookup (`localhost` → 127.0.0.1), IPv4;
 * - `'fail'`: every name fails (IP literals still work);
 * - a map `host → address`: listed names resolve to that address, `null` makes the lookup fail,
 *   unlisted names use the real lookup.
 */
export type DnsCondition = 'system' | 'fail' | Readonly<Record<string, string | null>>;

export interface SignalCondition {
  /** +CSQ rssi 0–31 or 99. Default 24. */
  rssi: number;
  /** +CSQ ber 0–7 or 99. Default 99. */
  ber: number;
  /** +CESQ fields (3GPP 27.007 ranges; 255 = unknown). Default rxlev 99, ber 99, rscp 255, ecno 255, rsrq 20, rsrp 50. */
  cesq: { rxlev: number; ber: number; rscp: number; ecno: number; rsrq: number; rsrp: number };
}

export interface EmulatorConditions {
  /** Default 'ready'. */
  sim: SimCondition;
  /** PIN accepted by AT+CPIN=<pin> when sim is 'pin-required'. Default '1234'. */
  pin: string;
  /** Default 'home'. */
  registration: RegistrationCondition;
  /** Default per profile: 'cat1' for ec626-tls, 'nbiot' otherwise. */
  rat: RatCondition;
  /** The default bearer. Default active, address 10.64.0.2, APN `cmnbiot` (NB-IoT) / `cmnet` (CAT1). */
  pdp: { active: boolean; address: string; apn: string };
  signal: SignalCondition;
  /** Serving cell, for +CEREG (n ≥ 2) and AT+ECSTATUS. */
  cell: { tac: string; ci: string; pci: number; band: number; earfcn: number; snr: number };
  /** Default 'system'. */
  dns: DnsCondition;
  /** AT+ECPING replies: a round-trip time, or every request times out. Default `{ rttMs: 40 }`. */
  ping: { rttMs: number } | 'timeout';
}

export type ConditionsInput = Partial<Omit<EmulatorConditions, 'pdp' | 'signal' | 'cell'>> & {
  pdp?: Partial<EmulatorConditions['pdp']>;
  signal?: Partial<Omit<SignalCondition, 'cesq'>> & { cesq?: Partial<SignalCondition['cesq']> };
  cell?: Partial<EmulatorConditions['cell']>;
};

export function defaultConditions(profile: FirmwareProfileName): EmulatorConditions {
  const rat: RatCondition = profile === 'ec626-tls' ? 'cat1' : 'nbiot';
  return {
    sim: 'ready',
    pin: '1234',
    registration: 'home',
    rat,
    pdp: { active: true, address: '10.64.0.2', apn: rat === 'cat1' ? 'cmnet' : 'cmnbiot' },
    signal: { rssi: 24, ber: 99, cesq: { rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 20, rsrp: 50 } },
    cell: { tac: '1A2B', ci: '0C3D4E5F', pci: 123, band: rat === 'cat1' ? 3 : 8, earfcn: rat === 'cat1' ? 1650 : 3734, snr: 12 },
    dns: 'system',
    ping: { rttMs: 40 },
  };
}

// ---------------------------------------------------------------------------------------------
// faults
// ---------------------------------------------------------------------------------------------

/** A received PUBLISH as the dropIncoming predicate sees it. */
export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  messageId: number;
  /** 1 for the first PUBLISH received since the emulator started, 2 for the next… */
  index: number;
}

/**
 * Faults, injected on purpose and deterministic from `seed`. Every probability is drawn from
 * its own seeded stream, so the same seed and the same input give the same output bytes.
 */
export interface FaultOptions {
  /** Wait this long (ms, or a [min, max] range drawn per command) before executing each command. Default none. */
  delayMs?: number | readonly [number, number];
  /** URCs that are never printed: drawn with `probability` (0–1), and/or every URC whose prefix is listed (e.g. '+ECMTPUB'). */
  dropUrc?: { probability?: number; prefixes?: readonly string[] };
  /** Probability (0–1) for each output byte to be replaced by a different random byte. Default 0. */
  garble?: number;
  /** Split every output write into pieces of random size 1..chunk bytes (each its own port write). Default 0 (whole). */
  chunk?: number;
  /**
   * The emulator ignores packets from the broker: `true` for all of them, or the listed types
   * (e.g. ['connack', 'suback', 'puback']): no URC, no ack, no state change — as if the packet
   * was lost. Can be changed at run time with `setFaults`.
   */
  brokerSilence?: boolean | readonly PacketCmd[];
  /**
   * The module loses received messages: the PUBLISH is acknowledged to the broker (so the broker
   * counts it delivered) but no +ECMTRECV is printed. `every: n` drops the n-th, 2n-th… PUBLISH;
   * `match` drops the ones it returns true for.
   */
  dropIncoming?: { every?: number; match?: (m: IncomingMessage) => boolean };
  /**
   * The firmware hangs (a stopped process, a dead-locked task): from the trigger on the module
   * prints nothing at all — no answer, no echo, no URC — and executes nothing, until reboot() or
   * setFaults() without it. `afterCommands: n` answers the first n commands, then hangs on the
   * next; `atCommand: 'AT+ECMTSUB'` hangs on the first command with that name (prefix, case
   * insensitive). Default none.
   */
  hang?: { afterCommands?: number; atCommand?: string };
}

// ---------------------------------------------------------------------------------------------
// network hook
// ---------------------------------------------------------------------------------------------

/** Where the module opens its TCP connection to. */
export interface ConnectTarget {
  /** The host name as given to AT+ECMTOPEN. */
  host: string;
  /** The address the emulator's DNS gave for it. */
  address: string;
  port: number;
}

/**
 * Opens the module's TCP connection: resolves with a connected stream, rejects when the
 * connection fails. Default `defaultConnect` (node:net). Tests wrap it to observe or cut the
 * connection; TLS, when configured, is layered on top of what it returns.
 */
export type ConnectHook = (target: ConnectTarget) => Promise<Duplex>;

// ---------------------------------------------------------------------------------------------
// the options
// ---------------------------------------------------------------------------------------------

export interface EcmtEmulatorOptions {
  /**
   * The AT dialect the module speaks: 'ecmt' (Eigencomm AT+ECMT*, default) or 'qmt' (Quectel
   * AT+QMT*, src/dialects/qmt/emulator*.ts: identity Quectel + model, echo on, LTE CAT1 by default).
   */
  dialect?: 'ecmt' | 'qmt';
  /** QMT only: the Quectel model whose differences are played (EC800N default, EC200U, EG915U, BG96). */
  model?: QmtModel;
  /** Firmware profile: limits and quirks from src/dialects/ecmt/firmware.ts. Default 'ec616s'. */
  profile?: FirmwareProfileName;
  /** The world the module lives in. Defaults: SIM ready, registered home, PDN active, real DNS. */
  conditions?: ConditionsInput;
  /** Identity answers. Defaults are fake and labelled as emulator values. */
  identity?: Partial<EmulatorIdentity>;
  /** Echo at power-up (ATE). Default false, as on the EC616S; true with dialect 'qmt' (Quectel, O). */
  echo?: boolean;
  /** Error reporting at power-up (AT+CMEE). Default 1 (numeric), as on the EC616S. */
  cmee?: 0 | 1 | 2;
  /** Faults to inject. Default none. */
  faults?: FaultOptions;
  /** Seed of every random draw (faults, ping jitter). Default 1. */
  seed?: number;
  /** Timers (keep-alive, reconnect, delays, ping). Default the system clock. */
  clock?: Clock;
  /** Opens TCP connections. Default node:net. */
  connect?: ConnectHook;
  /** Record the emulator's own session (header kind 'emulator'; see emulatorTranscriptHeader). Default none. */
  record?: TranscriptSink;
  /** Mask secrets in the recording. Default true. */
  recordRedact?: boolean;
  /** Wait between the module's own reconnect attempts after a link loss, ms. Default 1000. */
  reconnectDelayMs?: number;
  /** Give up an AT+ECMTOPEN whose TCP (and TLS) connection is not up after this long, ms. Default 20000. */
  openTimeoutMs?: number;
  /** Lines printed by reboot(). Default ['RDY']. */
  bootBanner?: readonly string[];
}

export interface ResolvedOptions {
  dialect: 'ecmt' | 'qmt';
  /** the Quectel model's profile (dialect 'qmt'), else null */
  qmt: EmulatedModel | null;
  profile: FirmwareProfile;
  conditions: EmulatorConditions;
  identity: EmulatorIdentity;
  echo: boolean;
  cmee: 0 | 1 | 2;
  faults: FaultOptions;
  seed: number;
  reconnectDelayMs: number;
  openTimeoutMs: number;
  bootBanner: readonly string[];
  recordRedact: boolean;
}

// ---------------------------------------------------------------------------------------------
// validation: one schema (valibot), read top to bottom like the interfaces above. A new option
// is one entry in OPTIONS_SCHEMA (and its default in resolveOptions); the messages are ours.
// ---------------------------------------------------------------------------------------------

type Issue = { input: unknown; expected?: string | null; received?: string };
type Msg = (i: Issue) => string;

const got = (i: Issue): string => String(i.input);
const objectMsg = (known: readonly string[], what = 'must be an object'): Msg => (i) => (i.expected === 'never' ? `unknown option (known: ${known.join(', ')})` : what);

/** An object of optional entries; an unknown key is refused, naming the known ones. */
function options<E extends v.ObjectEntries>(entries: E, what?: string): v.StrictObjectSchema<E, Msg> {
  return v.strictObject(entries, objectMsg(Object.keys(entries), what));
}

function int(min: number, max: number): v.GenericSchema<unknown, number> {
  const m: Msg = (i) => `must be an integer ${min}–${max} (got ${got(i)})`;
  return v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m));
}

const probability = v.pipe(
  v.number((i: Issue) => `must be a probability 0–1 (got ${got(i)})`),
  v.check((x: number) => x >= 0 && x <= 1, (i) => `must be a probability 0–1 (got ${got(i)})`),
);

function oneOf<const T extends readonly string[]>(values: T): v.GenericSchema<unknown, T[number]> {
  return v.picklist(values, (i: Issue) => `must be one of ${values.join(', ')} (got ${got(i)})`);
}

function digits(min: number, max: number): v.GenericSchema<unknown, string> {
  const m: Msg = (i) => `must be ${min}–${max} digits (got ${got(i)})`;
  return v.pipe(v.string(m), v.regex(new RegExp(`^\\d{${min},${max}}$`), m));
}

const oneLine = v.pipe(v.string('must be a non-empty one-line string'), v.check((x: string) => x.length > 0 && !/[\r\n\0]/.test(x), 'must be a non-empty one-line string'));
const bool = v.boolean('must be true or false');
const hex = (n: number): v.GenericSchema<unknown, string> => v.pipe(v.string(`must be ${n} hex digits`), v.regex(new RegExp(`^[0-9A-Fa-f]{${n}}$`), `must be ${n} hex digits`));
const ipv4 = (orNull: string): v.GenericSchema<unknown, string> => {
  const m: Msg = (i) => `must be an IPv4 address${orNull} (got ${got(i)})`;
  return v.pipe(v.string(m), v.check((x: string) => isIPv4(x), m));
};
/** A list of strings, each passing `ok`. */
const listOf = (what: string, ok: (s: string) => boolean): v.GenericSchema<unknown, string[]> => v.pipe(v.array(v.string(what), what), v.check((l: string[]) => l.every(ok), what));
const fn = (what: string): v.GenericSchema<unknown, (...a: never[]) => unknown> => v.custom<(...a: never[]) => unknown>((x) => typeof x === 'function', what);

const CONDITIONS_SCHEMA = options({
  sim: v.optional(oneOf(['ready', 'absent', 'pin-required'] as const)),
  pin: v.optional(digits(4, 8)),
  registration: v.optional(oneOf(['home', 'roaming', 'searching', 'denied', 'not-registered'] as const)),
  rat: v.optional(oneOf(['nbiot', 'cat1'] as const)),
  pdp: v.optional(options({ active: v.optional(bool), address: v.optional(ipv4('')), apn: v.optional(oneLine) })),
  signal: v.optional(
    options({
      rssi: v.optional(v.union([v.literal(99), int(0, 31)], (i: Issue) => `must be an integer 0–31 (got ${got(i)})`)),
      ber: v.optional(v.union([v.literal(99), int(0, 7)], (i: Issue) => `must be an integer 0–7 (got ${got(i)})`)),
      cesq: v.optional(options({ rxlev: v.optional(int(0, 99)), ber: v.optional(int(0, 99)), rscp: v.optional(int(0, 255)), ecno: v.optional(int(0, 255)), rsrq: v.optional(int(0, 255)), rsrp: v.optional(int(0, 255)) })),
    }),
  ),
  cell: v.optional(options({ tac: v.optional(hex(4)), ci: v.optional(hex(8)), pci: v.optional(int(0, 503)), band: v.optional(int(1, 255)), earfcn: v.optional(int(0, 262143)), snr: v.optional(int(-30, 40)) })),
  dns: v.optional(v.union([v.picklist(['system', 'fail'] as const), v.record(v.string(), v.nullable(ipv4(' or null')))], "must be 'system', 'fail' or a map host → address|null")),
  ping: v.optional(v.union([v.literal('timeout'), v.strictObject({ rttMs: int(0, 60_000) })], "must be { rttMs } or 'timeout'")),
});

const PACKET_TYPES = ['connack', 'suback', 'unsuback', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'publish', 'pingresp', 'disconnect'] as const;

const FAULTS_SCHEMA = options({
  delayMs: v.optional(
    v.union(
      [
        int(0, 600_000),
        v.pipe(
          v.tuple([int(0, 600_000), int(0, 600_000)]),
          v.forward(
            v.check((d: [number, number]) => d[1] >= d[0], (i) => `must be an integer ${String((i.input as [number, number])[0])}–600000 (got ${String((i.input as [number, number])[1])})`),
            [1],
          ),
        ),
      ],
      'must be a number of ms or a [min, max] range',
    ),
  ),
  dropUrc: v.optional(
    options(
      {
        probability: v.optional(probability),
        prefixes: v.optional(listOf(`must be a list of URC prefixes such as '${EXAMPLE.urc}'`, (x) => x.startsWith('+'))),
      },
      'must be { probability?, prefixes? }',
    ),
  ),
  garble: v.optional(probability),
  chunk: v.optional(int(0, 1 << 20)),
  brokerSilence: v.optional(v.union([v.boolean(), v.array(v.picklist(PACKET_TYPES))], `must be true/false or a list of packet types (${PACKET_TYPES.join(', ')})`)),
  dropIncoming: v.optional(options({ every: v.optional(int(1, 1_000_000)), match: v.optional(fn('must be a function')) }, 'must be { every?, match? }')),
  hang: v.optional(
    v.pipe(
      options(
        {
          afterCommands: v.optional(int(0, 1_000_000)),
          atCommand: v.optional(v.pipe(v.string((i: Issue) => `must be a command name such as ${EXAMPLE.command} (got ${got(i)})`), v.regex(/^AT[+&]?[A-Z0-9]*$/i, (i) => `must be a command name such as ${EXAMPLE.command} (got ${got(i)})`))),
        },
        'must be { afterCommands } or { atCommand }',
      ),
      v.check((h) => (h.afterCommands === undefined) !== (h.atCommand === undefined), `give exactly one of afterCommands (a count) or atCommand (a command name such as ${EXAMPLE.command})`),
    ),
  ),
});

const IDENTITY_SCHEMA = options({ manufacturer: v.optional(oneLine), model: v.optional(oneLine), revision: v.optional(oneLine), imei: v.optional(digits(15, 15)), imsi: v.optional(digits(6, 15)), iccid: v.optional(digits(19, 20)) });

/** Every option of the emulator: a new one (a dialect, a model) is one line here. */
const OPTIONS_SCHEMA = options({
  dialect: v.optional(oneOf(['ecmt', 'qmt'] as const)),
  model: v.optional(v.pipe(v.string((i: Issue) => `must be one of ${QMT_MODELS.join(', ')} (got ${got(i)})`), v.check((x: string) => qmtModel(x) !== null, (i) => `must be one of ${QMT_MODELS.join(', ')} (got ${got(i)})`), v.transform((x: string) => qmtModel(x) as QmtModel))),
  profile: v.optional(oneOf(PROFILE_NAMES)),
  conditions: v.optional(CONDITIONS_SCHEMA),
  identity: v.optional(IDENTITY_SCHEMA),
  echo: v.optional(bool),
  cmee: v.optional(int(0, 2)),
  faults: v.optional(FAULTS_SCHEMA),
  seed: v.optional(int(0, 0xffffffff)),
  clock: v.optional(v.custom((c) => isObj(c) && typeof c['setTimeout'] === 'function' && typeof c['now'] === 'function', 'must be a Clock (now, setTimeout, clearTimeout)')),
  connect: v.optional(fn('must be a function (target) => Promise<Duplex>')),
  record: v.optional(
    v.pipe(
      v.custom((r) => isObj(r) && typeof r['write'] === 'function' && typeof r['close'] === 'function', 'must be a TranscriptSink'),
      v.check((r) => {
        const header = (r as Record<string, unknown>)['header'];
        return !isObj(header) || header['kind'] === 'emulator';
      }, (i) => `an emulator session is recorded with header kind 'emulator' (got '${String(((i.input as Record<string, unknown>)['header'] as Record<string, unknown>)['kind'])}'); use emulatorTranscriptHeader()`),
    ),
  ),
  recordRedact: v.optional(bool),
  reconnectDelayMs: v.optional(int(0, 600_000)),
  openTimeoutMs: v.optional(int(1, 600_000)),
  bootBanner: v.optional(listOf('must be a list of one-line strings', (x) => !/[\r\n]/.test(x))),
});

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The option's name as users write it: conditions.signal.rssi, faults.delayMs[1], conditions.dns["host"]. */
function optionPath(base: string, path: ReadonlyArray<{ key: unknown }> | undefined): string {
  let out = base;
  let parent: unknown = null;
  for (const p of path ?? []) {
    const k = p.key;
    if (typeof k === 'number') out += `[${k}]`;
    else if (parent === 'dns') out += `["${String(k)}"]`;
    else out = out ? `${out}.${String(k)}` : String(k);
    parent = k;
  }
  return out || '(options)';
}

/** Check `input` against `schema`; the first problem becomes one ERR_INVALID_OPTION naming the option. */
function check<T>(schema: v.GenericSchema<unknown, T>, input: unknown, base: string): T {
  const r = v.safeParse(schema, input);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const option = optionPath(base, issue.path);
  throw new CatError('ERR_INVALID_OPTION', `emulator option ${option}: ${issue.message}`, { context: { option } });
}

/** A dotted-quad IPv4 address (Node's own test: no leading zeros, each part 0–255). */
export function isIpv4(s: string): boolean {
  return isIPv4(s);
}

/** Merge and validate a conditions change onto `base` (used at construction and by setConditions). */
export function mergeConditions(base: EmulatorConditions, input: ConditionsInput | undefined, option = 'conditions'): EmulatorConditions {
  if (input === undefined) return base;
  const i = check(CONDITIONS_SCHEMA, input, option);
  const c: EmulatorConditions = structuredClone(base);
  if (i.sim !== undefined) c.sim = i.sim;
  if (i.pin !== undefined) c.pin = i.pin;
  if (i.registration !== undefined) c.registration = i.registration;
  if (i.rat !== undefined) c.rat = i.rat;
  if (i.pdp) c.pdp = { ...c.pdp, ...defined(i.pdp) };
  if (i.signal) {
    if (i.signal.rssi !== undefined) c.signal.rssi = i.signal.rssi;
    if (i.signal.ber !== undefined) c.signal.ber = i.signal.ber;
    if (i.signal.cesq) c.signal.cesq = { ...c.signal.cesq, ...defined(i.signal.cesq) };
  }
  if (i.cell) {
    const cell = defined(i.cell);
    c.cell = { ...c.cell, ...cell, ...(cell.tac ? { tac: cell.tac.toUpperCase() } : {}), ...(cell.ci ? { ci: cell.ci.toUpperCase() } : {}) };
  }
  if (i.dns !== undefined) c.dns = typeof i.dns === 'string' ? i.dns : { ...i.dns };
  if (i.ping !== undefined) c.ping = i.ping === 'timeout' ? 'timeout' : { rttMs: i.ping.rttMs };
  return c;
}

/** The entries whose value is given (an explicit undefined does not replace a default). */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Validate the fault options (at construction and by setFaults). */
export function checkFaults(f: FaultOptions | undefined, option = 'faults'): FaultOptions {
  if (f === undefined) return {};
  check(FAULTS_SCHEMA, f, option);
  return { ...f };
}

/** Validate every option once; unknown options are rejected. */
export function resolveOptions(opts: EcmtEmulatorOptions): ResolvedOptions {
  const o = check(OPTIONS_SCHEMA, opts, '');
  const name = o.profile ?? 'ec616s';
  const dialect = o.dialect ?? 'ecmt';
  if (o.model !== undefined && dialect !== 'qmt') {
    throw new CatError('ERR_INVALID_OPTION', "emulator option model: is a Quectel model: give it with dialect 'qmt'", { context: { option: 'model' } });
  }
  const model = o.model ?? 'EC800N';
  const qmt = dialect === 'qmt' ? emulatedModel(model) : null;
  return {
    dialect,
    qmt,
    profile: FIRMWARE_PROFILES[name],
    // a Quectel Cat-1 module: LTE CAT1 bearer (cid 1) unless the conditions say otherwise
    conditions: mergeConditions(defaultConditions(qmt ? 'ec626-tls' : name), opts.conditions),
    identity: { ...defaultIdentity(name), ...(qmt ? qmtIdentity(model) : {}), ...defined(o.identity ?? {}) },
    echo: o.echo ?? dialect === 'qmt',
    cmee: (o.cmee ?? 1) as 0 | 1 | 2,
    faults: checkFaults(opts.faults),
    seed: o.seed ?? 1,
    reconnectDelayMs: o.reconnectDelayMs ?? 1000,
    openTimeoutMs: o.openTimeoutMs ?? 20_000,
    bootBanner: o.bootBanner ? [...o.bootBanner] : ['RDY'],
    recordRedact: o.recordRedact ?? true,
  };
}
