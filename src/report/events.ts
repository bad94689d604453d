import type { TimelineItem } from '../at/types.js';
import type { ModemEvent } from '../urc/types.js';
import { explain } from '../urc/codes.js';
import { parseCommandLine } from '../at/command-line.js';
import { commandSpec, reportsFailure, resultOf, unsolicitedOf } from '../dialects/index.js';
import { text, tr, type Lang, type Text } from '../util/i18n.js';
import type { DiagramEvent } from './model.js';

/** Control bytes made visible, printable text (CJK included) kept. */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r?\n$/, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => (c === '\x1a' ? '⟨^Z⟩' : c === '\x1b' ? '⟨ESC⟩' : `⟨${c.charCodeAt(0).toString(16).padStart(2, '0')}⟩`)).replace(/\r/g, '⟨CR⟩').replace(/\n/g, '⟨LF⟩');
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}


const CONNACK: Record<number, string> = { 0: 'accepted', 1: 'unacceptable protocol version', 2: 'identifier rejected', 3: 'server unavailable', 4: 'bad user name or password', 5: 'not authorised' };

/**
 * The MQTT packets (and TCP events) an AT line implies on the module–broker lane, from the
 * MQTT 3.1.1 exchanges (CONNECT/CONNACK, SUBSCRIBE/SUBACK, UNSUBSCRIBE/UNSUBACK,
 * PUBLISH/PUBACK for QoS 1, PUBREC/PUBREL/PUBCOMP for QoS 2, PUBLISH to the module,
 * DISCONNECT). The module does not show its packets: these are what its commands and result
 * codes say happened, and are labelled so.
 */
function impliedByCommand(command: string, t: number | null, qosByMsg: Map<number, number>, L: Lang): DiagramEvent[] {
  // the dialect whose table has the command says which MQTT step it is
  const parsed = parseCommandLine(command.trim());
  if (parsed.kind !== 'command' || parsed.command.form !== 'set') return [];
  const found = commandSpec(parsed.command.name);
  if (!found) return [];
  const implied = (en: string, zh: string): string => tr(text(`implied by ${command.trim()}: ${en}`, `由 ${command.trim()} 推断：${zh}`), L);
  const ev = (label: string, kind: 'mqtt' | 'tcp', exp: string): DiagramEvent => ({ t, from: 'module', to: 'broker', kind, label, raw: command.trim(), explain: exp });
  switch (found.spec.op) {
    case 'open':
      return [ev('TCP connect', 'tcp', implied('the module opens a TCP (or TLS) connection to the broker', '模组向服务器发起 TCP（或 TLS）连接'))];
    case 'connect':
      return [ev('CONNECT', 'mqtt', implied('MQTT CONNECT with the client ID, user name and password given', '带客户端 ID、用户名和密码的 MQTT CONNECT'))];
    case 'subscribe':
      return [ev('SUBSCRIBE', 'mqtt', implied('MQTT SUBSCRIBE', 'MQTT SUBSCRIBE'))];
    case 'unsubscribe':
      return [ev('UNSUBSCRIBE', 'mqtt', implied('MQTT UNSUBSCRIBE', 'MQTT UNSUBSCRIBE'))];
    case 'publish': {
      const m = found.dialect.readCommand(parsed.command.name, parsed.command.args);
      const qos = m?.op === 'publish' ? m.qos : 0;
      if (m?.op === 'publish') qosByMsg.set(m.msgId, qos);
      return [ev('PUBLISH', 'mqtt', implied(`MQTT PUBLISH, QoS ${qos}`, `MQTT PUBLISH，QoS ${qos}`))];
    }
    case 'disconnect':
      return [ev('DISCONNECT', 'mqtt', implied('MQTT DISCONNECT', 'MQTT DISCONNECT'))];
    case 'close':
      return [ev('TCP close', 'tcp', implied('the module closes the TCP connection', '模组关闭 TCP 连接'))];
    case 'config':
      return [];
    default: {
      const never: never = found.spec.op;
      return never;
    }
  }
}

function impliedByUrc(e: ModemEvent, t: number | null, qosByMsg: Map<number, number>, L: Lang): DiagramEvent[] {
  const raw = visible(e.raw);
  const implied = (en: string, zh: string): string => tr(text(`implied by ${raw}: ${en}`, `由 ${raw} 推断：${zh}`), L);
  const ev = (label: string, kind: 'mqtt' | 'tcp', exp: string, error = false): DiagramEvent => ({ t, from: 'broker', to: 'module', kind, label, raw, explain: exp, ...(error ? { error: true } : {}) });
  const u = unsolicitedOf(e);
  if (u?.kind === 'message') return [ev('PUBLISH', 'mqtt', implied(`MQTT PUBLISH to the module on ${u.topic}, ${u.payload.length} bytes`, `服务器向模组发布 ${u.topic}，${u.payload.length} 字节`))];
  if (u?.kind === 'link-lost') return [ev('link lost', 'tcp', implied('the connection to the broker went down', '与服务器的连接断开'), true)];
  // a result URC, read by its dialect
  const r = resultOf(e);
  if (!r || r.result !== 0) return [];
  switch (r.op) {
    case 'open':
      return [ev('TCP connected', 'tcp', implied('the connection to the broker is up', '与服务器的连接已建立'))];
    case 'connect':
      if (r.retCode === null) return [];
      return [ev(`CONNACK ${r.retCode}`, 'mqtt', implied(`CONNACK return code ${r.retCode} (${CONNACK[r.retCode] ?? 'unknown'})`, `CONNACK 返回码 ${r.retCode}`), r.retCode !== 0)];
    case 'subscribe':
      return [ev(`SUBACK${r.retCode !== null ? ` ${r.retCode}` : ''}`, 'mqtt', implied(`SUBACK${r.retCode !== null ? `, granted QoS/return code ${r.retCode}` : ''}`, `SUBACK${r.retCode !== null ? `，授予 QoS/返回码 ${r.retCode}` : ''}`), r.retCode === 128)];
    case 'unsubscribe':
      return [ev('UNSUBACK', 'mqtt', implied('UNSUBACK', 'UNSUBACK'))];
    case 'publish': {
      const msgId = r.msgId ?? 0;
      const qos = qosByMsg.get(msgId) ?? (msgId === 0 ? 0 : 1);
      qosByMsg.delete(msgId);
      if (qos === 1) return [ev('PUBACK', 'mqtt', implied('PUBACK (QoS 1)', 'PUBACK（QoS 1）'))];
      if (qos === 2) return [ev('PUBREC/PUBREL/PUBCOMP', 'mqtt', implied('the QoS 2 exchange completed', 'QoS 2 交互完成'))];
      return [];
    }
    case 'close':
    case 'disconnect':
      return [ev('TCP closed', 'tcp', implied('the connection is closed', '连接已关闭'))];
    case 'config':
      return [];
    default: {
      const never: never = r.op;
      return never;
    }
  }
}

const EXPLAIN_NONE = new Set(['command', 'data', 'prompt', 'echo', 'overlong', 'note']);

/**
 * Timeline items (masked) → arrows: every AT line on the host–module lane (one arrow each),
 * the MQTT packets it implies on the module–broker lane, notes across.
 */
export function itemsToEvents(items: readonly TimelineItem[], L: Lang): DiagramEvent[] {
  const out: DiagramEvent[] = [];
  const qosByMsg = new Map<number, number>();
  const T = (x: Text): string => tr(x, L);
  for (const item of items) {
    const ev = item.event;
    const t = item.t;
    switch (ev.type) {
      case 'command':
        out.push({ t, from: 'host', to: 'module', kind: 'command', label: clip(visible(ev.command), 60), raw: visible(ev.raw), explain: T(text(`command written by the host (${item.command ?? ev.command})`, `主机写入的命令（${item.command ?? ev.command}）`)) });
        out.push(...impliedByCommand(ev.command, t, qosByMsg, L));
        continue;
      case 'data':
        out.push({ t, from: 'host', to: 'module', kind: 'data', label: clip(T(text(`data: ${visible(ev.raw)}`, `数据：${visible(ev.raw)}`)), 60), raw: visible(ev.raw), explain: T(text(`payload written after the prompt (${ev.payload.length} bytes, ended by ${ev.end})`, `提示符后写入的载荷（${ev.payload.length} 字节，以 ${ev.end} 结束）`)) });
        continue;
      case 'note':
        out.push({ t, from: 'host', to: 'direct', kind: 'note', label: clip(visible(ev.raw), 90), raw: visible(ev.raw), explain: T(text('annotation in the transcript', '记录中的注释')) });
        continue;
      case 'echo':
        out.push({ t, from: 'module', to: 'host', kind: 'response', label: clip(visible(ev.raw), 60), raw: visible(ev.raw), explain: T(text('echo of the command', '命令回显')) });
        continue;
      case 'prompt':
        out.push({ t, from: 'module', to: 'host', kind: 'response', label: '>', raw: '> ', explain: T(text('data prompt: the module waits for the payload', '数据提示符：模组等待数据')) });
        continue;
      case 'overlong':
        if (!ev.complete) continue;
        out.push({ t, from: 'module', to: 'host', kind: 'response', label: clip(visible(ev.raw), 40), raw: clip(visible(ev.raw), 200), explain: T(text(`garbage: ${ev.length} bytes without a line end (wrong baud rate? not an AT port?)`, `乱码：${ev.length} 字节没有换行（波特率不对？不是 AT 口？）`)), error: true });
        continue;
      default: {
        const me = ev as ModemEvent;
        const x = EXPLAIN_NONE.has(me.type) ? null : explain(me);
        const kind = item.role === 'urc' ? 'urc' : 'response';
        const raw = visible(me.raw);
        const roleWord = item.role === 'urc' ? T(text('unsolicited', '主动上报')) : item.role === 'stray' ? T(text('no command was waiting for it', '没有命令在等待它')) : item.role === 'late' ? T(text('late answer', '迟到的回答')) : '';
        const exp = [x ? T(x) : '', roleWord].filter((s) => s !== '').join(' — ');
        out.push({ t, from: 'module', to: 'host', kind, label: clip(raw, 60), raw, explain: exp, ...(reportsFailure(me) ? { error: true } : {}) });
        out.push(...impliedByUrc(me, t, qosByMsg, L));
      }
    }
  }
  return out;
}
