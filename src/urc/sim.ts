/**
 * SIM state: `+CPIN: <state>` (READY, SIM PIN, SIM PUK, PH-NET PIN, …; quotes removed).
 * `+CPIN: READY` is both the answer to AT+CPIN? and, on many modules, a power-up URC: it is a
 * `cpin` event here and never a boot banner; the engine decides from context.
 */
import type { EventOf } from './types.js';
import { unquote } from './fields.js';

const STATE = /^[A-Za-z][A-Za-z0-9 _-]{0,31}$/;

export function parseCpin(rest: string, raw: string): EventOf<'cpin'> | null {
  const state = unquote(rest.trim()).trim();
  return STATE.test(state) ? { type: 'cpin', raw, state } : null;
}
