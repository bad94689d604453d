/**
 * The floor of any decoder written in Node (bench item 10): a child process that reads a file in
 * 1 MiB chunks, splits it into lines and writes one JSON object per line read — nothing of cat1's.
 * A transcript's entries are parsed first (`JSON.parse`), as a decoder of JSON Lines must. What
 * cat1 does on top (framing, typed events, redaction, explanations, a summary) can only add to it,
 * so `decode --json` / floor says how much of the time is cat1's own, and floor / parser-readline
 * bounds what any Node decoder that prints one line per line in can reach on this machine.
 *
 *   node floor.js <file> log|transcript      (stdout: the JSON lines)
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const [file, kind] = process.argv.slice(2);
if (file === undefined || (kind !== 'log' && kind !== 'transcript')) {
  process.stderr.write('usage: floor.js <file> log|transcript\n');
  process.exit(2);
}
const fd = openSync(file, 'r');
const chunk = Buffer.allocUnsafe(1 << 20);
let carry = '';
let n = 0;
let out: string[] = [];
let outLen = 0;
const emit = (s: string): void => {
  out.push(s);
  outLen += s.length;
  if (outLen >= 1 << 16) {
    out.push('');
    writeSync(1, out.join('\n'));
    out = [];
    outLen = 0;
  }
};
for (;;) {
  const got = readSync(fd, chunk, 0, chunk.length, null);
  if (got === 0) break;
  const s = carry + chunk.toString('utf8', 0, got);
  let start = 0;
  for (let lf = s.indexOf('\n'); lf >= 0; lf = s.indexOf('\n', start)) {
    const line = s.slice(start, lf);
    start = lf + 1;
    n++;
    if (kind === 'log') emit(JSON.stringify({ line: n, text: line }));
    else if (n > 1) {
      // every entry line of a transcript is JSON (the first line is its header)
      const e = JSON.parse(line) as { t?: number; dir?: string; text?: string };
      emit(JSON.stringify({ line: n, t: e.t, dir: e.dir, text: e.text }));
    }
  }
  carry = s.slice(start);
}
closeSync(fd);
out.push('');
writeSync(1, out.join('\n'));
