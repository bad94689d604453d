import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { runDiagnosis } from '../../diagnose/runner.js';
import { diagnosisToJson, stageToJson } from '../../diagnose/json.js';
import type { StageReport } from '../../diagnose/types.js';
import { defaultDialect } from '../../dialects/index.js';
import { compare } from '../../mirror/compare.js';
import { reportToJson } from '../../mirror/json.js';
import { junitXml, type JunitCase } from '../../fleet/junit.js';
import { runPool } from '../../fleet/pool.js';
import { expandTemplate, parsePorts, refuseDuplicateIds, templateFields } from '../../fleet/targets.js';
import type { ReportPublisher } from '../../report/publisher.js';
import { CatError, isCatError, oneLine } from '../../util/errors.js';
import { tr } from '../../util/i18n.js';
import { Out, note, onStopSignal, wantColor } from '../io.js';
import { layer, modemSettings, readPassword, type ModemSettings } from '../options.js';
import { mqttSettings, refuseUnsendable, type MqttSettings } from '../mqtt-options.js';
import { compareOptions, diagnoseOptions, modelOption, moduleProfile, type PerModule } from '../verb-options.js';
import { moduleTidy, openModem, type OpenedModem } from '../modem.js';
import { watchDevice } from '../pty-serve.js';
import { EXIT } from '../exit.js';
import { reportJson, reportLine, reportSettings, startReporter } from '../report-options.js';
import { ALL_FLEET_OPTIONS, type FleetArgs } from './fleet.js';
import { FleetOutputs } from '../report-out.js';
import type { TranscriptEntry, TranscriptHeader } from '../../recording/types.js';
import { LiveTable } from './fleet-table.js';
import { brokerIdentityFor } from './broker-kind.js';
import { brokerKindOption } from '../../mirror/brokers.js';

type Action = 'diagnose' | 'compare' | 'at';
export type ModuleOutcome = 'pass' | 'warn' | 'fail' | 'unreachable';

/** One module of the run, as the table, the JSON, the JUnit and the report see it. */
export interface FleetModule {
  index: number;
  port: string;
  /** IMEI when known, else the port's name: the module's name in the report topics */
  name: string;
  imei: string | null;
  serial: string | null;
  clientId: string | null;
  step: string;
  outcome: ModuleOutcome | 'running' | 'waiting';
  summary: string;
  startedAt: number | null;
  elapsedMs: number;
  cases: JunitCase[];
  opened: OpenedModem | null;
  /** for --html/--bundle: the module's report object, what --json printed for it, its session */
  report: object | null;
  json: Array<Record<string, unknown>>;
  entries: readonly TranscriptEntry[] | undefined;
  header: TranscriptHeader | null;
  /** leaves the module as found: made when the port opens, so it sees what the run opens */
  tidy: ReturnType<typeof moduleTidy> | null;
}

const tagOf = (m: FleetModule): Record<string, unknown> => ({ port: m.port, module: m.name, imei: m.imei, clientId: m.clientId, index: m.index });

/** The ports of `--ports auto`: every port whose VID:PID and interface are documented as an AT port, or a recognised module's only port. */
async function autoPorts(): Promise<string[]> {
  const { listPorts } = await import('../../port/list.js');
  const all = await listPorts(listRoots());
  return all.filter((p) => p.module && (p.interface === undefined || !p.module.atInterfaces || p.module.atInterfaces.includes(p.interface))).map((p) => p.path);
}

/**
 * Where the port listing looks: the system's sysfs and /dev, or the trees named by
 * CAT1_SYSFS_ROOT and CAT1_DEV_ROOT (a container that mounts the host's /sys elsewhere; the
 * tests' fake machine, whose device nodes link to pseudo-terminals).
 */
function listRoots(): { sysRoot?: string; devRoot?: string } {
  const sys = process.env['CAT1_SYSFS_ROOT'];
  const dev = process.env['CAT1_DEV_ROOT'];
  return { ...(sys ? { sysRoot: sys } : {}), ...(dev ? { devRoot: dev } : {}) };
}

async function serialNumbers(paths: string[]): Promise<Map<string, string>> {
  const { listPorts } = await import('../../port/list.js');
  const out = new Map<string, string>();
  try {
    for (const p of await listPorts({ include: paths, ...listRoots() })) if (p.serialNumber) out.set(p.path, p.serialNumber);
  } catch {
    /* no serial numbers: {serial} stays unknown */
  }
  return out;
}

async function askImei(m: OpenedModem): Promise<string | null> {
  const o = await m.engine.send('AT+CGSN', { timeoutMs: 2000 });
  if (o.status !== 'ok') return null;
  for (const l of o.lines) {
    const d = /\d{14,17}/.exec(l.raw);
    if (d) return d[0];
  }
  return null;
}

export async function runFleet(args: FleetArgs): Promise<number> {
  const action = (args.action ?? 'diagnose') as Action;
  const specs = ALL_FLEET_OPTIONS;
  const v = layer(args, specs);
  const s = modemSettings(args, specs);
  const spec = parsePorts(typeof v['ports'] === 'string' ? v['ports'] : undefined);
  const concurrency = v['concurrency'] === undefined ? Infinity : Number(v['concurrency']);
  if (!(concurrency >= 1)) throw new CatError('ERR_INVALID_OPTION', `--concurrency must be a whole number >= 1 (got ${String(v['concurrency'])})`);
  const commands = (args.commands ?? []).map(String);
  if (action === 'at' && commands.length === 0) throw new CatError('ERR_INVALID_OPTION', 'cat1 fleet at needs at least one AT command, e.g. cat1 fleet at --ports auto AT+CSQ');
  if (action !== 'at' && commands.length > 0) throw new CatError('ERR_INVALID_OPTION', `cat1 fleet ${action} takes no commands (got "${commands[0]}")`);
  const password = readPassword(v['password-file'] as string | undefined);
  const template = typeof v['client-id'] === 'string' ? v['client-id'] : action === 'diagnose' ? `cat1-fleet-${randomBytes(3).toString('hex')}-{index}` : null;
  if (action === 'compare' && template === null) throw new CatError('ERR_INVALID_OPTION', '--client-id is needed: a template such as "dev-{index}" or "dev-{imei}"');
  const fields = template !== null ? templateFields(template) : new Set<string>();
  // MQTT settings are checked once, with the template standing in for the client ID
  let mqBase: MqttSettings | null = null;
  if (action !== 'at') {
    mqBase = mqttSettings({ ...v, 'client-id': template ?? '' }, password);
    refuseUnsendable(mqBase, s.profile, action === 'compare' || v['compare'] !== false, s.dialect);
    modelOption(v); // a model no dialect knows: refused before any port is opened
  }
  if (v['broker-kind'] !== undefined) brokerKindOption(String(v['broker-kind']));
  const report = reportSettings(v);
  const junitPath = typeof v['junit'] === 'string' ? v['junit'] : null;
  if (junitPath) {
    try {
      writeFileSync(junitPath, '', { flag: 'a' });
    } catch (err) {
      throw new CatError('ERR_INPUT', `--junit ${junitPath}: cannot write there (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const paths = spec.kind === 'auto' ? await autoPorts() : spec.paths;
  if (paths.length === 0) throw new CatError('ERR_AT_TIMEOUT', '--ports auto: no port is known as a module\'s AT port (run "cat1 ports" to see what is there, then name them with --ports)');

  const serials = fields.has('serial') ? await serialNumbers(paths) : new Map<string, string>();
  const mods: FleetModule[] = paths.map((port, i) => ({ index: i + 1, port, name: basename(port), imei: null, serial: serials.get(port) ?? null, clientId: null, step: 'waiting', outcome: 'waiting', summary: '', startedAt: null, elapsedMs: 0, cases: [], opened: null, tidy: null, report: null, json: [], entries: undefined, header: null }));
  // a template without {imei} is checked before any port is opened
  if (template !== null && !fields.has('imei')) {
    const ids = mods.map((m) => {
      const r = expandTemplate(template, { index: m.index, port: m.port, ...(m.serial ? { serial: m.serial } : {}) });
      if ('missing' in r) throw new CatError('ERR_INVALID_OPTION', `--client-id ${template}: no USB serial number is known for ${m.port}, so {serial} cannot be filled (use {index}, {port} or {imei})`);
      m.clientId = r.value;
      return { port: m.port, clientId: r.value };
    });
    refuseDuplicateIds(template, ids);
  }

  const outs = FleetOutputs.fromArgs(args, {
    action,
    lang: s.lang,
    logSecrets: s.logSecrets,
    verb: `fleet ${action}`,
    secrets: [...s.secrets, ...(password ? [password] : [])],
    scanAlso: mqBase?.username !== undefined && mqBase.username !== template ? [mqBase.username] : [],
    ...(mqBase ? { broker: `${mqBase.broker.tls ? 'mqtts' : 'mqtt'}://${mqBase.broker.host}:${mqBase.broker.port}` } : {}),
    ...(report ? { station: report.station } : {}),
  });
  /** everything --json prints (kept for the bundle's report.json) */
  const printed: Array<Record<string, unknown>> = [];
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color), live: true });
  const table = !s.json && process.stdout.isTTY === true ? new LiveTable(mods, out) : null;
  const reporter: ReportPublisher | null = report ? startReporter(report, s.json || table !== null) : null;
  const t0 = Date.now();
  const emit = (m: FleetModule, o: Record<string, unknown>): void => {
    if (outs.wanted) {
      m.json.push(o);
      printed.push({ ...o, ...tagOf(m) });
    }
    if (s.json) out.obj({ ...o, ...tagOf(m) });
  };
  const setStep = (m: FleetModule, step: string): void => {
    m.step = step;
    table?.update();
    reporter?.publish(m.name, 'status', { state: m.outcome, step, port: m.port, clientId: m.clientId });
  };
  const finish = (m: FleetModule, outcome: ModuleOutcome, summary: string, extra: Record<string, unknown> = {}): void => {
    // a module ends once (after Ctrl-C its check may still fail on the closed port: that is not news)
    if (m.step === 'done') return;
    m.outcome = outcome;
    m.summary = summary;
    m.step = 'done';
    m.elapsedMs = m.startedAt === null ? 0 : Date.now() - m.startedAt;
    const verdict = { type: 'module', outcome, summary, elapsedMs: m.elapsedMs, ...extra };
    emit(m, verdict);
    reporter?.publish(m.name, 'verdict', { ...verdict, port: m.port, imei: m.imei, clientId: m.clientId, action });
    if (table) table.update();
    else if (!s.json) out.line(`${String(m.index).padStart(3)}  ${m.port}  ${m.name}  ${outcomeWord(outcome, out)}  ${(m.elapsedMs / 1000).toFixed(1)} s  ${summary}`);
  };

  let interrupted = false;
  // Ctrl-C: tidy every module that is open (each says what it was doing), then the partial
  // results (table or JSON summary, JUnit, page, bundle), then exit 130
  const stop = onStopSignal();
  void stop.signal.then(async () => {
    interrupted = true;
    await Promise.all(
      mods.map(async (m) => {
        if (m.outcome !== 'running' && m.outcome !== 'waiting') return;
        const was = m.step;
        const opened = m.opened;
        m.opened = null;
        // the module's end is said first: its check, failing on the port being tidied, is not news
        const msg = m.outcome === 'waiting' ? 'not started: the run was interrupted (Ctrl-C)' : `interrupted (Ctrl-C) during ${was}${opened ? '; the module was left as found' : ''}`;
        m.cases.push({ module: caseName(m), step: was, status: 'error', time: (Date.now() - (m.startedAt ?? Date.now())) / 1000, message: msg });
        finish(m, 'fail', msg, { interrupted: true });
        if (opened) {
          collect(m, opened);
          await tidyModule(opened, m.tidy, true);
        }
      }),
    );
    await conclude();
    process.exit(EXIT.INTERRUPTED);
  });

  // 1. open and identify each module (AT, AT+CGSN); a port that does not answer fails alone
  await runPool(mods, concurrency, async (m) => {
    m.startedAt = Date.now();
    m.outcome = 'running';
    setStep(m, 'open');
    const ms: ModemSettings = { ...s, port: m.port, json: true, record: null, follow: false };
    try {
      m.opened = await openModem(ms, { verb: `fleet ${action}`, progress: false, ...(password ? { secrets: [password] } : {}), capture: outs.wanted });
    } catch (err) {
      m.cases.push({ module: caseName(m), step: 'open', status: 'error', time: (Date.now() - m.startedAt) / 1000, message: oneLine(err) });
      finish(m, 'unreachable', oneLine(err), { error: { code: isCatError(err) ? err.code : 'ERR_PORT_OPEN', message: oneLine(err) } });
      return;
    }
    m.tidy = moduleTidy(m.opened, true);
    m.imei = await askImei(m.opened).catch(() => null);
    if (m.imei) m.name = m.imei;
    setStep(m, 'identified');
  });
  // a template with {imei}: checked once every IMEI is known, still before any check runs
  if (template !== null && fields.has('imei')) {
    const live = mods.filter((m) => m.opened);
    for (const m of live) {
      const r = expandTemplate(template, { index: m.index, port: m.port, ...(m.imei ? { imei: m.imei } : {}), ...(m.serial ? { serial: m.serial } : {}) });
      if ('missing' in r) {
        finish(m, 'fail', `no ${r.missing === 'imei' ? 'IMEI (AT+CGSN did not answer one)' : 'USB serial number'}: the client ID template ${template} cannot be filled`);
        await m.opened!.close();
        m.opened = null;
      } else m.clientId = r.value;
    }
    try {
      refuseDuplicateIds(template, mods.filter((m) => m.opened && m.clientId !== null).map((m) => ({ port: m.port, clientId: m.clientId! })));
    } catch (err) {
      stop.cancel();
      await Promise.all(mods.map((m) => m.opened?.close()));
      await reporter?.close(2000);
      table?.stop();
      throw err;
    }
  }

  // 2. the check on every open module, each alone
  await runPool(
    mods.filter((m) => m.opened),
    concurrency,
    async (m) => {
      const opened = m.opened!;
      const unwatch = watchDevice(m.port, () => opened.engine.portLost('the device went away'));
      try {
        if (action === 'diagnose') await diagnoseOne(m, opened);
        else if (action === 'compare') await compareOne(m, opened);
        else await atOne(m, opened);
      } catch (err) {
        const gone = isCatError(err, 'ERR_PORT_CLOSED');
        const msg = gone ? `the port went away during ${m.step}: ${oneLine(err)}` : oneLine(err);
        m.cases.push({ module: caseName(m), step: m.step, status: 'error', time: (Date.now() - (m.startedAt ?? Date.now())) / 1000, message: msg });
        finish(m, 'fail', msg, { error: { code: isCatError(err) ? err.code : 'ERR_INTERNAL', message: msg } });
      } finally {
        unwatch();
        // after Ctrl-C the interrupt handler owns the module
        if (m.opened === opened) {
          m.opened = null;
          await tidyModule(opened, m.tidy, false);
          collect(m, opened);
        }
      }
    },
  );
  stop.cancel();

  async function diagnoseOne(m: FleetModule, opened: OpenedModem): Promise<void> {
    const d = await runDiagnosis(
      { ...diagnoseOptions(v, mqBase!, s, perModule(m)), dialect: opened.dialect.dialect.name, engine: opened.engine },
      (r: StageReport) => {
        const j = stageToJson(r, out.lang);
        emit(m, j);
        reporter?.publish(m.name, 'event', { ...j, port: m.port });
        m.cases.push({ module: caseName(m), step: `${r.index} ${r.stage}`, status: r.status === 'not-run' ? 'skip' : r.status, time: r.elapsedMs / 1000, message: tr(r.summary, 'en'), detail: r.seen.map((x) => tr(x, 'en')).join('\n') });
        setStep(m, r.stage);
      },
    );
    const j = diagnosisToJson(d, out.lang);
    m.report = d;
    emit(m, j);
    const failed = d.stages.filter((r) => r.status === 'fail');
    const summary = d.outcome === 'pass' ? `${d.stages.filter((r) => r.status === 'pass').length} stages passed` : d.outcome === 'warn' ? `passed with warnings: ${d.stages.filter((r) => r.status === 'warn').map((r) => r.stage).join(', ')}` : `${failed.map((r) => r.stage).join(', ')}: ${failed[0] ? tr(failed[0].summary, 'en') : ''}`;
    // a check that did not run (a module found connected) is not a pass: the module counts as failed, saying why
    const notRun = d.stages.filter((r) => r.status === 'not-run');
    if (d.outcome === 'incomplete') finish(m, 'fail', `not verified: ${notRun.map((r) => r.stage).join(', ')} did not run${notRun[0] ? ` — ${tr(notRun[0].summary, 'en')}` : ''}`, { diagnosis: j });
    else finish(m, d.outcome, summary, { diagnosis: j });
  }

  async function compareOne(m: FleetModule, opened: OpenedModem): Promise<void> {
    const mq = { ...mqBase!, clientId: m.clientId! };
    setStep(m, 'compare');
    // the module's own dialect (--dialect, or its identity with auto); the MQTT settings flags are dialect-neutral (compare() turns them into the module's configuration commands, or refuses one it cannot take)
    const dialect = opened.dialect.dialect;
    const own = dialect.name === defaultDialect().name;
    // the model profile (dialects with per-model profiles): --model, else the module's AT+CGMM answer
    const choice = await moduleProfile(opened.dialect, opened.engine, modelOption(v));
    const session = dialect.session(opened.engine, own ? { profile: s.profile } : choice?.name ? { profile: choice.name } : {});
    const brokerIdentity = await brokerIdentityFor(v['broker-kind'], mq);
    const opts = compareOptions(v, mqBase!, s, perModule(m));
    const r = await compare({ ...opts, session, brokerIdentity });
    r.dialect = { name: dialect.name, title: dialect.title, by: opened.dialect.by, evidence: opened.dialect.evidence };
    if (choice) r.model = { ...choice, name: choice.name ?? session.comparisonProfile.name };
    const j = reportToJson(r, out.lang);
    m.report = r;
    emit(m, j);
    reporter?.publish(m.name, 'event', { ...j, port: m.port });
    for (const st of r.steps) m.cases.push({ module: caseName(m), step: st.step, status: st.same ? 'pass' : 'fail', time: (st.module.latencyMs ?? 0) / 1000, message: `module: ${tr(st.module.detail, 'en')}; direct: ${tr(st.direct.detail, 'en')}` });
    const unreachable = r.verdict.causes[0]?.id === 'broker-unreachable';
    finish(m, r.agree ? 'pass' : unreachable ? 'unreachable' : 'fail', tr(r.verdict.summary, 'en'), { agree: r.agree });
  }

  async function atOne(m: FleetModule, opened: OpenedModem): Promise<void> {
    let failed = 0;
    for (const cmd of commands) {
      setStep(m, cmd);
      const t = Date.now();
      const o = await opened.engine.send(cmd);
      const mask = (l: string, dir: 'tx' | 'rx'): string => (s.logSecrets ? l : opened.redactor.line(Buffer.from(l, 'utf8'), dir).data.toString('utf8'));
      const lines = o.lines.map((l) => mask(l.raw, 'rx').trim());
      const ok = o.status === 'ok';
      if (!ok) failed++;
      const result = o.status === 'ok' ? 'OK' : o.status === 'error' ? o.error.raw.trim() : o.status === 'timeout' ? `no answer within ${o.timeoutMs} ms` : o.status;
      emit(m, { type: 'at', command: mask(cmd, 'tx'), status: o.status, lines, result });
      reporter?.publish(m.name, 'event', { type: 'at', command: mask(cmd, 'tx'), status: o.status, lines, result, port: m.port });
      m.cases.push({ module: caseName(m), step: mask(cmd, 'tx'), status: ok ? 'pass' : 'fail', time: (Date.now() - t) / 1000, message: result, detail: lines.join('\n') });
    }
    finish(m, failed === 0 ? 'pass' : 'fail', failed === 0 ? `${commands.length} command${commands.length === 1 ? '' : 's'} OK` : `${failed} of ${commands.length} commands failed`);
  }

  if (interrupted) return new Promise<number>(() => undefined); // the interrupt handler ends the process
  return conclude();

  /** The session a module's page shows (kept in memory for --html/--bundle). */
  function collect(m: FleetModule, opened: OpenedModem): void {
    if (!opened.capture) return;
    m.entries = opened.capture.entries;
    m.header = opened.capture.header;
  }

  /** The end of the run, or of an interrupted one: the closing lines, JUnit, page and bundle. */
  async function conclude(): Promise<number> {
    table?.stop();
    const count = (o: ModuleOutcome): number => mods.filter((m) => m.outcome === o).length;
    const reachable = mods.length - count('unreachable');
    const exit = interrupted ? EXIT.INTERRUPTED : reachable === 0 ? EXIT.UNREACHABLE : count('fail') + count('unreachable') > 0 ? EXIT.PROBLEM : EXIT.OK;
    const stats = reporter ? await reporter.close(interrupted ? 2000 : undefined) : null;
    if (junitPath) writeFileSync(junitPath, junitXml(`cat1 fleet ${action}`, mods.flatMap((m) => m.cases), new Date(t0)));
    const summary = {
      type: 'fleet',
      action,
      outcome: interrupted ? 'interrupted' : exit === EXIT.OK ? 'pass' : exit === EXIT.UNREACHABLE ? 'unreachable' : 'fail',
      modules: mods.length,
      passed: count('pass'),
      warned: count('warn'),
      failed: count('fail'),
      unreachable: count('unreachable'),
      elapsedMs: Date.now() - t0,
      exit,
      ...(stats ? { report: reportJson(stats) } : {}),
    };
    if (outs.wanted) printed.push(summary);
    if (s.json) out.obj(summary);
    else {
      if (table) for (const l of table.render()) out.line(l);
      out.line(`${interrupted ? 'interrupted (Ctrl-C): ' : ''}${mods.length} module${mods.length === 1 ? '' : 's'}: ${summary.passed} passed, ${summary.warned} with warnings, ${summary.failed} failed, ${summary.unreachable} unreachable, in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
      if (stats) out.line(reportLine(stats));
    }
    if (stats && stats.dropped > 0 && !s.json) note(`cat1: ${stats.dropped} report message${stats.dropped === 1 ? ' was' : 's were'} not delivered`);
    await out.flush();
    const written = await outs.write(
      mods.map((m) => ({ index: m.index, port: m.port, name: m.name, imei: m.imei, clientId: m.clientId, outcome: m.outcome, summary: m.summary, elapsedMs: m.elapsedMs, report: m.report, json: m.json, header: m.header, ...(m.entries ? { entries: m.entries } : {}), profile: s.profile, ...(mqBase ? { broker: mqBase.broker } : {}) })),
      printed,
      interrupted,
    );
    return interrupted ? exit : Math.max(exit, written);
  }
}

/** A module's own client ID and traffic topic (`<topic>/<index>`). */
function perModule(m: FleetModule): PerModule {
  return { clientId: m.clientId!, topicSuffix: String(m.index) };
}

function caseName(m: FleetModule): string {
  return m.imei ? `${m.imei} (${m.port})` : m.port;
}

export function outcomeWord(o: FleetModule['outcome'], out: Out): string {
  switch (o) {
    case 'pass':
      return out.p.green('PASS');
    case 'warn':
      return out.p.yellow('WARN');
    case 'fail':
      return out.p.red('FAIL');
    case 'unreachable':
      return out.p.red('UNREACHABLE');
    case 'running':
      return 'running';
    case 'waiting':
      return out.p.dim('waiting');
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** Leave the module as found (an MQTT link the run opened is closed), then close the port. */
async function tidyModule(m: OpenedModem, t: ReturnType<typeof moduleTidy> | null, interrupted: boolean): Promise<void> {
  try {
    if (t) await t.tidy({ send: m.engine.reserve(interrupted ? 'interrupted (Ctrl-C)' : 'the run is over'), interrupted });
  } catch {
    /* a module that went away cannot be tidied */
  }
  await m.close().catch(() => undefined);
}

void note;
