import { EcmtSession } from '../../ecmt/session.js';
import { compare } from '../../mirror/compare.js';
import { reportToJson } from '../../mirror/json.js';
import type { CompareReport } from '../../mirror/report.js';
import { Out, note, wantColor } from '../io.js';
import { layer, modemSettings, MODEM_OPTIONS, readPassword } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS, mqttSettings, refuseUnsendable } from '../mqtt-options.js';
import { ecmtTidy, openModem, withModem } from '../modem.js';
import { formatReport } from '../report.js';
import { EXIT } from '../exit.js';
import { REPORT_OPTIONS, reportSettings, singleReport } from '../report-options.js';
import { BROKER_KIND_OPTIONS } from './compare.js';
import { brokerIdentityFor } from './broker-kind.js';

/** 0 when the sides agree, 1 when they differ, 3 when the broker is unreachable from both. */
export function exitForReport(r: CompareReport): number {
  if (r.verdict.causes[0]?.id === 'broker-unreachable') return EXIT.UNREACHABLE;
  return r.agree ? EXIT.OK : EXIT.PROBLEM;
}

export async function runCompare(args: Record<string, unknown>): Promise<number> {
  const specs = [...MODEM_OPTIONS, ...MQTT_OPTIONS, ...REPORT_OPTIONS, ...BROKER_KIND_OPTIONS, ...PROBE_OPTIONS];
  const s = modemSettings(args, specs);
  const v = layer(args, specs);
  const password = readPassword(v['password-file'] as string | undefined);
  const mq = mqttSettings(v, password);
  refuseUnsendable(mq, s.profile, true);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const reportTo = reportSettings(v);
  const m = await openModem(s, { verb: 'compare', ...(password ? { secrets: [password] } : {}) });
  const rep = singleReport(reportTo, s.port, s.json);
  const report = await withModem(m, async () => {
    const session = new EcmtSession(m.engine, { profile: s.profile });
    const brokerIdentity = await brokerIdentityFor(v['broker-kind'], mq);
    return compare({
      brokerIdentity,
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
      probeIdentity: v['probe-identity'] === true,
      onProgress: s.json ? () => undefined : (t) => note(`cat1: ${out.t(t)}`),
    });
  }, ecmtTidy(m, s.json)).catch(async (err: unknown) => {
    await rep?.close(true);
    throw err;
  });
  if (rep) {
    rep.verdict({ type: 'module', action: 'compare', outcome: report.agree ? 'pass' : 'fail', summary: out.t(report.verdict.summary), report: reportToJson(report, out.lang) });
    await rep.close(s.json);
  }
  if (s.json) out.obj(reportToJson(report, out.lang));
  else for (const l of formatReport(report, out)) out.line(l);
  await out.flush();
  return exitForReport(report);
}
