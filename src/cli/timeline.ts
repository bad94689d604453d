import stringWidth from 'string-width';
import type { TimelineItem } from '../at/types.js';
import type { ModemEvent } from '../urc/types.js';
import { explain } from '../urc/codes.js';
import type { SessionSummary } from '../dialects/ecmt/summary.js';
import { text } from '../util/i18n.js';
import { garbageMeaning } from '../at/meaning.js';
import type { Out, Paint } from './io.js';
import { dialects, reportsFailure, unsolicitedOf } from '../dialects/index.js';
import { resultPrefix } from '../dialects/words.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Make control bytes visible without changing printable text (CJK stays as is). */
export function visible(s: string): string {
  // most lines have none: no replace (and no new string) for them
  if (!CONTROL.test(s)) return s;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => {
    if (c === '\x1a') return '⟨^Z⟩';
    if (c === '\x1b') return '⟨ESC⟩';
    return `⟨${c.charCodeAt(0).toString(16).padStart(2, '0')}⟩`;
  });
}

function fmtT(t: number | null): string {
  if (t === null) return '       -';
  return t.toFixed(3).padStart(8);
}

const WIDTH = 48;
/** the padding after a raw line of each width below WIDTH */
const PAD: readonly string[] = Array.from({ length: WIDTH }, (_, w) => ' '.repeat(WIDTH - w));

/**
 * Columns a string takes on a terminal: its length when it is printable ASCII (no ESC, no
 * control byte: nearly every module line), else string-width's count (CJK, emoji, colour codes).
 */
export function displayWidth(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return stringWidth(s);
  }
  return s.length;
}

function printableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}


/**
 * A multi-line message as its first line (the header and the payload's first line) and the
 * payload's other lines. The payload is cut at its own line breaks when the line ends with it (a
 * raw payload); otherwise (a quoted one, closed by `"`) the printed line is cut at its breaks.
 */
function messageLines(raw: string, payload: Buffer): { first: string; rest: string[] } {
  const body = payload.toString('utf8');
  if (raw.endsWith(body)) {
    const parts = body.split(/\r?\n/);
    return { first: `${raw.slice(0, raw.length - body.length)}${visible(parts[0] ?? '')}`, rest: parts.slice(1) };
  }
  const parts = raw.split(/\r?\n/);
  return { first: visible(parts[0] ?? ''), rest: parts.slice(1) };
}

/**
 * One item of the timeline as human lines: time, direction, the raw line, what it means; a note
 * a person wrote after the line (pasted logs) dimmed after it, and copy-paste mistakes in a
 * command under it.
 */
export function formatItem(item: TimelineItem, out: Out, opts: { passive?: boolean } = {}): string[] {
  const lines = itemLines(item, out, opts);
  if (lines.length === 0) return lines;
  const p = out.p;
  if (item.note !== undefined) lines[0] = `${lines[0]!}  ${p.dim(item.note)}`;
  if (item.paste) {
    const pad = ' '.repeat(13);
    for (const f of item.paste.findings) lines.push(`${pad}${p.yellow('⚠ ' + out.t(text('copy-paste', '复制粘贴')) + ': ' + out.t(f.message))}`);
    lines.push(`${pad}${p.yellow('  ' + out.t(item.paste.answer))}`);
    lines.push(`${pad}${p.yellow('  ' + out.t(text('corrected', '应为')) + ':')} ${visible(item.paste.corrected)}`);
  }
  return lines;
}

// the fixed texts of itemLines, made once
const T_DATA = text('data', '数据');
const T_ECHO = text('echo', '回显');
const T_PROMPT = text('data prompt: the module waits for the payload', '数据提示符：模组等待数据');
const T_STRAY_PROMPT = text('unexpected data prompt (no command asked for it)', '意外的数据提示符（没有命令需要它）');
const T_STRAY = text('no command was waiting for this', '没有命令在等待它');

function arrowOf(dir: TimelineItem['dir']): string {
  return dir === 'tx' ? '→' : dir === 'rx' ? '←' : '·';
}

/** the start of a line without a time, made once per painter and direction (most logs have no times) */
const UNTIMED = new WeakMap<Paint, Record<string, string>>();
function untimedHead(p: Paint, dir: TimelineItem['dir']): string {
  let heads = UNTIMED.get(p);
  if (heads === undefined) {
    heads = {};
    UNTIMED.set(p, heads);
  }
  const key = dir ?? '';
  return (heads[key] ??= `${p.dim(fmtT(null))}  ${arrowOf(dir)} `);
}

function itemLines(item: TimelineItem, out: Out, opts: { passive?: boolean }): string[] {
  const p = out.p;
  const ev = item.event;
  const head = item.t === null ? untimedHead(p, item.dir) : `${p.dim(fmtT(item.t))}  ${arrowOf(item.dir)} `;
  let raw: string;
  // the raw line's columns when known from its one check (printable ASCII: its length)
  let width = -1;
  let meaning = '';
  const lines: string[] = [];
  switch (ev.type) {
    case 'command':
      return [`${head} ${p.bold(visible(ev.command))}`];
    case 'data':
      return [`${head} ${p.dim(out.t(T_DATA) + ':')} ${visible(ev.raw)}${ev.end === 'ctrl-z' ? p.dim('⟨^Z⟩') : p.dim(ev.end === 'esc' ? '⟨ESC⟩ ' + out.t(text('cancelled', '已取消')) : '')}`];
    case 'note':
      return [`${head} ${p.magenta(/^(?:#|\/\/)/.test(ev.raw) ? ev.raw : '# ' + ev.raw)}`];
    case 'garbage':
      return [`${head} ${p.red(ev.raw)}  ${p.red(out.t(garbageMeaning(ev.length, ev.diagnosis)))}`];
    case 'prompt':
      raw = '> ';
      meaning = item.role === 'prompt' ? out.t(T_PROMPT) : out.t(T_STRAY_PROMPT);
      break;
    case 'echo':
      return [`${head} ${p.dim(visible(ev.raw) + '  (' + out.t(T_ECHO) + ')')}`];
    case 'overlong':
      if (!ev.complete) return [];
      raw = clip(visible(ev.raw), 24);
      meaning = out.t(text(`garbage: ${ev.length} bytes without a line end (wrong baud rate? not an AT port?)`, `乱码：${ev.length} 字节没有换行（波特率不对？不是 AT 口？）`));
      return [`${head} ${p.red(raw)}  ${p.red(meaning)}`];
    default: {
      // a message whose payload runs over several lines: its first line, then one line per payload line
      const message = ev.raw.includes('\n') ? unsolicitedOf(ev) : null;
      if (message?.kind === 'message') {
        const split = messageLines(ev.raw, message.payload);
        raw = split.first;
        const bar = `${' '.repeat(13)}${p.cyan('│')} `;
        for (const extra of split.rest) lines.push(bar + visible(extra));
      } else if (printableAscii(ev.raw)) {
        // nothing to make visible, and one column a character: one pass instead of two
        raw = ev.raw;
        width = raw.length;
      } else raw = visible(ev.raw);
      const x = explain(ev);
      meaning = x ? out.t(x) : '';
    }
  }
  let shown = raw;
  let tag = '';
  const failed = reportsFailure(ev as ModemEvent);
  switch (item.role) {
    case 'urc':
      shown = p.cyan(raw);
      break;
    case 'final':
      shown = failed ? p.red(raw) : p.green(raw);
      break;
    case 'stray':
      // a passive monitor does not see the host's commands: a result without one is normal there
      // (said once in its header)
      if (opts.passive) break;
      tag = p.yellow(`  (${out.t(T_STRAY)})`);
      break;
    case 'late':
      tag = p.yellow(`  (${out.t(text(`late answer to ${item.command ?? 'an earlier command'}`, `${item.command ?? '之前命令'} 的迟到应答`))})`);
      break;
    default:
      break;
  }
  const m = meaning ? `  ${failed ? p.red(meaning) : p.dim(meaning)}` : '';
  const pad = meaning ? (PAD[width >= 0 ? width : displayWidth(raw)] ?? '') : '';
  const first = `${head} ${shown}${pad}${m}${tag}`;
  return lines.length === 0 ? [first] : [first, ...lines];
}

/**
 * The URC with which a module ends its session by itself: the disconnect result printed without a
 * command, by a dialect whose module reconnects on its own until it gives up (`autoReconnect`:
 * ECMT's `+ECMTDISC`). Read from the registered dialects' tables; the summary counts it in `ended`.
 */
function endedUrc(): string {
  return dialects
    .filter((d) => d.autoReconnect)
    .map((d) => resultPrefix(d, 'disconnect'))
    .join('/');
}

/** The short summary printed after a decoded session. */
export function formatSummary(s: SessionSummary, out: Out): string[] {
  const p = out.p;
  const L: string[] = [];
  const t = (en: string, zh: string) => out.t(text(en, zh));
  L.push('');
  L.push(p.bold(t('Summary', '概要')));
  L.push(`  ${t('commands', '命令')}: ${s.commands} ${t('sent', '条')}, ${s.errors} ${t('failed', '失败')}; URC: ${s.urcs}${s.unknown ? `; ${t('unrecognised lines', '未识别行')}: ${s.unknown}` : ''}${s.stray ? `; ${t('stray results', '多余结果')}: ${s.stray}` : ''}${s.late ? `; ${t('late answers', '迟到应答')}: ${s.late}` : ''}`);
  const mq: string[] = [];
  if (s.open.host !== null || s.open.result !== null) {
    const where = s.open.host !== null ? `${s.open.host}:${s.open.port ?? '?'}` : '?';
    mq.push(`${t('open', '打开')} ${where} ${s.open.result === null ? t('(no result seen)', '（未见结果）') : s.open.result === 0 ? '✓' : '✗'}`);
  }
  const last = s.lastConnect ?? s.connects[s.connects.length - 1] ?? null;
  const connects = s.connectCount ?? s.connects.length;
  if (last && connects > 0) {
    const ok = last.result === 0 && (last.retCode ?? 0) === 0;
    const failed = s.connectFailed ?? 0;
    mq.push(`${t('connect', '连接')} ${ok ? '✓' : `✗ (${last.result},${last.retCode ?? '-'})`}${connects > 1 ? ` ×${connects}${failed > 0 ? ` (${failed} ${t('failed', '失败')})` : ''}` : ''}`);
  }
  if (s.subscribes.ok + s.subscribes.failed > 0) mq.push(`${t('subscribed', '订阅')} ${s.subscribes.ok}${s.subscribes.failed ? `, ${s.subscribes.failed} ${t('failed', '失败')}` : ''}`);
  if (s.publishes.sent > 0) mq.push(`${t('published', '发布')} ${s.publishes.sent} (${s.publishes.ok} ✓${s.publishes.failed ? `, ${s.publishes.failed} ✗` : ''})`);
  if (s.received.messages > 0) mq.push(`${t('received', '收到')} ${s.received.messages} ${t('messages', '条消息')} (${s.received.bytes} B)`);
  if (mq.length > 0) L.push(`  MQTT: ${mq.join('; ')}`);
  const link: string[] = [];
  if (s.linkLost) link.push(`${s.linkLost}× ${s.linkLostUrc ?? t('link-loss URC', '链路断开 URC')} ${t('(link lost)', '（链路断开）')}`);
  if (s.ended) link.push(`${s.ended}× ${t(`session ended by itself (${endedUrc()}), no reconnect`, `会话自行结束（${endedUrc()}），不会重连`)}`);
  if (s.reboots) link.push(`${s.reboots}× ${t('module reboot', '模组重启')}`);
  if (link.length > 0) L.push(`  ${t('link', '链路')}: ${link.join('; ')}`);
  if (s.received.inferred || s.received.truncated) {
    L.push(`  ${p.yellow(t(`payloads: ${s.received.inferred} with an inferred end, ${s.received.truncated} truncated`, `消息体：${s.received.inferred} 条结尾为推断，${s.received.truncated} 条被截断`))}`);
  }
  if (s.garbageBytes) {
    L.push(
      s.garbageRuns
        ? `  ${p.red(t(`${s.garbageBytes} bytes of garbage in ${s.garbageRuns} run${s.garbageRuns === 1 ? '' : 's'} (power-up noise, or a wrong baud rate)`, `${s.garbageBytes} 字节乱码，共 ${s.garbageRuns} 段（上电噪声或波特率不对）`))}`
        : `  ${p.red(t(`${s.garbageBytes} bytes of garbage (no line ends): check the baud rate and that this is the AT port`, `${s.garbageBytes} 字节乱码（没有换行）：检查波特率以及是否为 AT 口`))}`,
    );
  }
  if (s.topicsTruncated) L.push(`  ${p.dim(t('topics: only the first 20 are listed', '主题：只列出前 20 个'))}`);
  if (s.firstFailure) {
    const f = s.firstFailure;
    const at = (x: number | null): string => (x !== null ? ` ${t('at', '于')} ${x.toFixed(3)}s` : '');
    if (s.failures > 1) L.push(`  ${p.red(t(`${s.failures} failures`, `共 ${s.failures} 处失败`))}`);
    L.push(`  ${p.red(t('first failure', '首个失败'))}${at(f.t)}: ${visible(f.raw)}${f.command ? ` (${f.command})` : ''} — ${out.t(f.why)}`);
    const r = s.connectRetried;
    if (r) L.push(`    ${p.yellow(t('then', '随后'))}${at(r.recovered.t)}: ${visible(r.recovered.raw)} — ${out.t(text('connected after the module retried by itself', '模组自行重试后已连接'))}`);
    const l = s.lastFailure;
    if (l && s.failures > 1) L.push(`  ${p.red(t('last failure', '最后失败'))}${at(l.t)}: ${visible(l.raw)}${l.command ? ` (${l.command})` : ''} — ${out.t(l.why)}`);
  } else {
    L.push(`  ${p.green(t('no failure seen', '未发现失败'))}`);
  }
  return L;
}
