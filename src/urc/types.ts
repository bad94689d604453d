/**
 * Typed events: what one frame printed by the module (or one command written by the host)
 * means. Pure data. Field names follow ../shared/protocol/ecmt.md (connectId, msgId,
 * result, retCode, errCode, topic, payload, qos, ...).
 */
import type { PayloadEnd } from '../framing/framer.js';

import type { QmtEvent } from '../dialects/qmt/events.js';

/** Registration families that share one shape. */
export type RegFamily = 'CEREG' | 'CREG' | 'CGREG';

/** How the end of a raw message payload was found (defined by framing/, which finds it). */
export type { PayloadEnd };

export type ModemEvent =
  // ---- final results (the end of a command's answer) ----
  | { type: 'ok'; raw: string }
  | { type: 'error'; raw: string }
  | { type: 'cme-error'; raw: string; code: number | null; text: string | null }
  | { type: 'cms-error'; raw: string; code: number | null; text: string | null }
  // ---- ECMT URCs (colon + space, or no space; +ECMTCON spelling accepted) ----
  | { type: 'ecmt-open'; raw: string; connectId: number; result: number }
  | { type: 'ecmt-close'; raw: string; connectId: number; result: number }
  | { type: 'ecmt-conn'; raw: string; connectId: number; result: number; retCode: number | null; variant?: 'ECMTCON' }
  | { type: 'ecmt-disc'; raw: string; connectId: number; result: number }
  | { type: 'ecmt-sub'; raw: string; connectId: number; msgId: number; result: number; value: number | null; extra?: number }
  | { type: 'ecmt-uns'; raw: string; connectId: number; msgId: number; result: number; extra?: number }
  | { type: 'ecmt-pub'; raw: string; connectId: number; msgId: number; result: number; extra?: number }
  | { type: 'ecmt-stat'; raw: string; connectId: number; errCode: number }
  | {
      type: 'ecmt-recv';
      /** the header line text up to and including the comma before the payload, plus the payload as text */
      raw: string;
      connectId: number;
      msgId: number;
      topic: string;
      /** exact payload bytes as the module printed them (CR/LF included) */
      payload: Buffer;
      /** certain: the module's framing ended it; inferred: a heuristic did (see endedBy) */
      boundary: 'certain' | 'inferred';
      endedBy: PayloadEnd;
      /** true when bytes were dropped because the block outgrew the framer's bound */
      truncated: boolean;
    }
  // ---- ECMT read / test form answers (no space after the colon on the firmware) ----
  | { type: 'ecmt-open-state'; raw: string; connectId: number; host: string; port: number }
  | { type: 'ecmt-conn-state'; raw: string; connectId: number; state: number }
  | { type: 'ecmt-cfg'; raw: string; cfgType: string; values: string[]; form: 'query' | 'test' }
  | { type: 'ecmt-test'; raw: string; command: string; ranges: string }
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
  // ---- the Quectel QMT dialect (types only: src/dialects/qmt/events.ts) ----
  | QmtEvent;

export type ModemEventType = ModemEvent['type'];

/**
 * Events of the dialects that live in their own folder (src/dialects/<name>/events.ts). A switch
 * over ModemEvent in the core ends with `default: { const other: DialectEvent = e; … }`: still
 * exhaustive for the core's own events, and the dialect explains its events itself.
 */
export type DialectEvent = QmtEvent | Extract<ModemEvent, { type: `ecmt-${string}` }>;

/** Narrow the union by its type literal. */
export type EventOf<T extends ModemEventType> = Extract<ModemEvent, { type: T }>;

/** Final result events. */
export type FinalEvent = EventOf<'ok' | 'error' | 'cme-error' | 'cms-error'>;

export function isFinal(e: ModemEvent): e is FinalEvent {
  return e.type === 'ok' || e.type === 'error' || e.type === 'cme-error' || e.type === 'cms-error';
}
