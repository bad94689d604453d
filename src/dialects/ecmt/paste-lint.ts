import { text, type Text } from '../../util/i18n.js';
import { isLetter } from '../../util/chars.js';

/**
 * Copy-paste mistakes in an AT command line: what a command copied from a Word or PDF manual, a
 * chat or a web page carries. Pure, one line in, findings out; used by `cat1 decode` on the
 * commands of a log and by `cat1 at` before it sends.
 *
 * Found (outside double-quoted strings unless said otherwise):
 * - typographic quotes `“ ” „ ‟ ″` (anywhere: they are the string delimiters) and `‘ ’` where
 *   they delimit a value (after `=` or `,`, before `,` or the end) → `"`;
 * - full-width punctuation `，：；＝＋？（）＂` and full-width letters/digits `ＡＴ０１` → ASCII;
 * - a non-breaking space (U+00A0) or an ideographic space (U+3000) → removed outside quotes, a
 *   space inside; a zero-width space, joiner or BOM (U+200B–U+200D, U+2060, U+FEFF) → removed
 *   anywhere (inside a topic it makes a different topic);
 * - a command name one edit away from a known one (`AT+ECMTCON=` → `AT+ECMTCONN=`): ECMT names,
 *   and the 3GPP names cat1 knows when at least 5 letters long;
 * - a missing `=` after a known name (`AT+ECMTOPEN0,…`, `AT+ECMTOPEN 0,…`) or a `:` in its
 *   place (the URC's form copied as the command).
 * A finding never quotes a value of the line (it may be a password); the corrected line is
 * returned whole, for the caller to mask like the command itself.
 */

export type PasteCode = 'typographic-quote' | 'full-width' | 'invisible-space' | 'near-miss' | 'missing-equals';

export interface PasteFinding {
  code: PasteCode;
  message: Text;
}

export interface PasteCheck {
  findings: PasteFinding[];
  /** what the module will answer to the line as written */
  answer: Text;
  /** the line with every mistake corrected */
  corrected: string;
}

/** Command names cat1 knows (upper case, with the `+`). */
export const KNOWN_COMMANDS: readonly string[] = [
  '+ECMTCFG',
  '+ECMTOPEN',
  '+ECMTCLOSE',
  '+ECMTCONN',
  '+ECMTDISC',
  '+ECMTSUB',
  '+ECMTUNS',
  '+ECMTPUB',
  '+ECMTPUBEX',
  '+CEREG',
  '+CGREG',
  '+CREG',
  '+CGATT',
  '+CGACT',
  '+CGDCONT',
  '+CGPADDR',
  '+CGCONTRDP',
  '+CFUN',
  '+CPIN',
  '+CIMI',
  '+CGSN',
  '+CGMI',
  '+CGMM',
  '+CGMR',
  '+CMEE',
  '+CSQ',
  '+CESQ',
  '+COPS',
  '+CCLK',
  '+ECICCID',
  '+ECPING',
  '+ECDNS',
  '+ECBAND',
  '+ECCFG',
  '+ECSTATUS',
  '+ECPCFG',
];

const KNOWN = new Set(KNOWN_COMMANDS);

const QUOTES_DOUBLE = new Set([0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x301d, 0x301e]);
const QUOTES_SINGLE = new Set([0x2018, 0x2019, 0x201a, 0x201b, 0x2032]);
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);

/** Damerau–Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap). */
function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The known name one edit away from `name`, when exactly one is. */
export function nearMiss(name: string): string | null {
  const u = name.toUpperCase();
  if (KNOWN.has(u) || u.length < 4) return null;
  let hit: string | null = null;
  for (const k of KNOWN_COMMANDS) {
    if (!k.startsWith('+ECMT') && k.length < 6) continue;
    if (!k.startsWith('+ECMT') && u.startsWith('+ECMT')) continue;
    if (oneEdit(u, k)) {
      if (hit !== null) return null;
      hit = k;
    }
  }
  return hit;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * For an ASCII line: `AT+NAME` at its start (blanks before it allowed; the name as
 * /^\s*AT(\+[A-Za-z][A-Za-z0-9]*)/i reads it) with a known name, followed by `=`, `?` or nothing:
 * nothing to find. The regex read by hand (for ASCII, /\s/ is the blanks 0x09–0x0d and the space).
 */
export function knownNameAtOnce(line: string): boolean {
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) i++;
    else break;
  }
  if ((line.charCodeAt(i) | 0x20) !== 0x61 || (line.charCodeAt(i + 1) | 0x20) !== 0x74 || line.charCodeAt(i + 2) !== 0x2b || !isLetter(line.charCodeAt(i + 3))) return false;
  let j = i + 4;
  let lower = line.charCodeAt(i + 3) >= 0x61;
  for (; j < n; j++) {
    const c = line.charCodeAt(j);
    if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) break;
  }
  const name = line.slice(i + 2, j);
  if (!KNOWN.has(lower ? name.toUpperCase() : name)) return false;
  const next = line.charCodeAt(j);
  return Number.isNaN(next) || next === 0x3d || next === 0x3f;
}

const ERROR_ANSWER = text('the module answers ERROR (or +CME ERROR) and does nothing', '模组回复 ERROR（或 +CME ERROR），不执行');

/**
 * Check one command line (without its CR) for copy-paste mistakes. Null when it has none or
 * is not an AT command.
 */
export function checkPastedCommand(line: string): PasteCheck | null {
  if (typeof line !== 'string' || line.length === 0 || line.length > 8192) return null;
  // The cheap signs first (this runs on every command of a log): a line of ASCII alone holds no
  // typographic quote, full-width or invisible character, so only its command name can be wrong,
  // and a known name followed by `=`, `?` or nothing is right.
  const ascii = !NON_ASCII.test(line);
  if (ascii && knownNameAtOnce(line)) return null;
  // a full-width "ＡＴ" start is itself a mistake: normalise first, then look
  let out = ascii ? line : '';
  let inQuote = false;
  /** the value was opened by a plain `"`: only a plain `"` ends it, typographic quotes are its text */
  let plainQuote = false;
  let typo = 0;
  let wide = 0;
  let invisible = 0;
  let invisibleInValue = false;
  for (let i = 0; !ascii && i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuote && plainQuote && c !== 0x22 && (QUOTES_DOUBLE.has(c) || QUOTES_SINGLE.has(c))) {
      out += line.charAt(i);
      continue;
    }
    if (c === 0x22 || QUOTES_DOUBLE.has(c)) {
      if (c !== 0x22) typo++;
      if (!inQuote) plainQuote = c === 0x22;
      inQuote = !inQuote;
      out += '"';
      continue;
    }
    if (QUOTES_SINGLE.has(c)) {
      const prev = out.charAt(out.length - 1);
      const next = line.charAt(i + 1);
      const delimits = inQuote ? next === '' || next === ',' || next === ';' : prev === '=' || prev === ',' || prev === '';
      if (delimits) {
        typo++;
        if (!inQuote) plainQuote = false;
        inQuote = !inQuote;
        out += '"';
        continue;
      }
      out += line.charAt(i);
      continue;
    }
    if (ZERO_WIDTH.has(c)) {
      invisible++;
      if (inQuote) invisibleInValue = true;
      continue;
    }
    if (c === 0xa0 || c === 0x3000) {
      invisible++;
      if (inQuote) {
        invisibleInValue = true;
        out += ' ';
      }
      continue;
    }
    if (!inQuote && c >= 0xff01 && c <= 0xff5e) {
      wide++;
      out += String.fromCharCode(c - 0xfee0);
      continue;
    }
    out += line.charAt(i);
  }
  if (!/^AT/i.test(out.trimStart())) return null;
  const findings: PasteFinding[] = [];
  let valueOnly = true;
  if (typo > 0) {
    valueOnly = false;
    findings.push({
      code: 'typographic-quote',
      message: text(`${typo} typographic quote${typo === 1 ? '' : 's'} (“ ” ‘ ’) where the module needs the plain double quote "`, `${typo} 个中文/排版引号（“ ” ‘ ’），模组只认英文双引号 "`),
    });
  }
  if (wide > 0) {
    valueOnly = false;
    findings.push({
      code: 'full-width',
      message: text(`${wide} full-width character${wide === 1 ? '' : 's'} (，：；＝ or full-width letters/digits) outside quotes`, `引号外有 ${wide} 个全角字符（，：；＝ 或全角字母/数字）`),
    });
  }
  if (invisible > 0) {
    if (!invisibleInValue) valueOnly = false;
    findings.push({
      code: 'invisible-space',
      message: text(
        `${invisible} invisible character${invisible === 1 ? '' : 's'} (non-breaking or zero-width space)${invisibleInValue ? ', inside a quoted value: the module keeps it, so the value (topic, host…) is not what it looks like' : ''}`,
        `${invisible} 个不可见字符（不间断空格或零宽空格）${invisibleInValue ? '，在引号内：模组会保留它，值（主题、主机名…）与看到的不同' : ''}`,
      ),
    });
  }
  // the command name and what follows it
  const lead = out.length - out.trimStart().length;
  let body = out.trimStart();
  const m = /^(AT)(\+[A-Za-z][A-Za-z0-9]*)(.*)$/is.exec(body);
  if (m) {
    const at = m[1]!;
    let name = m[2]!;
    let rest = m[3]!;
    const glued = /^(\+[A-Za-z]+?)(\d.*)$/s.exec(name);
    const fix = glued && KNOWN.has(glued[1]!.toUpperCase()) ? null : nearMiss(name);
    if (fix) {
      valueOnly = false;
      findings.push({ code: 'near-miss', message: text(`unknown command AT${name.toUpperCase()}: did you mean AT${fix}?`, `未知命令 AT${name.toUpperCase()}：是否应为 AT${fix}？`) });
      name = fix;
    } else if (!KNOWN.has(name.toUpperCase())) {
      // a known name with a parameter glued to it: AT+ECMTOPEN0,"h",1883
      if (glued && KNOWN.has(glued[1]!.toUpperCase()) && /[,"]/.test(rest)) {
        name = glued[1]!;
        rest = glued[2]! + rest;
        valueOnly = false;
        findings.push({ code: 'missing-equals', message: text(`no "=" after AT${name.toUpperCase()}`, `AT${name.toUpperCase()} 后缺少 "="`) });
        rest = `=${rest}`;
      }
    }
    if (KNOWN.has(name.toUpperCase()) && !findings.some((f) => f.code === 'missing-equals')) {
      const r = /^(\s*)([:\s])\s*(?=[0-9"(])(.*)$/s.exec(rest);
      if (r && (r[2] === ':' || r[1]!.length + 1 > 0) && /[,"]|^\d+$/.test(r[3]!)) {
        valueOnly = false;
        findings.push({
          code: 'missing-equals',
          message: r[2] === ':' ? text(`":" after AT${name.toUpperCase()} where the command needs "=" (the URC's form was copied)`, `AT${name.toUpperCase()} 后应为 "=" 而不是 ":"（抄成了 URC 的格式）`) : text(`no "=" after AT${name.toUpperCase()}`, `AT${name.toUpperCase()} 后缺少 "="`),
        });
        rest = `=${r[3]!}`;
      }
    }
    body = `${at}${name}${rest}`;
  }
  if (findings.length === 0) return null;
  const corrected = out.slice(0, lead) + body;
  const answer = valueOnly
    ? text('the module accepts it (OK) but uses the value with the invisible character in it', '模组接受（OK），但使用的是带不可见字符的值')
    : ERROR_ANSWER;
  return { findings, answer, corrected: corrected.trim() };
}
