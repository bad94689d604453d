import type { CommandProfile } from './types.js';
import type { ModemEvent } from '../urc/types.js';

/**
 * How the general (3GPP 27.007 and common vendor) commands are answered. Dialect-specific
 * commands (ECMT) have their own profiles in their folder.
 */

/** Strip leading NULs/spaces the way the line parser does. */
export function cleanText(text: string): string {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 0 || text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i === 0 ? text : text.slice(i);
}

// The profile lookup asks for the name and form of the same command line several times (the
// grammar, then each candidate profile's match): the last answer is remembered.
let lastNameOf = '';
let lastName = '';
let lastForm: [command: string, form: 'read' | 'test' | 'set' | 'action'] = ['', 'action'];

function isNameChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/**
 * commandName of a line that starts with `AT` in any case (nothing to trim before it), read by
 * hand: the regex /^([+^$%#*][A-Za-z0-9_]+|&?[A-Za-z]\d*)/ on what follows `AT` (trailing blanks
 * are never part of a name).
 */
function nameAfterAt(c: string): string {
  const n = c.length;
  const m = c.charCodeAt(2);
  let j = 3;
  if (m === 0x2b || m === 0x5e || m === 0x24 || m === 0x25 || m === 0x23 || m === 0x2a) {
    while (j < n && isNameChar(c.charCodeAt(j))) j++;
    return j > 3 ? c.slice(2, j).toUpperCase() : '';
  }
  j = m === 0x26 ? 3 : 2;
  const l = c.charCodeAt(j) | 0x20;
  if (!(l >= 0x61 && l <= 0x7a)) return '';
  j++;
  while (j < n && c.charCodeAt(j) >= 0x30 && c.charCodeAt(j) <= 0x39) j++;
  return c.slice(2, j).toUpperCase();
}

/** The command name: `AT+CSQ` → `+CSQ`, `AT^SYSINFO?` → `^SYSINFO`, `ATI` → `I`, `AT` → ''. */
export function commandName(command: string): string {
  if (command === lastNameOf) return lastName;
  let name: string;
  if ((command.charCodeAt(0) | 0x20) === 0x61 && (command.charCodeAt(1) | 0x20) === 0x74) name = nameAfterAt(command);
  else {
    const c = command.trim();
    if (!/^AT/i.test(c)) name = c.toUpperCase();
    else name = nameAfterAt(c);
  }
  lastNameOf = command;
  lastName = name;
  return name;
}

/** Is the command one of `AT+X?` (read), `AT+X=?` (test), `AT+X=…` (set), or `AT+X` (action)? */
export function commandForm(command: string): 'read' | 'test' | 'set' | 'action' {
  if (command === lastForm[0]) return lastForm[1];
  const c = command.trim();
  const form = c.endsWith('?') ? (/=\s*\?$/.test(c) ? 'test' : 'read') : c.includes('=') ? 'set' : 'action';
  lastForm = [command, form];
  return form;
}

export function prefixAnswer(prefix: string): (text: string) => boolean {
  const p = prefix.toUpperCase();
  const n = p.length;
  const slow = (text: string): boolean => {
    const t = cleanText(text);
    return t.length >= n && t.slice(0, n).toUpperCase() === p;
  };
  if (!/^[\x00-\x7f]*$/.test(p)) return slow;
  return (text) => {
    // slow(), without allocating, for ASCII text (any other character takes slow())
    let i = 0;
    while (i < text.length && (text.charCodeAt(i) === 0 || text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    if (text.length - i < n) return false;
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(i + k);
      if (c >= 0x80) return slow(text);
      if (c !== p.charCodeAt(k) && !(c >= 0x61 && c <= 0x7a && c - 0x20 === p.charCodeAt(k))) return false;
    }
    return true;
  };
}

function isBareAnswer(ev: ModemEvent, name: string): boolean {
  if (ev.type === 'unknown') return true;
  // some firmware prefixes identity answers: "+CGSN: 8612…", "+CGMR: …"
  return ev.type === 'info' && ev.prefix !== null && ev.prefix.toUpperCase() === name;
}

const BARE = new Set(['I', 'I0', '+CGMI', '+CGMM', '+CGMR', '+CGSN', '+CIMI', '+GMI', '+GMM', '+GMR', '+GSN', '+CCID', '+ICCID', '+ECICCID', '^ICCID', '+QCCID', '+CNUM']);
const NO_ANSWER = new Set(['', 'E0', 'E1', 'E', 'Z', 'Z0', '&F', '&F0', '&W', 'V0', 'V1', 'Q0', 'Q1', 'H', 'H0', '+CMEE', '+CEREG', '+CREG', '+CGREG', '+ECPING']);
const TIMEOUTS: Record<string, number> = {
  '+COPS': 180_000,
  '+CGATT': 75_000,
  '+CFUN': 30_000,
  '+CGACT': 150_000,
  '+ECDNS': 30_000,
  '+CPIN': 10_000,
};

/** Profiles for the commands a field tool sends before MQTT. */
export function generalProfile(command: string): CommandProfile {
  const name = commandName(command);
  const form = commandForm(command);
  // the long network operations are the set/action forms; reading state answers at once
  const timeoutMs = form === 'set' || form === 'action' ? TIMEOUTS[name] : undefined;
  const base = { name: `${name || 'AT'} (${form})`, match: (c: string) => commandName(c) === name, ...(timeoutMs ? { timeoutMs } : {}) };
  if (BARE.has(name) && form !== 'test') {
    return { ...base, answer: (_t, ev) => isBareAnswer(ev, name) };
  }
  if ((name === '+CEREG' || name === '+CREG' || name === '+CGREG') && form === 'read') {
    // `+CEREG: <n>,<stat>…` answers the read form; `+CEREG: <stat>,"tac",…` is the URC.
    const isAnswer = prefixAnswer(`${name}:`);
    return { ...base, answer: (text, ev) => isAnswer(text) && ev.type === 'reg' && ev.solicited };
  }
  if (NO_ANSWER.has(name) && form !== 'read' && form !== 'test') return { ...base, answer: null };
  if (name === '') return { ...base, answer: null };
  if (/^[+^$%#*]/.test(name)) return { ...base, answer: prefixAnswer(`${name}:`) };
  // basic commands (ATI, ATE…) without a prefix
  return { ...base, answer: form === 'read' ? (_t, ev) => isBareAnswer(ev, name) : null };
}
