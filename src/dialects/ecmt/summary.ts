import type { TimelineItem } from '../../at/types.js';
import type { ModemEvent } from '../../urc/types.js';
import { explain } from './codes.js';
import { commandSpec, resultOf, unsolicitedOf } from '../index.js';
import { parseCommandLine } from '../../at/command-line.js';
import { text, type Text } from '../../util/i18n.js';

export interface SessionFailure {
  t: number | null;
  raw: string;
  command: string | null;
  why: Text;
}

/** What a session did and where it failed, accumulated item by item in bounded memory. */
export interface SessionSummary {
  items: number;
  commands: number;
  errors: number;
  urcs: number;
  unknown: number;
  garbageBytes: number;
  stray: number;
  late: number;
  reboots: number;
  open: { host: string | null; port: number | null; result: number | null };
  /** the first 50 connect results (the list is bounded; `connectCount` is exact) */
  connects: Array<{ result: number; retCode: number | null; t: number | null }>;
  /** every +ECMTCONN seen, and how many of them failed (exact) */
  connectCount: number;
  connectFailed: number;
  /** the last connect result (exact, whatever the count) */
  lastConnect: { result: number; retCode: number | null; t: number | null } | null;
  subscribes: { ok: number; failed: number; topics: string[] };
  publishes: { sent: number; ok: number; failed: number };
  received: { messages: number; bytes: number; inferred: number; truncated: number; topics: string[] };
  linkLost: number;
  /** the prefix of the first link-loss URC seen (`+ECMTSTAT`, `+QMTSTAT`): the summary names it as printed, whatever the dialect */
  linkLostUrc: string | null;
  ended: number;
  disconnected: boolean;
  closed: boolean;
  firstFailure: SessionFailure | null;
  /** the last failure (the same as the first when there is one) and how many there were */
  lastFailure: SessionFailure | null;
  failures: number;
  /** runs of binary junk in a pasted log */
  garbageRuns: number;
  /**
   * The EC626 TLS pattern (protocol reference §4): `+ECMTCONN: 0,2,2` followed within a second
   * by `+ECMTCONN: 0,0,0` — a failed send, an internal reconnect, then success.
   */
  connectRetried: { failed: { t: number | null; raw: string }; recovered: { t: number | null; raw: string } } | null;
  /** true when more topics were seen than the lists hold (they keep the first 20) */
  topicsTruncated: boolean;
  /** first and last time seen */
  span: { first: number | null; last: number | null };
}

const MAX_TOPICS = 20;
const MAX_CONNECTS = 50;

/** Add a topic to a bounded list; false when it was new and the list was full. */
function addTopic(list: string[], topic: string): boolean {
  if (list.includes(topic)) return true;
  if (list.length >= MAX_TOPICS) return false;
  list.push(topic);
  return true;
}

/** Why `+ECMTCONN: 0,2,2` then `+ECMTCONN: 0,0,0` is not a failed session (protocol reference §4). */
export const CONNECT_RETRIED = text(
  '+ECMTCONN: 0,2,2 then +ECMTCONN: 0,0,0 within a second: the CONNECT could not be sent (ret_code 2 is hard-coded, not a broker refusal), the module reconnected TCP/TLS by itself and the second CONNECT was accepted — the same command produced two URCs (seen on EC626 TLS builds); the session is connected',
  '+ECMTCONN: 0,2,2 后 1 秒内出现 +ECMTCONN: 0,0,0：CONNECT 未能发出（ret_code 2 为固定值，不是服务器拒绝），模组自行重连 TCP/TLS 后第二次 CONNECT 被接受——同一条命令产生了两个 URC（见于 EC626 TLS 固件）；会话已连接',
);

export class SummaryBuilder {
  #discRequested = false;
  /** the last +ECMTCONN: 0,2,2 (the first half of the EC626 TLS pattern) */
  #sendFailed: { t: number | null; raw: string; first: boolean } | null = null;
  /** the last command with copy-paste mistakes */
  #pasted: { command: string; why: Text } | null = null;
  readonly summary: SessionSummary = {
    items: 0,
    commands: 0,
    errors: 0,
    urcs: 0,
    unknown: 0,
    garbageBytes: 0,
    stray: 0,
    late: 0,
    reboots: 0,
    open: { host: null, port: null, result: null },
    connects: [],
    connectCount: 0,
    connectFailed: 0,
    lastConnect: null,
    subscribes: { ok: 0, failed: 0, topics: [] },
    publishes: { sent: 0, ok: 0, failed: 0 },
    received: { messages: 0, bytes: 0, inferred: 0, truncated: 0, topics: [] },
    linkLost: 0,
    linkLostUrc: null,
    ended: 0,
    disconnected: false,
    closed: false,
    firstFailure: null,
    lastFailure: null,
    failures: 0,
    garbageRuns: 0,
    connectRetried: null,
    topicsTruncated: false,
    span: { first: null, last: null },
  };

  #fail(item: TimelineItem, why: Text): void {
    const s = this.summary;
    const f: SessionFailure = { t: item.t, raw: item.event.raw, command: item.command ?? null, why };
    s.failures++;
    s.firstFailure ??= f;
    s.lastFailure = f;
  }

  add(item: TimelineItem): void {
    const s = this.summary;
    s.items++;
    if (item.t !== null) {
      s.span.first ??= item.t;
      s.span.last = item.t;
    }
    const ev = item.event;
    switch (item.role) {
      case 'command': {
        s.commands++;
        if (ev.type === 'command') {
          if (item.paste) {
            const p = item.paste;
            this.#pasted = {
              command: ev.command,
              why: text(
                `the command was pasted with mistakes (${p.findings.map((f) => f.code).join(', ')}): ${p.answer.en}; corrected: ${p.corrected}`,
                `命令带有复制粘贴错误（${p.findings.map((f) => f.code).join('、')}）：${p.answer.zh}；应为：${p.corrected}`,
              ),
            };
          } else this.#pasted = null;
          const m = /^AT\+ECMTOPEN\s*=\s*\d+\s*,\s*"?([^",]*)"?\s*,\s*(\d+)/i.exec(ev.command);
          if (m) {
            s.open.host = m[1]!;
            s.open.port = Number(m[2]);
          } else this.#otherCommand(ev.command);
          if (/^AT\+ECMTPUB\s*=/i.test(ev.command)) s.publishes.sent++;
          if (/^AT\+ECMTDISC\s*=/i.test(ev.command)) this.#discRequested = true;
          const topic = subscribeTopic(ev.command);
          if (topic !== null && !addTopic(s.subscribes.topics, topic)) s.topicsTruncated = true;
        }
        return;
      }
      case 'final':
        if (ev.type !== 'ok') {
          s.errors++;
          const pasted = this.#pasted !== null && this.#pasted.command === item.command ? this.#pasted.why : null;
          this.#fail(item, pasted ?? explain(ev as ModemEvent) ?? text(`${item.command ?? 'a command'} failed`, `${item.command ?? '命令'} 失败`));
        }
        return;
      case 'stray':
        s.stray++;
        return;
      case 'late':
        s.late++;
        return;
      case 'garbage':
        if (ev.type === 'overlong' && ev.complete) s.garbageBytes += ev.length;
        if (ev.type === 'garbage') {
          s.garbageBytes += ev.length;
          s.garbageRuns++;
        }
        return;
      case 'urc':
        s.urcs++;
        this.#urc(item, ev as ModemEvent);
        return;
      default:
        return;
    }
  }

  #urc(item: TimelineItem, ev: ModemEvent): void {
    const s = this.summary;
    const why = (): Text => explain(ev) ?? text(ev.raw, ev.raw);
    switch (ev.type) {
      case 'ecmt-open':
        s.open.result = ev.result;
        if (ev.result !== 0) this.#fail(item, why());
        return;
      case 'ecmt-conn': {
        const c = { result: ev.result, retCode: ev.retCode, t: item.t };
        if (s.connects.length < MAX_CONNECTS) s.connects.push(c);
        s.connectCount++;
        s.lastConnect = c;
        const failed = ev.result !== 0 || (ev.retCode ?? 0) !== 0;
        const sf = this.#sendFailed;
        this.#sendFailed = null;
        if (!failed && ev.retCode === 0 && sf && (sf.t === null || item.t === null || (item.t >= sf.t && item.t - sf.t <= 1))) {
          // the EC626 TLS pattern: the failure is reported, with what followed
          s.connectRetried = { failed: { t: sf.t, raw: sf.raw }, recovered: { t: item.t, raw: ev.raw } };
          const f = s.firstFailure;
          if (sf.first && f && f.raw === sf.raw && f.t === sf.t) f.why = CONNECT_RETRIED;
          if (s.lastFailure && s.lastFailure.raw === sf.raw && s.lastFailure.t === sf.t) s.lastFailure.why = CONNECT_RETRIED;
        }
        if (failed) {
          s.connectFailed++;
          const wasFirst = s.firstFailure === null;
          this.#fail(item, why());
          if (ev.result === 2 && ev.retCode === 2) this.#sendFailed = { t: item.t, raw: ev.raw, first: wasFirst };
        }
        return;
      }
      case 'ecmt-sub':
        if (ev.result === 0) s.subscribes.ok++;
        else {
          s.subscribes.failed++;
          this.#fail(item, why());
        }
        return;

      case 'ecmt-pub':
        if (ev.result === 0) s.publishes.ok++;
        else {
          s.publishes.failed++;
          this.#fail(item, why());
        }
        return;
      case 'ecmt-recv':
        s.received.messages++;
        s.received.bytes += ev.payload.length;
        if (ev.boundary === 'inferred') s.received.inferred++;
        if (ev.truncated) s.received.truncated++;
        if (!addTopic(s.received.topics, ev.topic)) s.topicsTruncated = true;
        return;
      case 'ecmt-stat':
        s.linkLost++;
        s.linkLostUrc ??= urcPrefix(ev.raw);
        return;
      case 'ecmt-disc':
        if (this.#discRequested) s.disconnected = true;
        else {
          // no AT+ECMTDISC was sent: the session ended on its own and will not come back
          s.ended++;
          this.#fail(item, why());
        }
        this.#discRequested = false;
        return;
      case 'ecmt-close':
        s.closed = true;
        return;
      case 'boot':
        s.reboots++;
        return;
      case 'unknown':
        s.unknown++;
        return;
      default:
        this.#otherDialect(item, ev);
        return;
    }
  }

  /** Another dialect's command (QMT…), read through the registry: the open's host and port, publishes sent, subscribed topics. */
  #otherCommand(command: string): void {
    // most commands of an ECMT log are ECMT's own: their name is read here without parsing the line
    if (ecmtCommandName(command)) return;
    const parsed = parseCommandLine(Buffer.from(command, 'utf8').toString('latin1'));
    if (parsed.kind !== 'command' || parsed.command.form !== 'set') return;
    const found = commandSpec(parsed.command.name);
    if (!found || found.dialect.name === 'ecmt') return;
    const m = found.dialect.readCommand(parsed.command.name, parsed.command.args);
    if (m?.op === 'open') {
      this.summary.open.host = m.host;
      this.summary.open.port = m.port;
    } else if (m?.op === 'publish') this.summary.publishes.sent++;
    else if (m?.op === 'subscribe' && !addTopic(this.summary.subscribes.topics, m.topic)) this.summary.topicsTruncated = true;
  }

  /** Another dialect's event (QMT…), read through the registry: results, messages, link loss. */
  #otherDialect(item: TimelineItem, ev: ModemEvent): void {
    const s = this.summary;
    const r = resultOf(ev);
    if (r) {
      switch (r.op) {
        case 'open':
          s.open.result = r.result;
          break;
        case 'connect': {
          const c = { result: r.result, retCode: r.retCode, t: item.t };
          if (s.connects.length < MAX_CONNECTS) s.connects.push(c);
          s.connectCount++;
          s.lastConnect = c;
          if (!r.ok) s.connectFailed++;
          break;
        }
        case 'subscribe':
          if (r.ok) s.subscribes.ok++;
          else s.subscribes.failed++;
          break;
        case 'publish':
          if (r.ok) s.publishes.ok++;
          else s.publishes.failed++;
          break;
        case 'disconnect':
          s.disconnected = true;
          break;
        case 'close':
          s.closed = true;
          break;
        default:
          break;
      }
      if (!r.ok) this.#fail(item, r.meaning);
      return;
    }
    const u = unsolicitedOf(ev);
    if (u?.kind === 'message') {
      s.received.messages++;
      s.received.bytes += u.payload.length;
      if (u.boundary === 'inferred') s.received.inferred++;
      if (!addTopic(s.received.topics, u.topic)) s.topicsTruncated = true;
    } else if (u?.kind === 'link-lost') {
      s.linkLost++;
      s.linkLostUrc ??= urcPrefix(ev.raw);
      this.#fail(item, u.meaning);
    }
  }
}

/**
 * True when the line is `AT+NAME=…` (nothing before AT) and NAME is an ECMT command: the name
 * parseCommandLine would read (`+` and a letter, then letters, digits, `_`, up to the `=`), so
 * `#otherCommand` has nothing to do. The answer per name is kept (a log has few names).
 */
function ecmtCommandName(command: string): boolean {
  const m = /^AT(\+[A-Za-z][A-Za-z0-9_]*)=/i.exec(command);
  if (!m) return false;
  const name = m[1]!.toUpperCase();
  let ecmt = ECMT_NAMES.get(name);
  if (ecmt === undefined) {
    ecmt = commandSpec(name)?.dialect.name === 'ecmt';
    if (ECMT_NAMES.size < 256) ECMT_NAMES.set(name, ecmt);
  }
  return ecmt;
}
const ECMT_NAMES = new Map<string, boolean>();

/** Record subscription topics from commands (they are not in the +ECMTSUB URC). */
export function subscribeTopic(command: string): string | null {
  const m = /^AT\+ECMTSUB\s*=\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"/i.exec(command);
  return m ? m[1]! : null;
}

/** `+QMTSTAT` of `+QMTSTAT: 0,1` (leading NULs and blanks skipped), as printed. */
function urcPrefix(raw: string): string {
  const s = raw.replace(/^[\0\s]+/, '');
  const colon = s.indexOf(':');
  return colon > 0 ? s.slice(0, colon) : s;
}
