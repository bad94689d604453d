/**
 * Generated inputs for the benchmarks: the serial bytes of a long ECMT session, as they cross
 * the wire in both directions, and the same session as a cat1 transcript (JSON Lines).
 *
 * The session is rich in ECMT traffic: inline and data-mode (`> ` prompt) publishes with their
 * two-phase results, multi-line JSON downlinks (+ECMTRECV, some ended by the module's framing,
 * some by the host's next command, some delivered together with other URCs in one read), URCs
 * interleaved between a command's echo and its final result, registration and signal queries,
 * and now and then a reconnect with credentials (which the decoder masks). Echo is on (ATE1),
 * as on most field hosts. Deterministic: the same size always gives the same bytes.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 } from '../../src/emulator/prng.js';

/** The wire bytes of a session: one buffer, cut into chunks (one chunk = one read or write). */
export interface Wire {
  bytes: Buffer;
  /** chunk i is bytes[ends[i-1] .. ends[i]) */
  ends: Int32Array;
  /** 0 = tx (host → module), 1 = rx (module → host) */
  dirs: Uint8Array;
  count: number;
  /** bytes per direction */
  txBytes: number;
  rxBytes: number;
}

/** A small deterministic PRNG: the emulator's (mulberry32). */
export const prng = mulberry32;

const CMDS = ['set', 'get', 'reboot', 'ota', 'config'];

function downlinkJson(rnd: () => number, i: number): string {
  const n = 2 + Math.floor(rnd() * 6);
  const lines = ['{', `  "command": "${CMDS[i % CMDS.length]}",`, `  "seq": ${i},`, '  "args": {'];
  for (let k = 0; k < n; k++) lines.push(`    "p${k}": ${Math.floor(rnd() * 10000)}${k < n - 1 ? ',' : ''}`);
  lines.push('  },', `  "note": "valve ${i % 97} at ${(rnd() * 100).toFixed(1)}%, ok"`, '}');
  return lines.join('\r\n');
}

/**
 * One cycle of the session: a list of [dir, text] pieces (dir 0 tx, 1 rx). The texts are
 * ASCII except the occasional UTF-8 downlink.
 */
function cycle(i: number, rnd: () => number): Array<[0 | 1, string]> {
  const out: Array<[0 | 1, string]> = [];
  const tx = (s: string): void => void out.push([0, s]);
  const rx = (s: string): void => void out.push([1, s]);
  const cmd = (c: string, answer: string[], final = 'OK'): void => {
    tx(`${c}\r`);
    rx(`${c}\r${answer.map((a) => `\r\n${a}\r\n`).join('')}\r\n${final}\r\n`);
  };
  const id = (i % 60000) + 1;
  if (i % 500 === 0) {
    // a reconnect: open, connect with credentials (masked by the decoder), subscribe
    cmd('AT+ECMTOPEN=0,"broker.example.com",1883', []);
    rx('\r\n+ECMTOPEN: 0,0\r\n');
    cmd(`AT+ECMTCONN=0,"dev-${i % 1000}","user-${i % 7}","pass-${(i * 7919) % 100000}"`, []);
    rx('\r\n+ECMTCONN: 0,0,0\r\n');
    cmd(`AT+ECMTSUB=0,${id},"dev/42/down",1`, []);
    rx(`\r\n+ECMTSUB: 0,${id},0,1\r\n`);
  }
  if (i % 8 === 0) cmd('AT+CSQ', [`+CSQ: ${15 + (i % 16)},99`]);
  if (i % 16 === 4) cmd('AT+CEREG?', ['+CEREG: 2,1,"1A2B","0C3D4E5F",9']);
  // an inline publish, its OK, then the two-phase result
  const temp = (18 + rnd() * 10).toFixed(2);
  cmd(`AT+ECMTPUB=0,${id},1,0,"dev/42/telemetry","seq ${i}, temp ${temp}, hum ${Math.floor(rnd() * 100)}"`, []);
  rx(`\r\n+ECMTPUB: 0,${id},0\r\n`);
  switch (i % 4) {
    case 0: {
      // a multi-line JSON downlink, ended by the module's framing (another URC in the same read)
      rx(`\r\n+ECMTRECV: 0,${id},"dev/42/down",${downlinkJson(rnd, i)}\r\n\r\n+CEREG: 1,"1A2B","0C3D4E5F",9\r\n`);
      break;
    }
    case 1: {
      // a data-mode publish of a JSON document: prompt, payload + Ctrl-Z, its echo, OK, result
      const c = `AT+ECMTPUB=0,${id},1,0,"dev/42/state"`;
      const doc = `{"seq":${i},"rssi":${-60 - (i % 40)},"uptime":${i * 13},"fw":"1.2.${i % 9}","ok":true}`;
      tx(`${c}\r`);
      rx(`${c}\r\r\n> `);
      tx(`${doc}\x1a`);
      rx(`${doc}\r\n\r\nOK\r\n`);
      rx(`\r\n+ECMTPUB: 0,${id},0\r\n`);
      break;
    }
    case 2: {
      // a downlink interleaved between a command's echo and its final result
      const c = `AT+ECMTSUB=0,${id},"dev/42/cfg",1`;
      tx(`${c}\r`);
      rx(`${c}\r\r\n+ECMTRECV: 0,0,"dev/42/cfg",mode=eco;period=${30 + (i % 60)}\r\n\r\nOK\r\n`);
      rx(`\r\n+ECMTSUB: 0,${id},0,1\r\n`);
      break;
    }
    default: {
      // a multi-line downlink whose end the host's next command decides (no framing after it),
      // sometimes with UTF-8 text
      const extra = i % 12 === 3 ? ',\r\n  "label": "阀门 3 号"' : '';
      rx(`\r\n+ECMTRECV: 0,${id},"dev/42/down",{\r\n  "seq": ${i},\r\n  "period": ${i % 300}${extra}\r\n}\r\n`);
      break;
    }
  }
  return out;
}

/** The session's wire bytes, at least `size` bytes. */
export function generateWire(size: number, seed = 7): Wire {
  const rnd = prng(seed);
  const parts: Buffer[] = [];
  const ends: number[] = [];
  const dirs: number[] = [];
  let total = 0;
  let txBytes = 0;
  for (let i = 0; total < size; i++) {
    for (const [dir, s] of cycle(i, rnd)) {
      const b = Buffer.from(s, 'utf8');
      parts.push(b);
      total += b.length;
      ends.push(total);
      dirs.push(dir);
      if (dir === 0) txBytes += b.length;
    }
  }
  return { bytes: Buffer.concat(parts, total), ends: Int32Array.from(ends), dirs: Uint8Array.from(dirs), count: ends.length, txBytes, rxBytes: total - txBytes };
}

/** Chunk i of a wire. */
export function chunkOf(w: Wire, i: number): Buffer {
  return w.bytes.subarray(i === 0 ? 0 : w.ends[i - 1]!, w.ends[i]!);
}

/**
 * The transcript header line the decoder expects.
 */
export function transcriptHeader(): string {
  return JSON.stringify({ cat1: 'transcript', version: 1, kind: 'emulator', created: '2026-01-01T00:00:00.000Z', source: 'cat1-bridge benchmark (generated)', timing: 'synthetic', redacted: false });
}

/**
 * The wire as transcript entry lines (without the header), one per chunk, times growing by
 * a few ms per entry from `t0`. Returns the text and the time after the last entry.
 */
export function transcriptLines(w: Wire, t0: number): { text: string; t: number } {
  const lines: string[] = [];
  let t = t0;
  for (let i = 0; i < w.count; i++) {
    t += 0.004 + (i % 5) * 0.001;
    const data = chunkOf(w, i).toString('utf8');
    lines.push(`{"t":${Math.round(t * 1e6) / 1e6},"dir":"${w.dirs[i] === 0 ? 'tx' : 'rx'}","text":${JSON.stringify(data)}}\n`);
  }
  return { text: lines.join(''), t };
}

/**
 * The session as a serial terminal shows it and saves it (a "pasted" text log): the module's
 * bytes, in which the host's commands appear as their echo (ATE1). CRLF line ends, as the
 * module sends them (an echo ends in CR, so it is followed by an empty line).
 */
export function textLogOf(w: Wire): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < w.count; i++) if (w.dirs[i] === 1) parts.push(chunkOf(w, i));
  return Buffer.concat(parts);
}

/**
 * The same log as a terminal with time stamps saves it: each line prefixed with
 * `[HH:MM:SS.mmm] `, times growing by a few ms a line.
 */
export function stampedLogOf(w: Wire): Buffer {
  const text = textLogOf(w).toString('utf8');
  const out: string[] = [];
  let ms = 10 * 3600_000;
  for (const line of text.split('\r\n')) {
    ms += 3 + (out.length % 7);
    const h = Math.floor(ms / 3600_000) % 24;
    const m = Math.floor(ms / 60_000) % 60;
    const s = Math.floor(ms / 1000) % 60;
    const p2 = (x: number): string => String(x).padStart(2, '0');
    out.push(`[${p2(h)}:${p2(m)}:${p2(s)}.${String(ms % 1000).padStart(3, '0')}] ${line}`);
  }
  return Buffer.from(out.join('\r\n'), 'utf8');
}

/** The session as a transcript of at least `size` bytes, written without holding it in memory. */
export function writeTranscript(path: string, w: Wire, size: number): { bytes: number; entries: number; wireBytes: number } {
  const fd = openSync(path, 'w');
  const lits: string[] = [];
  for (let i = 0; i < w.count; i++) lits.push(JSON.stringify(chunkOf(w, i).toString('utf8')));
  let bytes = writeSync(fd, `${transcriptHeader()}\n`);
  let entries = 0;
  let wireBytes = 0;
  let t = 0;
  try {
    while (bytes < size) {
      let batch: string[] = [];
      let len = 0;
      for (let i = 0; i < w.count && bytes + len < size; i++) {
        t += 0.004 + (i % 5) * 0.001;
        const line = `{"t":${Math.round(t * 1e6) / 1e6},"dir":"${w.dirs[i] === 0 ? 'tx' : 'rx'}","text":${lits[i]!}}\n`;
        batch.push(line);
        len += line.length;
        entries++;
        wireBytes += w.ends[i]! - (i === 0 ? 0 : w.ends[i - 1]!);
        if (batch.length >= 4096) {
          bytes += writeSync(fd, batch.join(''));
          batch = [];
          len = 0;
        }
      }
      bytes += writeSync(fd, batch.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, entries, wireBytes };
}
