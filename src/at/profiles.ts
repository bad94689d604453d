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

/** The command name: `AT+CSQ` → `+CSQ`, `AT^SYSINFO?` → `^SYSINFO`, `ATI` → `I`, `AT` → ''. */
export function commandName(command: string): string {
  const c = command.trim();
  if (!/^AT/i.test(c)) return c.toUpperCase();
  const rest = c.slice(2);
  const m = /^([+^$%#*][A-Za-z0-9_]+|&?[A-Za-z]\d*)/.exec(rest);
  return m ? m[1]!.toUpperCase() : '';
}

/** Is the command one of `AT+X?` (read), `AT+X=?` (test), `AT+X=…` (set), or `AT+X` (action)? */
export function commandForm(command: string): 'read' | 'test' | 'set' | 'action' {
  const c = command.trim();
  if (/=\s*\?$/.test(c)) return 'test';
  if (/\?$/.test(c)) return 'read';
  if (c.includes('=')) return 'set';
  return 'action';
}

export function prefixAnswer(prefix: string): (text: string) => boolean {
  const p = prefix.toUpperCase();
  const n = p.length;
  return (text) => {
    const t = cleanText(text);
    return t.length >= n && t.slice(0, n).toUpperCase() === p;
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
