import type { ModemEvent } from '../../urc/types.js';
import { explain } from './codes.js';
import { text, type Text } from '../../util/i18n.js';

/** The result URCs that end an ECMT two-phase command (the command answered OK at once). */
export type ResultUrc = Extract<ModemEvent, { type: 'ecmt-open' | 'ecmt-close' | 'ecmt-conn' | 'ecmt-disc' | 'ecmt-sub' | 'ecmt-uns' | 'ecmt-pub' }>;

/**
 * Why a two-phase command failed although it answered OK, read from its result URC
 * (shared/protocol/ecmt.md, "Result URCs"); null when the URC reports success.
 *
 * - OPEN/CLOSE/DISC/SUB/UNS/PUB: a `result` other than 0 (e.g. `+ECMTOPEN: 0,-1`);
 * - CONN: a `result` other than 0, or a CONNACK return code other than 0 (`+ECMTCONN: 0,0,5`);
 * - SUB: a `value` of 128 (0x80, the SUBACK failure code) on the firmware that prints the
 *   granted QoS (EC616S prints a count and cannot show it).
 */
export function resultFailure(ev: ResultUrc): Text | null {
  let failed: boolean;
  switch (ev.type) {
    case 'ecmt-conn':
      failed = ev.result !== 0 || (ev.retCode !== null && ev.retCode !== 0);
      break;
    case 'ecmt-sub':
      failed = ev.result !== 0 || ev.value === 128;
      break;
    default:
      failed = ev.result !== 0;
  }
  if (!failed) return null;
  if (ev.type === 'ecmt-sub' && ev.result === 0) return text(`the broker refused the subscription (SUBACK 0x80, value 128; msgID ${ev.msgId})`, `服务器拒绝了该订阅（SUBACK 0x80，value 128；msgID ${ev.msgId}）`);
  return explain(ev) ?? text(`${ev.raw} reports a failure`, `${ev.raw} 报告失败`);
}
