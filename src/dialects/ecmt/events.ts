/**
 * Typed events of the Eigencomm ECMT dialect (../shared/protocol/ecmt.md §4). Pure data: the
 * URC parsers (./urc.ts) build them, urc/types.ts joins them into ModemEvent with a type-only
 * import (the layer test counts this file as dialect data, below framing/).
 *
 * Field names follow the reference: `connectId` is `<id>`, `msgId` is `<msgID>`,
 * `result`, `retCode` (CONNACK), `errCode` (+ECMTSTAT), `topic`, `payload`. Every event keeps the
 * exact text it was read from in `raw`.
 */
import type { PayloadEnd } from '../../util/payload-end.js';

export type EcmtEvent =
  // ---- URCs (colon + space, or no space; +ECMTCON spelling accepted) ----
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
  // ---- read / test form answers (no space after the colon on the firmware) ----
  | { type: 'ecmt-open-state'; raw: string; connectId: number; host: string; port: number }
  | { type: 'ecmt-conn-state'; raw: string; connectId: number; state: number }
  | { type: 'ecmt-cfg'; raw: string; cfgType: string; values: string[]; form: 'query' | 'test' }
  | { type: 'ecmt-test'; raw: string; command: string; ranges: string };

export type EcmtEventType = EcmtEvent['type'];
export type EcmtEventOf<T extends EcmtEventType> = Extract<EcmtEvent, { type: T }>;
