import type { CommandProfile } from '../../at/types.js';
import { commandForm, commandName, prefixAnswer } from '../../at/profiles.js';
import { isRegexSpace } from '../../util/chars.js';

/**
 * How each ECMT command is answered (../shared/protocol/ecmt.md §1–2). Action commands have
 * no information lines: their `+ECMTxxx:` results are URCs that come after `OK`, and must
 * never be taken as the answer of the command in flight (a `+ECMTPUB: 0,1,0` for the previous
 * publish can arrive while the next `AT+ECMTPUB` waits for its `OK`).
 */

const ECMT = ['+ECMTCFG', '+ECMTOPEN', '+ECMTCLOSE', '+ECMTCONN', '+ECMTDISC', '+ECMTSUB', '+ECMTUNS', '+ECMTPUB'] as const;

/** The AT guard time of the firmware for the immediate answer (§1): 5 s, 20 s for AT+ECMTPUB. */
const GUARD_MS = 5000;
const PUB_GUARD_MS = 20_000;

/** Count the parameters of a set command as the firmware reads them (quoted strings have no escapes). */
export function splitParams(args: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = args.length;
  if (n === 0) return out;
  for (;;) {
    while (i < n && args[i] === ' ') i++;
    let v = '';
    if (args[i] === '"') {
      const close = args.indexOf('"', i + 1);
      if (close < 0) {
        out.push(args.slice(i));
        return out;
      }
      v = args.slice(i, close + 1);
      i = close + 1;
      while (i < n && args[i] !== ',') v += args[i++];
    } else {
      const comma = args.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      v = args.slice(i, end);
      i = end;
    }
    out.push(v.trim());
    if (i >= n) return out;
    i++; // the comma
  }
}

/** The text after `=` of a set command. */
export function argsOf(command: string): string {
  const eq = command.indexOf('=');
  return eq < 0 ? '' : command.slice(eq + 1);
}

/** Does this AT+ECMTPUB leave out the payload, so that the module answers with the `> ` prompt? */
export function pubUsesPrompt(command: string): boolean {
  if (commandName(command) !== '+ECMTPUB' || commandForm(command) !== 'set') return false;
  const args = argsOf(command);
  // 0,<msgID>,<qos>,<retain>,"<topic>" — the payload, when present, is a 6th parameter taken raw
  // a trailing comma with nothing after it counts as "omitted" (the firmware's decoder prompts)
  return promptShape(args);
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isRegexSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * /^\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*("[^"]*"|[^,"]*)\s*,?\s*$/.test(args), read by hand:
 * four numbers, then a quoted topic or a bare one (up to a comma or a quote), then at most a
 * comma and blanks.
 */
export function promptShape(args: string): boolean {
  const n = args.length;
  let i = 0;
  for (let f = 0; f < 4; f++) {
    i = skipSpaces(args, i);
    const d = i;
    while (i < n && args.charCodeAt(i) >= 0x30 && args.charCodeAt(i) <= 0x39) i++;
    if (i === d) return false;
    i = skipSpaces(args, i);
    if (args.charCodeAt(i) !== 0x2c) return false;
    i++;
  }
  i = skipSpaces(args, i);
  if (args.charCodeAt(i) === 0x22) {
    const close = args.indexOf('"', i + 1);
    if (close < 0) return false;
    i = close + 1;
  } else {
    while (i < n && args.charCodeAt(i) !== 0x2c && args.charCodeAt(i) !== 0x22) i++;
  }
  i = skipSpaces(args, i);
  if (args.charCodeAt(i) === 0x2c) i++;
  return skipSpaces(args, i) === n;
}

/** Is `AT+ECMTCFG=…` a query (type and connect id only, values omitted)? */
export function isCfgQuery(command: string): boolean {
  if (commandName(command) !== '+ECMTCFG' || commandForm(command) !== 'set') return false;
  const params = splitParams(argsOf(command));
  const type = (params[0] ?? '').replace(/"/g, '').toLowerCase();
  if (type === 'ssl') return params.length <= 1;
  return params.length <= 2;
}

export function ecmtProfiles(): CommandProfile[] {
  const profiles: CommandProfile[] = [];
  for (const name of ECMT) {
    const isThis = (c: string): boolean => commandName(c) === name;
    const cfgAnswer = prefixAnswer('+ECMTCFG:');
    // test form: `AT+ECMTxxx=?` → the ranges, `+ECMTxxx: (0),…`
    profiles.push({
      name: `${name}=? (test)`,
      command: name,
      match: (c) => isThis(c) && commandForm(c) === 'test',
      answer: name === '+ECMTCFG' ? (t) => cfgAnswer(t) : (_t, ev) => ev.type === 'ecmt-test' || ev.type === 'ecmt-cfg',
      timeoutMs: GUARD_MS,
    });
    if (name === '+ECMTOPEN') {
      profiles.push({ name: `${name}? (read)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'read', answer: (_t, ev) => ev.type === 'ecmt-open-state', timeoutMs: GUARD_MS });
    } else if (name === '+ECMTCONN') {
      profiles.push({ name: `${name}? (read)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'read', answer: (_t, ev) => ev.type === 'ecmt-conn-state', timeoutMs: GUARD_MS });
    } else if (name === '+ECMTCFG') {
      profiles.push({ name: `${name} (query)`, command: name, match: (c) => isCfgQuery(c), answer: (t) => cfgAnswer(t), timeoutMs: GUARD_MS });
    }
    profiles.push({
      name: `${name} (action)`,
      command: name,
      match: isThis,
      answer: null,
      timeoutMs: name === '+ECMTPUB' ? PUB_GUARD_MS : GUARD_MS,
      ...(name === '+ECMTPUB' ? { prompt: pubUsesPrompt } : {}),
    });
  }
  return profiles;
}
