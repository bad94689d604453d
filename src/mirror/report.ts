import type { Text } from '../util/i18n.js';
import type { SessionLintFinding as LintFinding } from '../dialects/session.js';
import type { ProfileCredentialCheck } from '../dialects/ecmt/lint.js';
import type { IdentityProbe, LogIdentity } from './identity.js';
import type { BrokerAddress } from './target.js';

/** The steps a comparison can hold, in order. */
export type CompareStepName = 'open' | 'connect' | 'identity' | 'subscribe' | 'unsubscribe' | 'publish' | 'deliver-module-to-direct' | 'deliver-direct-to-module' | 'message' | 'link' | 'disconnect' | 'close';

export interface SideOutcome {
  ok: boolean;
  /** CONNACK/URC code, errno name, null when there is none */
  code: number | string | null;
  detail: Text;
  latencyMs: number | null;
  /** the step did not run on this side (an earlier step failed) */
  skipped?: boolean;
  /** what was observed, in order: the command sent (secrets masked) or that nothing was sent, the answer, the URC, the packet, with times */
  observed?: Text[];
}

export interface CompareStep {
  step: CompareStepName;
  module: SideOutcome;
  direct: SideOutcome;
  same: boolean;
  note?: Text;
  /** the step did not run (the module was already connected, or the run stopped early): why; never counted as agreeing */
  notRun?: Text;
}

export type CauseId =
  | 'credential-quirk'
  | 'firmware-limit'
  | 'unquotable-chars'
  | 'protocol-level'
  | 'tls-without-ca'
  | 'tls-module-setup'
  | 'broker-credentials'
  | 'broker-identifier'
  | 'broker-acl'
  | 'network-module'
  | 'pdn-inactive'
  | 'broker-unreachable'
  | 'sub-value-count'
  | 'payload-nul'
  | 'payload-rx-buffer'
  | 'payload-crlf'
  | 'payload-mangled'
  | 'loss-on-module'
  | 'loss-at-broker'
  | 'broker-silent'
  | 'double-connack'
  | 'broker-qos2-downgraded'
  | 'broker-qos2-refused'
  | 'identity-mismatch'
  | 'credentials-altered'
  | 'broker-lost'
  | 'module-silent'
  | 'unexplained';

export interface Cause {
  id: CauseId;
  text: Text;
  /** 0..1: how strongly the evidence points at it */
  confidence: number;
  /** the facts it rests on: observations of this run, and (marked as such) what a profile assumes */
  evidence: Text[];
  /** rests on an assumption (a firmware profile's quirk) that the run did not observe */
  hypothesis?: boolean;
}

export interface Verdict {
  summary: Text;
  causes: Cause[];
}

export interface DeliveryFacts {
  /** module → direct */
  m2d: { sent: boolean; received: boolean; exact: boolean; expected: Buffer; got: Buffer | null };
  /** direct → module; `brokerDelivered` when the direct client's own subscription got the message */
  d2m: { sent: boolean; received: boolean; exact: boolean; brokerDelivered: boolean; expected: Buffer; got: Buffer | null; inferred: boolean; topic: string; qos: 0 | 1 | 2 };
}

/** The broker went away during the run: what the direct side saw, and when. */
export interface BrokerLoss {
  /** seconds since the port was opened (the module's timeline) */
  at: number;
  /** the step running when it was seen */
  step: CompareStepName;
  /** the direct client's error (ECONNREFUSED, ETIMEDOUT, …) */
  code: string;
  /** what noticed it first (the watch connection closed, the module's step failed, …) */
  seenBy: Text;
  /** when the direct side last reached the broker, seconds, or null */
  lastOkAt: number | null;
}

/** The module stopped answering: its last byte, its last line, and the command left unanswered. */
export interface ModuleSilence {
  /** seconds since the port was opened of the module's last byte, or null when it never said anything */
  lastByteAt: number | null;
  /** the last line it printed (secrets masked), or null */
  lastLine: string | null;
  /** the command that got no answer at all (secrets masked) */
  command: string;
  /** seconds since the port was opened when that command was written */
  sentAt: number;
  /** how long the host waited, ms */
  waitedMs: number;
  step: CompareStepName;
}

/** What the run found on the module, what it changed, and why it stopped early, if it did. */
export interface RunFacts {
  /** the module's MQTT state when the run started (AT+ECMTOPEN? / AT+ECMTCONN?), null when nothing was open */
  found: { open: { host: string; port: number }; connState: number | null } | null;
  /** the session found was kept and only observed (default), or ended first (--reconnect) */
  mode: 'fresh' | 'observed' | 'reconnected';
  /** steps that did not run: why, and how to run them */
  notRun: Array<{ step: CompareStepName; why: Text; how: Text }>;
  /** what the run changed on the module, and whether it was put back */
  changes: Array<{ what: Text; restored: boolean }>;
  brokerLost: BrokerLoss | null;
  moduleSilent: ModuleSilence | null;
}

export interface CompareReport {
  agree: boolean;
  broker: BrokerAddress;
  /** the firmware profile (ECMT) or model (QMT) the run was checked against */
  profile: string;
  /**
   * The module's dialect and how it was chosen: `option` (--dialect), `identity` (the module's
   * ATI/AT+CGMI answer, quoted in `evidence`), `log`, `default` (nothing told; assumed). Absent
   * when the caller did not say.
   */
  dialect?: { name: string; title: string; by: 'option' | 'identity' | 'log' | 'default'; evidence: string | null };
  /**
   * For a dialect with per-model profiles (QMT): the model `profile` names and the observation
   * it rests on: `option` (--model), `identity` (the module's answer line in `evidence`, the
   * command in `source` when known), `default` (nothing told: assumed). Absent for the default dialect.
   */
  model?: { name: string; by: 'option' | 'identity' | 'default'; evidence: string | null; source?: string };
  identity: {
    /** the order of the identical-ID connect comparison */
    mode: 'direct-first' | 'module-first';
    /** the client ID both sides used for connect (the module's own) */
    connectClientId: string;
    /** the derived ID the direct side used for traffic */
    trafficClientId: string;
    /** the module's identity as the broker's log shows it; null without a log */
    observed: LogIdentity | null;
    /** the takeover probe (--probe-identity); null when not run */
    probe: IdentityProbe | null;
  };
  /** the given credentials against every known firmware profile (lengths only) */
  credentialCheck: ProfileCredentialCheck[];
  steps: CompareStep[];
  verdict: Verdict;
  lint: LintFinding[];
  delivery: DeliveryFacts | null;
  /** lines the broker wrote during the run (--broker-log) */
  brokerLog: string[];
  /** compare: the module's state found, changes made, steps not run, an early stop (absent in mirror reports) */
  run?: RunFacts;
  /** MQTT parameters used on both sides (no secrets) */
  parameters: { protocolLevel: 3 | 4; keepalive: number; clean: boolean; will: boolean; tls: boolean; clientIdLength: number; usernameLength: number | null; passwordLength: number | null };
}
