import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import { maskItem } from '../../at/mask.js';
import type { AtOutcome, TimelineItem } from '../../at/types.js';
import { defaultGrammar } from '../../grammar.js';
import { createRedactor } from '../../redact/redact.js';
import { text, type Lang } from '../../util/i18n.js';
import { CatError, oneLine } from '../../util/errors.js';
import { Out, note, wantColor, onStopSignal } from '../io.js';
import { modemSettings } from '../options.js';
import { openModem } from '../modem.js';
import { formatItem } from '../timeline.js';
import { EXIT } from '../exit.js';
import { ChunkTap, formatChunk, watchDevice } from '../pty-serve.js';
import { TERM_OPTIONS, type TermArgs } from './term.js';
import { ALL } from '../dialect-names.js';

const PROMPT = 'cat1> ';
const PAYLOAD_PROMPT = 'payload> ';
const HISTORY_SIZE = 1000;

/**
 * A data-mode payload typed on one line: `\n`, `\r`, `\t`, `\\` and `\xHH` are escapes, the
 * rest is taken as UTF-8. Ctrl-Z and ESC cannot be part of it (they end data mode).
 */
export function parsePayload(line: string): Buffer {
  const parts: Buffer[] = [];
  let lit = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c !== '\\' || i === line.length - 1) {
      lit += c;
      continue;
    }
    const n = line[i + 1]!;
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };
    if (simple[n] !== undefined) {
      lit += simple[n];
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
      parts.push(Buffer.from(lit, 'utf8'), Buffer.from([parseInt(line.slice(i + 2, i + 4), 16)]));
      lit = '';
      i += 3;
    } else lit += c; // an unknown escape stays as typed
  }
  parts.push(Buffer.from(lit, 'utf8'));
  const payload = Buffer.concat(parts);
  if (payload.includes(0x1a) || payload.includes(0x1b)) throw new CatError('ERR_PAYLOAD', 'the payload holds Ctrl-Z (\\x1a) or ESC (\\x1b), which would end data mode early');
  return payload;
}

function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '')
      .slice(-HISTORY_SIZE)
      .reverse(); // readline wants the newest first
  } catch {
    return [];
  }
}

export async function runTerm(args: TermArgs): Promise<number> {
  const s = modemSettings(args, TERM_OPTIONS);
  let out = new Out({ json: false, lang: s.lang, color: wantColor(s.color) });
  const m = await openModem(s, { verb: 'term', probe: false });
  const grammar = defaultGrammar();
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const historyPath = join(homedir(), '.cat1_history');
  const keepHistory = args.history !== false;
  const secretCheck = createRedactor(undefined, [...m.secrets]);
  const holdsSecret = (l: string): boolean => secretCheck.line(Buffer.from(l, 'utf8'), 'tx').redact.length > 0;

  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
    history: keepHistory ? loadHistory(historyPath) : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    prompt: PROMPT,
  });
  let closing = false;
  let historyWarned = false;
  if (keepHistory) {
    rl.on('history', (h: string[]) => {
      // lines with a password or a key stay in this session's memory only
      const keep = s.logSecrets ? h : h.filter((l) => !holdsSecret(l));
      try {
        writeFileSync(historyPath, keep.slice().reverse().join('\n') + '\n', { mode: 0o600 });
      } catch (err) {
        if (!historyWarned) note(`cat1: cannot write the history ${historyPath}: ${oneLine(err)} (use --no-history to silence this)`);
        historyWarned = true;
      }
    });
  }

  /** Print lines above the prompt, then redraw the prompt with what the user was typing. */
  const show = (lines: string[]): void => {
    if (lines.length === 0) return;
    if (interactive && !closing) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (interactive && !closing) rl.prompt(true);
  };
  const t = (en: string, zh: string): string => out.t(text(en, zh));
  const say = (en: string, zh: string): void => show([out.p.magenta(`   ${t(en, zh)}`)]);

  // the timeline: items shown after the raw chunk they came in (when :raw is on)
  const display = createRedactor(undefined, [...m.secrets]);
  let pendingItems: TimelineItem[] = [];
  let flushQueued = false;
  const flushItems = (): void => {
    flushQueued = false;
    const items = pendingItems;
    pendingItems = [];
    show(items.flatMap((i) => formatItem(i, out)));
  };
  m.engine.on('item', (raw) => {
    pendingItems.push(s.logSecrets ? raw : maskItem(raw, display));
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushItems);
    }
  });
  let raw = false;
  const chunks = new ChunkTap((c) => show(formatChunk(c, out, false)), { mask: !s.logSecrets, secrets: m.secrets });
  m.port.on('data', (chunk) => {
    if (!raw) return;
    chunks.push('rx', chunk, m.engine.elapsed());
    flushItems();
  });

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let lost = false;
  const portLost = (why: string): void => {
    if (closing || lost) return;
    lost = true;
    note(`cat1: ${why}`);
    finish(EXIT.UNREACHABLE);
  };
  m.engine.on('close', (err) => portLost(err ? oneLine(err) : `${m.port.description} closed`));
  const unwatch = s.follow ? () => undefined : watchDevice(m.port.description, () => portLost(`${m.port.description} went away (the device is gone)`));

  let timeoutMs = s.timeoutMs;
  let inFlight = 0;
  let inputEnded = false;
  let quitRequested = false;
  const settled = (): void => {
    if (inputEnded && inFlight === 0) finish(EXIT.OK);
  };
  const showOutcome = (o: AtOutcome): void => {
    if (o.status === 'timeout') {
      show([out.p.red(`          ${t(`no final result within ${o.timeoutMs} ms (is this the AT port? is the module busy?)`, `${o.timeoutMs} ms 内没有最终结果（这是 AT 口吗？模组忙？）`)}`)]);
    } else if (o.status === 'aborted') show([out.p.yellow(`          ${o.reason}`)]);
    else if (o.status === 'reset') show([out.p.yellow(`          ${t('the module rebooted before answering', '模组在应答前重启了')}`)]);
  };
  const send = (command: string, data?: Buffer): void => {
    inFlight++;
    let p: Promise<AtOutcome>;
    try {
      p = m.engine.send(command, { timeoutMs, ...(data !== undefined ? { data } : {}) });
    } catch (err) {
      inFlight--;
      show([out.p.red(`   ${oneLine(err)}`)]);
      return;
    }
    p.then(
      (o) => {
        flushItems();
        showOutcome(o);
      },
      (err: unknown) => {
        if (!closing) show([out.p.red(`   ${oneLine(err)}`)]);
      },
    ).finally(() => {
      inFlight--;
      settled();
    });
  };

  const help = (): void =>
    show(
      [
        t('Type an AT command and Enter (up/down: history). One command is in flight at a time; the others wait.', '输入 AT 命令后回车（上下键：历史）。同一时间只有一条命令在执行，其余排队。'),
        t(`Data mode: after a command that prompts with "> " (${ALL.promptPublish} without payload), the next line is the payload;`, `数据模式：对会以 "> " 提示的命令（不带数据的 ${ALL.promptPublish}），下一行就是数据；`),
        t('  escapes \\n \\r \\t \\\\ \\xHH; Ctrl-Z is added; :cancel drops the command.', '  转义 \\n \\r \\t \\\\ \\xHH；自动加 Ctrl-Z；:cancel 放弃该命令。'),
        `  :help            ${t('this help', '本帮助')}`,
        `  :quit            ${t('end the session (also Ctrl-C, Ctrl-D)', '结束会话（也可 Ctrl-C、Ctrl-D）')}`,
        `  :raw on|off      ${t('also show the raw byte chunks from the module', '同时显示模组发来的原始字节块')}`,
        `  :lang en|zh      ${t('language of the explanations', '解释的语言')}`,
        `  :timeout <s>     ${t(`seconds to wait for each answer (now ${timeoutMs / 1000})`, `每条命令的等待秒数（当前 ${timeoutMs / 1000}）`)}`,
        `  :note <text>     ${t('an annotation in the timeline and the transcript', '在时间线和记录中加注释')}`,
      ].map((l) => out.p.dim(l)),
    );

  const special = (line: string): void => {
    const [cmd = '', ...rest] = line.slice(1).trim().split(/\s+/);
    const arg = rest.join(' ');
    switch (cmd.toLowerCase()) {
      case 'help':
      case 'h':
      case '?':
        help();
        return;
      case 'quit':
      case 'q':
      case 'exit':
        if (interactive) finish(EXIT.OK);
        else {
          // piped input is a script: the commands before :quit are answered first, nothing after it runs
          quitRequested = true;
          inputEnded = true;
          settled();
        }
        return;
      case 'raw':
        if (arg !== 'on' && arg !== 'off') return say('usage: :raw on|off', '用法：:raw on|off');
        raw = arg === 'on';
        return say(raw ? 'raw chunks: on' : 'raw chunks: off', raw ? '原始字节块：开' : '原始字节块：关');
      case 'lang':
        if (arg !== 'en' && arg !== 'zh') return say('usage: :lang en|zh', '用法：:lang en|zh');
        out = new Out({ json: false, lang: arg as Lang, color: wantColor(s.color) });
        return say('explanations in English', '解释使用中文');
      case 'timeout': {
        const n = Number(arg);
        if (!(Number.isFinite(n) && n > 0 && n <= 3600)) return say('usage: :timeout <seconds>, e.g. :timeout 30', '用法：:timeout <秒>，如 :timeout 30');
        timeoutMs = n * 1000;
        return say(`each command now waits up to ${n} s`, `每条命令现在最多等待 ${n} 秒`);
      }
      case 'note':
        if (arg === '') return say('usage: :note <text>', '用法：:note <文字>');
        m.recorder?.note(arg);
        m.engine.note(arg);
        return;
      case 'cancel':
        return say('nothing to cancel (no command is waiting for its payload)', '没有可取消的（没有命令在等待数据）');
      default:
        return say(`unknown command :${cmd} (type :help)`, `未知命令 :${cmd}（输入 :help）`);
    }
  };

  let awaitingPayload: string | null = null;
  rl.on('line', (input) => {
    if (closing || quitRequested) return;
    if (awaitingPayload !== null) {
      const command = awaitingPayload;
      awaitingPayload = null;
      rl.setPrompt(PROMPT);
      if (input.trim() === ':cancel') say(`${command} not sent`, `${command} 未发送`);
      else {
        try {
          send(command, parsePayload(input));
        } catch (err) {
          say(`${oneLine(err)}; ${command} not sent`, `${oneLine(err)}；${command} 未发送`);
        }
      }
      if (interactive) rl.prompt();
      return;
    }
    const line = input.trim();
    if (line.startsWith(':')) special(line);
    else if (line === '') {
      /* nothing */
    } else if (!/^AT/i.test(line)) say(`"${line}" is not an AT command (it must start with AT); :help for help`, `"${line}" 不是 AT 命令（必须以 AT 开头）；:help 查看帮助`);
    else if (grammar.profileFor(line).prompt?.(line)) {
      awaitingPayload = line;
      say(
        'data mode: this command makes the module prompt with "> ". Type the payload on the next line (escapes \\n \\r \\t \\\\ \\xHH; Ctrl-Z is added) and it is sent with the command; :cancel drops it.',
        '数据模式：该命令会让模组以 "> " 提示。请在下一行输入数据（转义 \\n \\r \\t \\\\ \\xHH；自动加 Ctrl-Z），随命令一起发送；:cancel 放弃。',
      );
      rl.setPrompt(PAYLOAD_PROMPT);
    } else send(line);
    if (interactive && !closing) rl.prompt();
  });
  rl.on('SIGINT', () => finish(EXIT.OK)); // Ctrl-C on the terminal (raw mode)
  rl.on('close', () => {
    // Ctrl-D, or the piped input ended: let the commands in flight finish
    inputEnded = true;
    settled();
  });
  const stop = onStopSignal(); // a signal from outside (kill, Ctrl-C before raw mode)
  void stop.signal.then(() => finish(EXIT.OK));

  note(
    t(
      `cat1: terminal on ${m.port.description} at ${m.baud} baud. Type AT commands; :help for help; Ctrl-C or Ctrl-D to quit.`,
      `cat1: 终端已连接 ${m.port.description}（${m.baud} 波特）。输入 AT 命令；:help 查看帮助；Ctrl-C 或 Ctrl-D 退出。`,
    ) + (s.record ? t(` Recording to ${s.record}.`, ` 记录到 ${s.record}。`) : ''),
  );
  if (interactive) rl.prompt();

  const code = await done;
  closing = true;
  stop.cancel();
  unwatch();
  rl.close();
  if (interactive) process.stdout.write('\n');
  await m.close(); // flushes the transcript; commands still in flight end with ERR_PORT_CLOSED (not shown)
  if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
  process.stdin.pause();
  if (s.record) note(t(`cat1: transcript saved to ${s.record}`, `cat1: 记录已保存到 ${s.record}`));
  return code;
}
