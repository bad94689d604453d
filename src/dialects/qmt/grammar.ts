import type { CommandProfile, LineGrammar } from '../../at/types.js';
import { commandForm, commandName, generalProfile, prefixAnswer } from '../../at/profiles.js';
import { splitArgs } from '../../at/command-line.js';
import type { PayloadEnd } from '../../framing/framer.js';
import { isKnownFrameStart, parseLine as parseCoreLine } from '../../urc/index.js';
import type { ModemEvent } from '../../urc/types.js';
import { isQmtFrameStart, recvEventOf, recvFromLine, scanHead, scanRecv } from './recv.js';
import { parseQmtLine } from './urc.js';

/**
 * A LineGrammar for a Quectel module: QMT lines through the dialect's parsers, everything else
 * through the core's; `+QMTRECV` payloads framed by the dialect's `scanRecv` (length first, then
 * the closing-quote rule), and the QMT commands' answers (two-phase commands have none: their
 * `+QMTxxx:` results are URCs). Interim composition for the QMT session and its tests, until the
 * dialect registry builds the grammar from every registered dialect.
 */

const TWO_PHASE = new Set(['+QMTOPEN', '+QMTCLOSE', '+QMTCONN', '+QMTDISC', '+QMTSUB', '+QMTUNS', '+QMTPUB', '+QMTPUBEX']);

/** Does this publish ask for the `> ` prompt (Ctrl-Z form, `…,<len>`, the ASR `AT+QMTPUBEX=…,<len>`)? */
export function qmtPromptFor(command: string): boolean {
  const name = commandName(command);
  if ((name !== '+QMTPUB' && name !== '+QMTPUBEX') || commandForm(command) !== 'set') return false;
  const eq = command.indexOf('=');
  const ps = splitArgs(command.slice(eq + 1));
  if (!ps || ps.length < 5) return false;
  const last = ps[5];
  if (last === undefined || last.empty) return name === '+QMTPUB';
  return !last.quoted && /^\d+$/.test(last.text);
}

function qmtProfile(command: string): CommandProfile | null {
  const name = commandName(command);
  if (!name.startsWith('+QMT') && name !== '+QIACT') return null;
  const form = commandForm(command);
  const base = { name: `${name} ${form}`, command: name, match: () => true };
  if (form === 'test' || form === 'read') {
    const answer = prefixAnswer(`${name}:`);
    return { ...base, answer: (t) => answer(t), timeoutMs: 5000 };
  }
  if (name === '+QIACT') return { ...base, answer: null, timeoutMs: 150_000 };
  if (name === '+QMTCFG') {
    const eq = command.indexOf('=');
    const ps = splitArgs(command.slice(eq + 1));
    const query = ps !== null && ps.length <= 2;
    const answer = prefixAnswer('+QMTCFG:');
    return { ...base, answer: query ? (t) => answer(t) : null, timeoutMs: 5000 };
  }
  if (name === '+QMTRECV') return { ...base, answer: (_t, ev) => ev.type === 'qmt-recv', timeoutMs: 5000 };
  if (TWO_PHASE.has(name)) {
    const pub = name === '+QMTPUB' || name === '+QMTPUBEX';
    return { ...base, answer: null, timeoutMs: pub ? 20_000 : 5000, ...(pub ? { prompt: qmtPromptFor } : {}) };
  }
  return null;
}

const QMT_LINE = /^\+(QMT[A-Z]+|QIACT):/;

function parseLine(text: string): ModemEvent {
  const start = text.replace(/^[\0\s]+/, '');
  if (QMT_LINE.test(start)) {
    const ev = parseQmtLine(start);
    if (ev) return ev;
  }
  return parseCoreLine(text);
}

function isFrameStart(text: string): boolean {
  return isKnownFrameStart(text) || isQmtFrameStart(text);
}

/** A `+QMTRECV` block (header + payload bytes as the framer cut them) → the event, framed by scanRecv. */
function toEvent(header: Buffer, payload: Buffer, endedBy: PayloadEnd, truncated: boolean): ModemEvent {
  const bytes = Buffer.concat([header, payload]);
  let s = bytes.toString('latin1');
  if (!s.endsWith('\n')) s += '\r\n';
  const scan = scanRecv(s, 0, { final: endedBy === 'eof' ? 'eof' : 'quiet', isFrameStart });
  if (scan.status === 'done') {
    const ev = recvEventOf(Buffer.from(s, 'latin1'), 0, scan);
    return truncated ? { ...ev, truncated: true } : ev;
  }
  return recvFromLine(bytes.toString('utf8')) ?? { type: 'unknown', raw: bytes.toString('utf8') };
}

export function qmtGrammar(): LineGrammar {
  return {
    parseLine,
    rawBlock: {
      headerLength(text) {
        const h = scanHead(`${text}\r\n`);
        return h.status === 'head' && !h.head.nextLine ? h.head.payloadStart : -1;
      },
      isFrameStart,
      toEvent,
    },
    profileFor: (command) => qmtProfile(command) ?? generalProfile(command),
  };
}
