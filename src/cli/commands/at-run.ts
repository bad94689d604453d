import { itemToJson } from '../../at/json.js';
import { classifyRx, RxSampler, type RxDiagnosis } from '../../at/diagnosis.js';
import { maskItem } from '../../at/mask.js';
import { createRedactor } from '../../redact/redact.js';
import type { AtOutcome } from '../../at/types.js';
import { commandName, commandForm } from '../../at/profiles.js';
import type { ModemEvent } from '../../urc/types.js';
import { answers, commandSpec, correlationIds, resultOf } from '../../dialects/index.js';
import type { CommandSpec, MqttResult } from '../../dialects/types.js';
import { tr, text } from '../../util/i18n.js';
import { checkPastedCommand } from '../../dialects/ecmt/paste-lint.js';
import { CatError } from '../../util/errors.js';
import { Out, note, wantColor } from '../io.js';
import { modemSettings } from '../options.js';
import { openModem, withModem } from '../modem.js';
import { formatItem } from '../timeline.js';
import { EXIT } from '../exit.js';
import { waitForEvent } from '../../util/waiter.js';
import { AT_OPTIONS, type AtArgs } from './at.js';
import { ReportOutputs } from '../report-out.js';

/** A two-phase command (a dialect's table says which: OK at once, the outcome later as a result URC), or null. */
function twoPhase(command: string): CommandSpec | null {
  const form = commandForm(command);
  if (form !== 'set' && form !== 'action') return null;
  const spec = commandSpec(commandName(command))?.spec ?? null;
  return spec?.result ? spec : null;
}

/** Why a result URC reports a failure (the dialect's meaning), or null when it reports success. */
function resultFailure(r: MqttResult): import('../../util/i18n.js').Text | null {
  return r.ok ? null : r.meaning;
}

function outcomeJson(o: AtOutcome, lang: 'en' | 'zh'): Record<string, unknown> {
  const base: Record<string, unknown> = { type: 'outcome', command: o.command, status: o.status, elapsedMs: Math.round(o.elapsedMs), lines: o.lines.map((l) => l.raw) };
  if (o.status === 'error') {
    base['final'] = o.error.raw;
    base['code'] = o.error.type === 'error' ? null : o.error.code;
    if (o.meaning) base['explain'] = tr(o.meaning, lang);
  } else if (o.status === 'timeout') base['waitedFor'] = o.waitedFor;
  else if (o.status === 'aborted') base['reason'] = o.reason;
  else if (o.status === 'reset') base['banner'] = o.banner;
  return base;
}

/** One stderr line per copy-paste mistake found in the commands, then what the module will answer and the corrected line. */
export function pasteWarnings(commands: readonly string[], mask: (line: string) => string, lang: 'en' | 'zh'): string[] {
  const out: string[] = [];
  commands.forEach((c, i) => {
    const r = checkPastedCommand(c);
    if (!r) return;
    for (const f of r.findings) out.push(tr(text(`cat1: warning: argument ${i + 1}: copy-paste mistake: ${f.message.en}`, `cat1: 警告：参数 ${i + 1}：复制粘贴错误：${f.message.zh}`), lang));
    out.push(tr(text(`cat1: warning: argument ${i + 1}: ${r.answer.en}; corrected: ${mask(r.corrected)}`, `cat1: 警告：参数 ${i + 1}：${r.answer.zh}；应为：${mask(r.corrected)}`), lang));
  });
  return out;
}

export async function runAt(args: AtArgs): Promise<number> {
  const s = modemSettings(args, AT_OPTIONS);
  const out = new Out({ json: s.json, lang: s.lang, color: wantColor(s.color) });
  const commands = args.commands.map(String);
  if (commands.length === 0) throw new CatError('ERR_INVALID_OPTION', 'name at least one AT command, e.g. cat1 at AT+CSQ', { zh: '请至少给出一条 AT 命令，例如 cat1 at AT+CSQ' });
  // copy-paste mistakes (typographic quotes, full-width punctuation, near-miss names…): said
  // before anything is sent, with the corrected line masked like any output
  if (!s.logSecrets) {
    const masker = createRedactor();
    pasteWarnings(commands, (line) => masker.line(Buffer.from(line, 'utf8'), 'tx').data.toString('utf8'), out.lang).forEach((w) => note(w));
  } else pasteWarnings(commands, (line) => line, out.lang).forEach((w) => note(w));
  // checked before the port is opened; the messages name the command, never its values (a password)
  commands.forEach((c, i) => {
    const name = `argument ${i + 1} ("${c.trim().split(/[=\r\n]/)[0]!.slice(0, 24)}…")`;
    const zhName = `第 ${i + 1} 个参数（"${c.trim().split(/[=\r\n]/)[0]!.slice(0, 24)}…"）`;
    if (!/^AT/i.test(c.trim())) throw new CatError('ERR_INVALID_OPTION', `${name} is not an AT command (it must start with AT)`, { zh: `${zhName} 不是 AT 命令（必须以 AT 开头）` });
    if (/[\r\n\0\x1a\x1b]/.test(c)) throw new CatError('ERR_INVALID_OPTION', `${name} contains CR, LF, NUL, Ctrl-Z or ESC, which would end or corrupt the command`, { zh: `${zhName} 含有 CR、LF、NUL、Ctrl-Z 或 ESC，会提前结束或破坏这条命令` });
  });
  if (args.wait !== undefined && !(args.wait >= 0)) throw new CatError('ERR_INVALID_OPTION', `--wait must be a number of seconds >= 0 (got ${String(args.wait)})`, { zh: `--wait 必须是不小于 0 的秒数（给的是 ${String(args.wait)}）` });
  const outs = ReportOutputs.fromArgs(args, { verb: 'at', lang: s.lang, logSecrets: s.logSecrets, secrets: s.secrets });
  const outcomes: Array<Record<string, unknown>> = [];
  const m = await openModem(s, { verb: 'at', probe: false, capture: outs.wanted });
  const display = createRedactor(undefined, [...m.secrets]);
  const mask = (t: string, dir: 'tx' | 'rx' = 'tx'): string => (s.logSecrets ? t : display.line(Buffer.from(t, 'utf8'), dir).data.toString('utf8'));
  // what came back while no command was answered: tells a port that does not speak AT
  const sampler = new RxSampler(m.port);
  let answered = false;
  let overlong = 0;
  const diagnose = (upTo: number): RxDiagnosis | null => {
    if (answered) return null;
    const sample = sampler.sample;
    // the sample as shown is masked line by line, like every other output
    const masker = createRedactor(undefined, [...m.secrets]);
    const shown = s.logSecrets ? sample : Buffer.concat(splitLines(sample).map((l) => masker.line(l, 'rx').data));
    const d = classifyRx({ bytes: sampler.bytes, sample, written: commands.slice(0, upTo + 1), overlong, display: shown });
    return d.kind === 'at' ? null : d;
  };
  m.engine.on('item', (raw) => {
    if (raw.role === 'final' || raw.role === 'late') answered = true;
    if (raw.role === 'garbage' && raw.event.type === 'overlong' && !raw.event.complete) overlong++;
    const item = s.logSecrets ? raw : maskItem(raw, display);
    if (s.json) {
      if (item.role === 'urc' || item.role === 'late' || item.role === 'stray') out.obj(itemToJson(item, out.lang));
      return;
    }
    for (const l of formatItem(item, out)) out.line(l);
  });
  let code: number = EXIT.OK;
  // waits (for a URC, --wait) end when the port goes away (unplugged): exit 3 at once, no hang
  let gone: Error | null = null;
  let wake: (() => void) | null = null;
  const portGone = new Promise<void>((resolve) => (wake = resolve));
  m.engine.once('close', (err) => {
    gone = new CatError('ERR_PORT_CLOSED', `the port ${s.port ?? '?'} went away${err ? `: ${err.message.replace(/^.*went away: /, '')}` : ''}`, err ? { cause: err } : {});
    wake?.();
  });
  const untilGone = <T>(p: Promise<T>, whenGone: T): Promise<T> => Promise.race([p, portGone.then(() => whenGone)]);
  const checkGone = (): void => {
    if (gone) throw gone;
  };
  try {
    await withModem(m, async () => {
      const afterWait: { seen: ReturnType<typeof waitUrc>; name: string; command: string }[] = [];
      for (const [i, command] of commands.entries()) {
        const last = i === commands.length - 1;
        const name = commandName(command);
        const spec = twoPhase(command);
        const seen = spec ? waitUrc(m.engine, spec, correlationIds(spec, command.slice(command.indexOf('=') + 1))) : null;
        const urcName = spec?.result?.prefix ?? name;
        const o = await m.engine.send(command, last && args.data !== undefined ? { data: args.data } : {});
        const d = o.status === 'timeout' ? diagnose(i) : null;
        const outcomeObj = (): Record<string, unknown> => ({ ...outcomeJson(o, out.lang), command: mask(o.command), lines: o.lines.map((l) => mask(l.raw, 'rx')), ...(d ? { diagnosis: { kind: d.kind, bytes: d.bytes, explain: tr(d.summary, out.lang), hint: d.hint ? tr(d.hint, out.lang) : null } } : {}) });
        // a two-phase command's outcome is known once its result URC is in: printed then
        const deferred = s.json && o.status === 'ok' && seen !== null && args.wait === undefined;
        if (outs.wanted) outcomes.push(outcomeObj());
        if (s.json && !deferred) out.obj(outcomeObj());
        else if (o.status === 'timeout' && d) {
          out.line(out.p.red(`          ${tr(text(`no final result within ${o.timeoutMs} ms: ${d.summary.en}`, `${o.timeoutMs} ms 内没有最终结果：${d.summary.zh}`), out.lang)}`));
          if (d.hint) out.line(out.p.red(`          → ${tr(d.hint, out.lang)}`));
        } else if (o.status === 'timeout') out.line(out.p.red(`          ${tr(text(`no final result within ${o.timeoutMs} ms (is this the AT port? is the module busy?)`, `${o.timeoutMs} ms 内没有最终结果（这是 AT 口吗？模组忙？）`), out.lang)}`));
        else if (o.status === 'aborted' || o.status === 'reset') out.line(out.p.yellow(`          ${o.status === 'reset' ? tr(text('the module rebooted before answering', '模组在应答前重启了'), out.lang) : o.reason}`));
        if (o.status !== 'ok') code = EXIT.PROBLEM;
        if (o.status === 'ok' && seen && args.wait === undefined) {
          // the dialect's host timer (open/connect: the network decides, a fixed budget; the acks: at least --timeout)
          const host = spec?.result?.hostTimeoutMs ?? 10_000;
          const budget = spec?.op === 'open' || spec?.op === 'connect' ? host : Math.max(s.timeoutMs, host);
          if (!s.json) note(tr(text(`cat1: waiting up to ${budget / 1000} s for ${urcName}…`, `cat1: 最多等待 ${budget / 1000} 秒 ${urcName}…`), out.lang));
          const got = await untilGone(seen.wait(budget), null);
          if (gone) seen.cancel();
          checkGone();
          if (!got) {
            code = EXIT.PROBLEM;
            if (deferred) out.obj(outcomeObj());
            const msg = text(`no ${urcName} URC within ${budget / 1000} s: the module reports no timeout, the broker's answer never came`, `${budget / 1000} 秒内没有 ${urcName} URC：模组不会报告超时，服务器的应答没有到达`);
            if (s.json) out.obj({ type: 'missing-urc', command: mask(command), waitedMs: budget, explain: tr(msg, out.lang) });
            else out.line(out.p.red(`          ${tr(msg, out.lang)}`));
          } else {
            // the command answered OK, its result URC says whether it did what was asked
            const failure = resultFailure(got.result);
            if (failure) code = EXIT.PROBLEM;
            if (s.json) {
              const urc = mask(got.event.raw, 'rx');
              out.obj(failure ? { ...outcomeObj(), status: 'failed', urc, reason: tr(failure, out.lang) } : { ...outcomeObj(), urc });
            } else if (failure) out.line(out.p.red(`          ${tr(text(`${name} failed: ${failure.en}`, `${name} 失败：${failure.zh}`), out.lang)}`));
          }
        } else if (seen && o.status === 'ok' && args.wait !== undefined) {
          // --wait: the result URC, if it comes while listening, is judged at the end
          afterWait.push({ seen, name, command });
        } else {
          seen?.cancel();
          if (deferred) out.obj(outcomeObj());
        }
        await out.drain();
      }
      if (args.wait) {
        let timer: NodeJS.Timeout | null = null;
        await untilGone(new Promise<void>((r) => (timer = setTimeout(r, args.wait! * 1000))), undefined);
        if (timer) clearTimeout(timer);
        checkGone();
      }
      for (const { seen, name, command } of afterWait) {
        const got = seen.peek();
        seen.cancel();
        const failure = got ? resultFailure(got.result) : null;
        if (!got || !failure) continue;
        code = EXIT.PROBLEM;
        if (s.json) out.obj({ type: 'result', command: mask(command), status: 'failed', urc: mask(got.event.raw, 'rx'), reason: tr(failure, out.lang) });
        else out.line(out.p.red(`${tr(text(`${name} failed: ${failure.en}`, `${name} 失败：${failure.zh}`), out.lang)}`));
      }
    });
  } finally {
    // what was seen before a failure (the port went away) is still shown
    sampler.detach();
    await out.flush();
  }
  const written = await outs.write({ json: outcomes, entries: m.capture?.entries ?? [], header: m.capture?.header ?? null, profile: s.profile, ...(s.port ? { port: s.port } : {}), baud: m.baud });
  return Math.max(code, written);
}

/** Lines of a sample, each with its terminator (the last may have none). */
function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      out.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

/** A result URC seen for a command: the event and the dialect's reading of it. */
interface SeenResult {
  event: ModemEvent;
  result: MqttResult;
}

/**
 * Wait for the result URC of a two-phase command (same operation, client and msgID: correlated as
 * its dialect's table says). Listening starts at once (the URC may come in the same read as the
 * command's OK); `wait(ms)` then gives it that long, `peek()` reads what came (--wait).
 */
function waitUrc(engine: import('../../at/engine.js').AtEngine, spec: CommandSpec, ids: { connectId: number | null; msgId: number | null }): { wait(ms: number): Promise<SeenResult | null>; peek(): SeenResult | null; cancel(): void } {
  let got: SeenResult | null = null;
  const match = (ev: ModemEvent): boolean => {
    if (got) return true;
    const r = resultOf(ev);
    if (!r || !answers(spec, ids, r)) return false;
    got = { event: ev, result: r };
    return true;
  };
  const listening = waitForEvent(engine, 'urc', { match });
  let timed: { cancel(): void } | null = null;
  return {
    async wait(ms) {
      if (got) return got;
      const t = waitForEvent(engine, 'urc', { match, timeoutMs: ms });
      timed = t;
      await Promise.race([t.promise, listening.promise]);
      t.cancel();
      listening.cancel();
      return got;
    },
    peek() {
      return got;
    },
    cancel() {
      listening.cancel();
      timed?.cancel();
    },
  };
}
