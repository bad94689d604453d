/**
 * The dialect-neutral MQTT-over-AT session: the shape `compare` and `diagnose` drive, whatever
 * the module's dialect (ECMT's EcmtSession, QMT's QmtSession implement it). A dialect hands one
 * out through `Dialect.session` (./types.ts), so the mirror and the diagnosis never name a
 * dialect's session class.
 *
 * Types only (no runtime): the layer rules let `dialects/types.ts` and the layers above read it.
 */
import type { AtEngine } from '../at/engine.js';
import type { AtOutcome } from '../at/types.js';
import type { ModemEvent } from '../urc/types.js';
import type { Clock } from '../util/clock.js';
import type { Text } from '../util/i18n.js';
import type { DialectName } from './types.js';

/** One step of a session (the report's step names). */
export type ModuleStep = 'configure' | 'open' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect' | 'close';

/** Why a step failed (the same words in every dialect). */
export type ModuleStepFailure = 'lint' | 'rejected' | 'no-answer' | 'no-urc' | 'urc' | 'state' | 'aborted';

/** A lint finding of any dialect: lengths and limits, never a value. */
export interface SessionLintFinding {
  code: string;
  field: string;
  severity: 'error' | 'warning' | 'info';
  /** the firmware profile / model it was checked against */
  profile: string;
  valueLength?: number;
  limit?: number | null;
  range?: readonly [number, number];
  message: Text;
}

/** What one step did: the command as sent (secrets masked), the answer, and the result URC observed. */
export interface ModuleStepResult {
  step: ModuleStep;
  ok: boolean;
  failure: ModuleStepFailure | null;
  /** the command as sent, secrets masked; null when nothing was sent */
  command: string | null;
  outcome: AtOutcome | null;
  /** the result URC that decided the step (read it with the dialect's `resultOf`) */
  urc: ModemEvent | null;
  /** other URCs of the same step (ECMT's first of two +…CONN, QMT's retransmission notices) */
  extraUrcs: ModemEvent[];
  lint: readonly SessionLintFinding[];
  /** ms from sending the command to the deciding answer */
  latencyMs: number;
  explain: Text | null;
  note: Text | null;
  msgId?: number;
}

/** A message the module printed for a subscription. */
export interface ModuleMessage {
  topic: string;
  /** exact payload bytes */
  payload: Buffer;
  msgId: number;
  boundary: 'certain' | 'inferred';
  truncated: boolean;
  /** seconds on the engine's clock */
  t: number;
}

/** The facts about a firmware build the comparison's verdict reads (assumptions, worded as such there). */
export interface ComparisonProfile {
  name: string;
  quirks: { credentialQuirk: boolean; subValueIsCount: boolean };
  limits: { rxBuffer: number | null };
}

/** The events compare and diagnose listen to. */
export interface ModuleSessionEvents {
  message: [m: ModuleMessage];
  /** the link to the broker broke (the dialect's link-loss URC) */
  linkLost: [e: { errCode: number; t: number }];
  /** the module's own reconnect produced a connect result (dialects with `autoReconnect` only) */
  reconnected: [e: { ok: boolean; retCode: number | null; result: number; t: number; explain: Text | null }];
  /** the session ended and will not come back by itself */
  ended: [e: { result: number; t: number }];
}

type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * A module's MQTT session driven over AT. `configure` takes the dialect's own setting type
 * (`settingsFor` of the dialect builds them from neutral MQTT options).
 */
export interface ModuleSession {
  /** the dialect it speaks */
  readonly dialectName: DialectName;
  readonly engine: AtEngine;
  /** the profile name and the facts the verdict reads */
  readonly comparisonProfile: ComparisonProfile;
  /** the module's own view before the run: the link it has open, its connect state (the dialect's state numbers; 3 = connected in both) */
  query(): Promise<{ open: { host: string; port: number } | null; connState: number | null; outcomes: AtOutcome[] }>;
  /** lint of the open/connect parameters against this session's profile (before anything is sent) */
  lintSession(host: string, port: number, c: SessionCredentials): SessionLintFinding[];
  /** one setting of the dialect's configuration command (its own setting type: ECMT's CfgSetting, QMT's QmtSetting) */
  configure(setting: never): Promise<ModuleStepResult>;
  open(host: string, port: number): Promise<ModuleStepResult>;
  connect(c: SessionCredentials): Promise<ModuleStepResult>;
  subscribe(topic: string, qos?: 0 | 1 | 2): Promise<ModuleStepResult>;
  unsubscribe(topic: string): Promise<ModuleStepResult>;
  publish(topic: string, payload: string | Uint8Array, opts?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<ModuleStepResult>;
  disconnect(): Promise<ModuleStepResult>;
  close(): Promise<ModuleStepResult>;
  /** end every wait for a URC now (the broker went away) */
  cancelWaits(reason: string): void;
  on<K extends keyof ModuleSessionEvents>(event: K, l: Listener<ModuleSessionEvents[K]>): unknown;
  off<K extends keyof ModuleSessionEvents>(event: K, l: Listener<ModuleSessionEvents[K]>): unknown;
  once<K extends keyof ModuleSessionEvents>(event: K, l: Listener<ModuleSessionEvents[K]>): unknown;
}

export interface SessionCredentials {
  clientId: string;
  username?: string;
  password?: string;
}

/** What a dialect's session factory takes. */
export interface SessionFactoryOptions {
  /** firmware profile (ECMT) / model (QMT) name; the dialect's default when absent */
  profile?: string;
  /** host timers, ms (each dialect has its defaults) */
  openTimeoutMs?: number;
  connectTimeoutMs?: number;
  ackTimeoutMs?: number;
  closeTimeoutMs?: number;
  clock?: Clock;
}
