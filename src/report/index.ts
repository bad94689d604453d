/**
 * The HTML report: one self-contained page (no network at view time) with the verdict and the
 * evidence each cause rests on, the step table, and a sequence diagram of the session.
 *
 *     import { renderReport } from 'cat1-bridge';
 *     writeFileSync('report.html', renderReport(compareReport, { lang: 'en', session: { entries } }));
 */
import { buildModel, type RenderOptions, type ReportInput } from './build.js';
import { modelToHtml } from './html.js';

export { buildModel, decodeSession, sessionFromText, maskImei, maskIccid, type RenderOptions, type ReportInput, type SessionSource } from './build.js';
export type { ReportModel, DiagramEvent, EventKind, Lane, PlainCause, PlainStep, PlainVerdict } from './model.js';
export { findGroups, type Group } from './collapse.js';

/**
 * Render a report as one HTML page. `input`: a comparison report (`compare()`, or the object
 * `cat1 compare --json` printed), a diagnosis, a mirror report, a transcript
 * (`{ header, entries }`, its JSON Lines text or the text of a pasted log), or a decoded
 * timeline. Secrets are masked (the redaction rules and `options.secrets`) unless
 * `options.logSecrets`.
 */
export function renderReport(input: ReportInput, options: RenderOptions = {}): string {
  return modelToHtml(buildModel(input, options));
}
