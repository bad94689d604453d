import { compare } from '../../mirror/compare.js';
import { reportToJson } from '../../mirror/json.js';
import type { CompareReport } from '../../mirror/report.js';
import { Out, wantColor } from '../io.js';
import { layer, modemSettings, MODEM_OPTIONS, readPassword } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS, mqttSettings, RECONNECT_OPTION, refuseUnsendable } from '../mqtt-options.js';
import { compareOptions, MODEL_OPTION, modelOption, moduleProfile } from '../verb-options.js';
import { runStoppedBy } from '../../mirror/run-faults.js';
import type { Text } from '../../util/i18n.js';
import { moduleTidy, openModem, withModem } from '../modem.js';
import { formatReport } from '../report.js';
import { EXIT } from '../exit.js';
import { REPORT_OPTIONS, reportSettings, singleReport } from '../report-options.js';
import { BROKER_KIND_OPTIONS } from './compare.js';
import { brokerIdentityFor } from './broker-kind.js';
import { ReportOutputs } from '../report-out.js';
import { Progress } from '../spinner.js';
import { defaultDialect, profileChoiceText, type ProfileChoice } from '../../dialects/index.js';

/**
 * 0 when the sides agree, 1 when they differ or a step did not run (a module found connected),
 * 3 when the broker is unreachable from both, went away mid-run (broker-lost), or the module
 * stopped answering (module-silent).
 */
export function exitForReport(r: CompareReport): number {
  if (r.verdict.causes[0]?.id === 'broker-unreachable') return EXIT.UNREACHABLE;
  if (runStoppedBy(r.verdict.causes) !== null) return EXIT.UNREACHABLE;
  return r.agree ? EXIT.OK : EXIT.PROBLEM;
}

/** What the tidy did after the run (it runs once the report is built): into the report. */
export function addTidyActions(r: CompareReport, actions: ReadonlyArray<{ what: Text; ok: boolean }>): void {
  for (const a of actions) r.run?.changes.push({ what: a.what, restored: a.ok });
}

export async function runCompare(args: Record<string, unknown>): Promise<number> {
  const specs = [...MODEM_OPTIONS, ...MQTT_OPTIONS, MODEL_OPTION, ...REPORT_OPTIONS, ...BROKER_KIND_OPTIONS, ...PROBE_OPTIONS, RECONNECT_OPTION];
  const s = modemSettings(args, specs);
  const v = layer(args, specs);
  const password = readPassword(v['password-file'] as string | undefined);
  const mq = mqttSettings(v, password);
  const model = modelOption(v);
  refuseUnsendable(mq, s.profile, true, s.dialect);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const reportTo = reportSettings(v);
  const outs = ReportOutputs.fromArgs(args, { verb: 'compare', lang: s.lang, logSecrets: s.logSecrets, secrets: [...s.secrets, ...(password ? [password] : [])], scanAlso: mq.username !== undefined && mq.username !== mq.clientId ? [mq.username] : [] });
  const progress = new Progress({ json: s.json, color: s.color });
  const m = await openModem(s, { verb: 'compare', ...(password ? { secrets: [password] } : {}), capture: outs.wanted });
  const facts = { profile: s.profile, broker: mq.broker, ...(s.port ? { port: s.port } : {}), baud: m.baud };
  const rep = singleReport(reportTo, s.port, s.json);
  const tidy = moduleTidy(m, s.json);
  let modelChoice: (ProfileChoice & { name: string }) | null = null;
  const report = await withModem(m, async () => {
    // the dialect's own session: --dialect, or the one the module's identity named (auto)
    const dialect = m.dialect.dialect;
    const own = dialect === defaultDialect();
    // the model profile of a dialect with per-model profiles: --model, else the module's AT+CGMM answer
    const choice = await moduleProfile(m.dialect, m.engine, model);
    const session = dialect.session(m.engine, own ? { profile: s.profile } : choice?.name ? { profile: choice.name } : {});
    modelChoice = choice ? { ...choice, name: choice.name ?? session.comparisonProfile.name } : null;
    const brokerIdentity = await brokerIdentityFor(v['broker-kind'], mq);
    const opts = compareOptions(v, mq, s);
    return compare({
      ...opts,
      // the MQTT settings flags are dialect-neutral: compare() turns them into the module's dialect's configuration commands
      brokerIdentity,
      session,
      onProgress: (t) => progress.update(out.t(t)),
    });
  }, { ...tidy, onInterrupt: () => (progress.stop(), outs.write({ ...facts, entries: m.capture?.entries ?? [], header: m.capture?.header ?? null, interrupted: true })) }).catch(async (err: unknown) => {
    progress.stop();
    await rep?.close(true);
    throw err;
  });
  progress.stop();
  addTidyActions(report, tidy.actions);
  report.dialect = { name: m.dialect.dialect.name, title: m.dialect.dialect.title, by: m.dialect.by, evidence: m.dialect.evidence };
  if (modelChoice) report.model = modelChoice;
  if (rep) {
    rep.verdict({ type: 'module', action: 'compare', outcome: report.agree ? 'pass' : 'fail', summary: out.t(report.verdict.summary), report: reportToJson(report, out.lang) });
    await rep.close(s.json);
  }
  if (s.json) out.obj(reportToJson(report, out.lang));
  else {
    const lines = formatReport(report, out);
    // the model line goes under the dialect line (the first line that names the dialect's short name)
    const at = lines.findIndex((l) => l.includes(`(${m.dialect.dialect.name}):`));
    if (modelChoice) lines.splice(at < 0 ? lines.length : at + 1, 0, out.p.dim(out.t(profileChoiceText(modelChoice))));
    for (const l of lines) out.line(l);
  }
  await out.flush();
  const written = await outs.write({ ...facts, report, json: reportToJson(report, out.lang), entries: m.capture?.entries ?? [], header: m.capture?.header ?? null });
  return Math.max(exitForReport(report), written);
}
