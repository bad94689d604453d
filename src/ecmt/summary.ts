import type { TimelineItem } from '../at/types.js';
import type { ModemEvent } from '../urc/types.js';
import { explain } from '../urc/codes.js';
import { text, type Text } from '../util/i18n.js';

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
  connects: Array<{ result: number; retCode: number | null; t: number | null }>;
  subscribes: { ok: number; failed: number; topics: string[] };
  publishes: { sent: number; ok: number; failed: number };
  received: { messages: number; bytes: number; inferred: number; truncated: number; topics: string[] };
  linkLost: number;
  ended: number;
  disconnected: boolean;
  closed: boolean;
  firstFailure: SessionFailure | null;
  /** first and last time seen */
  span: { first: number | null; last: number | null };
}

const MAX_TOPICS = 20;

function addTopic(list: string[], topic: string): void {
  if (!list.includes(topic) && list.length < MAX_TOPICS) list.push(topic);
}

export class SummaryBuilder {
  #discRequested = false;
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
    subscribes: { ok: 0, failed: 0, topics: [] },
    publishes: { sent: 0, ok: 0, failed: 0 },
    received: { messages: 0, bytes: 0, inferred: 0, truncated: 0, topics: [] },
    linkLost: 0,
    ended: 0,
    disconnected: false,
    closed: false,
    firstFailure: null,
    span: { first: null, last: null },
  };

  #fail(item: TimelineItem, why: Text): void {
    if (this.summary.firstFailure) return;
    this.summary.firstFailure = { t: item.t, raw: item.event.raw, command: item.command ?? null, why };
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
          const m = /^AT\+ECMTOPEN\s*=\s*\d+\s*,\s*"?([^",]*)"?\s*,\s*(\d+)/i.exec(ev.command);
          if (m) {
            s.open.host = m[1]!;
            s.open.port = Number(m[2]);
          }
          if (/^AT\+ECMTPUB\s*=/i.test(ev.command)) s.publishes.sent++;
          if (/^AT\+ECMTDISC\s*=/i.test(ev.command)) this.#discRequested = true;
          const topic = subscribeTopic(ev.command);
          if (topic !== null) addTopic(s.subscribes.topics, topic);
        }
        return;
      }
      case 'final':
        if (ev.type !== 'ok') {
          s.errors++;
          this.#fail(item, explain(ev as ModemEvent) ?? text(`${item.command ?? 'a command'} failed`, `${item.command ?? '命令'} 失败`));
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
      case 'ecmt-conn':
        if (s.connects.length < 50) s.connects.push({ result: ev.result, retCode: ev.retCode, t: item.t });
        if (ev.result !== 0 || (ev.retCode ?? 0) !== 0) this.#fail(item, why());
        return;
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
        addTopic(s.received.topics, ev.topic);
        return;
      case 'ecmt-stat':
        s.linkLost++;
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
        return;
    }
  }
}

/** Record subscription topics from commands (they are not in the +ECMTSUB URC). */
export function subscribeTopic(command: string): string | null {
  const m = /^AT\+ECMTSUB\s*=\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"/i.exec(command);
  return m ? m[1]! : null;
}
