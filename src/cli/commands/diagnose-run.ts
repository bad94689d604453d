import { randomBytes } from 'node:crypto';
import { runDiagnosis } from '../../diagnose/runner.js';
import { diagnosisToJson, stageToJson } from '../../diagnose/json.js';
import { STAGES } from '../../diagnose/stages/index.js';
import type { Diagnosis, StageReport, StageStatus } from '../../diagnose/types.js';
import { CatError } from '../../util/errors.js';
import { text } from '../../util/i18n.js';
import { Out, note, wantColor } from '../io.js';
import { modemSettings, MODEM_OPTIONS, readPassword } from '../options.js';
import { MQTT_OPTIONS, PROBE_OPTIONS, mqttSettings, refuseUnsendable } from '../mqtt-options.js';
import { diagnoseOptions, MODEL_OPTION, modelOption } from '../verb-options.js';
import { moduleTidy, openModem, withModem } from '../modem.js';
import { formatReport } from '../report.js';
import { EXIT } from '../exit.js';
import { runStoppedBy } from '../../mirror/run-faults.js';
import { DIAGNOSE_OPTIONS } from './diagnose.js';
import { REPORT_OPTIONS, reportSettings, singleReport } from '../report-options.js';
import { ReportOutputs } from '../report-out.js';
import { Progress } from '../spinner.js';
import { defaultDialect, getDialect } from '../../dialects/index.js';
import type { DialectChoice } from '../../dialects/types.js';

const INDENT = '            ';

function statusLabel(status: StageStatus, out: Out): string {
  const p = out.p;
  switch (status) {
    case 'pass':
      return p.green(out.t(text('PASS', '通过')));
    case 'warn':
      return p.yellow(out.t(text('WARN', '警告')));
    case 'fail':
      return p.red(out.t(text('FAIL', '失败')));
    case 'skip':
      return p.dim(out.t(text('SKIP', '跳过')));
    case 'not-run':
      return p.yellow(out.t(text('NOT RUN', '未运行')));
    default: {
      const never: never = status;
      return never;
    }
  }
}

/** One stage for people: status, title and finding; what was seen; the next thing to check. */
export function formatStage(r: StageReport, total: number, out: Out): string[] {
  const p = out.p;
  const L: string[] = [];
  const n = `${r.index}/${total}`.padStart(5);
  L.push(`${n} ${statusLabel(r.status, out)}  ${p.bold(out.t(r.title))}${out.t(text(': ', '：'))}${out.t(r.summary)}`);
  if (r.report) {
    for (const l of formatReport(r.report, out)) L.push(l === '' ? '' : `${INDENT}${l}`);
  } else {
    for (const s of r.seen) L.push(`${INDENT}${p.dim(out.t(s))}`);
  }
  if (r.hint && r.status !== 'pass' && r.status !== 'skip') {
    const next = out.t(text('next', '下一步'));
    const label = out.t(text(`${next}: `, `${next}：`));
    L.push(`${INDENT}${r.status === 'fail' ? p.red(label) : p.yellow(label)}${out.t(r.hint)}`);
  }
  return L;
}

/** The closing lines for people. */
export function formatDiagnosis(d: Diagnosis, out: Out): string[] {
  const p = out.p;
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const count = (s: StageStatus): number => d.stages.filter((r) => r.status === s).length;
  const failed = d.stages.filter((r) => r.status === 'fail');
  const result = `${p.bold(t('Result', '结果'))}${t(': ', '：')}`;
  const L: string[] = [''];
  const counts = t(
    `${count('pass')} passed, ${count('warn')} with warnings, ${count('fail')} failed, ${count('skip')} skipped${count('not-run') > 0 ? `, ${count('not-run')} not run` : ''}, in ${(d.elapsedMs / 1000).toFixed(1)} s`,
    `通过 ${count('pass')}，警告 ${count('warn')}，失败 ${count('fail')}，跳过 ${count('skip')}${count('not-run') > 0 ? `，未运行 ${count('not-run')}` : ''}，用时 ${(d.elapsedMs / 1000).toFixed(1)} 秒`,
  );
  if (d.outcome === 'fail') {
    const first = failed[0]!;
    const where = d.stoppedAt !== null ? t(`stopped at stage ${first.index} (${out.t(first.title)})`, `停在第 ${first.index} 阶段（${out.t(first.title)}）`) : t(`failed: ${failed.map((r) => out.t(r.title)).join(', ')}`, `失败：${failed.map((r) => out.t(r.title)).join('、')}`);
    L.push(`${result}${p.red(t('FAIL', '失败'))} — ${where}${t('; ', '；')}${counts}`);
  } else if (d.outcome === 'incomplete') {
    const nr = d.stages.filter((r) => r.status === 'not-run').map((r) => out.t(r.title));
    L.push(`${result}${p.yellow(t('NOT VERIFIED', '未验证'))} — ${t(`not run: ${nr.join(', ')}`, `未运行：${nr.join('、')}`)}${t('; ', '；')}${counts}`);
  } else if (d.outcome === 'warn') L.push(`${result}${p.yellow(t('PASS with warnings', '通过（有警告）'))} — ${counts}`);
  else L.push(`${result}${p.green(t('PASS', '通过'))} — ${counts}`);
  if (d.notRun.length > 0) {
    const titles = d.notRun.map((id) => STAGES.find((s) => s.id === id)).map((s) => (s ? out.t(s.title) : '?'));
    L.push(p.dim(t(`not run: ${titles.join(', ')} (--keep-going runs every stage)`, `未运行：${titles.join('、')}（--keep-going 可运行全部阶段）`)));
  }
  if (d.hint) L.push(`${p.bold(t('Next', '下一步'))}${t(': ', '：')}${out.t(d.hint)}`);
  return L;
}

/**
 * 0 passed (warnings allowed); 1 a stage failed, or a check did not run (a session found on the
 * module, left alone); 3 the port did not answer, or the run stopped because the broker went
 * away (broker-lost) or the module stopped answering (module-silent).
 */
export function exitForDiagnosis(d: Diagnosis): number {
  if (d.stages.some((r) => (r.report && runStoppedBy(r.report.verdict.causes) !== null) || r.data['stoppedBy'] === 'broker-lost' || r.data['stoppedBy'] === 'module-silent')) return EXIT.UNREACHABLE;
  switch (d.outcome) {
    case 'pass':
    case 'warn':
      return EXIT.OK;
    case 'fail':
    case 'incomplete':
      return EXIT.PROBLEM;
    case 'unreachable':
      return EXIT.UNREACHABLE;
    default: {
      const never: never = d.outcome;
      return never;
    }
  }
}

/**
 * What the header can say of the profile before any stage has run: the firmware profile belongs to
 * the default dialect only; another dialect's limits come from its model (--model, else the
 * identity stage's answers), and with auto the dialect itself is not known yet.
 */
export function headerProfile(choice: DialectChoice, profile: string, model: string | undefined): { en: string; zh: string } {
  const own = defaultDialect();
  if (choice === 'auto') return { en: `dialect from the module's answers; profile ${profile} if ${own.title}`, zh: `指令集由模组的应答判断；若为 ${own.title}，固件配置 ${profile}` };
  if (choice === own.name) return { en: `profile ${profile}`, zh: `固件配置 ${profile}` };
  const title = getDialect(choice).title;
  return model !== undefined ? { en: `${title}, model ${model}`, zh: `${title}，型号 ${model}` } : { en: `${title}, model from the module's answers`, zh: `${title}，型号由模组的应答判断` };
}

export async function runDiagnose(args: Record<string, unknown>): Promise<number> {
  const specs = [...MODEM_OPTIONS, ...MQTT_OPTIONS, MODEL_OPTION, ...DIAGNOSE_OPTIONS, ...REPORT_OPTIONS, ...PROBE_OPTIONS];
  const s = modemSettings(args, specs);
  const v = s.all;
  const password = readPassword(v['password-file'] as string | undefined);
  // the client ID is optional here: a recognisable one of our own
  const clientId = typeof v['client-id'] === 'string' ? v['client-id'] : `cat1-diag-${randomBytes(3).toString('hex')}`;
  const mq = mqttSettings({ ...v, 'client-id': clientId }, password);
  modelOption(v); // checked before the port is opened
  refuseUnsendable(mq, s.profile, v['compare'] !== false, s.dialect);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const reportTo = reportSettings(v);
  const outs = ReportOutputs.fromArgs(args, { verb: 'diagnose', lang: s.lang, logSecrets: s.logSecrets, secrets: [...s.secrets, ...(password ? [password] : [])], scanAlso: mq.username !== undefined && mq.username !== mq.clientId ? [mq.username] : [] });
  const progress = new Progress({ json: s.json, color: s.color });
  const m = await openModem(s, { verb: 'diagnose', probe: false, ...(password ? { secrets: [password] } : {}), capture: outs.wanted });
  const facts = { profile: s.profile, broker: mq.broker, ...(s.port ? { port: s.port } : {}), baud: m.baud };
  const stageJson: Array<Record<string, unknown>> = [];
  const report = singleReport(reportTo, s.port, s.json);
  const total = STAGES.length;
  let headed = false;
  const tidy = moduleTidy(m, s.json);
  const d = await withModem(m, () =>
    runDiagnosis(
      {
        ...diagnoseOptions(v, mq, s),
        // --dialect; auto: the identity stage's answers (AT+CGMI…) decide, else the default dialect
        dialect: s.dialect,
        engine: m.engine,
        onProgress: (t) => progress.update(out.t(t)),
      },
      (r) => {
        report?.send('event', stageToJson(r, out.lang));
        if (r.stage === 'identity' && typeof r.data['imei'] === 'string') report?.name(r.data['imei']);
        progress.stop();
        if (outs.wanted) stageJson.push(stageToJson(r, out.lang));
        if (s.json) out.obj(stageToJson(r, out.lang));
        else if (!r.unreachable) {
          if (!headed) {
            headed = true;
            const head = headerProfile(s.dialect, s.profile, modelOption(v));
            out.line(out.p.bold(out.t(text(`Diagnosis of ${s.port ?? '?'} → ${mq.broker.tls ? 'mqtts' : 'mqtt'}://${mq.broker.host}:${mq.broker.port} (${head.en})`, `诊断 ${s.port ?? '?'} → ${mq.broker.tls ? 'mqtts' : 'mqtt'}://${mq.broker.host}:${mq.broker.port}（${head.zh}）`))));
          }
          for (const l of formatStage(r, total, out)) out.line(l);
        }
        void out.flush();
      },
    ),
    { ...tidy, onInterrupt: () => (progress.stop(), outs.write({ ...facts, entries: m.capture?.entries ?? [], header: m.capture?.header ?? null, interrupted: true, json: stageJson })) },
  ).catch(async (err: unknown) => {
    progress.stop();
    await report?.close(true);
    throw err;
  });
  progress.stop();
  if (report) {
    report.verdict({ type: 'module', action: 'diagnose', outcome: d.outcome, diagnosis: diagnosisToJson(d, out.lang) });
    await report.close(s.json);
  }
  const written = await outs.write({ ...facts, report: d, json: [...stageJson, diagnosisToJson(d, out.lang)], entries: m.capture?.entries ?? [], header: m.capture?.header ?? null });
  // what the tidy did after the last stage (it runs once the stages are over): said in the result
  if (s.json) out.obj({ ...diagnosisToJson(d, out.lang), tidy: tidy.actions.map((a) => ({ what: out.t(a.what), ok: a.ok })) });
  else if (d.outcome === 'unreachable') {
    // one line, like every verb that finds no module behind the port
    const link = d.stages[0]!;
    await out.flush();
    throw new CatError('ERR_AT_TIMEOUT', `${out.t(link.summary)} on ${s.port ?? '?'} at ${m.baud} baud: ${link.hint ? out.t(link.hint) : ''}`, { context: { path: s.port } });
  } else {
    for (const l of formatDiagnosis(d, out)) out.line(l);
    for (const a of tidy.actions) out.line(`${out.t(text('Module: ', '模组：'))}${out.t(a.what)}`);
  }
  await out.flush();
  return Math.max(exitForDiagnosis(d), written);
}
