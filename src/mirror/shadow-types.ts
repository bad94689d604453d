/**
 * The shadow mirror's public shapes: what it emits while it follows a module's session, what it
 * takes, and its final report (./shadow.ts builds them).
 */
import type { Text } from '../util/i18n.js';
import type { ReconStep } from './reconstruct.js';
import type { Cause, CompareStep, SideOutcome, Verdict } from './report.js';
import type { FirmwareProfileName } from '../dialects/ecmt/firmware.js';

export type DivergenceKind =
  | 'open-failed-module-only'
  | 'open-failed-shadow-only'
  | 'connect-refused-module-only'
  | 'connect-refused-shadow-only'
  | 'connect-code-differs'
  | 'subscribe-refused-module-only'
  | 'subscribe-refused-shadow-only'
  | 'publish-failed-module-only'
  | 'publish-failed-shadow-only'
  | 'published-not-delivered'
  | 'message-missing-on-module'
  | 'message-missing-on-shadow'
  | 'payload-differs'
  | 'link-lost-module-only'
  | 'link-lost-shadow-only';

export interface Divergence {
  type: 'divergence';
  kind: DivergenceKind;
  /** the reconstructed step it belongs to (null for messages and links) */
  step: number | null;
  t: number | null;
  evidence: Text[];
  /** the likely cause, from the same knowledge as the compare verdict */
  cause: Cause | null;
}

export type MirrorEvent =
  | { type: 'step'; step: ReconStep; module: SideOutcome; shadow: SideOutcome; same: boolean }
  | Divergence
  | { type: 'message'; side: 'module' | 'shadow'; topic: string; bytes: number; t: number | null }
  | { type: 'note'; text: Text; t: number | null };

export interface MirrorOptions {
  /** the broker to use; default the host and port of the open command seen on the wire */
  broker?: { host: string; port: number; tls: boolean; ca?: string | Buffer; insecure?: boolean };
  /** values to use where the wire shows masked ones (a redacted transcript), or to override */
  credentials?: { clientId?: string; username?: string; password?: string };
  /** derived client ID (default) or the module's own (run sequentially, never at the same time) */
  identity?: 'derived' | 'identical';
  /** suffix of the derived client ID. Default '-mirror'. */
  suffix?: string;
  /** repeat the module's publishes on the shadow (re-running a transcript), or only observe that they reach the broker (live, so the broker does not get them twice). Default: repeat for transcripts, observe live. */
  publish?: 'repeat' | 'observe';
  /** live source (wall-clock time windows) or a transcript re-run */
  live?: boolean;
  /** time window for a message to be seen on both sides, ms. Default 5000. */
  windowMs?: number;
  profile?: FirmwareProfileName;
}

export interface MirrorReport {
  type: 'mirror-report';
  agree: boolean;
  identity: { mode: 'derived' | 'identical'; moduleClientId: string | null; shadowClientId: string | null };
  steps: CompareStep[];
  divergences: Divergence[];
  notes: Text[];
  verdict: Verdict;
}
