/**
 * How the emulated firmware reads its AT input.
 *
 * Bytes → command lines (`LineAssembler`), one byte at a time so that the emulator can stop
 * reading while a command runs and switch to data mode right after `AT+ECMTPUB` asked for it:
 *   - a command line ends at CR; an LF is ignored, so CR LF works; BS (0x08) deletes a byte;
 *     NUL, Ctrl-Z and ESC outside data mode are ignored (a late ESC from a host that gave up
 *     on a prompt does not spoil the next command);
 *   - a line longer than MAX_LINE bytes is answered ERROR when its CR arrives;
 *   - data mode (after the `> ` prompt): raw bytes up to Ctrl-Z (0x1A: send) or ESC (0x1B:
 *     cancel); bytes past the limit are counted and dropped, the caller answers the overflow.
 *
 * Command line → command (`parseCommandLine`):
 *   - leading blanks and NULs are skipped; `AT` in any case; the name is case-insensitive;
 *   - extended commands (`+`, `^`, `$`, `%`, `#`, `*`): blanks are accepted between the name
 *     and `=`/`?` (a real EC616S accepted `AT+ECMTCFG ="cloud",0,4,1`); `=?` test, `?` read,
 *     `=` set, nothing: action;
 *   - basic commands: one letter (or `&` + letter) and optional digits (`ATE0`, `ATI`, `AT&F`);
 *   - `;` outside double quotes ends the command: the rest of the line is ignored (no
 *     command chaining). AT+ECMTPUB is the exception: its payload runs raw to the end of the
 *     line, `;` included.
 *
 * Parameters (`splitArgs`): comma-separated; a value is either quoted (`"…"`, no escapes: it
 * ends at the next `"`) or bare (trimmed, up to the next comma). Text after a closing quote
 * other than blanks before the comma is a syntax error. The parameter at `rawIndex` takes the
 * rest of the line verbatim (the AT+ECMTPUB payload).
 *
 * Everything is latin1 text: one character per byte, so lengths are byte counts as in the
 * firmware and payload bytes survive unchanged.
 */

export const CR = 0x0d;
export const LF = 0x0a;
export const BS = 0x08;
export const CTRL_Z = 0x1a;
export const ESC = 0x1b;

/** Longest command line kept (bytes, CR excluded). The firmware's buffer size is not published; 4096 fits a 1024-byte payload, a 255-byte topic and a base64 CA. */
export const MAX_LINE = 4096;

export type InputEvent =
  | { kind: 'line'; line: string; overlong: boolean }
  | { kind: 'data'; payload: Buffer; end: 'ctrl-z' | 'esc' | 'length'; overflow: boolean };

export class LineAssembler {
  #mode: 'command' | 'data' = 'command';
  #line: number[] = [];
  #overlong = false;
  #data: number[] = [];
  #limit = 0;
  #exact: number | null = null;
  #overflow = false;

  get mode(): 'command' | 'data' {
    return this.#mode;
  }

  /** True in a fixed-length data mode (every byte is payload, Ctrl-Z and ESC included). */
  get fixedLength(): boolean {
    return this.#mode === 'data' && this.#exact !== null;
  }

  /**
   * Switch to data mode (after the `> ` prompt); at most `limit` bytes are kept. With `exact`
   * (Quectel's `AT+QMTPUB…,<len>`) the payload is exactly that many bytes, Ctrl-Z and ESC included.
   */
  enterData(limit: number, exact?: number): void {
    this.#mode = 'data';
    this.#data = [];
    this.#limit = limit;
    this.#exact = exact ?? null;
    this.#overflow = false;
  }

  /** Forget everything (reboot). */
  reset(): void {
    this.#mode = 'command';
    this.#line = [];
    this.#overlong = false;
    this.#data = [];
    this.#exact = null;
    this.#overflow = false;
  }

  /** Feed one byte; returns the line or payload it completed, if any. */
  push(b: number): InputEvent | null {
    if (this.#mode === 'data') {
      if (this.#exact !== null) {
        this.#data.push(b);
        if (this.#data.length < this.#exact) return null;
        const ev: InputEvent = { kind: 'data', payload: Buffer.from(this.#data), end: 'length', overflow: false };
        this.#mode = 'command';
        this.#data = [];
        this.#exact = null;
        return ev;
      }
      if (b === CTRL_Z || b === ESC) {
        const ev: InputEvent = { kind: 'data', payload: Buffer.from(this.#data), end: b === CTRL_Z ? 'ctrl-z' : 'esc', overflow: this.#overflow };
        this.#mode = 'command';
        this.#data = [];
        return ev;
      }
      if (this.#data.length < this.#limit) this.#data.push(b);
      else this.#overflow = true;
      return null;
    }
    switch (b) {
      case CR: {
        const ev: InputEvent = { kind: 'line', line: Buffer.from(this.#line).toString('latin1'), overlong: this.#overlong };
        this.#line = [];
        this.#overlong = false;
        return ev;
      }
      case LF:
      case 0x00:
      case CTRL_Z:
      case ESC:
        return null;
      case BS:
        this.#line.pop();
        return null;
      default:
        if (this.#line.length < MAX_LINE) this.#line.push(b);
        else this.#overlong = true;
        return null;
    }
  }
}

export type CommandForm = 'action' | 'read' | 'test' | 'set';

export interface AtCommand {
  /** The line as received, CR excluded (latin1). */
  line: string;
  /** Upper case: '' for a bare `AT`, 'E' for ATE0, '&F', '+CSQ', '+ECMTCFG'… */
  name: string;
  form: CommandForm;
  /** Set form: the text after `=` (basic commands: the digits). Empty otherwise. */
  args: string;
}

export type ParsedLine =
  | { kind: 'empty' }
  | { kind: 'invalid'; line: string; reason: string }
  | { kind: 'command'; command: AtCommand };

const EXT_START = '+^$%#*';
const NAME_REST = /^[A-Za-z][A-Za-z0-9_]*/;

/** Index of the first `;` outside double quotes, or -1. */
function semicolonAt(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) return i;
  }
  return -1;
}

/**
 * Commands whose last parameter runs to the end of the line (a `;` in it is data, not the end of
 * the command): the dialect registry installs them from its command tables (ParamSpec.toEndOfLine),
 * so that at/ names no dialect's commands.
 */
let toEndOfLine: ReadonlySet<string> = new Set();

/** Set the commands (upper case, without `AT`) whose last parameter runs to the end of the line. */
export function setLineTailCommands(names: Iterable<string>): void {
  toEndOfLine = new Set([...names].map((n) => n.toUpperCase()));
}

/** Read one command line the way the firmware's AT decoder does. */
export function parseCommandLine(raw: string): ParsedLine {
  let i = 0;
  while (i < raw.length && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\0')) i++;
  if (i >= raw.length) return { kind: 'empty' };
  if (!/^at/i.test(raw.slice(i, i + 2))) return { kind: 'invalid', line: raw, reason: 'does not start with AT' };
  let rest = raw.slice(i + 2);
  const c0 = rest[0];
  if (c0 === undefined || c0 === ';') return { kind: 'command', command: { line: raw, name: '', form: 'action', args: '' } };

  let name: string;
  if (EXT_START.includes(c0)) {
    const m = NAME_REST.exec(rest.slice(1));
    if (!m) return { kind: 'invalid', line: raw, reason: 'no command name' };
    name = (c0 + m[0]).toUpperCase();
    rest = rest.slice(1 + m[0].length);
  } else if (c0 === '&' && /^&[A-Za-z]/.test(rest)) {
    name = rest.slice(0, 2).toUpperCase();
    rest = rest.slice(2);
  } else if (/^[A-Za-z]/.test(c0)) {
    name = c0.toUpperCase();
    rest = rest.slice(1);
  } else {
    return { kind: 'invalid', line: raw, reason: 'no command name' };
  }

  if (!toEndOfLine.has(name)) {
    const semi = semicolonAt(rest);
    if (semi >= 0) rest = rest.slice(0, semi);
  }

  const basic = !EXT_START.includes(name[0]!);
  if (basic) {
    const t = rest.trim();
    if (t === '') return { kind: 'command', command: { line: raw, name, form: 'action', args: '' } };
    if (t === '?') return { kind: 'command', command: { line: raw, name, form: 'read', args: '' } };
    if (/^\d+$/.test(t)) return { kind: 'command', command: { line: raw, name, form: 'set', args: t } };
    return { kind: 'invalid', line: raw, reason: `unexpected "${t}" after AT${name}` };
  }

  let j = 0;
  while (j < rest.length && rest[j] === ' ') j++;
  const after = rest.slice(j);
  if (after.length === 0) return { kind: 'command', command: { line: raw, name, form: 'action', args: '' } };
  if (after[0] === '?') {
    if (after.slice(1).trim() !== '') return { kind: 'invalid', line: raw, reason: 'text after ?' };
    return { kind: 'command', command: { line: raw, name, form: 'read', args: '' } };
  }
  if (after[0] === '=') {
    const args = after.slice(1);
    if (args.trim() === '?') return { kind: 'command', command: { line: raw, name, form: 'test', args: '' } };
    return { kind: 'command', command: { line: raw, name, form: 'set', args } };
  }
  return { kind: 'invalid', line: raw, reason: `unexpected "${after}" after AT${name}` };
}

/** One parameter of a set command. */
export interface Param {
  /** The value: inside the quotes for a quoted one, trimmed for a bare one, verbatim for the raw one. */
  text: string;
  quoted: boolean;
  /** Omitted: nothing between the commas (or the raw parameter is empty). */
  empty: boolean;
}

/**
 * Split set-command arguments into parameters. Returns null for a syntax error (unterminated
 * quote, text after a closing quote). `rawIndex`: that parameter takes the rest verbatim.
 */
export function splitArgs(args: string, rawIndex = -1): Param[] | null {
  const out: Param[] = [];
  if (args.trim().length === 0) return out;
  let i = 0;
  const n = args.length;
  for (;;) {
    if (out.length === rawIndex) {
      const text = args.slice(i);
      out.push({ text, quoted: false, empty: text.length === 0 });
      return out;
    }
    while (i < n && args[i] === ' ') i++;
    if (args[i] === '"') {
      const close = args.indexOf('"', i + 1);
      if (close < 0) return null;
      out.push({ text: args.slice(i + 1, close), quoted: true, empty: false });
      i = close + 1;
      while (i < n && args[i] === ' ') i++;
      if (i >= n) return out;
      if (args[i] !== ',') return null;
      i++;
    } else {
      const comma = args.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const text = args.slice(i, end).trim();
      if (text.includes('"')) return null;
      out.push({ text, quoted: false, empty: text.length === 0 });
      if (comma < 0) return out;
      i = comma + 1;
    }
  }
}

/** A bare decimal integer parameter, or null (quoted, empty, not a number). */
export function intOf(p: Param | undefined): number | null {
  if (!p || p.empty || p.quoted || !/^[+-]?\d{1,10}$/.test(p.text)) return null;
  return Number(p.text);
}

/** Is the parameter present (given and not empty)? */
export function present(p: Param | undefined): p is Param {
  return p !== undefined && !p.empty;
}

/** latin1 text (bytes as received) → the UTF-8 string it encodes. */
export function utf8Of(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}
