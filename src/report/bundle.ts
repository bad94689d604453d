import { scanFiles, type Finding } from './scan.js';
import { tarGz } from './tar.js';

export interface BundleParts {
  /** the session's transcript (JSON Lines), null when the run had none */
  transcript: string | null;
  /** what `--json` prints for the run: one object, or several (JSON Lines) */
  report: unknown;
  html: string;
  environment: Record<string, unknown>;
  /** what was masked, in words, for the README */
  masked: string[];
  /** the verb that made it */
  verb: string;
  /** more files (a fleet: each module's transcript, report and page), with a line for the README */
  extra?: Array<{ name: string; data: string; about: string }>;
}

export type BundleResult = { ok: true; data: Buffer; files: string[] } | { ok: false; findings: Finding[] };

function readme(p: BundleParts, names: string[]): string {
  const has = (n: string): boolean => names.includes(n);
  return [
    `cat1 bug bundle — made by "cat1 ${p.verb}" ${String(p.environment['created'] ?? '')}`,
    '',
    'Files:',
    '  README.txt        this file',
    has('transcript.jsonl') ? '  transcript.jsonl  the serial session, byte for byte, as cat1 transcript JSON Lines (README "Transcript format"); replay it with "cat1 replay" or read it with "cat1 decode"' : null,
    '  report.json       what --json printed for the run (the verdict, its causes and their evidence, the steps)',
    '  report.html       the same as one self-contained page with a sequence diagram; open it in any browser, it loads nothing from the network',
    '  environment.json  cat1 and Node versions, the operating system, the serial port and its USB ids, the module identity (masked), the firmware profile, the dialect, the broker URL (no credentials)',
    ...(p.extra ?? []).map((f) => `  ${f.name.padEnd(16)}  ${f.about}`),
    '',
    'Masked:',
    ...p.masked.map((m) => `  - ${m}`),
    '',
    'Before this file was written, every file in it was scanned for each secret value the run knew',
    '(plain, hex and base64 forms) and for numbers shaped like an IMSI or an ICCID; the bundle is',
    'written only when none is found.',
    '',
  ]
    .filter((l): l is string => l !== null)
    .join('\n');
}

/**
 * Assemble the bundle (a .tar.gz held in memory) and scan it. `secrets`: every value the run
 * knows that must not leave (password, user name, keys); `allow`: numbers with a secret's
 * shape that are not secret (the IMEI). A finding means nothing is written.
 */
export function makeBundle(p: BundleParts, o: { secrets: readonly string[]; allow?: readonly string[] }): BundleResult {
  const files: Array<{ name: string; data: Buffer }> = [];
  const reportText = Array.isArray(p.report) ? p.report.map((r) => JSON.stringify(r)).join('\n') + '\n' : `${JSON.stringify(p.report, null, 2)}\n`;
  const names = ['README.txt', ...(p.transcript !== null ? ['transcript.jsonl'] : []), 'report.json', 'report.html', 'environment.json'];
  files.push({ name: 'README.txt', data: Buffer.from(readme(p, names), 'utf8') });
  if (p.transcript !== null) files.push({ name: 'transcript.jsonl', data: Buffer.from(p.transcript, 'utf8') });
  files.push({ name: 'report.json', data: Buffer.from(reportText, 'utf8') });
  files.push({ name: 'report.html', data: Buffer.from(p.html, 'utf8') });
  files.push({ name: 'environment.json', data: Buffer.from(`${JSON.stringify(p.environment, null, 2)}\n`, 'utf8') });
  for (const f of p.extra ?? []) files.push({ name: f.name, data: Buffer.from(f.data, 'utf8') });
  const findings = scanFiles(files, { secrets: o.secrets, ...(o.allow ? { allow: o.allow } : {}) });
  if (findings.length > 0) return { ok: false, findings };
  return { ok: true, data: tarGz(files), files: files.map((f) => f.name) };
}
