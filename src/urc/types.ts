/**
 * Typed events: what one frame printed by the module (or one command written by the host)
 * means. Pure data. Field names follow ../shared/protocol/ecmt.md (connectId, msgId,
 * result, retCode, errCode, topic, payload, qos, ...).
 */
import type { PayloadEnd } from '../util/payload-end.js';

import type { EcmtEvent } from '../dialects/ecmt/events.js';
import type { QmtEvent } from '../dialects/qmt/events.js';

/** Registration families that share one shape. */
export type RegFamily = 'CEREG' | 'CREG' | 'CGREG';

/** How the end of a raw message payload was found (util/payload-end.ts: framing/ finds it, the dialects' message events carry it). */
export type { PayloadEnd };

export type ModemEvent =
  // ---- final results (the end of a command's answer) ----
  | { type: 'ok'; raw: string }
  | { type: 'error'; raw: string }
  | { type: 'cme-error'; raw: string; code: number | null; text: string | null }
  | { type: 'cms-error'; raw: string; code: number | null; text: string | null }
  // ---- 3GPP ----
  | {
      type: 'reg';
      raw: string;
      family: RegFamily;
      /** true for the read-form answer `+CEREG: <n>,<stat>…`, false for the URC `+CEREG: <stat>…` */
      solicited: boolean;
      n: number | null;
      stat: number;
      tac: string | null;
      ci: string | null;
      act: number | null;
    }
  | { type: 'cpin'; raw: string; state: string }
  | { type: 'csq'; raw: string; rssi: number; ber: number; dbm: number | null }
  | {
      type: 'cesq';
      raw: string;
      rxlev: number;
      ber: number;
      rscp: number;
      ecno: number;
      rsrq: number;
      rsrp: number;
      /** RSRP in dBm from the index (rsrp - 141), null when 255 (unknown) */
      rsrpDbm: number | null;
      /** RSRQ in dB from the index (rsrq/2 - 20), null when 255 */
      rsrqDb: number | null;
    }
  | { type: 'cgatt'; raw: string; attached: boolean }
  | { type: 'cgpaddr'; raw: string; cid: number; addresses: string[] }
  | { type: 'cgev'; raw: string; text: string }
  | { type: 'cfun'; raw: string; fun: number }
  | { type: 'cgcontrdp'; raw: string; cid: number; fields: string[] }
  // ---- Eigencomm ----
  | { type: 'ecdns'; raw: string; addresses: string[] }
  | {
      type: 'ecping';
      raw: string;
      kind: 'succ' | 'fail' | 'done';
      dest: string | null;
      rttMs: number | null;
      timeoutMs: number | null;
    }
  // ---- identity answers (lines without a prefix, told apart by the command they answer) ----
  | { type: 'info'; raw: string; prefix: string | null; text: string }
  // ---- boot / ready banners: the module (re)started, every session state is gone ----
  | { type: 'boot'; raw: string; banner: string }
  // ---- anything else: kept, never dropped ----
  | { type: 'unknown'; raw: string }
  // ---- the dialects' events (types only: src/dialects/<name>/events.ts) ----
  | EcmtEvent
  | QmtEvent;

export type ModemEventType = ModemEvent['type'];

/**
 * Events of the dialects that live in their own folder (src/dialects/<name>/events.ts). A switch
 * over ModemEvent in the core ends with `default: { const other: DialectEvent = e; … }`: still
 * exhaustive for the core's own events, and the dialect explains its events itself.
 */
export type DialectEvent = EcmtEvent | QmtEvent;

/**
 * What a URC means for a session: its role in a dialect's URC table (dialects/types.ts UrcSpec).
 * Declared here because the URC classifier (dialects/classify.ts) reads the roles as well.
 */
export type UrcRole =
  /** completes a two-phase command (see ResultSpec) */
  | 'result'
  /** a received message */
  | 'message'
  /** the link to the broker was lost (`+ECMTSTAT`, `+QMTSTAT`) */
  | 'link-lost'
  /** answer of a read form (`+ECMTCONN:0,3`) or a test form */
  | 'state'
  /** a configuration query answer */
  | 'config'
  /** anything else the dialect prints (`+QMTPING`) */
  | 'other';

/** Narrow the union by its type literal. */
export type EventOf<T extends ModemEventType> = Extract<ModemEvent, { type: T }>;

/** Final result events. */
export type FinalEvent = EventOf<'ok' | 'error' | 'cme-error' | 'cms-error'>;

export function isFinal(e: ModemEvent): e is FinalEvent {
  return e.type === 'ok' || e.type === 'error' || e.type === 'cme-error' || e.type === 'cms-error';
}
