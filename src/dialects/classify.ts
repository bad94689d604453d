/**
 * One frame's text → one typed event. Pure, no state, never throws.
 *
 * Classification: leading NUL bytes and surrounding whitespace are ignored (`raw` keeps the text
 * as given). The first character picks the path:
 *   `+`  → the prefix up to `:` is looked up (case-insensitive) in one table; a known prefix
 *          whose fields are not of a documented shape, and any other `+XYZ:` line, become
 *          `{ type: 'info', prefix: '+XYZ', text }` (prefix as printed);
 *   `O`/`E` → exact `OK` / `ERROR`;  `R`/`^` → boot banners (`RDY`, `^SYSSTART…`);
 *   anything else → `{ type: 'unknown' }` (identity answers such as `EC616S` included: the
 *   engine reads those by the command they answer).
 */
import type { ModemEvent, UrcRole } from '../urc/types.js';
import { isBootBanner } from '../urc/boot.js';
import { dialects } from './index.js';
import { parseEcdns, parseEcping } from '../urc/eigencomm.js';
import { isSpace, prefixColon, restStart } from '../urc/fields.js';
import { cmeError, cmsError } from '../urc/final.js';
import { parsePacket } from '../urc/packet.js';
import { parseReg } from '../urc/registration.js';
import { parseCpin } from '../urc/sim.js';
import { parseSignal } from '../urc/signal.js';

type Handler = (prefix: string, rest: string, raw: string) => ModemEvent | null;

const HANDLERS: ReadonlyMap<string, Handler> = (() => {
  const m = new Map<string, Handler>();
  m.set('+CME ERROR', (_p, rest, raw) => cmeError(rest, raw));
  m.set('+CMS ERROR', (_p, rest, raw) => cmsError(rest, raw));
  for (const p of ['+CEREG', '+CREG', '+CGREG']) m.set(p, parseReg);
  for (const p of ['+CGATT', '+CGPADDR', '+CGEV', '+CGCONTRDP']) m.set(p, parsePacket);
  for (const p of ['+CSQ', '+CESQ', '+CFUN']) m.set(p, parseSignal);
  m.set('+CPIN', (_p, rest, raw) => parseCpin(rest, raw));
  m.set('+ECDNS', (_p, rest, raw) => parseEcdns(rest, raw));
  m.set('+ECPING', (_p, rest, raw) => parseEcping(rest, raw));
  return m;
})();

/**
 * The registered dialects' URC parsers, by prefix (upper case, no colon), and their message
 * prefixes. Built on first use from the registry (dialects/index.ts imports this module through
 * the dialects' parsers, so it is read lazily), and again when a dialect is registered.
 */
/**
 * What the classifier reads of a dialect: its URC table, message framing and parsers (a
 * registered `Dialect` has all of it).
 */
interface UrcSource {
  /** the command/URC family prefix (`+ECMT`, `+QMT`) */
  family: string;
  urcs: readonly { prefix: string; role: UrcRole }[];
  framing: {
    prefix: string;
    style: 'raw' | 'quoted';
    fromLine?(text: string, from: number): ModemEvent | null;
  };
  parseUrc(prefix: string, rest: string, raw: string): ModemEvent | null;
}

interface DialectTables {
  count: number;
  handlers: Map<string, UrcSource>;
  messages: Map<string, UrcSource>;
  frames: Set<string>;
  families: string[];
  /** each URC prefix's role (upper case, no colon) */
  roles: Map<string, UrcRole>;
  /** the message prefixes with their payload style, for messageAt */
  messageStyles: { prefix: string; style: UrcSource['framing']['style'] }[];
}
let tables: DialectTables | null = null;

function dialectTables(): DialectTables {
  if (tables && tables.count === dialects.length) return tables;
  const sources: readonly UrcSource[] = dialects;
  const handlers = new Map<string, UrcSource>();
  const messages = new Map<string, UrcSource>();
  const frames = new Set<string>(HANDLERS.keys());
  const roles = new Map<string, UrcRole>();
  for (const d of sources) {
    for (const u of d.urcs) {
      frames.add(u.prefix);
      if (!roles.has(u.prefix)) roles.set(u.prefix, u.role);
      if (u.prefix === d.framing.prefix) messages.set(u.prefix, d);
      else if (!handlers.has(u.prefix)) handlers.set(u.prefix, d);
    }
    frames.add(d.framing.prefix);
    messages.set(d.framing.prefix, d);
  }
  const messageStyles = sources.map((d) => ({ prefix: d.framing.prefix, style: d.framing.style }));
  tables = { count: dialects.length, handlers, messages, frames, families: sources.map((d) => d.family), roles, messageStyles };
  return tables;
}

/**
 * Prefixes (exact case, without the colon) the module itself starts a frame with: the 3GPP and
 * Eigencomm families here and every registered dialect's URCs. A dialect's whole family (`+ECMT…`,
 * `+QMT…`) counts as well (see isKnownFrameStart).
 */
export function framePrefixes(): ReadonlySet<string> {
  return dialectTables().frames;
}

/** toUpperCase() for a prefix (ASCII letters, digits, `_`, spaces): itself when already upper case. */
function upperPrefix(p: string): string {
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return p.toUpperCase();
  }
  return p;
}

function classify(raw: string): ModemEvent {
  // contentBounds(raw), inline
  const len = raw.length;
  let s = 0;
  while (s < len) {
    const c = raw.charCodeAt(s);
    if (c !== 0 && !isSpace(c)) break;
    s++;
  }
  let e = len;
  while (e > s && isSpace(raw.charCodeAt(e - 1))) e--;
  if (s === e) return { type: 'unknown', raw };
  const c0 = raw.charCodeAt(s);
  const n = e - s;
  switch (c0) {
    case 0x2b /* + */: {
      const line = s === 0 && e === raw.length ? raw : raw.slice(s, e);
      // splitPrefix(line), without its object
      const colon = prefixColon(line);
      if (colon < 0) return { type: 'unknown', raw };
      const prefix = line.slice(0, colon);
      const rest = line.slice(restStart(line, colon));
      const key = upperPrefix(prefix);
      const h = HANDLERS.get(key);
      if (h) {
        const ev = h(key, rest, raw);
        if (ev) return ev;
      } else {
        const t = dialectTables();
        const msg = t.messages.get(key);
        if (msg) {
          const ev = msg.framing.fromLine?.(raw, s) ?? null;
          if (ev) return ev;
        } else {
          const d = t.handlers.get(key);
          if (d) {
            const ev = d.parseUrc(key, rest, raw);
            if (ev) return ev;
          }
        }
      }
      if (prefix.includes(' ')) return { type: 'unknown', raw };
      return { type: 'info', raw, prefix, text: rest };
    }
    case 0x4f /* O */:
      if (n === 2 && raw.charCodeAt(s + 1) === 0x4b) return { type: 'ok', raw };
      break;
    case 0x45 /* E */:
      if (n === 5 && raw.startsWith('ERROR', s)) return { type: 'error', raw };
      break;
    case 0x52 /* R */:
    case 0x5e /* ^ */: {
      if (n <= 64) {
        const line = raw.slice(s, e);
        if (isBootBanner(line)) return { type: 'boot', raw, banner: line };
      }
      break;
    }
    default:
      break;
  }
  return { type: 'unknown', raw };
}

/**
 * Classify one frame's text. Never throws: garbage, control characters and huge strings give
 * `unknown` (or `info` for an unrecognised `+XYZ:` line). A `+ECMTRECV:` line read here carries
 * the rest of the line as its payload with `boundary: 'inferred'`, `endedBy: 'line'`; the framer
 * builds the real multi-line event with recvEvent/recvBlockEvent.
 */
export function parseLine(text: string): ModemEvent {
  const raw = typeof text === 'string' ? text : String(text);
  try {
    return classify(raw);
  } catch {
    return { type: 'unknown', raw };
  }
}

/** `+<FAMILY><UPPER LETTERS>` for a registered dialect's family (`+ECMTXYZ`, `+QMTXYZ`). */
function isDialectFamily(prefix: string, families: readonly string[]): boolean {
  for (const f of families) {
    if (prefix.length <= f.length || !prefix.startsWith(f)) continue;
    let ok = true;
    for (let i = f.length; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      if (c < 0x41 || c > 0x5a) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/**
 * True when the line begins a frame the module itself prints: exactly `OK`/`ERROR`, a boot
 * banner, or `+PREFIX:` for a family this layer knows (`+CME ERROR`, `+CMS ERROR`, the whole
 * `+ECMT…` family, +CEREG/+CREG/+CGREG, +CGATT, +CGPADDR, +CGEV, +CGCONTRDP, +CPIN, +CSQ,
 * +CESQ, +CFUN, +ECDNS, +ECPING). Strict, because it decides where a raw +ECMTRECV payload
 * ends: upper case only, the line must start at column 0 (leading NULs are skipped, leading
 * spaces are not), only trailing whitespace is ignored, and an unknown `+Word:` is not a frame.
 */
export function isKnownFrameStart(text: string): boolean {
  if (typeof text !== 'string') return false;
  let s = 0;
  while (s < text.length && text.charCodeAt(s) === 0) s++;
  if (s >= text.length) return false;
  const c0 = text.charCodeAt(s);
  if (c0 === 0x2b) {
    const limit = Math.min(text.length, s + 33);
    const colon = text.indexOf(':', s);
    if (colon < 0 || colon >= limit) return false;
    const prefix = text.slice(s, colon);
    const t = dialectTables();
    return t.frames.has(prefix) || isDialectFamily(prefix, t.families);
  }
  if (c0 !== 0x4f && c0 !== 0x45 && c0 !== 0x52 && c0 !== 0x5e) return false;
  let e = text.length;
  while (e > s && (text.charCodeAt(e - 1) === 0x20 || text.charCodeAt(e - 1) === 0x09 || text.charCodeAt(e - 1) === 0x0d || text.charCodeAt(e - 1) === 0x0a)) e--;
  if (e - s > 64) return false;
  const line = text.slice(s, e);
  return line === 'OK' || line === 'ERROR' || isBootBanner(line);
}

/** True when the line starts a downlink message (a dialect's message prefix and `:`, `+ECMTRECV:`, exact case, leading NULs skipped). */
export function isRecvStart(text: string): boolean {
  let s = 0;
  while (s < text.length && text.charCodeAt(s) === 0) s++;
  for (const p of dialectTables().messages.keys()) if (text.startsWith(p, s) && text.charCodeAt(s + p.length) === 0x3a) return true;
  return false;
}

/**
 * The payload style (`raw`, `quoted`) of the registered dialect whose message prefix (`+ECMTRECV`,
 * `+QMTRECV`) `text` has at `from`, colon or not; null when none. `anyCase`: the prefix in any
 * letter case (exact case otherwise). Where a pasted log's message (and its payload) opens.
 */
export function messageAt(text: string, from = 0, anyCase = false): UrcSource['framing']['style'] | null {
  for (const m of dialectTables().messageStyles) {
    if (text.startsWith(m.prefix, from)) return m.style;
    if (anyCase && startsFolded(text, m.prefix, from)) return m.style;
  }
  return null;
}

/** `text` has the upper-case ASCII `prefix` at `from`, its letters in any case (no allocation). */
function startsFolded(text: string, prefix: string, from: number): boolean {
  if (text.length - from < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = text.charCodeAt(from + i);
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * True when the event is a registered dialect's result, link-loss or state answer (its URC's role
 * in the dialect's table) in set or read form: fields of a documented shape, read to the last one.
 * Not a test-form answer (ranges in `(…)`, free text), a configuration answer, a message or
 * anything else the dialect prints. What a pasted log's note may follow (transcript/paste.ts).
 */
export function isDialectAnswer(ev: ModemEvent): boolean {
  if (ev.type === 'info' || ev.type === 'unknown') return false;
  const raw = ev.raw;
  let s = 0;
  while (s < raw.length && (raw.charCodeAt(s) === 0 || isSpace(raw.charCodeAt(s)))) s++;
  const line = s === 0 ? raw : raw.slice(s);
  const colon = prefixColon(line);
  if (colon < 0) return false;
  const role = dialectTables().roles.get(upperPrefix(line.slice(0, colon)));
  if (role !== 'result' && role !== 'link-lost' && role !== 'state') return false;
  return line.charCodeAt(restStart(line, colon)) !== 0x28;
}
