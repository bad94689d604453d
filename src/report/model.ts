/**
 * The page's data model: everything the HTML report shows, already in one language, already
 * masked. Built from a comparison, a diagnosis, a mirror run or a bare session (transcript,
 * pasted log, timeline) by build.ts; drawn by html.ts.
 */

/** The four lanes of the sequence diagram, left to right. */
export type Lane = 'host' | 'module' | 'broker' | 'direct';

/**
 * What an arrow is (the filter's categories): an AT command or data the host wrote, the
 * module's answer, an unsolicited result code, an MQTT packet (module ↔ broker as the AT
 * traffic implies it, or the direct client's), a TCP-level event, an annotation.
 */
export type EventKind = 'command' | 'data' | 'response' | 'urc' | 'mqtt' | 'tcp' | 'direct' | 'note';

export interface DiagramEvent {
  /** seconds since the start of the session; null when the source had no times */
  t: number | null;
  from: Lane;
  to: Lane;
  kind: EventKind;
  /** the short text on the arrow */
  label: string;
  /** the raw line (masked) */
  raw: string;
  /** what it means, '' when nothing is known */
  explain: string;
  /** a failure (ERROR, a non-zero result, a refused CONNACK, a lost link) */
  error?: boolean;
  /** part of the first place where the two sides parted (or the first failure of a bare session) */
  divergence?: boolean;
  /** the placement in time is an assumption (direct-lane packets placed at the matching module step) */
  approx?: boolean;
}

export interface PlainSide {
  ok: boolean;
  code: string | number | null;
  detail: string;
  latencyMs: number | null;
  skipped?: boolean;
  /** a status word newer reports carry (e.g. "not-run"), shown as it is */
  status?: string;
}

export interface PlainStep {
  step: string;
  module: PlainSide;
  direct: PlainSide;
  same: boolean;
  note?: string;
}

export interface PlainCause {
  id: string;
  text: string;
  confidence: number | null;
  evidence: string[];
}

export interface PlainVerdict {
  /** true: no problem; false: a problem; null: not judged (a bare session) */
  ok: boolean | null;
  headline: string;
  summary: string;
  causes: PlainCause[];
}

export interface PlainStage {
  index: number;
  title: string;
  status: string;
  summary: string;
  seen: string[];
  hint: string | null;
}

export interface ReportHeader {
  title: string;
  /** compare, diagnose, mirror, decode, monitor, transcript… */
  kind: string;
  module: { manufacturer?: string; model?: string; firmware?: string; imei?: string; iccid?: string };
  profile?: string;
  dialect: string;
  broker?: string;
  version: string;
  when: string;
  source?: string;
  port?: string;
}

export interface ReportModel {
  lang: 'en' | 'zh';
  header: ReportHeader;
  verdict: PlainVerdict | null;
  steps: PlainStep[];
  stages: PlainStage[];
  /** lines of context: lint findings, notes, broker log lines */
  notes: Array<{ title: string; lines: string[] }>;
  events: DiagramEvent[];
  /** which lanes to draw (the direct lane only when there is one) */
  lanes: Lane[];
  /** index into events of the first divergence, -1 when none */
  firstDivergence: number;
  /** index into steps of the first step where the sides differ, -1 when none */
  firstStepDivergence: number;
  /** how the highlight is named ('first divergence' / 'first failure') */
  divergenceLabel: string;
}
