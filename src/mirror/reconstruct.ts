import type { TimelineItem } from '../at/types.js';
import type { EventOf, ModemEvent } from '../urc/types.js';
import { parseCommandLine, splitArgs, intOf, type Param } from '../at/command-line.js';
import { TypedEmitter } from '../util/emitter.js';
import { text, type Text } from '../util/i18n.js';

/**
 * Session reconstruction: from the typed timeline of a module's AT traffic (both directions,
 * live or from a transcript), rebuild its MQTT session step by step — configuration, open,
 * connect (with the parameters as they were on the wire), subscriptions, publishes with their
 * payloads, received messages, link losses, the module's own reconnects, disconnect.
 * Tolerant of missing parts: a log that starts mid-session says so and carries on.
 */

export type StepKind = 'config' | 'open' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect' | 'close';

interface StepBase {
  /** order of the step in the session, from 0 */
  id: number;
  /** seconds (the timeline's clock) when the command was written, or the event came */
  t: number | null;
  /** the command as written (secrets as they were on the wire: mask before printing) */
  command: string;
  /** the immediate answer: 'ok', the error text, or null while unknown */
  immediate: 'ok' | string | null;
  /** the URC that decided the step, null while waiting (or when none came) */
  urc: ModemEvent | null;
  /** more URCs of the same step (the first of two +ECMTCONN) */
  extraUrcs: ModemEvent[];
}

export type ReconStep =
  | (StepBase & { kind: 'config'; cfgType: string; values: string[] })
  | (StepBase & { kind: 'open'; host: string; port: number })
  | (StepBase & { kind: 'connect'; clientId: string | undefined; username: string | undefined; password: string | undefined; masked: boolean })
  | (StepBase & { kind: 'subscribe'; msgId: number; topic: string; qos: 0 | 1 | 2 })
  | (StepBase & { kind: 'unsubscribe'; msgId: number; topic: string })
  | (StepBase & { kind: 'publish'; msgId: number; qos: 0 | 1 | 2; retain: boolean; topic: string; payload: Buffer | null; mode: 'inline' | 'prompt' })
  | (StepBase & { kind: 'disconnect' })
  | (StepBase & { kind: 'close' });

/** Things the module did on its own. */
export type SessionEvent =
  | { kind: 'message'; t: number | null; topic: string; payload: Buffer; msgId: number; boundary: 'certain' | 'inferred' }
  | { kind: 'link-lost'; t: number | null; errCode: number }
  | { kind: 'reconnected'; t: number | null; ok: boolean; result: number; retCode: number | null }
  | { kind: 'ended'; t: number | null }
  | { kind: 'reboot'; t: number | null; banner: string }
  | { kind: 'note'; t: number | null; text: Text };

export type ReconstructorEvents = {
  /** a command was written: the step begins (its results come later through `update`) */
  step: [s: ReconStep];
  /** a step's immediate answer or URC arrived */
  update: [s: ReconStep, what: 'immediate' | 'urc'];
  event: [e: SessionEvent];
};

const URC_FOR: Partial<Record<ModemEvent['type'], StepKind>> = {
  'ecmt-open': 'open',
  'ecmt-conn': 'connect',
  'ecmt-sub': 'subscribe',
  'ecmt-uns': 'unsubscribe',
  'ecmt-pub': 'publish',
  'ecmt-disc': 'disconnect',
  'ecmt-close': 'close',
};

const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');
const q = (n: number | null): 0 | 1 | 2 => (n === 1 || n === 2 ? n : 0);

/** Masked values as a recording writes them (only asterisks). */
const isMasked = (v: string | undefined): boolean => v !== undefined && v.length > 0 && /^\*+$/.test(v);

export class SessionReconstructor extends TypedEmitter<ReconstructorEvents> {
  readonly steps: ReconStep[] = [];
  #nextId = 0;
  /** steps waiting for their URC */
  #waiting: ReconStep[] = [];
  /** the step whose command is the pending one (for its immediate answer) */
  #lastCommandStep: ReconStep | null = null;
  #sawSessionStart = false;
  #notedMidSession = false;
  #connectGrace: ReconStep | null = null;

  /** Feed one item of the timeline (in order). */
  push(item: TimelineItem): void {
    const ev = item.event;
    switch (item.role) {
      case 'command':
        if (ev.type === 'command') this.#command(ev.command, item.t);
        return;
      case 'echo':
        return;
      case 'data':
        if (ev.type === 'data') this.#data(ev.payload, ev.end, item.t);
        return;
      case 'final':
        this.#final(ev as ModemEvent, item.command ?? null);
        return;
      case 'urc':
        this.#urc(ev as ModemEvent, item.t);
        return;
      default:
        return;
    }
  }

  #begin(s: ReconStep): void {
    this.steps.push(s);
    this.#lastCommandStep = s;
    if (s.kind !== 'config') {
      if (s.kind === 'open') this.#sawSessionStart = true;
      else if (!this.#sawSessionStart && !this.#notedMidSession) {
        this.#notedMidSession = true;
        this.#sawSessionStart = true;
        this.emit('event', { kind: 'note', t: s.t, text: text('the log starts mid-session: no AT+ECMTOPEN/AT+ECMTCONN seen before this step; mirroring from here', '日志从会话中途开始：此步之前没有 AT+ECMTOPEN/AT+ECMTCONN；从这里开始镜像') });
      }
    }
    if (s.kind !== 'config') this.#waiting.push(s);
    this.emit('step', s);
  }

  #command(line: string, t: number | null): void {
    const latin = Buffer.from(line, 'utf8').toString('latin1');
    const parsed = parseCommandLine(latin);
    if (parsed.kind !== 'command') return;
    const c = parsed.command;
    if (!c.name.startsWith('+ECMT') || c.form !== 'set') return;
    const base = { id: this.#nextId++, t, command: line, immediate: null, urc: null, extraUrcs: [] as ModemEvent[] };
    const p = splitArgs(c.args, c.name === '+ECMTPUB' ? 5 : -1) ?? [];
    const str = (i: number): string | undefined => (p[i] && !p[i]!.empty ? utf8(p[i]!.text) : p[i] ? '' : undefined);
    switch (c.name) {
      case '+ECMTCFG': {
        const type = (p[0]?.text ?? '').toLowerCase();
        this.#begin({ ...base, kind: 'config', cfgType: type, values: p.slice(1).map((x: Param) => utf8(x.text)) });
        return;
      }
      case '+ECMTOPEN':
        this.#begin({ ...base, kind: 'open', host: str(1) ?? '', port: intOf(p[2]) ?? 1883 });
        return;
      case '+ECMTCONN': {
        const clientId = str(1);
        const username = str(2);
        const password = str(3);
        this.#begin({ ...base, kind: 'connect', clientId, username, password, masked: isMasked(username) || isMasked(password) });
        return;
      }
      case '+ECMTSUB':
        this.#begin({ ...base, kind: 'subscribe', msgId: intOf(p[1]) ?? 0, topic: str(2) ?? '', qos: q(intOf(p[3])) });
        return;
      case '+ECMTUNS':
        this.#begin({ ...base, kind: 'unsubscribe', msgId: intOf(p[1]) ?? 0, topic: str(2) ?? '' });
        return;
      case '+ECMTPUB': {
        const raw = p[5];
        let payload: Buffer | null = null;
        if (raw && !raw.empty) {
          let t2 = raw.text;
          // the module strips a leading quote and a trailing one (ecmt.md §2.3)
          if (t2.startsWith('"')) t2 = t2.endsWith('"') && t2.length >= 2 ? t2.slice(1, -1) : t2.slice(1);
          payload = Buffer.from(t2, 'latin1');
        }
        const retainField = intOf(p[3]) ?? 0;
        this.#begin({ ...base, kind: 'publish', msgId: intOf(p[1]) ?? 0, qos: q(intOf(p[2])), retain: retainField % 10 === 1, topic: str(4) ?? '', payload, mode: payload ? 'inline' : 'prompt' });
        return;
      }
      case '+ECMTDISC':
        this.#begin({ ...base, kind: 'disconnect' });
        return;
      case '+ECMTCLOSE':
        this.#begin({ ...base, kind: 'close' });
        return;
      default:
        return;
    }
  }

  #data(payload: Buffer, end: 'ctrl-z' | 'esc' | 'none', _t: number | null): void {
    const s = this.#lastCommandStep;
    if (!s || s.kind !== 'publish' || s.mode !== 'prompt') return;
    if (end === 'esc') {
      s.immediate = 'cancelled';
      this.#waiting = this.#waiting.filter((w) => w !== s);
      this.emit('update', s, 'immediate');
      return;
    }
    s.payload = Buffer.from(payload);
  }

  #final(ev: ModemEvent, command: string | null): void {
    const s = this.#lastCommandStep;
    if (!s || command === null || s.command !== command) return;
    s.immediate = ev.type === 'ok' ? 'ok' : ev.raw;
    if (ev.type !== 'ok') this.#waiting = this.#waiting.filter((w) => w !== s);
    this.emit('update', s, 'immediate');
  }

  #urc(ev: ModemEvent, t: number | null): void {
    switch (ev.type) {
      case 'ecmt-recv':
        if (!this.#sawSessionStart && !this.#notedMidSession) {
          this.#notedMidSession = true;
          this.#sawSessionStart = true;
          this.emit('event', { kind: 'note', t, text: text('the log starts mid-session: a message arrives before any AT+ECMTOPEN/AT+ECMTCONN; mirroring from here', '日志从会话中途开始：在任何 AT+ECMTOPEN/AT+ECMTCONN 之前就收到消息；从这里开始镜像') });
        }
        this.emit('event', { kind: 'message', t, topic: ev.topic, payload: ev.payload, msgId: ev.msgId, boundary: ev.boundary });
        return;
      case 'ecmt-stat':
        this.emit('event', { kind: 'link-lost', t, errCode: ev.errCode });
        return;
      case 'boot':
        for (const w of this.#waiting) this.emit('update', w, 'urc');
        this.#waiting = [];
        this.emit('event', { kind: 'reboot', t, banner: ev.raw });
        return;
      default:
        break;
    }
    const kind = URC_FOR[ev.type];
    if (!kind) return;
    const msgId = 'msgId' in ev ? (ev.msgId as number) : null;
    const w = this.#waiting.find((s) => s.kind === kind && (msgId === null || !('msgId' in s) || s.msgId === msgId));
    if (w) {
      w.urc = ev;
      this.#waiting = this.#waiting.filter((x) => x !== w);
      if (ev.type === 'ecmt-conn' && ev.result === 2) this.#connectGrace = w; // a second +ECMTCONN may follow (EC626)
      this.emit('update', w, 'urc');
      return;
    }
    if (ev.type === 'ecmt-conn') {
      const g = this.#connectGrace;
      if (g && g.urc?.type === 'ecmt-conn' && g.urc.result === 2) {
        g.extraUrcs.push(g.urc);
        g.urc = ev;
        this.#connectGrace = null;
        this.emit('update', g, 'urc');
        return;
      }
      const e = ev as EventOf<'ecmt-conn'>;
      this.emit('event', { kind: 'reconnected', t, ok: e.result === 0 && (e.retCode ?? 0) === 0, result: e.result, retCode: e.retCode });
      return;
    }
    if (ev.type === 'ecmt-disc') {
      this.emit('event', { kind: 'ended', t });
      return;
    }
  }
}
