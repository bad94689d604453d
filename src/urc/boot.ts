/**
 * Boot / ready banners: the module (re)started and every session state is gone.
 *
 * Accepted, exact lines only (a banner is never part of another frame):
 *   - `RDY`: printed when the AT port becomes ready after power-up or reset (Quectel, SIMCom,
 *     and Eigencomm-based modules that follow them).
 *   - `^SYSSTART`, and `^SYSSTART <WORDS>` in upper case (e.g. `^SYSSTART AIRPLANE MODE`,
 *     Cinterion/Telit style).
 *
 * Deliberately NOT banners:
 *   - `+CPIN: READY`: also the answer to AT+CPIN?; the engine decides from context.
 *   - `+ECURC: …`: on the EC616S this is the read/test answer of AT+ECURC (the URC on/off
 *     switch, see the SDK's gcECURC), not a boot line.
 *   - `Eigencomm`/`ECRDY`-style lines: no public source shows an Eigencomm module printing one.
 */
import type { EventOf } from './types.js';
import { clean } from './fields.js';

const SYSSTART = /^\^SYSSTART(?: [A-Z]+)*$/;

/** True for a boot banner (already cleaned of NULs and surrounding whitespace). */
export function isBootBanner(line: string): boolean {
  if (line === 'RDY') return true;
  return line.length <= 64 && line.startsWith('^SYSSTART') && SYSSTART.test(line);
}

/** A boot event from one line (leading NULs and surrounding whitespace ignored), or null. */
export function parseBoot(line: string): EventOf<'boot'> | null {
  const t = clean(line);
  return isBootBanner(t) ? { type: 'boot', raw: line, banner: t } : null;
}
