/**
 * The last check before a bug bundle is written: every secret the run knows, in plain, hex and
 * base64 forms, and anything shaped like an IMSI or an ICCID — in the files as they are, and
 * inside the hex and base64 runs they hold (a transcript keeps bytes that are not text as
 * base64). A finding names the file, what was found and in which form, never the value.
 */

export interface ScanFile {
  name: string;
  data: Buffer;
}

export interface Finding {
  file: string;
  /** 'secret #1', 'IMSI-shaped number', 'ICCID-shaped number' */
  what: string;
  form: 'plain' | 'hex' | 'base64' | 'inside hex' | 'inside base64';
}

export interface ScanOptions {
  /** values that must not appear (passwords, keys, user names) */
  secrets: readonly string[];
  /** numbers that are known not to be secret although they have the shape (the module's IMEI) */
  allow?: readonly string[];
}

const IMSI = /(?<![0-9])[2-7][0-9]{14}(?![0-9])/g;
const ICCID = /(?<![0-9])89[0-9]{17,18}(?![0-9])/g;

function shapes(s: string, allow: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(IMSI)) if (!allow.has(m[0])) out.push('IMSI-shaped number');
  for (const m of s.matchAll(ICCID)) if (!allow.has(m[0])) out.push('ICCID-shaped number');
  return out;
}

/** base64 of `v` as it shows inside a longer base64 text at each of the 3 alignments. */
function base64Forms(v: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const b = Buffer.concat([Buffer.alloc(shift), v]).toString('base64');
    // drop the characters that depend on the bytes before and after
    const start = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    const usable = Math.floor((shift + v.length) / 3) * 4;
    const s = b.slice(start, usable);
    if (s.length >= 4) out.push(s);
  }
  return out;
}

export function scanFiles(files: readonly ScanFile[], o: ScanOptions): Finding[] {
  const allow = new Set(o.allow ?? []);
  const secrets = o.secrets.filter((s) => Buffer.byteLength(s) >= 3);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (f: Finding): void => {
    const k = `${f.file}|${f.what}|${f.form}`;
    if (!seen.has(k)) {
      seen.add(k);
      findings.push(f);
    }
  };
  for (const f of files) {
    const latin = f.data.toString('latin1');
    const lower = latin.toLowerCase();
    secrets.forEach((s, i) => {
      const v = Buffer.from(s, 'utf8');
      const what = `secret #${i + 1} (${v.length} bytes)`;
      if (latin.includes(v.toString('latin1'))) add({ file: f.name, what, form: 'plain' });
      if (lower.includes(v.toString('hex'))) add({ file: f.name, what, form: 'hex' });
      if (base64Forms(v).some((b) => latin.includes(b) || latin.includes(b.replace(/\+/g, '-').replace(/\//g, '_')))) add({ file: f.name, what, form: 'base64' });
    });
    for (const w of shapes(latin, allow)) add({ file: f.name, what: w, form: 'plain' });
    // decoded runs: hex (even length, ≥ 24 digits) and base64 (≥ 16 characters)
    for (const m of latin.matchAll(/(?:[0-9a-fA-F]{2}){12,}/g)) {
      const dec = Buffer.from(m[0], 'hex').toString('latin1');
      for (const w of shapes(dec, allow)) add({ file: f.name, what: w, form: 'inside hex' });
    }
    for (const m of latin.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)) {
      const dec = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
      for (const w of shapes(dec, allow)) add({ file: f.name, what: w, form: 'inside base64' });
      secrets.forEach((s, i) => {
        if (dec.includes(Buffer.from(s, 'utf8').toString('latin1'))) add({ file: f.name, what: `secret #${i + 1} (${Buffer.byteLength(s)} bytes)`, form: 'inside base64' });
      });
    }
  }
  return findings;
}
