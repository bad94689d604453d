import { isIPv4 } from 'node:net';
import type { Duplex } from 'node:stream';
import type { PacketCmd } from 'mqtt-packet';
import { CatError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import { FIRMWARE_PROFILES, PROFILE_NAMES, type FirmwareProfile, type FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import type { TranscriptSink } from '../transcript/writer.js';
import { QMT_MODELS, emulatedModel, qmtIdentity, qmtModel, type EmulatedModel, type QmtModel } from '../dialects/qmt/emulator-models.js';

/**
 * Options of the emulator: what the module is (profile, identity), the world it lives in
 * (conditions: SIM, network, PDN, DNS, ping), how it misbehaves on purpose (faults), and the
 * hooks tests use (clock, connect, record). Validated once, in `resolveOptions`, with an error
 * that names the option.
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

const KNOWN_OPTIONS = new Set([
  'dialect',
  'model',
  'profile',
  'conditions',
  'identity',
  'echo',
  'cmee',
  'faults',
  'seed',
  'clock',
  'connect',
  'record',
  'recordRedact',
  'reconnectDelayMs',
  'openTimeoutMs',
  'bootBanner',
]);

function bad(option: string, message: string): never {
  throw new CatError('ERR_INVALID_OPTION', `emulator option ${option}: ${message}`, { context: { option } });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(option: string, v: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(v)) if (!known.includes(k)) bad(`${option}.${k}`, `unknown option (known: ${known.join(', ')})`);
}

function intIn(option: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(option, `must be an integer ${min}–${max} (got ${String(v)})`);
  return v;
}

function prob(option: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) bad(option, `must be a probability 0–1 (got ${String(v)})`);
  return v;
}

function oneOf<T extends string>(option: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) bad(option, `must be one of ${values.join(', ')} (got ${String(v)})`);
  return v as T;
}

/** A dotted-quad IPv4 address (Node's own test: no leading zeros, each part 0–255). */
export function isIpv4(s: string): boolean {
  return isIPv4(s);
}

function digits(option: string, v: unknown, min: number, max: number): string {
  if (typeof v !== 'string' || !new RegExp(`^\\d{${min},${max}}$`).test(v)) bad(option, `must be ${min}–${max} digits (got ${String(v)})`);
  return v;
}

function text(option: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || /[\r\n\0]/.test(v)) bad(option, 'must be a non-empty one-line string');
  return v;
}

/** Merge and validate a conditions change onto `base` (used at construction and by setConditions). */
export function mergeConditions(base: EmulatorConditions, input: ConditionsInput | undefined, option = 'conditions'): EmulatorConditions {
  if (input === undefined) return base;
  if (!isObj(input)) bad(option, 'must be an object');
  checkKeys(option, input, ['sim', 'pin', 'registration', 'rat', 'pdp', 'signal', 'cell', 'dns', 'ping']);
  const c: EmulatorConditions = structuredClone(base);
  if (input.sim !== undefined) c.sim = oneOf(`${option}.sim`, input.sim, ['ready', 'absent', 'pin-required'] as const);
  if (input.pin !== undefined) c.pin = digits(`${option}.pin`, input.pin, 4, 8);
  if (input.registration !== undefined) {
    c.registration = oneOf(`${option}.registration`, input.registration, ['home', 'roaming', 'searching', 'denied', 'not-registered'] as const);
  }
  if (input.rat !== undefined) c.rat = oneOf(`${option}.rat`, input.rat, ['nbiot', 'cat1'] as const);
  if (input.pdp !== undefined) {
    if (!isObj(input.pdp)) bad(`${option}.pdp`, 'must be an object');
    checkKeys(`${option}.pdp`, input.pdp, ['active', 'address', 'apn']);
    if (input.pdp.active !== undefined) {
      if (typeof input.pdp.active !== 'boolean') bad(`${option}.pdp.active`, 'must be true or false');
      c.pdp.active = input.pdp.active;
    }
    if (input.pdp.address !== undefined) {
      if (typeof input.pdp.address !== 'string' || !isIpv4(input.pdp.address)) bad(`${option}.pdp.address`, `must be an IPv4 address (got ${String(input.pdp.address)})`);
      c.pdp.address = input.pdp.address;
    }
    if (input.pdp.apn !== undefined) c.pdp.apn = text(`${option}.pdp.apn`, input.pdp.apn);
  }
  if (input.signal !== undefined) {
    const s = input.signal;
    if (!isObj(s)) bad(`${option}.signal`, 'must be an object');
    checkKeys(`${option}.signal`, s, ['rssi', 'ber', 'cesq']);
    if (s.rssi !== undefined) c.signal.rssi = s.rssi === 99 ? 99 : intIn(`${option}.signal.rssi`, s.rssi, 0, 31);
    if (s.ber !== undefined) c.signal.ber = s.ber === 99 ? 99 : intIn(`${option}.signal.ber`, s.ber, 0, 7);
    if (s.cesq !== undefined) {
      if (!isObj(s.cesq)) bad(`${option}.signal.cesq`, 'must be an object');
      checkKeys(`${option}.signal.cesq`, s.cesq, ['rxlev', 'ber', 'rscp', 'ecno', 'rsrq', 'rsrp']);
      const ranges = { rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 255, rsrp: 255 } as const;
      for (const k of Object.keys(ranges) as Array<keyof typeof ranges>) {
        const v = s.cesq[k];
        if (v !== undefined) c.signal.cesq[k] = intIn(`${option}.signal.cesq.${k}`, v, 0, ranges[k]);
      }
    }
  }
  if (input.cell !== undefined) {
    const cell = input.cell;
    if (!isObj(cell)) bad(`${option}.cell`, 'must be an object');
    checkKeys(`${option}.cell`, cell, ['tac', 'ci', 'pci', 'band', 'earfcn', 'snr']);
    if (cell.tac !== undefined) {
      if (typeof cell.tac !== 'string' || !/^[0-9A-Fa-f]{4}$/.test(cell.tac)) bad(`${option}.cell.tac`, 'must be 4 hex digits');
      c.cell.tac = cell.tac.toUpperCase();
    }
    if (cell.ci !== undefined) {
      if (typeof cell.ci !== 'string' || !/^[0-9A-Fa-f]{8}$/.test(cell.ci)) bad(`${option}.cell.ci`, 'must be 8 hex digits');
      c.cell.ci = cell.ci.toUpperCase();
    }
    if (cell.pci !== undefined) c.cell.pci = intIn(`${option}.cell.pci`, cell.pci, 0, 503);
    if (cell.band !== undefined) c.cell.band = intIn(`${option}.cell.band`, cell.band, 1, 255);
    if (cell.earfcn !== undefined) c.cell.earfcn = intIn(`${option}.cell.earfcn`, cell.earfcn, 0, 262143);
    if (cell.snr !== undefined) c.cell.snr = intIn(`${option}.cell.snr`, cell.snr, -30, 40);
  }
  if (input.dns !== undefined) {
    const d = input.dns;
    if (d === 'system' || d === 'fail') c.dns = d;
    else if (isObj(d)) {
      for (const [host, addr] of Object.entries(d)) {
        if (addr !== null && (typeof addr !== 'string' || !isIpv4(addr))) bad(`${option}.dns["${host}"]`, `must be an IPv4 address or null (got ${String(addr)})`);
      }
      c.dns = { ...(d as Record<string, string | null>) };
    } else bad(`${option}.dns`, "must be 'system', 'fail' or a map host → address|null");
  }
  if (input.ping !== undefined) {
    const p = input.ping;
    if (p === 'timeout') c.ping = 'timeout';
    else if (isObj(p) && typeof p.rttMs === 'number') c.ping = { rttMs: intIn(`${option}.ping.rttMs`, p.rttMs, 0, 60_000) };
    else bad(`${option}.ping`, "must be { rttMs } or 'timeout'");
  }
  return c;
}

/** Validate the fault options (at construction and by setFaults). */
export function checkFaults(f: FaultOptions | undefined, option = 'faults'): FaultOptions {
  if (f === undefined) return {};
  if (!isObj(f)) bad(option, 'must be an object');
  checkKeys(option, f as Record<string, unknown>, ['delayMs', 'dropUrc', 'garble', 'chunk', 'brokerSilence', 'dropIncoming', 'hang']);
  if (f.delayMs !== undefined) {
    const d = f.delayMs;
    if (typeof d === 'number') intIn(`${option}.delayMs`, d, 0, 600_000);
    else if (Array.isArray(d) && d.length === 2) {
      intIn(`${option}.delayMs[0]`, d[0], 0, 600_000);
      intIn(`${option}.delayMs[1]`, d[1], d[0] as number, 600_000);
    } else bad(`${option}.delayMs`, 'must be a number of ms or a [min, max] range');
  }
  if (f.dropUrc !== undefined) {
    if (!isObj(f.dropUrc)) bad(`${option}.dropUrc`, 'must be { probability?, prefixes? }');
    checkKeys(`${option}.dropUrc`, f.dropUrc as Record<string, unknown>, ['probability', 'prefixes']);
    if (f.dropUrc.probability !== undefined) prob(`${option}.dropUrc.probability`, f.dropUrc.probability);
    if (f.dropUrc.prefixes !== undefined) {
      if (!Array.isArray(f.dropUrc.prefixes) || !f.dropUrc.prefixes.every((p) => typeof p === 'string' && p.startsWith('+'))) {
        bad(`${option}.dropUrc.prefixes`, "must be a list of URC prefixes such as '+ECMTPUB'");
      }
    }
  }
  if (f.garble !== undefined) prob(`${option}.garble`, f.garble);
  if (f.chunk !== undefined) intIn(`${option}.chunk`, f.chunk, 0, 1 << 20);
  if (f.brokerSilence !== undefined && typeof f.brokerSilence !== 'boolean') {
    const cmds = ['connack', 'suback', 'unsuback', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'publish', 'pingresp', 'disconnect'];
    if (!Array.isArray(f.brokerSilence) || !f.brokerSilence.every((c) => cmds.includes(c))) {
      bad(`${option}.brokerSilence`, `must be true/false or a list of packet types (${cmds.join(', ')})`);
    }
  }
  if (f.dropIncoming !== undefined) {
    const d = f.dropIncoming;
    if (!isObj(d)) bad(`${option}.dropIncoming`, 'must be { every?, match? }');
    checkKeys(`${option}.dropIncoming`, d as Record<string, unknown>, ['every', 'match']);
    if (d.every !== undefined) intIn(`${option}.dropIncoming.every`, d.every, 1, 1_000_000);
    if (d.match !== undefined && typeof d.match !== 'function') bad(`${option}.dropIncoming.match`, 'must be a function');
  }
  if (f.hang !== undefined) {
    const h = f.hang;
    if (!isObj(h)) bad(`${option}.hang`, 'must be { afterCommands } or { atCommand }');
    checkKeys(`${option}.hang`, h as Record<string, unknown>, ['afterCommands', 'atCommand']);
    if ((h.afterCommands === undefined) === (h.atCommand === undefined)) bad(`${option}.hang`, 'give exactly one of afterCommands (a count) or atCommand (a command name such as AT+ECMTSUB)');
    if (h.afterCommands !== undefined) intIn(`${option}.hang.afterCommands`, h.afterCommands, 0, 1_000_000);
    if (h.atCommand !== undefined && (typeof h.atCommand !== 'string' || !/^AT[+&]?[A-Z0-9]*$/i.test(h.atCommand))) bad(`${option}.hang.atCommand`, `must be a command name such as AT+ECMTSUB (got ${String(h.atCommand)})`);
  }
  return { ...f };
}

/** Validate every option once; unknown options are rejected. */
export function resolveOptions(opts: EcmtEmulatorOptions): ResolvedOptions {
  if (!isObj(opts as unknown)) bad('(options)', 'must be an object');
  for (const k of Object.keys(opts)) if (!KNOWN_OPTIONS.has(k)) bad(k, `unknown option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  const name = opts.profile === undefined ? 'ec616s' : oneOf('profile', opts.profile, PROFILE_NAMES);
  const profile = FIRMWARE_PROFILES[name];
  const dialect = opts.dialect === undefined ? 'ecmt' : oneOf('dialect', opts.dialect, ['ecmt', 'qmt'] as const);
  if (opts.model !== undefined && dialect !== 'qmt') bad('model', "is a Quectel model: give it with dialect 'qmt'");
  const model = opts.model === undefined ? 'EC800N' : (qmtModel(String(opts.model)) ?? bad('model', `must be one of ${QMT_MODELS.join(', ')} (got ${String(opts.model)})`));
  const qmt = dialect === 'qmt' ? emulatedModel(model) : null;
  // a Quectel Cat-1 module: LTE CAT1 bearer (cid 1) unless the conditions say otherwise
  const conditions = mergeConditions(defaultConditions(qmt ? 'ec626-tls' : name), opts.conditions);
  const identity = { ...defaultIdentity(name), ...(qmt ? qmtIdentity(model) : {}) };
  if (opts.identity !== undefined) {
    if (!isObj(opts.identity)) bad('identity', 'must be an object');
    checkKeys('identity', opts.identity, ['manufacturer', 'model', 'revision', 'imei', 'imsi', 'iccid']);
    const id = opts.identity;
    if (id.manufacturer !== undefined) identity.manufacturer = text('identity.manufacturer', id.manufacturer);
    if (id.model !== undefined) identity.model = text('identity.model', id.model);
    if (id.revision !== undefined) identity.revision = text('identity.revision', id.revision);
    if (id.imei !== undefined) identity.imei = digits('identity.imei', id.imei, 15, 15);
    if (id.imsi !== undefined) identity.imsi = digits('identity.imsi', id.imsi, 6, 15);
    if (id.iccid !== undefined) identity.iccid = digits('identity.iccid', id.iccid, 19, 20);
  }
  if (opts.echo !== undefined && typeof opts.echo !== 'boolean') bad('echo', 'must be true or false');
  const cmee = opts.cmee === undefined ? 1 : (intIn('cmee', opts.cmee, 0, 2) as 0 | 1 | 2);
  const seed = opts.seed === undefined ? 1 : intIn('seed', opts.seed, 0, 0xffffffff);
  if (opts.clock !== undefined && (!isObj(opts.clock) || typeof opts.clock.setTimeout !== 'function' || typeof opts.clock.now !== 'function')) {
    bad('clock', 'must be a Clock (now, setTimeout, clearTimeout)');
  }
  if (opts.connect !== undefined && typeof opts.connect !== 'function') bad('connect', 'must be a function (target) => Promise<Duplex>');
  if (opts.record !== undefined) {
    const r = opts.record as unknown;
    if (!isObj(r) || typeof r['write'] !== 'function' || typeof r['close'] !== 'function') bad('record', 'must be a TranscriptSink');
    const header = r['header'];
    if (isObj(header) && header['kind'] !== 'emulator') {
      bad('record', `an emulator session is recorded with header kind 'emulator' (got '${String(header['kind'])}'); use emulatorTranscriptHeader()`);
    }
  }
  if (opts.recordRedact !== undefined && typeof opts.recordRedact !== 'boolean') bad('recordRedact', 'must be true or false');
  const reconnectDelayMs = opts.reconnectDelayMs === undefined ? 1000 : intIn('reconnectDelayMs', opts.reconnectDelayMs, 0, 600_000);
  const openTimeoutMs = opts.openTimeoutMs === undefined ? 20_000 : intIn('openTimeoutMs', opts.openTimeoutMs, 1, 600_000);
  let bootBanner: readonly string[] = ['RDY'];
  if (opts.bootBanner !== undefined) {
    if (!Array.isArray(opts.bootBanner) || !opts.bootBanner.every((l) => typeof l === 'string' && !/[\r\n]/.test(l))) {
      bad('bootBanner', 'must be a list of one-line strings');
    }
    bootBanner = [...opts.bootBanner];
  }
  return {
    dialect,
    qmt,
    profile,
    conditions,
    identity,
    echo: opts.echo ?? dialect === 'qmt',
    cmee,
    faults: checkFaults(opts.faults),
    seed,
    reconnectDelayMs,
    openTimeoutMs,
    bootBanner,
    recordRedact: opts.recordRedact ?? true,
  };
}
