import type { AtOutcome } from '../at/types.js';
import { PROFILE_NAMES } from '../dialects/ecmt/firmware.js';
import { defaultDialect, getDialect } from '../dialects/index.js';
import type { Dialect } from '../dialects/types.js';
import { createRedactor, DEFAULT_RULES } from '../redact/redact.js';
import { systemClock } from '../util/clock.js';
import { CatError, isCatError } from '../util/errors.js';
import { text, type Text } from '../util/i18n.js';
import { STAGES } from './stages/index.js';
import type { DiagnoseFacts, DiagnoseOptions, Diagnosis, DiagnosisOutcome, ResolvedDiagnoseOptions, StageContext, StageReport, StageResult } from './types.js';
import { same } from './util.js';
import { SilenceWatch } from './silence.js';

function bad(option: string, message: string): never {
  throw new CatError('ERR_INVALID_OPTION', `diagnose option ${option}: ${message}`, { context: { option } });
}

function ms(option: string, v: number | undefined, dflt: number, min: number): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min) bad(option, `must be a number of milliseconds >= ${min} (got ${String(v)})`);
  return x;
}

/** Validate the options once, with an error that names the option. */
export function resolveDiagnoseOptions(o: DiagnoseOptions): ResolvedDiagnoseOptions {
  if (!o || typeof o !== 'object') bad('options', 'must be an object');
  if (!o.engine || typeof o.engine.send !== 'function') bad('engine', 'an AtEngine on the module\'s port is needed');
  const b = o.broker;
  if (!b || typeof b.host !== 'string' || b.host === '') bad('broker.host', 'the broker host is needed');
  if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535) bad('broker.port', `must be 1–65535 (got ${String(b.port)})`);
  if (/["\r\n]/.test(b.host)) bad('broker.host', 'cannot contain quotes or line breaks');
  if (!o.credentials || typeof o.credentials.clientId !== 'string') bad('credentials.clientId', 'the MQTT client ID is needed (a string)');
  let dialect: Dialect;
  try {
    dialect = o.dialect === undefined || o.dialect === 'auto' ? defaultDialect() : getDialect(o.dialect);
  } catch (err) {
    bad('dialect', (err as Error).message);
  }
  const profile = o.profile ?? 'ec616s';
  if (!PROFILE_NAMES.includes(profile)) bad('profile', `must be one of ${PROFILE_NAMES.join(', ')} (got ${String(profile)})`);
  let ping: ResolvedDiagnoseOptions['ping'] = null;
  if (o.ping) {
    const p = o.ping === true ? {} : o.ping;
    const count = p.count ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 255) bad('ping.count', `must be 1–255 (got ${String(p.count)})`);
    const timeoutMs = p.timeoutMs ?? 5000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) bad('ping.timeoutMs', `must be 1–600000 (got ${String(p.timeoutMs)})`);
    ping = { count, timeoutMs };
  }
  const compare = o.compare === false ? null : o.compare === true || o.compare === undefined ? {} : o.compare;
  return {
    broker: b,
    credentials: o.credentials,
    settings: o.settings ?? [],
    profile,
    model: o.model,
    dialect,
    dialectAuto: o.dialect === 'auto',
    keepGoing: o.keepGoing ?? false,
    ping,
    compare,
    logSecrets: o.logSecrets ?? false,
    reconnect: o.reconnect ?? false,
    registrationBudgetMs: ms('registrationBudgetMs', o.registrationBudgetMs, 30_000, 0),
    pollMs: ms('pollMs', o.pollMs, 1000, 1),
    probeTimeoutMs: ms('probeTimeoutMs', o.probeTimeoutMs, 2000, 1),
    session: {
      openTimeoutMs: ms('session.openTimeoutMs', o.session?.openTimeoutMs, 30_000, 1),
      connectTimeoutMs: ms('session.connectTimeoutMs', o.session?.connectTimeoutMs, 30_000, 1),
      closeTimeoutMs: ms('session.closeTimeoutMs', o.session?.closeTimeoutMs, 15_000, 1),
    },
  };
}

/** One command's exchange as seen: `AT+CPIN? → +CPIN: READY`. */
function exchange(o: AtOutcome, mask: (s: string, dir: 'tx' | 'rx') => string): Text {
  const cmd = mask(o.command, 'tx');
  const lines = o.lines.map((l) => mask(l.raw, 'rx').trim()).filter((l) => l !== '');
  switch (o.status) {
    case 'ok':
      return same(`${cmd} → ${lines.length > 0 ? lines.join(' | ') : 'OK'}`);
    case 'error':
      return same(`${cmd} → ${[...lines, o.error.raw.trim()].join(' | ')}`);
    case 'timeout':
      return text(`${cmd} → no answer within ${o.timeoutMs} ms`, `${cmd} → ${o.timeoutMs} ms 内无应答`);
    case 'aborted':
      return text(`${cmd} → aborted (${o.reason})`, `${cmd} → 已中止（${o.reason}）`);
    case 'reset':
      return text(`${cmd} → the module rebooted (${o.banner})`, `${cmd} → 模组重启了（${o.banner}）`);
    default: {
      const never: never = o;
      return never;
    }
  }
}

const rebooted = (err: Error): StageResult => ({
  status: 'fail',
  summary: text(`the module rebooted during this stage: ${err.message}`, `模组在本阶段重启了：${err.message}`),
  seen: [],
  hint: text(
    'the module rebooted by itself: check the supply voltage under load (brown-out on transmit bursts), the reset/PWRKEY lines and the watchdog',
    '模组自行重启：检查带载时的供电电压（发射瞬间掉电）、复位/PWRKEY 引脚和看门狗',
  ),
  data: {},
});

/**
 * Run the checklist on the module behind `opts.engine`. `onStage` receives each stage's report
 * as it completes. Stops at the first failure unless `keepGoing` (and always when the port
 * does not answer). Rejects only for misuse (ERR_INVALID_OPTION) or a port that goes away
 * (ERR_PORT_CLOSED); every finding is a value.
 */
export async function runDiagnosis(opts: DiagnoseOptions, onStage?: (r: StageReport) => void): Promise<Diagnosis> {
  const o = resolveDiagnoseOptions(opts);
  const clock = opts.clock ?? systemClock;
  const stages = opts.stages ?? STAGES;
  const secrets = [...(opts.secrets ?? []), ...(o.credentials.password ? [o.credentials.password] : [])];
  const redactor = o.logSecrets ? null : createRedactor(DEFAULT_RULES, secrets);
  const mask = (line: string, dir: 'tx' | 'rx'): string => (redactor ? redactor.line(Buffer.from(line, 'utf8'), dir).data.toString('utf8') : line);
  const facts: DiagnoseFacts = { echo: null, cmee: null, simReady: null, registered: null, act: null, pdpActive: null, pdp: null, brokerAddresses: null, mqttConnected: null };
  const progress = opts.onProgress ?? (() => undefined);
  const ctx: StageContext = {
    engine: opts.engine,
    options: o,
    facts,
    async send(command, seen, sendOpts = {}) {
      const out = await opts.engine.send(command, sendOpts);
      seen.push(exchange(out, mask));
      return out;
    },
    mask,
    progress,
    clock,
    sleep: (n) => new Promise<void>((resolve) => clock.setTimeout(resolve, n)),
    now: () => clock.now(),
  };
  const t0 = clock.now();
  const reports: StageReport[] = [];
  const notRun: StageReport['stage'][] = [];
  let stoppedAt: StageReport['stage'] | null = null;
  const silence = new SilenceWatch(opts.engine);
  for (const [i, stage] of stages.entries()) {
    if (stoppedAt !== null) {
      notRun.push(stage.id);
      continue;
    }
    const started = clock.now();
    let r: StageResult;
    try {
      r = await stage.run(ctx);
    } catch (err) {
      if (!isCatError(err, 'ERR_MODULE_REBOOTED')) {
        silence.detach();
        throw err;
      }
      r = rebooted(err);
    }
    // a module that went silent ends the run: every later command would only time out
    const silent = await silence.check(r, o.probeTimeoutMs, mask);
    if (silent) r = silent;
    const report: StageReport = { ...r, stage: stage.id, index: i + 1, title: stage.title, elapsedMs: Math.round(clock.now() - started) };
    reports.push(report);
    onStage?.(report);
    if (r.status === 'fail' && (r.unreachable === true || !o.keepGoing || Boolean(r.data['stoppedBy']))) stoppedAt = stage.id;
  }
  silence.detach();
  const failed = reports.filter((r) => r.status === 'fail');
  const warned = reports.filter((r) => r.status === 'warn');
  const unverified = reports.filter((r) => r.status === 'not-run');
  const outcome: DiagnosisOutcome = reports.some((r) => r.unreachable) ? 'unreachable' : failed.length > 0 ? 'fail' : unverified.length > 0 ? 'incomplete' : warned.length > 0 ? 'warn' : 'pass';
  const hint = failed.find((r) => r.hint !== null)?.hint ?? unverified.find((r) => r.hint !== null)?.hint ?? warned.find((r) => r.hint !== null)?.hint ?? null;
  return { outcome, stages: reports, stoppedAt: notRun.length > 0 ? stoppedAt : null, notRun, hint, facts, elapsedMs: Math.round(clock.now() - t0) };
}
