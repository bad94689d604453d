import type { Redaction } from './types.js';

/**
 * Redaction at capture time. Works on single lines of bytes (decoded as latin1, so one
 * character is one byte and offsets are byte offsets). A masked value keeps its length:
 * every byte becomes '*', and the span is listed with a tag, so a replay still lines up.
 */

export interface Span {
  at: number;
  len: number;
  tag: string;
}

export interface RedactContext {
  /** The name of the last command the host wrote (`+CIMI`, `+ECMTCONN`…), for bare answers. */
  lastCommand: string;
}

export interface RedactionRule {
  name: string;
  /** Spans to mask in one line (latin1 string, terminator excluded). */
  find(line: string, dir: 'tx' | 'rx', ctx: RedactContext): Span[];
}

/**
 * Split the parameters of a command or answer after `start`, as the firmware reads them:
 * quoted strings (no escapes) or bare values separated by commas. Returns the value spans
 * (inside the quotes for quoted values).
 */
export function paramSpans(line: string, start: number): Array<{ at: number; len: number; quoted: boolean }> {
  const out: Array<{ at: number; len: number; quoted: boolean }> = [];
  let i = start;
  const n = line.length;
  while (i <= n) {
    while (i < n && line[i] === ' ') i++;
    if (i < n && line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      const end = close < 0 ? n : close;
      out.push({ at: i + 1, len: end - (i + 1), quoted: true });
      i = close < 0 ? n : close + 1;
      const comma = line.indexOf(',', i);
      if (comma < 0) break;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      let e = end;
      while (e > i && (line[e - 1] === ' ' || line[e - 1] === '\r')) e--;
      out.push({ at: i, len: e - i, quoted: false });
      if (comma < 0) break;
      i = comma + 1;
    }
  }
  return out;
}

function valuesFrom(line: string, start: number, fromIndex: number, tags: (i: number) => string | null): Span[] {
  const spans: Span[] = [];
  paramSpans(line, start).forEach((p, i) => {
    if (i < fromIndex || p.len === 0) return;
    const tag = tags(i);
    if (tag) spans.push({ at: p.at, len: p.len, tag });
  });
  return spans;
}

/** `AT+ECMTCONN=0,"id","user","pass"`: user name and password (also in the module's echo). */
const ecmtConn: RedactionRule = {
  name: 'ecmt-conn-credentials',
  find(line) {
    const m = /^[\s\0]*AT\+ECMTCONN\s*=/i.exec(line);
    if (!m) return [];
    return valuesFrom(line, m[0].length, 2, (i) => (i === 2 ? 'username' : i === 3 ? 'password' : null));
  },
};

/**
 * `AT+ECMTCFG="ssl"|"aliauth",…` and the query answers `+ECMTCFG: "aliauth",…`: every value,
 * except the connect id and the ssl sub-type word (`psk`, `ecc`, `ca`) or mode number.
 */
const ecmtCfgSecrets: RedactionRule = {
  name: 'ecmt-cfg-secrets',
  find(line) {
    const m = /^[\s\0]*(?:AT\+ECMTCFG\s*=\s*|\+ECMTCFG:\s*)"?(ssl|aliauth)"?\s*,/i.exec(line);
    if (!m) return [];
    const type = m[1]!.toLowerCase();
    const params = paramSpans(line, m[0].length);
    const spans: Span[] = [];
    params.forEach((p, i) => {
      if (p.len === 0) return;
      const v = line.slice(p.at, p.at + p.len);
      if (i === 0 && (/^\d+$/.test(v) || (type === 'ssl' && /^(psk|ecc|ca)$/i.test(v)))) return;
      spans.push({ at: p.at, len: p.len, tag: type });
    });
    return spans;
  },
};

/** `AT+CPIN="1234"[,"5678"]`, `AT+CPWD=…`, `AT+CLCK=<fac>,<mode>,"<pwd>"`. */
const pins: RedactionRule = {
  name: 'pin',
  find(line) {
    let m = /^[\s\0]*AT\+CPIN\s*=/i.exec(line);
    if (m) return valuesFrom(line, m[0].length, 0, () => 'pin');
    m = /^[\s\0]*AT\+CPWD\s*=/i.exec(line);
    if (m) return valuesFrom(line, m[0].length, 1, () => 'pin');
    m = /^[\s\0]*AT\+CLCK\s*=/i.exec(line);
    if (m) return valuesFrom(line, m[0].length, 2, (i) => (i === 2 ? 'pin' : null));
    return [];
  },
};

const ICCID_PREFIX = /^[\s\0]*(?:\+ICCID|\+ECICCID|\+CCID|\^ICCID|\+QCCID|\+MCCID|\+NCCID):\s*"?/i;
const ICCID_CMDS = new Set(['+ICCID', '+ECICCID', '+CCID', '^ICCID', '+QCCID', '+MCCID', '+NCCID']);

/** IMSI (`AT+CIMI` answer) and ICCID (any of the usual spellings). */
const identity: RedactionRule = {
  name: 'imsi-iccid',
  find(line, dir, ctx) {
    if (dir !== 'rx') return [];
    const m = ICCID_PREFIX.exec(line);
    if (m) {
      const d = /^[0-9A-Fa-f]{6,22}/.exec(line.slice(m[0].length));
      return d ? [{ at: m[0].length, len: d[0].length, tag: 'iccid' }] : [];
    }
    const c = /^[\s\0]*(?:\+CIMI:\s*)?(\d{6,15})\s*$/.exec(line);
    if (c && ctx.lastCommand === '+CIMI') {
      const at = line.indexOf(c[1]!);
      return [{ at, len: c[1]!.length, tag: 'imsi' }];
    }
    const d = /^[\s\0]*([0-9A-Fa-f]{18,22})\s*$/.exec(line);
    if (d && ICCID_CMDS.has(ctx.lastCommand)) {
      return [{ at: line.indexOf(d[1]!), len: d[1]!.length, tag: 'iccid' }];
    }
    return [];
  },
};

export const DEFAULT_RULES: readonly RedactionRule[] = [ecmtConn, ecmtCfgSecrets, pins, identity];

/** The command name of an AT line for the context (`AT+CIMI` → `+CIMI`). */
export function contextName(line: string): string | null {
  const m = /^[\s\0]*AT([+^][A-Za-z0-9_]+)/i.exec(line);
  return m ? m[1]!.toUpperCase() : null;
}

/** Find every occurrence of each known secret value in a latin1 line. */
function secretSpans(line: string, secrets: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const s of secrets) {
    if (s.length === 0) continue;
    let i = line.indexOf(s);
    while (i >= 0) {
      spans.push({ at: i, len: s.length, tag: 'secret' });
      i = line.indexOf(s, i + 1);
    }
  }
  return spans;
}

/** Merge overlapping spans; the first tag wins. */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  const sorted = [...spans].sort((a, b) => a.at - b.at || b.len - a.len);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.at <= last.at + last.len) {
      const end = Math.max(last.at + last.len, s.at + s.len);
      last.len = end - last.at;
    } else out.push({ ...s });
  }
  return out;
}

export interface Redactor {
  /** Mask one line (bytes, terminator may be included). Returns new bytes and the spans. */
  line(bytes: Buffer, dir: 'tx' | 'rx'): { data: Buffer; redact: Redaction[] };
  /** Add a value that must never appear (a password the caller knows). */
  addSecret(value: string | Buffer): void;
  readonly context: RedactContext;
}

/** Lines that any rule could touch start with one of these (after AT / + / ^), or are bare digits. */
const TRIGGER = /^[\s\0]*(?:AT\s*)?[+^](?:ECMTCONN|ECMTCFG|CPIN|CPWD|CLCK|ICCID|ECICCID|CCID|QCCID|MCCID|NCCID|CIMI)/i;
const DIGITS = /^[\s\0]*[0-9A-Fa-f]{6,22}\s*$/;
const IDENTITY_CMDS = new Set(['+CIMI', ...ICCID_CMDS]);

export function createRedactor(rules: readonly RedactionRule[] = DEFAULT_RULES, secrets: Array<string | Buffer> = []): Redactor {
  const known: string[] = [];
  const context: RedactContext = { lastCommand: '' };
  const add = (v: string | Buffer): void => {
    const s = (typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('latin1');
    if (s.length >= 3 && !known.includes(s)) known.push(s);
  };
  secrets.forEach(add);
  return {
    context,
    addSecret: add,
    line(bytes, dir) {
      // no rule can touch a line without `+` or `^`, except a bare IMSI/ICCID answer
      if (rules === DEFAULT_RULES && known.length === 0 && bytes.indexOf(0x2b) < 0 && bytes.indexOf(0x5e) < 0 && !(dir === 'rx' && IDENTITY_CMDS.has(context.lastCommand))) {
        return { data: bytes, redact: [] };
      }
      const text = bytes.toString('latin1');
      if (dir === 'tx') {
        const name = contextName(text);
        if (name) context.lastCommand = name;
      }
      const spans: Span[] = [];
      const custom = rules !== DEFAULT_RULES;
      if (custom || TRIGGER.test(text) || (dir === 'rx' && IDENTITY_CMDS.has(context.lastCommand) && DIGITS.test(text))) {
        for (const r of rules) spans.push(...r.find(text, dir, context));
      }
      if (known.length > 0) spans.push(...secretSpans(text, known));
      if (spans.length === 0) return { data: bytes, redact: [] };
      const merged = mergeSpans(spans).filter((s) => s.len > 0);
      const data = Buffer.from(bytes);
      for (const s of merged) data.fill(0x2a, s.at, s.at + s.len);
      return { data, redact: merged.map((s) => ({ at: s.at, len: s.len, tag: s.tag })) };
    },
  };
}

/** Mask a text for display (one line or several): the same rules, for output of any kind. */
export function redactText(text: string, dir: 'tx' | 'rx', redactor: Redactor = createRedactor()): string {
  return text
    .split('\n')
    .map((l) => redactor.line(Buffer.from(l, 'utf8'), dir).data.toString('utf8'))
    .join('\n');
}
