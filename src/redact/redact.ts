import type { Redaction, RedactionTrigger } from './types.js';
import { DIALECT_REDACTION } from '../dialects/redaction.js';
import { LineEnds } from './line-ends.js';

/**
 * Redaction at capture time. Works on single lines of bytes (decoded as latin1, so one
 * character is one byte and offsets are byte offsets). A masked value keeps its length:
 * every byte becomes '*', and the span is listed with a tag, so a replay still lines up.
 *
 * A rule is found by a keyword (`+ECMTCONN`, `+ICCID`…) anywhere in a line, not only at its
 * start: a chained command (`AT+CSQ;+ECMTCONN=…`), an echo after power-up garbage or a
 * prefix a terminal added are masked too. The keywords are also what the streaming redactor
 * (stream-redactor.ts) holds back on: a partial line is never released while its end could
 * still be the start of a keyword, or while it holds a keyword whose value has not ended.
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
  /**
   * Upper-case words (starting with `+` or `^`) without which the rule never masks anything in
   * a line. A streaming redactor holds back a partial line from the first place where one of
   * them starts (or could start). A rule without keywords makes every partial line be held
   * until its end.
   */
  keywords?: readonly string[];
  /**
   * Words without a mark (`IMSI`, `ICCID`, `MCGDEFCONT`; upper case, a character above 0x7f
   * given as its UTF-8 bytes read as latin1), found case-insensitively anywhere in a line: with
   * `keywords`, what the rule needs in a line to mask anything (a rule with words and no
   * keywords gives `keywords: []`). A streaming redactor holds a partial line back from a word,
   * or from a word's beginning at its end where a word may start (no ASCII letter or digit
   * before it). The rule itself decides where a word counts.
   */
  words?: readonly string[];
  /** Spans to mask in one line (latin1 string, terminator excluded). */
  find(line: string, dir: 'tx' | 'rx', ctx: RedactContext): Span[];
}

/**
 * Split the parameters of a command or answer after `start`, as the firmware reads them:
 * quoted strings (no escapes) or bare values separated by commas, up to the end of the line
 * or a `;` outside quotes (the next command of a chain). Returns the value spans (inside the
 * quotes for quoted values).
 */
export function paramSpans(line: string, start: number): Array<{ at: number; len: number; quoted: boolean }> {
  const out: Array<{ at: number; len: number; quoted: boolean }> = [];
  let i = start;
  const n = line.length;
  while (i <= n) {
    while (i < n && line[i] === ' ') i++;
    if (i < n && line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      let end = close < 0 ? n : close;
      // an unclosed quote runs to the end of the line, not over its terminator
      if (close < 0) while (end > i + 1 && (line[end - 1] === '\r' || line[end - 1] === '\n')) end--;
      const span = { at: i + 1, len: end - (i + 1), quoted: true };
      out.push(span);
      i = close < 0 ? n : close + 1;
      // after the closing quote: the next separator; text before it (a quote the firmware took
      // for the end, `"alice”,"pass"`) is this value's too, so a secret value's rest is masked
      const after = i;
      while (i < n && line[i] !== ',' && line[i] !== ';' && !fullWidthComma(line, i)) i++;
      let junk = i;
      while (junk > after && (line[junk - 1] === ' ' || line[junk - 1] === '\r' || line[junk - 1] === '\n')) junk--;
      if (junk > after) span.len = junk - span.at;
      if (i >= n || line[i] === ';') break;
      i += fullWidthComma(line, i) ? FW_COMMA.length : 1;
    } else {
      let end = i;
      while (end < n && line[end] !== ',' && line[end] !== ';' && !fullWidthComma(line, end)) end++;
      let e = end;
      while (e > i && (line[e - 1] === ' ' || line[e - 1] === '\r' || line[e - 1] === '\n')) e--;
      out.push({ at: i, len: e - i, quoted: false });
      if (end >= n || line[end] === ';') break;
      i = end + (fullWidthComma(line, end) ? FW_COMMA.length : 1);
    }
  }
  return out;
}

/** A full-width comma `，` (U+FF0C) as its UTF-8 bytes read as latin1: commands pasted from a Chinese document carry it. */
const FW_COMMA = '\u00ef\u00bc\u008c';

function fullWidthComma(line: string, i: number): boolean {
  return line.charCodeAt(i) === 0xef && line.startsWith(FW_COMMA, i);
}

/** Every place in `line` where `keyword` (upper case) starts, case-insensitively. */
function occurrences(upper: string, keyword: string): number[] {
  const out: number[] = [];
  let i = upper.indexOf(keyword);
  while (i >= 0) {
    out.push(i);
    i = upper.indexOf(keyword, i + keyword.length);
  }
  return out;
}

/**
 * A rule for `<keyword>=<params>` (a command or its echo): masks the parameters `pick` tags,
 * by their index. `sep` is what must follow the keyword (spaces allowed around it).
 */
function paramRule(name: string, keywords: readonly string[], sep: RegExp, pick: (i: number, value: string, first: string, quoted: boolean, answer: boolean) => string | null): RedactionRule {
  return {
    name,
    keywords,
    find(line) {
      const upper = asciiUpper(line);
      const spans: Span[] = [];
      for (const k of keywords) {
        for (const at of occurrences(upper, k)) {
          sep.lastIndex = at + k.length;
          const m = sep.exec(line);
          if (!m) continue;
          const answer = m[0].includes(':');
          const params = paramSpans(line, sep.lastIndex);
          const first = params[0] ? line.slice(params[0].at, params[0].at + params[0].len).toLowerCase() : '';
          params.forEach((p, i) => {
            if (p.len === 0) return;
            const tag = pick(i, line.slice(p.at, p.at + p.len), first, p.quoted, answer);
            if (tag) spans.push({ at: p.at, len: p.len, tag });
          });
        }
      }
      return spans;
    },
  };
}

const ASSIGN = /\s*=\s*/y;
const ASSIGN_OR_ANSWER = /\s*(?:=|:)\s*/y;
const ANSWER = /\s*:\s*/y;

/**
 * The rule of a dialect's redaction trigger (src/dialects/<name>/redaction.ts): the parameters it
 * names by position (`AT+ECMTCONN=0,"id","user","pass"`: user name and password, also in the
 * module's echo), or, for a configuration command (`AT+ECMTCFG="ssl"|"aliauth",…` and the query
 * answers `+ECMTCFG: "aliauth",…`), every value of a secret key except the key itself, the number
 * right after it (connect id or mode) and the key's clear words (ssl's `psk`, `ecc`, `ca`).
 */
export function triggerRule(t: RedactionTrigger): RedactionRule {
  const sep = t.after === 'set' ? ASSIGN : t.after === 'answer' ? ANSWER : ASSIGN_OR_ANSWER;
  const keys = t.configKeys;
  if (keys) {
    const known = t.knownKeys;
    return paramRule(t.name, t.keywords, sep, (i, v, first, quoted, answer) => {
      // a query answer printed without its key (first value none of the command's keys): every
      // quoted value may be a secret one's
      if (known && answer && quoted && !known.includes(first) && !keys.includes(first)) return 'config';
      if (!keys.includes(first) || i === 0) return null;
      const keep = t.keepWords?.[first] ?? [];
      if (i === 1 && (/^\d+$/.test(v) || keep.includes(v.toLowerCase()))) return null;
      return first;
    });
  }
  const params = t.params ?? {};
  return paramRule(t.name, t.keywords, sep, (i) => params[i] ?? null);
}

/** `AT+CPIN="1234"[,"5678"]`, `AT+CPWD=<fac>,"<old>","<new>"`, `AT+CLCK=<fac>,<mode>,"<pwd>"`. */
const pin = paramRule('pin', ['+CPIN'], ASSIGN, () => 'pin');
const pwd = paramRule('pin-change', ['+CPWD'], ASSIGN, (i) => (i >= 1 ? 'pin' : null));
const lock = paramRule('facility-lock', ['+CLCK'], ASSIGN, (i) => (i === 2 ? 'pin' : null));
/**
 * 3GPP TS 27.007 §10.1.40 `AT+CGAUTH=<cid>,<auth_prot>,"<userid>","<password>"`: the PDP context's
 * user name and password (any module; its read answer `+CGAUTH: <cid>,<auth_prot>,"<userid>"` too).
 */
const pdpAuth = paramRule('pdp-auth', ['+CGAUTH'], ASSIGN_OR_ANSWER, (i) => (i === 2 ? 'username' : i === 3 ? 'password' : null));

/**
 * ICCID commands and answers with a `+`/`^` (`+ZGETICCID`: ZTE; `+SQNCCID`: Sequans, its answer
 * quoted). Those with another mark (Telit `#CCID`, Nordic `%XICCID`, ASR `*MICCID`) have their
 * answers read as a label (`identityLabel`) and their names in ICCID_CMDS for the bare answer.
 */
const ICCID_WORDS = ['+ICCID', '+ECICCID', '+CCID', '^ICCID', '+QCCID', '+MCCID', '+NCCID', '+ZGETICCID', '+SQNCCID'] as const;
const ICCID_CMDS = new Set<string>([...ICCID_WORDS, '#CCID', '%XICCID', '*MICCID']);
/** Commands whose answer is a bare 15-digit number that is not secret (the IMEI). */
const IMEI_CMDS = new Set(['+CGSN', '+GSN', '+ECIMEI', '+QGSN']);
/** A bare IMSI: 15 digits, the first of a mobile country code (2–7); maybe in quotes (as every bare answer). */
const IMSI_SHAPE = /^[\s\0]*"?([2-7]\d{14})"?[\s\0]*$/;
/** A bare ICCID: 89, then 17 or 18 digits, maybe a filler F. */
const ICCID_SHAPE = /^[\s\0]*"?(89\d{17,18}[Ff]?)"?[\s\0]*$/;

/**
 * IMSI and ICCID: after their keyword (`+ICCID: …`, `+CIMI: …`), as the bare answer of the
 * command that asks for them, and — when the command was not seen (a passive monitor, a
 * pasted log) — any line of their shape (IMSI: 15 digits starting with a plausible country
 * code; ICCID: 19–20 digits starting with 89), unless the last command asked for the IMEI.
 */
const identity: RedactionRule = {
  name: 'imsi-iccid',
  keywords: [...ICCID_WORDS, '+CIMI'],
  find(line, dir, ctx) {
    // `+CIMI: <digits>` in a host line too (a note or comment quoting an answer: no command has that
    // form); the bare answers only from the module
    const upper = asciiUpper(line);
    const spans: Span[] = [];
    for (const k of this.keywords!) {
      for (const at of occurrences(upper, k)) {
        const m = /^\s*:\s*"?/.exec(line.slice(at + k.length));
        if (!m) continue;
        const from = at + k.length + m[0].length;
        const d = (k === '+CIMI' ? /^\d{6,15}/ : /^[0-9A-Fa-f]{6,22}/).exec(line.slice(from));
        if (d) spans.push({ at: from, len: d[0].length, tag: k === '+CIMI' ? 'imsi' : 'iccid' });
      }
    }
    if (spans.length > 0 || dir !== 'rx') return spans;
    // a bare answer is a line of its own; a module that ends its lines with CR alone sends
    // `\r460012345678901\rOK\r` as one line (cut at LF), so each CR-separated part is tried
    const bare = (re: RegExp, tag: string): Span[] => {
      const spans: Span[] = [];
      for (let from = 0; from <= line.length; ) {
        const cr = line.indexOf('\r', from);
        const end = cr < 0 ? line.length : cr;
        const part = from === 0 && end === line.length ? line : line.slice(from, end);
        const m = re.exec(part);
        if (m) spans.push({ at: from + part.indexOf(m[1]!), len: m[1]!.length, tag });
        if (cr < 0) break;
        from = cr + 1;
      }
      return spans;
    };
    // the last command line's names (a chain has several): what they ask for is masked in its
    // command's form; an IMSI or ICCID shape is masked whatever was asked, unless the command
    // asked for the IMEI only (a bare 15-digit answer that is no secret)
    const names = ctx.lastCommand.includes(';') ? ctx.lastCommand.split(';') : [ctx.lastCommand];
    const imsiAsked = names.includes('+CIMI');
    const iccidAsked = names.some((n) => ICCID_CMDS.has(n));
    if (imsiAsked) {
      const s = bare(/^[\s\0]*"?(\d{6,15})"?[\s\0]*$/, 'imsi');
      if (s.length > 0) return s;
    }
    if (iccidAsked) {
      const s = bare(/^[\s\0]*"?([0-9A-Fa-f]{18,22})"?[\s\0]*$/, 'iccid');
      if (s.length > 0) return s;
    }
    if (!imsiAsked && !iccidAsked && names.some((n) => IMEI_CMDS.has(n))) return [];
    const imsi = bare(IMSI_SHAPE, 'imsi');
    return imsi.length > 0 ? imsi : bare(ICCID_SHAPE, 'iccid');
  },
};

/** A character's UTF-8 bytes read as latin1 (how the rules see a line). */
const bytesOf = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
/** 卡号 ("card number"): what Chinese logs and notes put before an ICCID. */
const KAHAO = bytesOf('卡号');
/** Is the code an ASCII letter or digit (inside a word)? */
function wordCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

/**
 * Labels before an IMSI or ICCID without a `+`: firmware debug prints and people's notes
 * (`IMSI: …`, `ICCID=…`, `SIM ICCID: …`, `sim_iccid=…`, `卡号：…`, `IMSI号：…`), and the answers of
 * ICCID commands with another mark (Telit `#CCID: …`, Nordic `%XICCID: …`, ASR `*MICCID: …`,
 * assumed forms, I: our references have none of them).
 */
const LABEL_WORDS = ['IMSI', 'ICCID', 'CCID', 'XICCID', 'MICCID', 'SIM ID', 'SIM_ID', 'SIM-ID', 'SIMID', KAHAO];
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * A label, then maybe 号/号码 (`IMSI号码：…`), blanks, `:`, `=`, their full-width forms and
 * quotes, then the value: a run of digits and hex letters (ends checked by the rule).
 */
const LABEL = new RegExp(
  `(${[...LABEL_WORDS].sort((a, b) => b.length - a.length).map(escapeRe).join('|')})(?:${escapeRe(bytesOf('号'))}(?:${escapeRe(bytesOf('码'))})?)?(?:[\\s\\0:="']|${escapeRe(bytesOf('：'))}|${escapeRe(bytesOf('＝'))})*([0-9A-Fa-f]+)`,
  'gi',
);
/**
 * An IMSI (14–15 digits: 3GPP TS 23.003 allows 15 at most; some print a 14-digit one) or an
 * ICCID (18–22 digits, or hex: a filler F, nibble-swapped forms); 16–17 digits after a label are
 * taken too (a shortened ICCID: the label says what it is).
 */
const LABEL_VALUE = /^(?:\d{14,22}|[0-9A-Fa-f]{18,22})$/;

/**
 * IMSI and ICCID after a label word (LABEL_WORDS): the digits after `IMSI: `, `ICCID=`,
 * `卡号：` are masked when they have an IMSI's or ICCID's length; the label must start a word
 * (no ASCII letter or digit before it: `IMEI:`, `+CSQ: 99,99`, a message id or a time stamp have
 * no label; `xIMSI` is not one) and the value must end one (a longer word of hex is not a value).
 */
const identityLabel: RedactionRule = {
  name: 'imsi-iccid-label',
  keywords: [],
  words: LABEL_WORDS,
  find(line) {
    const spans: Span[] = [];
    LABEL.lastIndex = 0;
    for (let m = LABEL.exec(line); m !== null; m = LABEL.exec(line)) {
      const at = m.index;
      const label = m[1]!;
      const value = m[2]!;
      const vAt = at + m[0].length - value.length;
      const starts = at === 0 || !wordCode(line.charCodeAt(at)) || !wordCode(line.charCodeAt(at - 1));
      if (starts && !wordCode(line.charCodeAt(vAt + value.length)) && LABEL_VALUE.test(value)) {
        spans.push({ at: vAt, len: value.length, tag: label.toUpperCase() === 'IMSI' || value.length <= 15 ? 'imsi' : 'iccid' });
        LABEL.lastIndex = vAt + value.length;
      } else LABEL.lastIndex = at + 1;
    }
    return spans;
  },
};

/**
 * `AT*MCGDEFCONT=<PDP_type>[,"<APN>"[,"<username>"[,"<password>"]]]`: the default PDP context
 * (the one the module attaches with) of ASR/SIMCom NB-IoT and Cat-1 firmware, with the APN's
 * user name and password. Not in our references: the form is SIMCom's SIM7020 AT command
 * manual's "Set Default PSD Connection Settings" as TinyGSM's SIM7020 client quotes it. Its read
 * answer `*MCGDEFCONT: …` is assumed (I) to list the same values in the same order: masked there
 * too. Found by the word `MCGDEFCONT` (no `+`: the gate's keywords all have one).
 */
const pdpDefault: RedactionRule = {
  ...paramRule('pdp-default-auth', ['*MCGDEFCONT'], ASSIGN_OR_ANSWER, (i) => (i === 2 ? 'username' : i === 3 ? 'password' : null)),
  keywords: [],
  words: ['MCGDEFCONT'],
};

/** The default rules: every registered dialect's triggers (credentials, TLS and cloud secrets), then PINs, PDP authentication and IMSI/ICCID. */
export const DEFAULT_RULES: readonly RedactionRule[] = [...DIALECT_REDACTION.map(triggerRule), pin, pwd, lock, pdpAuth, pdpDefault, identity, identityLabel];

/**
 * Could a partial rx line still become a bare IMSI/ICCID answer? (Only digits and hex letters
 * so far, and not longer than an ICCID.)
 */
export function couldBeIdentityLine(text: string): boolean {
  return /^[\s\0]*"?[0-9A-Fa-f]{0,22}"?[\s\0]*$/.test(text) && /[0-9]/.test(text);
}

/**
 * The command names of an AT line for the context (`AT+CIMI` → `+CIMI`); a chain gives every name
 * in order, joined by `;` (`AT+CGSN;+CIMI` → `+CGSN;+CIMI`): the bare answers that follow may be
 * any of theirs.
 */
export function contextName(line: string): string | null {
  return contextNameIn(line, 0, line.length, true);
}

/**
 * contextName of the line text[s, e), read in place: the same answer as contextName on its latin1
 * bytes. `latin1`: one character per byte; otherwise the text stands for its UTF-8 bytes, where
 * a character above 0x7f is never a space of /\s/ (its lead byte is not 0xa0) nor a name letter.
 */
function contextNameIn(text: string, s: number, e: number, latin1: boolean): string | null {
  let i = s;
  for (; i < e; i++) {
    const c = text.charCodeAt(i);
    if (!(c === 0x20 || c === 0 || (c >= 0x09 && c <= 0x0d) || (latin1 && c === 0xa0))) break;
  }
  // `A`/`a`, `T`/`t`, then a mark (`+`, `^`, or a vendor's `#`, `%`, `*`) and one name character at least
  if (i + 3 >= e || (text.charCodeAt(i) | 0x20) !== 0x61 || (text.charCodeAt(i + 1) | 0x20) !== 0x74) return null;
  if (!nameMark(text.charCodeAt(i + 2))) return null;
  let j = nameEnd(text, i + 3, e);
  if (j === i + 3) return null;
  let names = text.slice(i + 2, j).toUpperCase();
  // the rest of a chain: `;` outside quotes, blanks, an optional `AT`, then `+`/`^` and a name
  let quoted = false;
  for (; j < e; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) quoted = !quoted;
    if (c !== 0x3b || quoted) continue;
    let k = j + 1;
    while (k < e && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) k++;
    if (k + 1 < e && (text.charCodeAt(k) | 0x20) === 0x61 && (text.charCodeAt(k + 1) | 0x20) === 0x74) k += 2;
    if (!nameMark(text.charCodeAt(k))) continue;
    const end = nameEnd(text, k + 1, e);
    if (end > k + 1) names += `;${text.slice(k, end).toUpperCase()}`;
    j = end - 1;
  }
  return names;
}

/** The mark before an extended command's name: `+`, `^`, and vendors' `#` (Telit), `%` (Nordic), `*` (ASR). */
function nameMark(c: number): boolean {
  return c === 0x2b || c === 0x5e || c === 0x23 || c === 0x25 || c === 0x2a;
}

/** Where the name characters (letters, digits, `_`) that start at `j` end. */
function nameEnd(text: string, j: number, e: number): number {
  for (; j < e; j++) {
    const c = text.charCodeAt(j);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f)) break;
  }
  return j;
}

/** ASCII letters to upper case, every other character as it is (the length kept). */
function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Find every occurrence of each known secret value in a latin1 line. */
function secretSpans(line: string, secrets: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const s of secrets) {
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
  /**
   * Where a partial line (its bytes so far, latin1) must start to be held back: the first
   * place from which a keyword of a rule starts or could start, or a known secret could
   * start. `line.length` when all of it can be released, 0 when none of it can.
   * `lineStart`: the text is the beginning of its line (nothing of it was released before).
   */
  holdFrom(text: string, dir: 'tx' | 'rx', lineStart: boolean): number;
  /**
   * For a line of ASCII text (terminator may be included): true when `line()` would leave its
   * bytes as they are. Has the same effect on `context` as `line()`. Optional: a redactor without
   * it is given bytes.
   */
  asciiUnchanged?(text: string, dir: 'tx' | 'rx'): boolean;
  // asciiUnchanged and linesUnchanged answer for createRedactor's own line(): a StreamRedactor
  // asks them only of a redactor whose line() is that one (`textVerdicts`); a wrapper that replaces
  // line() is asked line by line, whatever it copied
  /**
   * For complete lines of text (cut as a stream redactor cuts them, line-ends.ts: at LF, for the
   * host also at CR, for the module also at a CR that no LF follows, the last one included): true when `line()` would leave the bytes of every one of them as they are. The
   * context then ends as those `line()` calls leave it; when false it is left as it was.
   * `latin1`: each character is one byte (a latin1 view of bytes); otherwise the text stands for
   * its UTF-8 bytes. Optional: a redactor without it is asked line by line.
   */
  linesUnchanged?(text: string, dir: 'tx' | 'rx', latin1: boolean): boolean;
  /** Add a value that must never appear (a password the caller knows). Values under 3 bytes are ignored. */
  addSecret(value: string | Buffer): void;
  /** The secret values added (latin1 strings of their UTF-8 bytes). */
  readonly secrets: readonly string[];
  readonly context: RedactContext;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A line whose first visible character is a digit, maybe after a quote (may be a bare IMSI/ICCID answer). */
const DIGIT_FIRST = /^[\s\0]*"?\d/;

/** DIGIT_FIRST on a line's bytes read as latin1, however many blanks lead (no copy). */
function digitAfterBlanks(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) return true;
    if (c === 0x22) return i + 1 < b.length && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x39;
    if (!(c === 0x20 || c === 0 || (c >= 0x09 && c <= 0x0d) || c === 0xa0)) return false;
  }
  return false;
}

/** the line() functions createRedactor made, with the text verdicts that answer for them */
const VERDICTS = new WeakMap<Redactor['line'], Pick<Redactor, 'asciiUnchanged' | 'linesUnchanged'>>();

/**
 * The text verdicts (`asciiUnchanged`, `linesUnchanged`) that answer for this redactor's line():
 * those createRedactor made with it, never a copy beside another line() (a wrapper that adds its
 * own masking would be bypassed: a secret of its own would go out).
 */
export function textVerdicts(r: Redactor): Pick<Redactor, 'asciiUnchanged' | 'linesUnchanged'> {
  return VERDICTS.get(r.line) ?? {};
}

export function createRedactor(rules: readonly RedactionRule[] = DEFAULT_RULES, secrets: Array<string | Buffer> = []): Redactor {
  const known: string[] = [];
  const context: RedactContext = { lastCommand: '' };
  const keywords = [...new Set(rules.flatMap((r) => r.keywords ?? []))];
  const holdAll = rules.some((r) => r.keywords === undefined);
  const words = [...new Set(rules.flatMap((r) => r.words ?? []))];
  const maxWord = Math.max(0, ...words.map((w) => w.length));
  // the words' gate: found case-insensitively anywhere (each rule decides where a word counts);
  // a word holding another is found by that one (`XICCID` by `CCID`). One for latin1 lines, one
  // for text that stands for its UTF-8 bytes.
  const gateWords = words.filter((w) => !words.some((o) => o !== w && w.includes(o)));
  const gate = (latin1: boolean): RegExp | null =>
    gateWords.length === 0 ? null : new RegExp(gateWords.map((w) => escapeRe(latin1 ? w : Buffer.from(w, 'latin1').toString('utf8'))).join('|'), 'gi');
  const wordGate = gate(true);
  const wordGateText = gate(false);
  /** Where the first word of the gate is in text[from…) (text read as latin1 or as text), or -1. */
  const nextWord = (text: string, from: number, latin1: boolean): number => {
    const re = latin1 ? wordGate : wordGateText;
    if (re === null) return -1;
    re.lastIndex = from;
    const m = re.exec(text);
    return m === null ? -1 : m.index;
  };
  const hasWord = (text: string): boolean => wordGate !== null && nextWord(text, 0, true) >= 0;
  const hasIdentity = rules.includes(identity);
  const maxKeyword = Math.max(0, ...keywords.map((k) => k.length));
  const add = (v: string | Buffer): void => {
    const s = (typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('latin1');
    if (s.length >= 3 && !known.includes(s)) known.push(s);
  };
  secrets.forEach(add);
  /** Every keyword starts with `+` or `^` (then only those places need a look; else every line is scanned). */
  const markedKeywords = keywords.every((k) => (k.startsWith('+') || k.startsWith('^')) && k.length >= 3 && k === k.toUpperCase());
  /**
   * Does the line hold a keyword (case-insensitively)? When every keyword starts with `+` or `^`,
   * only those places are looked at. The same answer as `text.toUpperCase().includes(k)` for a
   * latin1 line: there the only character whose upper case is longer is `ß` (`SS`), and no
   * keyword holds an `S`; no other character turns into an ASCII letter.
   */
  /** keywords by their two characters after the `+`/`^` (each keyword is at least 3 long) */
  const byPair = new Map<number, string[]>();
  for (const k of keywords) {
    const key = k.charCodeAt(1) * 0x10000 + k.charCodeAt(2);
    const list = byPair.get(key);
    if (list) list.push(k);
    else byPair.set(key, [k]);
  }
  /**
   * Could an `ß` (upper case `SS`) make a keyword match that the code-by-code comparison misses?
   * Only for a keyword holding `SS` or ending in `S` (none of the default rules' keywords does);
   * otherwise an `ß` is a character like any other that no keyword holds.
   */
  const sharpMatters = keywords.some((k) => k.includes('SS') || k.endsWith('S'));
  /** hasKeyword for the line text[s, e) (no slice); also right for text standing for UTF-8 when !sharpMatters (only ASCII can match). */
  const hasKeywordIn = (text: string, s: number, e: number): boolean => {
    if (!markedKeywords) return true;
    const n = e;
    let sharp = sharpMatters ? text.indexOf('\u00df', s) : -1;
    if (sharp >= e) sharp = -1;
    // the places of `+` and `^`, found by indexOf (each searched again only once passed)
    let plus = text.indexOf('+', s);
    let caret = text.indexOf('^', s);
    if (plus >= e) plus = -1;
    if (caret >= e) caret = -1;
    while (plus >= 0 || caret >= 0) {
      const i = caret < 0 || (plus >= 0 && plus < caret) ? plus : caret;
      const c = text.charCodeAt(i);
      if (i === plus) {
        plus = text.indexOf('+', i + 1);
        if (plus >= e) plus = -1;
      } else {
        caret = text.indexOf('^', i + 1);
        if (caret >= e) caret = -1;
      }
      // compared code by code (an ASCII letter's upper case), unless an `ß` (upper case `SS`) is near: then as before
      if (sharp >= 0 && sharp < i) {
        sharp = text.indexOf('\u00df', i);
        if (sharp >= e) sharp = -1;
      }
      if (sharp >= 0 && sharp < i + maxKeyword) {
        const seg = text.slice(i, Math.min(i + maxKeyword, e)).toUpperCase();
        for (let k = 0; k < keywords.length; k++) if (seg.startsWith(keywords[k]!)) return true;
        continue;
      }
      if (i + 2 >= n) continue;
      let d1 = text.charCodeAt(i + 1);
      if (d1 >= 0x61 && d1 <= 0x7a) d1 -= 0x20;
      let d2 = text.charCodeAt(i + 2);
      if (d2 >= 0x61 && d2 <= 0x7a) d2 -= 0x20;
      const list = byPair.get(d1 * 0x10000 + d2);
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) {
        const kw = list[k]!;
        if (kw.charCodeAt(0) !== c || i + kw.length > n) continue;
        let m = 3;
        for (; m < kw.length; m++) {
          let d = text.charCodeAt(i + m);
          if (d >= 0x61 && d <= 0x7a) d -= 0x20;
          if (d !== kw.charCodeAt(m)) break;
        }
        if (m === kw.length) return true;
      }
    }
    return false;
  };
  const hasKeyword = (text: string): boolean => hasKeywordIn(text, 0, text.length);
  /** The spans to mask in a line (latin1), after the gate of `line()`; updates the context. */
  const spansOf = (text: string, dir: 'tx' | 'rx'): Span[] => {
    // the host's command, or the module's echo of it (all a passive monitor sees)
    const name = contextName(text);
    if (name) context.lastCommand = name;
    // a rule finds its spans from its keywords only: a line with none of them (most URCs and
    // commands) is left as it is, unless it may be a bare IMSI/ICCID answer (a digit first)
    if (!holdAll && known.length === 0 && !(dir === 'rx' && hasIdentity && DIGIT_FIRST.test(text))) {
      if (!hasKeyword(text) && !hasWord(text)) return [];
    }
    const spans: Span[] = [];
    for (const r of rules) spans.push(...r.find(text, dir, context));
    if (known.length > 0) spans.push(...secretSpans(text, known));
    if (spans.length === 0) return spans;
    return mergeSpans(spans).filter((s) => s.len > 0);
  };
  /**
   * Would line() be given the bytes of text[s, e) (one line) look at it at all? The gate of
   * line(), on text: `+`/`^` (positions in the text, searched by the caller), and for a module
   * line a digit first. The UTF-8 bytes of a character above 0x7f are all above 0x7f, so for text
   * that stands for its UTF-8 bytes the same characters decide: only ASCII spaces, tabs, line
   * ends and NULs are skipped there (a latin1 view also skips 0xa0, which /\s/ holds).
   */
  const digitFirst = (text: string, s: number, e: number, latin1: boolean): boolean => {
    for (let i = s; i < e; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) return true;
      if (c === 0x22) return i + 1 < e && text.charCodeAt(i + 1) >= 0x30 && text.charCodeAt(i + 1) <= 0x39;
      if (c === 0x20 || c === 0 || (c >= 0x09 && c <= 0x0d) || (latin1 && c === 0xa0)) continue;
      return false;
    }
    return false;
  };
  const redactor: Redactor = {
    context,
    secrets: known,
    addSecret: add,
    linesUnchanged(text, dir, latin1) {
      const saved = context.lastCommand;
      const always = holdAll || known.length > 0;
      const identity = dir === 'rx' && hasIdentity;
      const n = text.length;
      // the next line end, `+` and `^`: each searched again only once passed (linear in the text)
      const ends = new LineEnds(text, dir, true);
      let plus = always ? -1 : text.indexOf('+');
      let caret = always ? -1 : text.indexOf('^');
      let word = always ? -1 : nextWord(text, 0, latin1);
      let start = 0;
      while (start < n) {
        const i = ends.next(start);
        const end = i < 0 ? n : i;
        let look = always;
        let wordIn = false;
        if (!look) {
          if (plus >= 0 && plus < start) plus = text.indexOf('+', start);
          if (caret >= 0 && caret < start) caret = text.indexOf('^', start);
          if (word >= 0 && word < start) word = nextWord(text, start, latin1);
          wordIn = word >= 0 && word < end;
          look = (plus >= 0 && plus < end) || (caret >= 0 && caret < end) || wordIn || (identity && digitFirst(text, start, end, latin1));
        }
        if (look && !always && !sharpMatters && !wordIn && !(identity && digitFirst(text, start, end, latin1))) {
          // what spansOf does with a line that cannot be a bare IMSI/ICCID, read in place: its
          // command name for the context, then nothing without a keyword
          const name = contextNameIn(text, start, end, latin1);
          if (name !== null) context.lastCommand = name;
          look = hasKeywordIn(text, start, end);
        }
        if (look) {
          let line = start === 0 && end === n ? text : text.slice(start, end);
          // spansOf reads a line as latin1 bytes: text that stands for UTF-8 is turned into them
          if (!latin1 && NON_ASCII.test(line)) line = Buffer.from(line, 'utf8').toString('latin1');
          if (spansOf(line, dir).length > 0) {
            context.lastCommand = saved;
            return false;
          }
        }
        start = end;
      }
      return true;
    },
    asciiUnchanged(text, dir) {
      // the gate of line(), on the text: for ASCII its characters are its bytes
      if (!holdAll && known.length === 0 && text.indexOf('+') < 0 && text.indexOf('^') < 0 && !(dir === 'rx' && hasIdentity && digitFirst(text, 0, text.length, true)) && !hasWord(text)) return true;
      return spansOf(text, dir).length === 0;
    },
    line(bytes, dir) {
      // no rule can touch a line without `+` or `^`, except a bare IMSI/ICCID answer (a digit
      // first) and a rule's word (a label: `IMSI: …`)
      if (!holdAll && known.length === 0 && bytes.indexOf(0x2b) < 0 && bytes.indexOf(0x5e) < 0 && !(dir === 'rx' && hasIdentity && digitAfterBlanks(bytes))) {
        if (wordGate === null || !hasWord(bytes.toString('latin1'))) return { data: bytes, redact: [] };
      }
      const merged = spansOf(bytes.toString('latin1'), dir);
      if (merged.length === 0) return { data: bytes, redact: [] };
      const data = Buffer.from(bytes);
      for (const s of merged) data.fill(0x2a, s.at, s.at + s.len);
      return { data, redact: merged.map((s) => ({ at: s.at, len: s.len, tag: s.tag })) };
    },
    holdFrom(text, dir, lineStart) {
      if (holdAll) return 0;
      if (lineStart && dir === 'rx' && hasIdentity && couldBeIdentityLine(text)) return 0;
      let from = text.length;
      const upper = asciiUpper(text);
      // a keyword in the text (its value may not have ended), or a keyword's beginning at its end
      for (const k of keywords) {
        const i = upper.indexOf(k);
        if (i >= 0 && i < from) from = i;
      }
      for (let i = Math.max(0, text.length - maxKeyword + 1); i < from; i++) {
        const c = upper[i];
        if (c !== '+' && c !== '^') continue;
        const tail = upper.slice(i);
        if (keywords.some((k) => k.startsWith(tail))) {
          from = i;
          break;
        }
      }
      // a word (its value may not have ended), or a word's beginning at the end where a word may
      // start (not inside a word of ASCII letters and digits; at the text's start it may, since
      // what was released before is not seen here)
      if (wordGate !== null) {
        let w = nextWord(text, 0, true);
        // from the start of the word it is in (`iccid` is found by `CCID`)
        for (let k = 0; w > 0 && k < maxWord && wordCode(text.charCodeAt(w - 1)); k++) w--;
        if (w >= 0 && w < from) from = w;
        for (let i = Math.max(0, text.length - maxWord + 1); i < from; i++) {
          if (i > 0 && wordCode(text.charCodeAt(i)) && wordCode(text.charCodeAt(i - 1))) continue;
          const tail = asciiUpper(text.slice(i));
          if (words.some((k) => k.startsWith(tail))) {
            from = i;
            break;
          }
        }
      }
      // the beginning of a known secret at the end
      for (const s of known) {
        for (let i = Math.max(0, text.length - s.length + 1); i < from; i++) {
          if (s.startsWith(text.slice(i))) {
            from = i;
            break;
          }
        }
      }
      return from;
    },
  };
  VERDICTS.set(redactor.line, { asciiUnchanged: redactor.asciiUnchanged, linesUnchanged: redactor.linesUnchanged });
  return redactor;
}

/**
 * User names in a broker's log line, in the forms brokers print them: mosquitto's
 * `(p2, c1, k60, u'alice')`, and `username: alice`, `username="alice"`, `user 'alice'`,
 * `"username":"alice"` (EMQX, RabbitMQ, NATS, HiveMQ). Each is masked with as many `*`
 * (an empty name stays empty, so the fact that one was given still shows).
 */
const LOG_USER = [/(\bu')([^']*)(')/g, /(\buser(?:_?name)?"?\s*(?:[:=]\s*|\s+)["'])([^"']*)(["'])/gi, /(\buser(?:_?name)?\s*[:=]\s*)([^\s"',;)}\]]+)()/gi];

/** A broker's log line with the user names and the given secret values masked. */
export function maskLogLine(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const re of LOG_USER) out = out.replace(re, (_m, a: string, v: string, b: string) => `${a}${'*'.repeat(v.length)}${b}`);
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('*'.repeat(s.length));
  return out;
}

/**
 * A text that is neither the host's nor the module's line (a person's note, a string of a saved
 * report): masked by the rules of both directions (it may quote a command with its password or
 * an answer with the IMSI). It is no command: the redactor's context is left as it was.
 */
export function redactFreeText(text: string, redactor: Redactor = createRedactor()): string {
  const saved = redactor.context.lastCommand;
  const tx = redactor.line(Buffer.from(text, 'utf8'), 'tx');
  const rx = redactor.line(tx.data, 'rx');
  redactor.context.lastCommand = saved;
  return tx.redact.length > 0 || rx.redact.length > 0 ? rx.data.toString('utf8') : text;
}

/** Mask a text for display (one line or several): the same rules, for output of any kind. */
export function redactText(text: string, dir: 'tx' | 'rx', redactor: Redactor = createRedactor()): string {
  return text
    .split('\n')
    .map((l) => redactor.line(Buffer.from(l, 'utf8'), dir).data.toString('utf8'))
    .join('\n');
}
