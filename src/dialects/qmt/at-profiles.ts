/**
 * How each QMT command is answered (../shared/protocol/qmt.md §1–§4). The MQTT commands are
 * two-phase: `OK` at once, the `+QMTxxx:` result later as a URC that must never be taken as the
 * answer of the command in flight. Read forms, test forms and config queries have answer lines.
 */
import type { CommandProfile } from '../../at/types.js';
import { commandForm, commandName, prefixAnswer } from '../../at/profiles.js';
import { splitArgs } from '../../at/command-line.js';

/** The text after `=` of a set command. */
function argsOf(command: string): string {
  const eq = command.indexOf('=');
  return eq < 0 ? '' : command.slice(eq + 1);
}

const TWO_PHASE = ['+QMTOPEN', '+QMTCLOSE', '+QMTCONN', '+QMTDISC', '+QMTSUB', '+QMTUNS', '+QMTPUB', '+QMTPUBEX'] as const;

/**
 * Immediate-answer guard: not published for QMT; 5 s as for the other two-phase dialect (I).
 * A publish's `OK` comes after the payload, so its guard is longer (I).
 */
const GUARD_MS = 5000;
const PUB_GUARD_MS = 20_000;
/** `AT+QIACT=<cid>`: up to 150 s (D [AN-BG95]). */
const QIACT_MS = 150_000;

/**
 * Does this publish ask for the `> ` prompt? `AT+QMTPUB=…,"<topic>"` (Ctrl-Z form), `…,<len>`
 * (fixed length) and the ASR `AT+QMTPUBEX=…,<len>` do; an inline message (`…,"<msg>"`) does not.
 */
export function qmtPubUsesPrompt(command: string): boolean {
  const name = commandName(command);
  if ((name !== '+QMTPUB' && name !== '+QMTPUBEX') || commandForm(command) !== 'set') return false;
  const ps = splitArgs(argsOf(command), 5);
  if (!ps || ps.length < 5) return false;
  const last = ps[5];
  if (last === undefined || last.empty) return name === '+QMTPUB';
  return /^\s*\d+\s*$/.test(last.text);
}

/** The publish parameter that, as a bare integer, fixes the data length (`…,"<topic>",<len>`; `CommandSpec.lengthParam`). */
export const PUB_LENGTH_PARAM = 5;

/**
 * The data-mode length of a prompt publish: `AT+QMTPUB=…,<len>` and the ASR `AT+QMTPUBEX=…,<len>`
 * take exactly `<len>` bytes after `> `, no Ctrl-Z (qmt.md §2.3 forms 2 and 3); null for the
 * Ctrl-Z form (`AT+QMTPUB=…,"<topic>"`).
 */
export function qmtPubDataLength(command: string): number | null {
  if (!qmtPubUsesPrompt(command)) return null;
  const ps = splitArgs(argsOf(command), PUB_LENGTH_PARAM);
  const last = ps?.[PUB_LENGTH_PARAM];
  if (!last || last.empty || last.quoted) return null;
  const t = last.text.trim();
  return /^\d{1,7}$/.test(t) ? Number(t) : null;
}

/** Is `AT+QMTCFG="<key>",<idx>` a query (values omitted)? */
export function isQmtCfgQuery(command: string): boolean {
  if (commandName(command) !== '+QMTCFG' || commandForm(command) !== 'set') return false;
  const ps = splitArgs(argsOf(command));
  return ps !== null && ps.length <= 2;
}

export function qmtProfiles(): CommandProfile[] {
  const out: CommandProfile[] = [];
  const cfgAnswer = prefixAnswer('+QMTCFG:');
  for (const name of [...TWO_PHASE, '+QMTCFG', '+QMTRECV'] as const) {
    const isThis = (c: string): boolean => commandName(c) === name;
    const answer = prefixAnswer(`${name}:`);
    out.push({ name: `${name}=? (test)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'test', answer: (t) => answer(t), timeoutMs: GUARD_MS });
    if (name === '+QMTOPEN') out.push({ name: `${name}? (read)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'read', answer: (_t, ev) => ev.type === 'qmt-open-state', timeoutMs: GUARD_MS });
    if (name === '+QMTCONN') out.push({ name: `${name}? (read)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'read', answer: (_t, ev) => ev.type === 'qmt-conn-state', timeoutMs: GUARD_MS });
    if (name === '+QMTRECV') {
      out.push({ name: `${name}? (read)`, command: name, match: (c) => isThis(c) && commandForm(c) === 'read', answer: (_t, ev) => ev.type === 'qmt-recv-slots', timeoutMs: GUARD_MS });
      // form e: AT+QMTRECV=<idx>[,<recv_id>] → the stored messages (form a/b), then OK
      out.push({ name: `${name} (read buffer)`, command: name, match: isThis, answer: (_t, ev) => ev.type === 'qmt-recv', timeoutMs: GUARD_MS });
      continue;
    }
    if (name === '+QMTCFG') {
      out.push({ name: `${name} (query)`, command: name, match: isQmtCfgQuery, answer: (t) => cfgAnswer(t), timeoutMs: GUARD_MS });
      out.push({ name: `${name} (set)`, command: name, match: isThis, answer: null, timeoutMs: GUARD_MS });
      continue;
    }
    const pub = name === '+QMTPUB' || name === '+QMTPUBEX';
    out.push({ name: `${name} (action)`, command: name, match: isThis, answer: null, timeoutMs: pub ? PUB_GUARD_MS : GUARD_MS, ...(pub ? { prompt: qmtPubUsesPrompt, dataLength: qmtPubDataLength } : {}) });
  }
  out.push({ name: '+QIACT (activate)', command: '+QIACT', match: (c) => commandName(c) === '+QIACT' && commandForm(c) === 'set', answer: null, timeoutMs: QIACT_MS });
  return out;
}
