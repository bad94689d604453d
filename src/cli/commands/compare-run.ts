import { EcmtSession } from '../../ecmt/session.js';
import { compare } from '../../mirror/compare.js';
import { reportToJson } from '../../mirror/json.js';
import type { CompareReport } from '../../mirror/report.js';
import { Out, wantColor } from '../io.js';
import { layer, modemSettings, MODEM_OPTIONS, readPassword } from '../options.js';
import { MQTT_OPTIONS, mqttSettings, refuseUnsendable } from '../mqtt-options.js';
import { ecmtTidy, openModem, withModem } from '../modem.js';
import { formatReport } from '../report.js';
import { EXIT } from '../exit.js';
import { ReportOutputs } from '../report-out.js';
import { Progress } from '../progress.js';

/** 0 when the sides agree, 1 when they differ, 3 when the broker is unreachable from both. */
export function exitForReport(r: CompareReport): number {
  if (r.verdict.causes[0]?.id === 'broker-unreachable') return EXIT.UNREACHABLE;
  return r.agree ? EXIT.OK : EXIT.PROBLEM;
}

export async function runCompare(args: Record<string, unknown>): Promise<number> {
  const specs = [...MODEM_OPTIONS, ...MQTT_OPTIONS];
  const s = modemSettings(args, specs);
  const v = layer(args, specs);
  const password = readPassword(v['password-file'] as string | undefined);
  const mq = mqttSettings(v, password);
  refuseUnsendable(mq, s.profile, true);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const outs = ReportOutputs.fromArgs(args, { verb: 'compare', lang: s.lang, logSecrets: s.logSecrets, secrets: [...s.secrets, ...(password ? [password] : [])], scanAlso: mq.username !== undefined && mq.username !== mq.clientId ? [mq.username] : [] });
  const progress = new Progress({ json: s.json, color: s.color });
  const m = await openModem(s, { verb: 'compare', ...(password ? { secrets: [password] } : {}), capture: outs.wanted });
  const facts = { profile: s.profile, broker: mq.broker, ...(s.port ? { port: s.port } : {}), baud: m.baud };
  const report = await withModem(m, async () => {
    const session = new EcmtSession(m.engine, { profile: s.profile });
    return compare({
      session,
      broker: mq.broker,
      credentials: { clientId: mq.clientId, ...(mq.username !== undefined ? { username: mq.username } : {}), ...(mq.password !== undefined ? { password: mq.password } : {}) },
      settings: mq.settings,
      qos: mq.qos,
      identity: mq.identity,
      ...(mq.topic !== undefined ? { topic: mq.topic } : {}),
      ...(mq.payload !== undefined ? { payload: mq.payload } : {}),
      ...(mq.brokerLog !== undefined ? { brokerLog: mq.brokerLog } : {}),
      logSecrets: s.logSecrets,
      onProgress: (t) => progress.update(out.t(t)),
    });
  }, { ...ecmtTidy(m, s.json), onInterrupt: () => (progress.stop(), outs.write({ ...facts, entries: m.capture?.entries ?? [], header: m.capture?.header ?? null, interrupted: true })) });
  progress.stop();
  if (s.json) out.obj(reportToJson(report, out.lang));
  else for (const l of formatReport(report, out)) out.line(l);
  await out.flush();
  const written = await outs.write({ ...facts, report, json: reportToJson(report, out.lang), entries: m.capture?.entries ?? [], header: m.capture?.header ?? null });
  return Math.max(exitForReport(report), written);
}
