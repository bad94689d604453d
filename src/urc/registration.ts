/**
 * Network registration: +CEREG (EPS), +CREG (CS), +CGREG (GPRS), 3GPP TS 27.007 §7.2/§10.1.
 *
 * Two shapes share each prefix:
 *   read answer (AT+CEREG?)  `+CEREG: <n>,<stat>[,"<tac>","<ci>"[,<act>[,…]]]`
 *   URC                      `+CEREG: <stat>[,"<tac>","<ci>"[,<act>[,…]]]`
 * Rule: two or more fields and the second is an unquoted integer → the read answer; otherwise
 * the URC. (A URC's second field is the quoted TAC.) Fields after <act> (reject cause, PSM
 * timers with n=4/5) are ignored. An <act> that is present but not an integer is not guessed at.
 */
import type { EventOf, RegFamily } from './types.js';
import { MAX_FIELDS_TEXT, clean, optText, splitFields, splitPrefix, toInt } from './fields.js';

const FAMILIES: ReadonlyMap<string, RegFamily> = new Map([
  ['+CEREG', 'CEREG'],
  ['+CREG', 'CREG'],
  ['+CGREG', 'CGREG'],
]);

/** The registration family of an upper-case prefix (`+CEREG` → 'CEREG'), or null. */
export function regFamily(prefix: string): RegFamily | null {
  return FAMILIES.get(prefix) ?? null;
}

function solicitedFields(f: readonly string[]): boolean {
  return f.length >= 2 && toInt(f[1]) !== null;
}

/**
 * `+CEREG`/`+CREG`/`+CGREG` after the prefix. `prefix` is upper case without the colon.
 * Null when the prefix is not a registration family or the fields are not of either shape.
 */
export function parseReg(prefix: string, rest: string, raw: string): EventOf<'reg'> | null {
  const family = regFamily(prefix);
  if (family === null || rest.length === 0 || rest.length > MAX_FIELDS_TEXT) return null;
  const f = splitFields(rest);
  const solicited = solicitedFields(f);
  let i = 0;
  let n: number | null = null;
  if (solicited) {
    n = toInt(f[0]);
    if (n === null) return null;
    i = 1;
  }
  const stat = toInt(f[i]);
  if (stat === null) return null;
  const actField = f[i + 3];
  const act = actField === undefined || actField === '' ? null : toInt(actField);
  if (act === null && actField !== undefined && actField !== '') return null;
  return { type: 'reg', raw, family, solicited, n, stat, tac: optText(f[i + 1]), ci: optText(f[i + 2]), act };
}

/**
 * True when the line is the read-form answer `+CEREG: <n>,<stat>…` (or +CREG/+CGREG), false
 * for the URC form and for any other line. Leading NULs and whitespace are ignored.
 */
export function isSolicitedRegAnswer(text: string): boolean {
  const p = splitPrefix(clean(text));
  if (!p || regFamily(p.prefix.toUpperCase()) === null || p.rest.length > MAX_FIELDS_TEXT) return false;
  return solicitedFields(splitFields(p.rest));
}
