import { readFileSync } from 'node:fs';
import { CatError } from '../../util/errors.js';
import { langFromEnv } from '../../util/i18n.js';
import { sessionFromText } from '../../report/build.js';
import { renderReport } from '../../report/index.js';
import { readStdin } from '../stdin-read.js';
import { checkOutPath } from '../report-out.js';
import { readPassword } from '../options.js';
import { note } from '../io.js';
import { EXIT } from '../exit.js';
import { fileArg } from '../stdin.js';
import type { ReportArgs } from './report.js';
import { dialectChoice, grammarFor } from '../dialect.js';

const REPORT_TYPES = new Set(['compare-report', 'mirror-report', 'stage', 'diagnosis']);

/**
 * What a saved --json output holds: one compare report (one line or pretty-printed), the
 * stages and the closing line of a diagnosis, or a mirror run's events ending in its report.
 * Null when the text is not one (a transcript or a log).
 */
export function savedReport(textIn: string): Record<string, unknown> | null {
  const t = textIn.trim();
  if (!t.startsWith('{')) return null;
  const objs: Array<Record<string, unknown>> = [];
  try {
    const whole = JSON.parse(t) as unknown;
    if (whole && typeof whole === 'object') objs.push(whole as Record<string, unknown>);
  } catch {
    for (const l of t.split(/\r?\n/)) {
      if (l.trim() === '') continue;
      try {
        objs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        return null;
      }
    }
  }
  const first = objs[0];
  if (!first || first['cat1'] === 'transcript') return null;
  if (!objs.some((o) => REPORT_TYPES.has(String(o['type'])) || 'steps' in o)) return null;
  const stages = objs.filter((o) => o['type'] === 'stage');
  if (stages.length > 0) return { ...(objs.find((o) => o['type'] === 'diagnosis') ?? { outcome: '?' }), stages };
  const mirror = [...objs].reverse().find((o) => o['type'] === 'mirror-report');
  if (mirror) return mirror;
  return objs.find((o) => o['type'] === 'compare-report' || 'steps' in o) ?? null;
}

async function readInput(path: string): Promise<string> {
  if (path === '-') return (await readStdin()).toString('utf8');
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatError('ERR_INPUT', `${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function runReport(args: ReportArgs): Promise<number> {
  const output = args.output;
  if (typeof output !== 'string' || output === '') throw new CatError('ERR_INVALID_OPTION', '-o/--output is needed: the HTML file to write');
  checkOutPath(output, 'output');
  const lang = langFromEnv(process.env, args.lang);
  const password = readPassword(args['password-file']);
  const secrets = password ? [password] : [];
  const logSecrets = args['log-secrets'] === true;
  const name = fileArg(args.input);
  const textIn = await readInput(name);
  if (textIn.trim() === '') throw new CatError('ERR_INPUT', `${name}: empty`);
  const grammar = grammarFor(dialectChoice(args.dialect));
  const saved = savedReport(textIn);
  let html: string;
  if (saved) {
    const session = typeof args.transcript === 'string' ? sessionFromText(await readInput(args.transcript), args.transcript) : null;
    html = renderReport(saved, { lang, secrets, logSecrets, grammar, ...(session ? { session } : {}) });
  } else {
    if (typeof args.transcript === 'string') throw new CatError('ERR_INVALID_OPTION', '--transcript goes with a saved --json report; the input is already a session');
    const session = sessionFromText(textIn, name);
    if (session.entries.length === 0) {
      note(`cat1: ${name}: nothing to draw (no AT traffic found)`);
      return EXIT.USAGE;
    }
    html = renderReport(session, { lang, secrets, logSecrets, grammar, kind: session.header ? 'session' : 'decode' });
  }
  const { writeFileSync, renameSync } = await import('node:fs');
  const tmp = `${output}.partial-${process.pid}`;
  writeFileSync(tmp, html);
  renameSync(tmp, output);
  note(`cat1: HTML report written to ${output} (${Math.round(Buffer.byteLength(html) / 1024)} KiB)`);
  return EXIT.OK;
}
