import { reportToJson } from '../mirror/json.js';
import { tr, type Lang } from '../util/i18n.js';
import type { Diagnosis, StageReport } from './types.js';

/**
 * One stage as a JSON object: `{ type: 'stage', stage, index, title, status, summary, seen,
 * hint, data, elapsedMs }`; the compare stage's data also holds the whole report
 * (`data.report`, as `cat1 compare --json` prints it). Texts in the chosen language, keys in
 * English, secrets masked as in the stage.
 */
export function stageToJson(r: StageReport, lang: Lang = 'en'): Record<string, unknown> {
  const data: Record<string, unknown> = { ...r.data };
  if (r.report) data['report'] = reportToJson(r.report, lang);
  return {
    type: 'stage',
    stage: r.stage,
    index: r.index,
    title: tr(r.title, lang),
    status: r.status,
    summary: tr(r.summary, lang),
    seen: r.seen.map((s) => tr(s, lang)),
    hint: r.hint === null ? null : tr(r.hint, lang),
    data,
    elapsedMs: r.elapsedMs,
    ...(r.unreachable ? { unreachable: true } : {}),
  };
}

/**
 * The final summary line: `{ type: 'diagnosis', outcome, passed, warned, failed, skipped,
 * notVerified, stoppedAt, notRun, hint, elapsedMs }` (`outcome` 'incomplete' and `notVerified`:
 * stages with status 'not-run'; the CLI adds `tidy`, what the clean-up after the run sent).
 */
export function diagnosisToJson(d: Diagnosis, lang: Lang = 'en'): Record<string, unknown> {
  const ids = (status: StageReport['status']): string[] => d.stages.filter((s) => s.status === status).map((s) => s.stage);
  return {
    type: 'diagnosis',
    outcome: d.outcome,
    passed: ids('pass'),
    warned: ids('warn'),
    failed: ids('fail'),
    skipped: ids('skip'),
    notVerified: ids('not-run'),
    stoppedAt: d.stoppedAt,
    notRun: d.notRun,
    hint: d.hint === null ? null : tr(d.hint, lang),
    elapsedMs: d.elapsedMs,
  };
}
