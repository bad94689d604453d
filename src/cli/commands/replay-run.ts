import { AtEngine } from '../../at/engine.js';
import type { AtOutcome } from '../../at/types.js';
import { dialectChoice, grammarFor } from '../dialect.js';
import type { DialectChoice } from '../../dialects/types.js';
import { openPtyPair, type PtyPair } from '../../port/pty.js';
import { ReplayPort } from '../../port/replay.js';
import { hostCommands, type HostCommand } from '../../transcript/commands.js';
import { openSessionInput } from '../../transcript/input.js';
import { createRedactor } from '../../redact/redact.js';
import type { TranscriptEntry, TranscriptHeader } from '../../recording/types.js';
import { langFromEnv, text } from '../../util/i18n.js';
import { CatError, isCatError, oneLine } from '../../util/errors.js';
import { Out, note, wantColor, onStopSignal } from '../io.js';
import { layer } from '../options.js';
import { EXIT } from '../exit.js';
import { fileArg } from '../stdin.js';
import { checkLinkPath, printingTap, watchDevice } from '../pty-serve.js';
import { REPLAY_OPTIONS, type ReplayArgs } from './replay.js';

interface Settings {
  file: string;
  verify: boolean;
  link: string | null;
  pace: boolean;
  chunk: number;
  lingerMs: number;
  logSecrets: boolean;
  quiet: boolean;
  json: boolean;
  /** --dialect (default auto) */
  dialect: DialectChoice;
}

function settings(args: ReplayArgs): Settings {
  const v = layer(args, REPLAY_OPTIONS);
  const chunk = Number(v['chunk']);
  if (!Number.isInteger(chunk) || chunk < 1) throw new CatError('ERR_INVALID_OPTION', `--chunk must be a whole number of bytes >= 1 (got ${String(v['chunk'])})`);
  const linger = Number(v['linger']);
  if (!Number.isFinite(linger) || linger < 0 || linger > 3600) throw new CatError('ERR_INVALID_OPTION', `--linger must be a number of seconds between 0 and 3600 (got ${String(v['linger'])})`);
  return {
    file: fileArg(String(args.transcript)),
    verify: v['verify'] === true,
    link: v['link'] ? String(v['link']) : null,
    pace: v['pace'] === true,
    chunk,
    lingerMs: linger * 1000,
    logSecrets: v['log-secrets'] === true,
    quiet: v['quiet'] === true,
    json: v['json'] === true,
    dialect: dialectChoice(v['dialect']),
  };
}

/** The whole transcript in memory (a replay needs it all); format errors are ERR_INPUT / ERR_TRANSCRIPT_FORMAT (exit 2). */
async function load(file: string): Promise<{ header: TranscriptHeader | null; entries: TranscriptEntry[]; name: string }> {
  const input = await openSessionInput(file);
  const entries: TranscriptEntry[] = [];
  for await (const e of input.entries) entries.push(e);
  for (const w of input.warnings) note(`cat1: warning: line ${w.line}: ${w.message}`);
  const name = file === '-' ? 'stdin' : file;
  if (!entries.some((e) => e.dir !== 'note')) throw new CatError('ERR_INPUT', `${name}: no recorded bytes to replay`);
  return { header: input.header, entries, name };
}

/** The diff of a replay mismatch: one line, then the expected and received bytes aligned. */
function mismatchLines(err: CatError, out: Out): string[] {
  const c = err.context;
  const where = `entry ${String(c['entry'] ?? '?')}${c['t'] !== null && c['t'] !== undefined ? `, t=${String(c['t'])} s` : ''}`;
  const p = out.p;
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  switch (c['kind']) {
    case 'differs': {
      const col = typeof c['column'] === 'number' ? c['column'] : 0;
      return [
        p.red(t(`replay mismatch: the host wrote bytes the recording does not hold (${where})`, `回放不一致：主机写入的字节与记录不符（${where.replace('entry', '条目')}）`)),
        `  ${t('expected', '应为')}: ${String(c['expected'])}`,
        `  ${t('got     ', '实际')}: ${String(c['got'])}`,
        `  ${' '.repeat(out.lang === 'zh' ? 6 : 10)}${' '.repeat(col)}${p.red('^')} ${t(`first difference at byte ${String(c['offset'])}`, `第 ${String(c['offset'])} 字节起不同`)}`,
      ];
    }
    case 'module-output-expected':
      return [
        p.red(t(`replay mismatch: the host wrote while the recording has the module speak next (${where})`, `回放不一致：记录中下一步应由模组输出，主机却写入了（${where.replace('entry', '条目')}）`)),
        `  ${t('module output expected next', '下一步应为模组输出')}: ${String(c['expected'])}`,
        `  ${t('the host wrote', '主机写入')}: ${String(c['got'])}`,
      ];
    default:
      return [p.red(t('replay mismatch: the host wrote after the end of the recording', '回放不一致：记录已结束，主机仍在写入')), `  ${t('the host wrote', '主机写入')}: ${String(c['got'])}`];
  }
}

function mismatchJson(err: CatError): Record<string, unknown> {
  return { type: 'mismatch', ...err.context, message: oneLine(err) };
}

export async function runReplay(args: ReplayArgs): Promise<number> {
  const s = settings(args);
  const out = new Out({ json: s.json, lang: langFromEnv(process.env, args['lang'] as string | undefined), color: wantColor(args['color'] as boolean | undefined) });
  const rec = await load(s.file);
  if (!out.json && rec.header && !s.quiet) {
    const h = rec.header;
    out.line(out.p.dim(`# ${h.kind}${h.source ? ` — ${h.source}` : ''}${h.module?.model ? ` — ${h.module.model}` : ''}`));
  }
  return s.verify ? verify(s, rec, out) : serve(s, rec, out);
}

// ---------------------------------------------------------------------------------------------
// --verify: the engine against the recording
// ---------------------------------------------------------------------------------------------

type VerifyStatus = AtOutcome['status'] | 'no-answer';

async function verify(s: Settings, rec: { entries: TranscriptEntry[]; name: string }, out: Out): Promise<number> {
  const grammar = grammarFor(s.dialect);
  const port = new ReplayPort(rec.entries, { pace: s.pace, chunk: s.chunk, name: rec.name });
  const engine = new AtEngine(port, { grammar, resyncCommand: null });
  const commands = hostCommands(rec.entries, grammar);
  const display = createRedactor();
  const mask = (c: string): string => (s.logSecrets ? c : display.line(Buffer.from(c, 'utf8'), 'tx').data.toString('utf8'));
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const counts: Partial<Record<VerifyStatus, number>> = {};
  let mismatch: CatError | null = null;
  let replayed = 0;
  let unconsumed: CatError | null = null;
  // the library's timers (paced delivery, engine timeouts) never keep a process alive: this run does
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    for (const [i, cmd] of commands.entries()) {
      const r = await verifyOne(engine, port, cmd);
      if (r.mismatch) {
        mismatch = r.mismatch;
        break;
      }
      replayed++;
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      const o = r.outcome;
      const final = o?.status === 'error' ? o.error.raw : o?.status === 'ok' ? 'OK' : '';
      if (out.json) {
        const j: Record<string, unknown> = { type: 'outcome', index: i + 1, command: mask(cmd.command), status: r.status, lines: (o?.lines ?? []).map((l) => l.raw) };
        if (final) j['final'] = final;
        if (o?.status === 'error' && o.meaning) j['explain'] = out.t(o.meaning);
        if (cmd.data) j['data'] = cmd.data.length;
        out.obj(j);
      } else if (!s.quiet) {
        const p = out.p;
        const word = r.status.padEnd(9);
        const st = r.status === 'ok' ? p.green(word) : r.status === 'error' ? p.red(word) : p.yellow(word);
        let extra = '';
        if (r.status === 'no-answer') extra = t('the recording holds no final result for it (a module would time out)', '记录中没有它的最终结果（真实模组会超时）');
        else if (o?.status === 'error') extra = `${o.error.raw}${o.meaning ? ` — ${out.t(o.meaning)}` : ''}`;
        else if (o?.status === 'aborted') extra = o.reason;
        else if (o && o.status !== 'ok') extra = o.status;
        out.line(`${String(i + 1).padStart(4)}  ${st} ${mask(cmd.command)}${cmd.data ? p.dim(` + ${cmd.data.length} B ${t('payload', '数据')}`) : ''}${extra ? `  ${p.dim(extra)}` : ''}`);
      }
      await out.drain();
    }
    if (!mismatch) {
      await port.whenIdle();
      try {
        port.assertDone();
      } catch (err) {
        if (isCatError(err, 'ERR_REPLAY_MISMATCH')) mismatch = err;
        else if (isCatError(err, 'ERR_REPLAY_UNCONSUMED')) unconsumed = err;
        else throw err;
      }
    }
  } finally {
    clearInterval(keepAlive);
    engine.dispose();
    await port.close();
  }

  const ok = !mismatch && !unconsumed;
  const summary = Object.entries(counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  if (out.json) {
    if (mismatch) out.obj(mismatchJson(mismatch));
    out.obj({
      type: 'verify',
      ok,
      transcript: rec.name,
      commands: commands.length,
      replayed,
      outcomes: counts,
      mismatch: mismatch ? { ...mismatch.context, message: oneLine(mismatch) } : null,
      unconsumed: unconsumed ? { ...unconsumed.context, message: oneLine(unconsumed) } : null,
    });
  } else {
    if (mismatch) for (const l of mismatchLines(mismatch, out)) out.line(l);
    if (unconsumed) out.line(out.p.red(t(`replay not fully consumed: ${oneLine(unconsumed).replace(/^replay:[^:]*: /, '')}`, `记录未被完全消费：${oneLine(unconsumed).replace(/^replay:[^:]*: /, '')}`)));
    const head = t(`${replayed} of ${commands.length} commands replayed${summary ? ` (${summary})` : ''}`, `已回放 ${replayed}/${commands.length} 条命令${summary ? `（${summary}）` : ''}`);
    out.line(ok ? out.p.green(`${t('replay verified', '回放验证通过')}: ${head}; ${t('every host write matched the recording, nothing left unconsumed', '主机写入全部与记录一致，记录已完全消费')}`) : out.p.red(`${t('replay failed', '回放验证失败')}: ${head}`));
  }
  await out.flush();
  return ok ? EXIT.OK : EXIT.PROBLEM;
}

/**
 * One recorded command through the engine. When the recording holds no final result for it,
 * the engine would wait for its timeout: as soon as the recording has nothing more to deliver
 * before the next host write, the command is given up as 'no-answer'.
 */
async function verifyOne(engine: AtEngine, port: ReplayPort, cmd: HostCommand): Promise<{ status: VerifyStatus; outcome: AtOutcome | null; mismatch: CatError | null }> {
  const ac = new AbortController();
  let settled = false;
  let gaveUp = false;
  // a cancelled payload (ESC) is replayed by sending no payload: the engine answers the prompt with ESC
  const data = cmd.data && !cmd.cancelled ? cmd.data : undefined;
  const sent = engine.send(cmd.command, { signal: ac.signal, ...(data !== undefined ? { data } : {}) });
  const over = sent.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const watch = (async () => {
    while (!settled) {
      await Promise.race([port.whenIdle(), over]);
      if (settled) return;
      const before = port.remaining;
      // the engine's quiet time for a raw payload is 100 ms
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, 150))), over]);
      clearTimeout(timer);
      if (settled) return;
      if (port.failure || port.remaining === before) {
        gaveUp = true;
        ac.abort();
        return;
      }
    }
  })();
  try {
    const o = await sent;
    await watch;
    if (port.failure) return { status: o.status, outcome: o, mismatch: port.failure };
    return { status: gaveUp && o.status === 'aborted' ? 'no-answer' : o.status, outcome: o, mismatch: null };
  } catch (err) {
    if (isCatError(err, 'ERR_REPLAY_MISMATCH')) return { status: 'aborted', outcome: null, mismatch: err };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// serving on a pseudo-terminal
// ---------------------------------------------------------------------------------------------

type ServeEnd = { why: 'complete' } | { why: 'mismatch'; error: CatError } | { why: 'interrupted' } | { why: 'pty-lost'; error: Error | undefined };

async function serve(s: Settings, rec: { entries: TranscriptEntry[]; name: string }, out: Out): Promise<number> {
  const link = s.link ? checkLinkPath(s.link) : undefined;
  const pair: PtyPair = await openPtyPair(link ? { linkPath: link } : {});
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const total = rec.entries.filter((e) => e.dir !== 'note').length;
  const tap = printingTap(out, { quiet: s.quiet, mask: !s.logSecrets });

  let finish: (e: ServeEnd) => void = () => undefined;
  const ended = new Promise<ServeEnd>((r) => (finish = r));
  let complete = false;
  let pendingWrites = 0;
  const check = (): void => {
    if (complete || replay.remaining > 0 || pendingWrites > 0 || replay.failure) return;
    complete = true;
    // the last bytes are on their way: give the program time to read them, then stop
    // unref'd: a Ctrl-C during the linger ends the process at once, not when the timer fires
    setTimeout(() => finish({ why: 'complete' }), s.lingerMs).unref();
    if (out.json) out.obj({ type: 'complete', entries: total, time: new Date().toISOString() });
    else out.line(out.p.green(t(`replay complete: all ${total} entries played`, `回放完成：全部 ${total} 条记录已播放`)));
    void out.flush();
  };

  const replay = new ReplayPort(rec.entries, { pace: s.pace, chunk: s.chunk, name: rec.name });
  replay.on('data', (chunk) => {
    tap?.rx(chunk);
    pendingWrites++;
    pair.port
      .write(chunk)
      .catch(() => undefined) // a write to a vanished pty shows as the port's close
      .finally(() => {
        pendingWrites--;
        check();
      });
  });
  pair.port.on('data', (bytes) => {
    tap?.tx(bytes);
    replay.write(bytes).then(check, (err: unknown) => {
      if (isCatError(err, 'ERR_REPLAY_MISMATCH')) finish({ why: 'mismatch', error: err });
    });
  });
  pair.port.on('close', (error) => finish({ why: 'pty-lost', error }));
  // socat removes its links when it ends: the pty pair is gone even if the port never says so
  const unwatch = watchDevice(pair.modulePath, () => finish({ why: 'pty-lost', error: new Error('socat ended') }));
  const stop = onStopSignal();
  void stop.signal.then(() => finish({ why: 'interrupted' }));

  if (out.json) out.obj({ type: 'ready', path: pair.path, transcript: rec.name, entries: total, time: new Date().toISOString() });
  else {
    out.line(`replay ready: ${pair.path}`);
    note(t(`cat1: serving ${rec.name} (${total} entries${s.pace ? ', at the recorded pace' : ''}); open the device with the program under test; Ctrl-C stops.`, `cat1: 正在回放 ${rec.name}（${total} 条${s.pace ? '，按记录节奏' : ''}）；用被测程序打开该设备；Ctrl-C 停止。`));
  }
  await out.flush();
  check(); // a recording with nothing for the host to write

  const end = await ended;
  stop.cancel();
  unwatch();
  tap?.end();
  await replay.close();
  await pair.stop();
  let code: number = EXIT.OK;
  switch (end.why) {
    case 'complete':
      break;
    case 'mismatch':
      code = EXIT.PROBLEM;
      if (out.json) out.obj(mismatchJson(end.error));
      else for (const l of mismatchLines(end.error, out)) out.line(l);
      break;
    case 'interrupted':
    case 'pty-lost': {
      if (complete) break;
      code = end.why === 'pty-lost' ? EXIT.UNREACHABLE : EXIT.PROBLEM;
      let left = '';
      try {
        replay.assertDone();
      } catch (err) {
        left = oneLine(err).replace(/^replay:[^:]*: /, '');
      }
      const why = end.why === 'pty-lost' ? t(`the pseudo-terminal went away${end.error ? `: ${oneLine(end.error)}` : ''}`, `伪终端消失了${end.error ? `：${oneLine(end.error)}` : ''}`) : t('stopped', '已停止');
      if (out.json) out.obj({ type: 'incomplete', reason: end.why, remaining: replay.remaining, message: left });
      else out.line(out.p.red(t(`replay not complete (${why}): ${left}`, `回放未完成（${why}）：${left}`)));
      break;
    }
    default: {
      const never: never = end;
      throw new Error(`unhandled end ${String(never)}`);
    }
  }
  await out.flush();
  return code;
}

