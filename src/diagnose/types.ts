import type { AtEngine, SendOptions } from '../at/engine.js';
import type { AtOutcome } from '../at/types.js';
import type { Dialect, DialectName } from '../dialects/types.js';
import type { Credentials } from '../dialects/ecmt/commands.js';
import type { MqttSetting } from '../dialects/types.js';
import type { FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import type { CompareOptions } from '../mirror/compare.js';
import type { CompareReport } from '../mirror/report.js';
import type { Clock } from '../util/clock.js';
import type { Text } from '../util/i18n.js';
import type { BrokerTarget } from '../mirror/target.js';

/**
 * The staged checklist a support engineer runs by hand, as data: each stage has an id, a title
 * and a `run(ctx)` that sends its AT commands and returns a StageResult. No printing here: the
 * CLI formats what the runner reports.
 */

/** The stages, in the order they run. */
export type StageId = 'link' | 'identity' | 'sim' | 'signal' | 'registration' | 'pdp' | 'dns' | 'ping' | 'mqtt' | 'compare';

/**
 * `not-run`: the check could not be made without changing what the user has (a session found
 * on the module): neither a pass nor a failure, and the result is never PASS with one.
 */
export type StageStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'not-run';

export interface StageResult {
  status: StageStatus;
  /** what the stage found, one line */
  summary: Text;
  /** what was seen: the key commands and answer lines (`AT+CPIN? → +CPIN: READY`), secrets masked */
  seen: Text[];
  /** the next thing to check (a concrete action); null when there is nothing to do */
  hint: Text | null;
  /** facts for scripts (JSON-safe; masked like `seen`) */
  data: Record<string, unknown>;
  /** the port never answered AT: the run ends here whatever `keepGoing` says */
  unreachable?: boolean;
  /** stage `compare`: the comparison report with its verdict */
  report?: CompareReport;
}

/** A stage's result as the runner reports it. */
export interface StageReport extends StageResult {
  stage: StageId;
  /** 1-based position in the checklist */
  index: number;
  title: Text;
  elapsedMs: number;
}

/** Facts the stages learn and later stages use. */
export interface DiagnoseFacts {
  /** echo as learned from the first answers; null until known */
  echo: boolean | null;
  /** AT+CMEE level in force after stage `link` */
  cmee: number | null;
  simReady: boolean | null;
  registered: boolean | null;
  /** access technology from +CEREG (7 LTE/CAT1, 9 NB-IoT), null when not printed */
  act: number | null;
  /** a context has an address (null: not checked) */
  pdpActive: boolean | null;
  /** the context that has an address */
  pdp: { cid: number; address: string } | null;
  /** what the module's DNS gave for the broker (null: not looked up) */
  brokerAddresses: string[] | null;
  /** the module's MQTT connect was accepted */
  mqttConnected: boolean | null;
  /** the module's identity answers (ATI, AT+CGMI/CGMM/CGMR joined), for --dialect auto; null until stage `identity` */
  identity?: string | null;
  /** the model profile the MQTT stages used (dialects with per-model profiles) and the observation it rests on; absent otherwise */
  model?: { name: string; by: 'option' | 'identity' | 'default'; evidence: string | null; source?: string };
}

/** Comparison settings the caller may tune (the rest comes from the diagnosis options). */
export type CompareExtras = Pick<CompareOptions, 'topic' | 'qos' | 'payload' | 'identity' | 'mirrorSuffix' | 'deliveryTimeoutMs' | 'brokerLog' | 'brokerLogLines' | 'traffic' | 'probeIdentity' | 'probeWindowMs' | 'probeRestoreMs'>;

export interface DiagnoseOptions {
  /** the module's AT engine (the caller owns the port) */
  engine: AtEngine;
  /** the broker the module should reach */
  broker: BrokerTarget;
  /** MQTT credentials for stages `mqtt` and `compare` */
  credentials: Credentials & { clientId: string };
  /** MQTT settings (dialect-neutral: keepalive, session, version, will, CA) applied before the MQTT open as the module's dialect's configuration commands. Default none. */
  settings?: MqttSetting[];
  /** firmware profile for the lint and the quirks. Default 'ec616s'. */
  profile?: FirmwareProfileName;
  /**
   * Module model for a dialect with per-model profiles (QMT: `EC800N`, `BG96`…): its limits
   * for the lint. Default: the model the identity stage's answers (ATI, AT+CGMM) name, else the
   * session default (stated as an assumption in stage `mqtt`).
   */
  model?: string;
  /**
   * The module's MQTT AT dialect: its session drives the MQTT stages, its PDP check (Quectel's
   * `AT+QIACT?`) the PDP stage. Default the first registered dialect (ECMT). `settings` become
   * that dialect's configuration commands; `profile` is the default dialect's firmware profile
   * and is left out for another one.
   */
  dialect?: DialectName | 'auto';
  /** run every stage even after one fails (never after the port did not answer). Default false. */
  keepGoing?: boolean;
  /** ping the broker from the module (AT+ECPING). Default false (stage skipped). */
  ping?: boolean | { count?: number; timeoutMs?: number };
  /** compare with a direct connection from this host. Default true. */
  compare?: boolean | CompareExtras;
  /** show IMSI, ICCID and passwords in clear in `seen` and `data`. Default false. */
  logSecrets?: boolean;
  /**
   * A session found on the module (already open/connected): false (default) leaves it and marks
   * the checks that need it "not run"; true ends it first (AT+ECMTDISC/AT+ECMTCLOSE, said in the
   * stage) and runs every check.
   */
  reconnect?: boolean;
  /** more values to mask wherever they appear (the password is always masked). Default none. */
  secrets?: string[];
  /** how long to wait for network registration while the module searches, ms. Default 30000. */
  registrationBudgetMs?: number;
  /** pause between polls while waiting (registration, SIM busy), ms. Default 1000. */
  pollMs?: number;
  /** timeout of each `AT` of stage `link`, ms. Default 2000. */
  probeTimeoutMs?: number;
  /** host timers of the MQTT steps, ms. Defaults: open 30000, connect 30000, disconnect/close 15000. */
  session?: { openTimeoutMs?: number; connectTimeoutMs?: number; closeTimeoutMs?: number };
  /** progress while waiting (stderr in the CLI). Default none. */
  onProgress?: (t: Text) => void;
  /** timers of the waits. Default the system clock. */
  clock?: Clock;
  /** the checklist to run. Default STAGES. */
  stages?: readonly Stage[];
}

export interface ResolvedDiagnoseOptions {
  broker: DiagnoseOptions['broker'];
  credentials: Credentials & { clientId: string };
  settings: MqttSetting[];
  profile: FirmwareProfileName;
  /** --model (dialects with per-model profiles); undefined: from the identity answers */
  model: string | undefined;
  dialect: Dialect;
  /** --dialect auto: the identity stage's answers may name another dialect (stageDialect in util.ts) */
  dialectAuto: boolean;
  keepGoing: boolean;
  ping: { count: number; timeoutMs: number } | null;
  compare: CompareExtras | null;
  logSecrets: boolean;
  reconnect: boolean;
  registrationBudgetMs: number;
  pollMs: number;
  probeTimeoutMs: number;
  session: { openTimeoutMs: number; connectTimeoutMs: number; closeTimeoutMs: number };
}

/** What a stage gets. */
export interface StageContext {
  readonly engine: AtEngine;
  readonly options: ResolvedDiagnoseOptions;
  readonly facts: DiagnoseFacts;
  /** Send one command; its exchange (masked) is appended to `seen`. */
  send(command: string, seen: Text[], opts?: SendOptions): Promise<AtOutcome>;
  /** Mask secrets in one line (unless logSecrets). */
  mask(line: string, dir: 'tx' | 'rx'): string;
  progress(t: Text): void;
  /** the timers of the waits (options.clock) */
  readonly clock: Clock;
  sleep(ms: number): Promise<void>;
  /** ms, monotonic */
  now(): number;
}

export interface Stage {
  id: StageId;
  title: Text;
  run(ctx: StageContext): Promise<StageResult>;
}

export type DiagnosisOutcome =
  /** every stage that ran passed or was skipped */
  | 'pass'
  /** no failure, some warnings */
  | 'warn'
  /** a stage failed */
  | 'fail'
  /** no failure, but a check did not run (a session found on the module was left alone): never PASS */
  | 'incomplete'
  /** the port did not answer AT at all */
  | 'unreachable';

export interface Diagnosis {
  outcome: DiagnosisOutcome;
  stages: StageReport[];
  /** the stage the run stopped at (a failure without keepGoing, or an unreachable port); null when every stage ran */
  stoppedAt: StageId | null;
  /** stages not run because the run stopped */
  notRun: StageId[];
  /** the next thing to check: the first failure's hint, else the first warning's */
  hint: Text | null;
  facts: DiagnoseFacts;
  elapsedMs: number;
}
