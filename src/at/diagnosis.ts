import type { ModemPort } from '../port/types.js';
import { text, type Text } from '../util/i18n.js';

/**
 * "Does this port speak AT at all?" When a command gets no final result, the bytes that did
 * arrive tell why: nothing (wrong port, module off), a run of NULs (a line held low, a module
 * resetting), bytes that are not text (a baud-rate mismatch), text that is not AT (a log or
 * debug port), or only our own command echoed back (a loopback). Pure: it reads a bounded
 * sample of what came back and a few counters (the framer's overlong count).
 */

export type RxKind =
  /** nothing came back */
  | 'silent'
  /** the port answers AT (a final result was seen): the command itself timed out */
  | 'at'
  /** mostly NUL bytes */
  | 'nul-run'
  /** bytes that are not text: most likely the wrong baud rate */
  | 'garbage'
  /** only the commands we wrote came back: a loopback, or the wrong end of a cable */
  | 'echo-only'
  /** text, but no AT result: a log/debug port or another protocol */
  | 'text-not-at';

export interface RxCounts {
  /** bytes received in all */
  bytes: number;
  /** the first bytes received (any bound; RxSampler keeps 4 KiB) */
  sample: Buffer;
  /** command lines the host wrote (to recognise a bare echo) */
  written?: readonly string[];
  /** lines longer than the framer's bound (flagged and dropped) */
  overlong?: number;
  /** the sample as it may be shown (secrets masked); default the sample itself */
  display?: Buffer;
}

export interface RxDiagnosis {
  kind: RxKind;
  bytes: number;
  /** the first bytes, escaped, for a message */
  head: string;
  /** what was seen, one line */
  summary: Text;
  /** what to do next; null for 'at' */
  hint: Text | null;
}

const FINAL = /^(?:OK|ERROR|\+CME ERROR:.*|\+CMS ERROR:.*)$/;

/** The first bytes of a sample as an escaped string (for messages). */
export function escapeHead(sample: Buffer, max = 24): string {
  let s = '';
  for (const b of sample.subarray(0, max)) {
    if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b >= 0x20 && b < 0x7f && b !== 0x5c) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return sample.length > max ? `${s}…` : s;
}

/** Classify what came back from a port that did not answer a command. */
export function classifyRx(c: RxCounts): RxDiagnosis {
  const sample = c.sample;
  const head = escapeHead(c.display ?? sample);
  const n = sample.length;
  const mk = (kind: RxKind, summary: Text, hint: Text | null): RxDiagnosis => ({ kind, bytes: c.bytes, head, summary, hint });
  if (c.bytes === 0 || n === 0) {
    return mk(
      'silent',
      text('nothing at all came back from the port', '端口没有任何数据返回'),
      text(
        'not the AT port, or the module is off or still booting (USB modules expose several ports: try "cat1 ports --probe"; on a UART check that TX/RX are crossed and try --baud auto)',
        '不是 AT 口，或模组未开机/仍在启动（USB 模组有多个端口：试试 "cat1 ports --probe"；串口请检查 TX/RX 是否交叉，并试试 --baud auto）',
      ),
    );
  }
  let nul = 0;
  let ctrl = 0;
  for (const b of sample) {
    if (b === 0) nul++;
    else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) ctrl++;
  }
  const decoded = sample.toString('utf8');
  let bad = 0;
  for (let i = 0; i < decoded.length; i++) if (decoded.charCodeAt(i) === 0xfffd) bad++;
  const lines = decoded
    .split(/\r?\n|\r/)
    .map((l) => l.replace(/^\0+/, '').trim())
    .filter((l) => l.length > 0);
  if (lines.some((l) => FINAL.test(l))) return mk('at', text('the port answers AT', '端口能应答 AT'), null);
  if (nul >= n * 0.8) {
    return mk(
      'nul-run',
      text(`this port does not speak AT: ${c.bytes} bytes came back, ${Math.round((nul / n) * 100)}% of them NUL (0x00)`, `该端口不说 AT：收到 ${c.bytes} 字节，其中 ${Math.round((nul / n) * 100)}% 是 NUL（0x00）`),
      text(
        'a run of NULs is a line held low (a break), a module resetting or powering down, or a baud rate far too low: check power and wiring, then try --baud auto',
        '一串 NUL 通常是线路被拉低（break）、模组正在复位或掉电，或波特率严重偏低：检查供电和接线，然后试试 --baud auto',
      ),
    );
  }
  if (bad + ctrl + nul >= Math.max(2, n * 0.2) || ((c.overlong ?? 0) > 0 && bad + ctrl + nul > 0)) {
    return mk(
      'garbage',
      text(`this port does not speak AT: ${c.bytes} bytes came back that are not text (e.g. "${head}")`, `该端口不说 AT：收到 ${c.bytes} 字节非文本数据（例如 "${head}"）`),
      text(
        'most likely a baud-rate mismatch: try --baud auto (or the module\'s configured rate, AT+IPR); noise on an unconnected RX line looks the same',
        '最可能是波特率不匹配：试试 --baud auto（或模组设置的波特率，AT+IPR）；RX 线悬空时的噪声看起来也一样',
      ),
    );
  }
  const written = new Set((c.written ?? []).map((w) => w.trim()));
  if (written.size > 0 && lines.length > 0 && lines.every((l) => written.has(l))) {
    return mk(
      'echo-only',
      text('the port only echoes the commands back and never answers them', '端口只把命令原样回显，从不应答'),
      text(
        'a loopback (TX wired to RX), a terminal or adapter that echoes locally, or the module is not powered behind its level shifter',
        '可能是回环（TX 接到了 RX）、本地回显的终端或转接板，或电平转换器后面的模组没有上电',
      ),
    );
  }
  return mk(
    'text-not-at',
    text(`this port prints text but no AT result (e.g. "${head}")`, `该端口输出文本，但没有任何 AT 结果（例如 "${head}"）`),
    text(
      'a log/debug port or another protocol: USB modules expose several ports, try "cat1 ports --probe"',
      '可能是日志/调试口或其他协议：USB 模组有多个端口，试试 "cat1 ports --probe"',
    ),
  );
}

/**
 * Counts the bytes a port receives and keeps the first ones (bounded), for classifyRx.
 * Attach it before writing; detach() when done.
 */
export class RxSampler {
  readonly #port: ModemPort;
  readonly #max: number;
  #parts: Buffer[] = [];
  #size = 0;
  bytes = 0;
  readonly #onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    if (this.#size < this.#max) {
      const take = chunk.subarray(0, this.#max - this.#size);
      this.#parts.push(Buffer.from(take));
      this.#size += take.length;
    }
  };

  constructor(port: ModemPort, opts: { max?: number } = {}) {
    this.#port = port;
    this.#max = opts.max ?? 4096;
    port.on('data', this.#onData);
  }

  get sample(): Buffer {
    if (this.#parts.length > 1) this.#parts = [Buffer.concat(this.#parts, this.#size)];
    return this.#parts[0] ?? Buffer.alloc(0);
  }

  /** Forget what was seen (e.g. after the port answered). */
  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.bytes = 0;
  }

  detach(): void {
    this.#port.off('data', this.#onData);
  }
}
