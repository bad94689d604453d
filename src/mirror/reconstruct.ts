import type { TimelineItem } from '../at/types.js';
import type { ModemEvent } from '../urc/types.js';
import { parseCommandLine } from '../at/command-line.js';
import { commandSpec, defaultDialect, dialects, resultOf, unsolicitedOf } from '../dialects/index.js';
import type { Dialect, MqttCommand, MqttOp } from '../dialects/types.js';
import { TypedEmitter } from '../util/emitter.js';
import { text, type Text } from '../util/i18n.js';

/**
 * Session reconstruction: from the typed timeline of a module's AT traffic (both directions,
 * live or from a transcript), rebuild its MQTT session step by step — configuration, open,
 * connect (with the parameters as they were on the wire), subscriptions, publishes with their
 * payloads, received messages, link losses, the module's own reconnects, disconnect.
 * Tolerant of missing parts: a log that starts mid-session says so and carries on.
 */

/** The step names: the dialects' MQTT operations (dialects/types.ts), whatever a dialect calls its commands. */
export type StepKind = MqttOp;

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
  /** more URCs of the same step (the first of two connect results, ECMT's `+ECMTCONN: 0,2,2` then `0,0,0`) */
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

/** `AT+<open>/AT+<connect>` of a dialect, for the mid-session note. */
function sessionStart(d: Dialect): string {
  const name = (op: MqttOp): string => `AT${d.commands.find((c) => c.op === op)?.name ?? op}`;
  return `${name('open')}/${name('connect')}`;
}

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
  /** the dialect of the last MQTT command seen (the default one until then) */
  #dialect: Dialect = defaultDialect();

  /** The dialect the session speaks: the one of the last MQTT command seen (the default one until then). */
  get dialect(): Dialect {
    return this.#dialect;
  }

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
        const start = sessionStart(this.#dialect);
        this.emit('event', { kind: 'note', t: s.t, text: text(`the log starts mid-session: no ${start} seen before this step; mirroring from here`, `日志从会话中途开始：此步之前没有 ${start}；从这里开始镜像`) });
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
    if (c.form !== 'set') return;
    // the dialect whose table has the command reads it (the one table of command ↔ step)
    const found = commandSpec(c.name);
    if (!found) return;
    const m = found.dialect.readCommand(c.name, c.args);
    if (!m) return;
    this.#dialect = found.dialect;
    const base = { id: this.#nextId++, t, command: line, immediate: null, urc: null, extraUrcs: [] as ModemEvent[] };
    this.#begin(toStep(m, base));
  }

  #data(payload: Buffer, end: 'ctrl-z' | 'esc' | 'none' | 'excess', _t: number | null): void {
    const s = this.#lastCommandStep;
    // excess: written after a fixed-length payload was complete, not published
    if (!s || s.kind !== 'publish' || s.mode !== 'prompt' || end === 'excess') return;
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
    if (ev.type === 'boot') {
      for (const w of this.#waiting) this.emit('update', w, 'urc');
      this.#waiting = [];
      this.emit('event', { kind: 'reboot', t, banner: ev.raw });
      return;
    }
    const u = unsolicitedOf(ev);
    if (u?.kind === 'message') {
      if (!this.#sawSessionStart && !this.#notedMidSession) {
        this.#notedMidSession = true;
        this.#sawSessionStart = true;
        const start = sessionStart(dialectOf(ev) ?? this.#dialect);
        this.emit('event', { kind: 'note', t, text: text(`the log starts mid-session: a message arrives before any ${start}; mirroring from here`, `日志从会话中途开始：在任何 ${start} 之前就收到消息；从这里开始镜像`) });
      }
      this.emit('event', { kind: 'message', t, topic: u.topic, payload: u.payload, msgId: u.msgId, boundary: u.boundary });
      return;
    }
    if (u?.kind === 'link-lost') {
      this.emit('event', { kind: 'link-lost', t, errCode: u.errCode });
      return;
    }
    if (u?.kind === 'ended') {
      this.emit('event', { kind: 'ended', t });
      return;
    }
    const r = resultOf(ev);
    if (!r) return;
    const w = this.#waiting.find((s) => s.kind === r.op && (r.msgId === null || !('msgId' in s) || s.msgId === r.msgId));
    if (w) {
      w.urc = ev;
      this.#waiting = this.#waiting.filter((x) => x !== w);
      if (r.mayFollow) this.#connectGrace = w; // a second result may follow (ECMT on EC626: +ECMTCONN: 0,2,2 then 0,0,0)
      this.emit('update', w, 'urc');
      return;
    }
    if (r.op === 'connect') {
      const g = this.#connectGrace;
      const prev = g?.urc ? resultOf(g.urc) : null;
      if (g && prev?.op === 'connect' && prev.mayFollow) {
        g.extraUrcs.push(g.urc!);
        g.urc = ev;
        this.#connectGrace = null;
        this.emit('update', g, 'urc');
        return;
      }
      // no connect pending: the module reconnected by itself (a dialect with auto-reconnect)
      if ((dialectOf(ev) ?? this.#dialect).autoReconnect) this.emit('event', { kind: 'reconnected', t, ok: r.ok, result: r.result, retCode: r.retCode });
      return;
    }
    // a disconnect result nobody asked for: the session ended and will not be re-established
    if (r.op === 'disconnect') {
      this.emit('event', { kind: 'ended', t });
      return;
    }
  }
}

/** The dialect whose result or message this event is (by the first one that reads it). */
function dialectOf(ev: ModemEvent): Dialect | null {
  return dialects.find((d) => d.resultOf(ev) !== null || d.unsolicitedOf(ev) !== null) ?? null;
}

/** Masked values as a recording writes them (only asterisks). */
const isMasked = (v: string | undefined): boolean => v !== undefined && v.length > 0 && /^\*+$/.test(v);

type StepBaseFields = Pick<StepBase, 'id' | 't' | 'command' | 'immediate' | 'urc' | 'extraUrcs'>;

/** A command's MQTT meaning (from its dialect) as a step of the session. */
function toStep(m: MqttCommand, base: StepBaseFields): ReconStep {
  switch (m.op) {
    case 'config':
      return { ...base, kind: 'config', cfgType: m.key, values: m.values };
    case 'open':
      return { ...base, kind: 'open', host: m.host, port: m.port };
    case 'connect':
      return { ...base, kind: 'connect', clientId: m.clientId, username: m.username, password: m.password, masked: isMasked(m.username) || isMasked(m.password) };
    case 'subscribe':
      return { ...base, kind: 'subscribe', msgId: m.msgId, topic: m.topic, qos: m.qos };
    case 'unsubscribe':
      return { ...base, kind: 'unsubscribe', msgId: m.msgId, topic: m.topic };
    case 'publish':
      return { ...base, kind: 'publish', msgId: m.msgId, qos: m.qos, retain: m.retain, topic: m.topic, payload: m.payload, mode: m.mode };
    case 'disconnect':
      return { ...base, kind: 'disconnect' };
    case 'close':
      return { ...base, kind: 'close' };
    default: {
      const never: never = m;
      return never;
    }
  }
}
