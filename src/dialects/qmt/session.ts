import type { AtEngine } from '../../at/engine.js';
import type { AtOutcome } from '../../at/types.js';
import type { ModemEvent } from '../../urc/types.js';
import { CatError } from '../../util/errors.js';
import { TypedEmitter } from '../../util/emitter.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { text, type Text } from '../../util/i18n.js';
import { Waitress, type Pending } from '../../util/waiter.js';
import { createRedactor } from '../../redact/redact.js';
import { explainQmt } from './codes.js';
import * as qmt from './commands.js';
import { lintCfg, lintConn, lintOpen, lintPublish, lintSub, lintUns, type QmtLintFinding } from './lint.js';
import { qmtProfile, type PublishForm, type QmtProfile } from './profiles.js';
import type { QmtEvent, QmtEventOf } from './events.js';
import type { ComparisonProfile, ModuleSession, SessionLintFinding } from '../session.js';

/**
 * The MQTT session of one Quectel QMT client (`<client_idx>`), driven over AT. Every action is
 * two-phase: `OK` at once, the outcome later as `+QMTxxx: <idx>,…`, correlated here by client
 * index and msgid, with host timers from ../shared/protocol/qmt.md §1 (the module reports no
 * timeout of its own for OPEN; SUB/UNS/PUB report result 2 after pkt_timeout × retries).
 *
 * Same public shape as EcmtSession where the comparison uses it (configure, query, open, connect,
 * subscribe, unsubscribe, publish, disconnect, close, cancelWaits; events message, linkLost,
 * ended, strayUrc, rebooted, state). Differences of the dialect: `+QMTSTAT` closes the client for
 * good (no auto-reconnect), so `linkLost` is followed by `ended`; buffered messages (recv/mode 1)
 * are read with `AT+QMTRECV=<idx>,<slot>` by the session itself.
 */

export type SessionStep = 'configure' | 'open' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect' | 'close';
export type StepFailure = 'lint' | 'rejected' | 'no-answer' | 'no-urc' | 'urc' | 'state' | 'aborted';

export interface QmtStepResult {
  step: SessionStep;
  ok: boolean;
  failure: StepFailure | null;
  /** the command as sent, secrets masked; null when nothing was sent */
  command: string | null;
  outcome: AtOutcome | null;
  /** the URC that decided the result */
  urc: ModemEvent | null;
  /** other URCs of the same step (retransmission notices `…,1,<count>`) */
  extraUrcs: ModemEvent[];
  lint: QmtLintFinding[];
  latencyMs: number;
  explain: Text | null;
  note: Text | null;
  msgId?: number;
  /** publish form used */
  form?: PublishForm;
  /** +QMTSUB granted QoS values (one per filter; 128 = refused) */
  values?: number[];
}

/** The host's view of the client's state. */
export type QmtSessionState = 'closed' | 'opening' | 'open' | 'connecting' | 'connected' | 'disconnecting' | 'closing';

export interface QmtMessageEvent {
  topic: string;
  /** exact payload bytes between the quotes */
  payload: Buffer;
  msgId: number;
  /** the `<len>` field when the module printed one */
  length: number | null;
  boundary: 'certain' | 'inferred';
  truncated: boolean;
  /** read from the recv/mode 1 buffer (slot), null for a URC message */
  slot: number | null;
  /** seconds on the engine's clock */
  t: number;
}

export type QmtSessionEvents = {
  message: [m: QmtMessageEvent];
  /** never emitted: QMT does not reconnect by itself (the key keeps the ModuleSession event shape) */
  reconnected: [e: { ok: boolean; retCode: number | null; result: number; t: number; explain: Text | null }];
  /** `+QMTSTAT`: the link to the broker broke; the client is closed (no auto-reconnect) */
  linkLost: [e: { errCode: number; t: number; explain: Text | null }];
  /** the session ended and will not come back by itself (after +QMTSTAT): reopen to go on */
  ended: [e: { result: number; t: number }];
  /** boot banner: the module restarted, all state is gone */
  rebooted: [e: { banner: string; t: number }];
  /** a result URC of this client that nobody waited for (late, after its host timer) */
  strayUrc: [ev: ModemEvent];
  state: [next: QmtSessionState, previous: QmtSessionState];
};

export interface QmtSessionOptions {
  /** Client index 0–5. Default 0. */
  idx?: number;
  /** Model profile for the lint and the publish form. Default 'EC800N'. */
  model?: string;
  /** Host timer for +QMTOPEN, ms. Default 121000 (Quectel's own driver, Q [UFP]). */
  openTimeoutMs?: number;
  /** Host timer for +QMTDISC / +QMTCLOSE, ms. Default 31000 (UFP). */
  closeTimeoutMs?: number;
  /** Publish form. Default the profile's first form. */
  publishForm?: PublishForm;
  /** Read recv/mode 1 buffered messages at once (AT+QMTRECV=<idx>,<slot>). Default true. */
  readBuffered?: boolean;
  clock?: Clock;
}

/** A QMTCFG setting without the client index (the session's own is used). */
export type QmtSetting = qmt.QmtCfgSetting extends infer T ? (T extends unknown ? Omit<T, 'idx'> : never) : never;

type Kind = 'open' | 'conn' | 'sub' | 'uns' | 'pub' | 'disc' | 'close';

const KIND_OF: Partial<Record<string, Kind>> = {
  'qmt-open': 'open',
  'qmt-conn': 'conn',
  'qmt-sub': 'sub',
  'qmt-uns': 'uns',
  'qmt-pub': 'pub',
  'qmt-disc': 'disc',
  'qmt-close': 'close',
};

const URC_NAME: Record<Kind, string> = { open: '+QMTOPEN', conn: '+QMTCONN', sub: '+QMTSUB', uns: '+QMTUNS', pub: '+QMTPUB', disc: '+QMTDISC', close: '+QMTCLOSE' };

function positive(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x <= 0) throw new CatError('ERR_INVALID_OPTION', `${name} must be a positive number of milliseconds (got ${String(v)})`);
  return x;
}

function isQmt(ev: ModemEvent): ev is QmtEvent {
  return ev.type.startsWith('qmt-');
}

export class QmtSession extends TypedEmitter<QmtSessionEvents> implements ModuleSession {
  readonly dialectName = 'qmt' as const;
  readonly engine: AtEngine;
  readonly profile: QmtProfile;
  readonly idx: number;
  readonly #clock: Clock;
  readonly #opts: { openTimeoutMs: number; closeTimeoutMs: number; readBuffered: boolean; publishForm: PublishForm };
  readonly #redactor = createRedactor();
  readonly #waiters: Waitress<ModemEvent, number | null>;
  #state: QmtSessionState = 'closed';
  #nextId = 1;
  readonly #subscriptions = new Map<string, 0 | 1 | 2>();
  #busy: Promise<unknown> = Promise.resolve();
  /** pkt_timeout s and retry_times as configured (defaults 5, 3: D [AN-BG95]) */
  #pkt = 5;
  #retry = 3;
  /** the slot an `AT+QMTRECV=<idx>,<slot>` in flight reads (its message may come through the raw-block path, as a URC) */
  #reading: number | null = null;

  constructor(engine: AtEngine, opts: QmtSessionOptions = {}) {
    super();
    this.engine = engine;
    this.profile = qmtProfile(opts.model ?? 'EC800N');
    const maxIdx = this.profile.clientIdx?.max ?? 5;
    const idx = opts.idx ?? 0;
    if (!Number.isInteger(idx) || idx < 0 || idx > maxIdx) throw new CatError('ERR_INVALID_OPTION', `idx must be a client index 0–${maxIdx} (got ${String(opts.idx)})`);
    this.idx = idx;
    this.#clock = opts.clock ?? systemClock;
    this.#waiters = new Waitress({ clock: this.#clock });
    const form = opts.publishForm ?? this.profile.publishForms[0] ?? 'pub-prompt';
    this.#opts = {
      openTimeoutMs: positive('openTimeoutMs', opts.openTimeoutMs, 121_000),
      closeTimeoutMs: positive('closeTimeoutMs', opts.closeTimeoutMs, 31_000),
      readBuffered: opts.readBuffered ?? true,
      publishForm: form,
    };
    engine.on('urc', (ev) => this.#urc(ev));
    engine.on('boot', (ev) => this.#rebooted(ev.raw));
    engine.on('close', (err) => this.#portClosed(err));
  }

  get state(): QmtSessionState {
    return this.#state;
  }

  /**
   * The profile facts the comparison's verdict reads (ModuleSession): no QMT source publishes a
   * credential quirk, a SUBACK-count value or a receive-buffer size, so none is assumed.
   */
  get comparisonProfile(): ComparisonProfile {
    return { name: this.profile.name, quirks: { credentialQuirk: false, subValueIsCount: false }, limits: { rxBuffer: null } };
  }

  /** Lint of the open/connect parameters against the model (ModuleSession's lint entry point). */
  lintSession(host: string, port: number, c: { clientId: string; username?: string; password?: string }): SessionLintFinding[] {
    return [...lintOpen(this.profile, { idx: this.idx, host, port }), ...lintConn(this.profile, { idx: this.idx, clientId: c.clientId, ...(c.username !== undefined ? { username: c.username } : {}), ...(c.password !== undefined ? { password: c.password } : {}) })];
  }

  get subscriptions(): ReadonlyMap<string, 0 | 1 | 2> {
    return this.#subscriptions;
  }

  /** The host timer of SUB/UNS/PUB/CONN: the module's own give-up time (pkt_timeout × (retry_times + 1)) plus 1 s. */
  get ackTimeoutMs(): number {
    return (this.#pkt * (this.#retry + 1) + 1) * 1000;
  }

  // ---- steps ----

  /** `AT+QMTCFG=…` for this client (no URC; `OK` is the outcome). A "timeout" setting also sets the host timers. */
  configure(setting: QmtSetting): Promise<QmtStepResult> {
    return this.#serial(async () => {
      const s = { ...setting, idx: this.idx } as qmt.QmtCfgSetting;
      const r = await this.#simple('configure', qmt.cfg(s), lintCfg(this.profile, s));
      if (r.ok && s.key === 'timeout') {
        this.#pkt = s.pktTimeoutS;
        if (s.retries !== undefined) this.#retry = s.retries;
      }
      return r;
    });
  }

  /** The module's own view: `AT+QMTOPEN?` and `AT+QMTCONN?`, for this client. */
  async query(): Promise<{ open: { host: string; port: number } | null; connState: number | null; outcomes: AtOutcome[] }> {
    const o1 = await this.engine.send(qmt.read('+QMTOPEN'));
    const o2 = await this.engine.send(qmt.read('+QMTCONN'));
    const os = o1.lines.find((l): l is QmtEventOf<'qmt-open-state'> => l.type === 'qmt-open-state' && l.idx === this.idx);
    const cs = o2.lines.find((l): l is QmtEventOf<'qmt-conn-state'> => l.type === 'qmt-conn-state' && l.idx === this.idx);
    return { open: os ? { host: os.host, port: os.port } : null, connState: cs ? cs.state : null, outcomes: [o1, o2] };
  }

  /** `AT+QMTOPEN`, then `+QMTOPEN: <idx>,<result>` (0 opened). */
  open(host: string, port = 1883): Promise<QmtStepResult> {
    return this.#serial(async () => {
      this.#to('opening');
      const r = await this.#twoPhase('open', qmt.open(this.idx, host, port), lintOpen(this.profile, { idx: this.idx, host, port }), 'open', null, this.#opts.openTimeoutMs, (ev) => ev.type === 'qmt-open' && ev.result === 0);
      if (!r.ok && r.urc?.type === 'qmt-open' && r.urc.result === 2) {
        r.note = text('the client index is still open in the module (a restart or retry without AT+QMTCLOSE): close it first', '模组中该客户端索引仍处于打开状态（重启或重试前没有 AT+QMTCLOSE）：请先关闭');
      }
      this.#to(r.ok ? 'open' : 'closed');
      return r;
    });
  }

  /** `AT+QMTCONN`, then `+QMTCONN: <idx>,<result>[,<ret_code>]` (0,0 connected). */
  connect(c: { clientId: string; username?: string; password?: string }): Promise<QmtStepResult> {
    return this.#serial(async () => {
      this.#to('connecting');
      const lint = lintConn(this.profile, { idx: this.idx, clientId: c.clientId, ...(c.username !== undefined ? { username: c.username } : {}), ...(c.password !== undefined ? { password: c.password } : {}) });
      const r = await this.#twoPhase('connect', qmt.conn(this.idx, c.clientId, c.username, c.password), lint, 'conn', null, this.ackTimeoutMs, (ev) => ev.type === 'qmt-conn' && ev.result === 0 && (ev.retCode ?? 0) === 0);
      this.#to(r.ok ? 'connected' : 'open');
      return r;
    });
  }

  /** `AT+QMTSUB` (one filter), then `+QMTSUB: <idx>,<msgid>,0,<granted>`; 128 is a refusal. */
  subscribe(topic: string, qos: 0 | 1 | 2 = 0, opts: { msgId?: number } = {}): Promise<QmtStepResult> {
    return this.#serial(async () => {
      const msgId = opts.msgId ?? this.#allocId();
      const filters = [{ topic, qos }];
      const r = await this.#twoPhase('subscribe', qmt.sub(this.idx, msgId, filters), lintSub(this.profile, { idx: this.idx, msgId, filters }), 'sub', msgId, this.ackTimeoutMs, (ev) => ev.type === 'qmt-sub' && ev.result === 0 && !ev.values.includes(128));
      r.msgId = msgId;
      if (r.urc?.type === 'qmt-sub') {
        r.values = r.urc.values;
        if (r.urc.result === 0 && r.urc.values.includes(128)) r.note = text('the broker refused the subscription (SUBACK 0x80)', '服务器拒绝了订阅（SUBACK 0x80）');
      }
      if (r.ok) this.#subscriptions.set(topic, qos);
      return r;
    });
  }

  /** `AT+QMTUNS`, then `+QMTUNS: <idx>,<msgid>,0`. */
  unsubscribe(topic: string, opts: { msgId?: number } = {}): Promise<QmtStepResult> {
    return this.#serial(async () => {
      const msgId = opts.msgId ?? this.#allocId();
      const topics = [topic];
      const r = await this.#twoPhase('unsubscribe', qmt.uns(this.idx, msgId, topics), lintUns(this.profile, { idx: this.idx, msgId, topics }), 'uns', msgId, this.ackTimeoutMs, (ev) => ev.type === 'qmt-uns' && ev.result === 0);
      r.msgId = msgId;
      if (r.ok) this.#subscriptions.delete(topic);
      return r;
    });
  }

  /**
   * Publish in the session's form (default the model's preferred one: the length form on the ASR
   * parts, the Ctrl-Z prompt elsewhere), then `+QMTPUB`/`+QMTPUBEX: <idx>,<msgid>,0`.
   */
  publish(topic: string, payload: string | Uint8Array, opts: { qos?: 0 | 1 | 2; retain?: boolean; msgId?: number; form?: PublishForm } = {}): Promise<QmtStepResult> {
    return this.#serial(async () => {
      const qos = opts.qos ?? 0;
      const msgId = opts.msgId ?? (qos === 0 ? 0 : this.#allocId());
      const form = opts.form ?? this.#opts.publishForm;
      const p: qmt.QmtPublish = { idx: this.idx, msgId, qos, retain: opts.retain ?? false, topic, payload };
      const built = qmt.publish(p, form);
      const lint = lintPublish(this.profile, p, form);
      const data = built.data === null ? undefined : { data: built.data, dataEnd: built.terminator === null ? ('none' as const) : ('ctrl-z' as const) };
      const r = await this.#twoPhase('publish', built.command, lint, 'pub', msgId, this.ackTimeoutMs, (ev) => ev.type === 'qmt-pub' && ev.result === 0, data);
      r.msgId = msgId;
      r.form = form;
      return r;
    });
  }

  /** `AT+QMTDISC`, then `+QMTDISC: <idx>,0`; the client is closed afterwards. */
  disconnect(): Promise<QmtStepResult> {
    return this.#serial(async () => {
      this.#to('disconnecting');
      const r = await this.#twoPhase('disconnect', qmt.disc(this.idx), [], 'disc', null, this.#opts.closeTimeoutMs, (ev) => ev.type === 'qmt-disc' && ev.result === 0);
      if (r.ok) this.#subscriptions.clear();
      this.#to(r.ok ? 'closed' : this.#state === 'disconnecting' ? 'connected' : this.#state);
      return r;
    });
  }

  /** `AT+QMTCLOSE`, then `+QMTCLOSE: <idx>,0` (no DISCONNECT: the broker publishes the will). */
  close(): Promise<QmtStepResult> {
    return this.#serial(async () => {
      this.#to('closing');
      const r = await this.#twoPhase('close', qmt.close(this.idx), [], 'close', null, this.#opts.closeTimeoutMs, (ev) => ev.type === 'qmt-close' && ev.result === 0);
      this.#subscriptions.clear();
      this.#to('closed');
      return r;
    });
  }

  /** End every wait for a URC now (the broker went away): the waiting step fails with ERR_ECMT_STATE (the shared "stopped waiting" code) naming the reason. */
  cancelWaits(reason: string): void {
    this.#waiters.failAll(new CatError('ERR_ECMT_STATE', `stopped waiting: ${reason}`));
  }

  // ---- internals ----

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn, fn);
    this.#busy = run.catch(() => undefined);
    return run;
  }

  #allocId(): number {
    const used = new Set(this.#waiters.tags());
    for (let i = 0; i < 65535; i++) {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 65535 ? 1 : this.#nextId + 1;
      if (!used.has(id)) return id;
    }
    throw new CatError('ERR_INVALID_OPTION', 'every msgid 1–65535 is waiting for its URC');
  }

  #to(next: QmtSessionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.emit('state', next, prev);
  }

  #mask(command: string): string {
    return this.#redactor.line(Buffer.from(command, 'utf8'), 'tx').data.toString('utf8');
  }

  #result(step: SessionStep, r: Partial<QmtStepResult> & { ok: boolean }): QmtStepResult {
    return { step, failure: null, command: null, outcome: null, urc: null, extraUrcs: [], lint: [], latencyMs: 0, explain: null, note: null, ...r };
  }

  async #simple(step: SessionStep, command: string, lint: QmtLintFinding[]): Promise<QmtStepResult> {
    const started = this.#clock.now();
    const outcome = await this.engine.send(command);
    const latencyMs = this.#clock.now() - started;
    if (outcome.status === 'ok') return this.#result(step, { ok: true, command: this.#mask(command), outcome, lint, latencyMs });
    return this.#immediateFailure(step, command, outcome, lint, latencyMs);
  }

  #immediateFailure(step: SessionStep, command: string, outcome: AtOutcome, lint: QmtLintFinding[], latencyMs: number): QmtStepResult {
    const failure: StepFailure = outcome.status === 'timeout' ? 'no-answer' : outcome.status === 'aborted' ? 'aborted' : 'rejected';
    return this.#result(step, {
      ok: false,
      failure,
      command: this.#mask(command),
      outcome,
      lint,
      latencyMs,
      explain: outcome.status === 'error' ? outcome.meaning : null,
      note: outcome.status === 'error' ? REJECTED_NOTE[step] : null,
    });
  }

  async #twoPhase(
    step: SessionStep,
    command: string,
    lint: QmtLintFinding[],
    kind: Kind,
    msgId: number | null,
    timeoutMs: number,
    good: (ev: ModemEvent) => boolean,
    data?: { data: Buffer; dataEnd: 'ctrl-z' | 'none' },
  ): Promise<QmtStepResult> {
    const started = this.#clock.now();
    const extra: ModemEvent[] = [];
    // registered before sending: the URC can come in the same read as the OK. Result 1 (a
    // retransmission notice) is kept and the wait goes on for the final result.
    const w: Pending<ModemEvent> = this.#waiters.wait((ev) => this.#answers(ev, kind, msgId, extra), { timeoutMs, tag: msgId });
    let outcome: AtOutcome;
    try {
      outcome = await this.engine.send(command, data ?? {});
    } catch (err) {
      w.cancel();
      throw err;
    }
    if (outcome.status === 'reset') {
      w.cancel();
      throw new CatError('ERR_MODULE_REBOOTED', `the module rebooted while "${this.#mask(command)}" waited for its answer (${outcome.banner})`);
    }
    if (outcome.status !== 'ok') {
      w.cancel();
      return this.#immediateFailure(step, command, outcome, lint, this.#clock.now() - started);
    }
    const urc = await w.promise;
    const latencyMs = this.#clock.now() - started;
    if (!urc) {
      return this.#result(step, {
        ok: false,
        failure: 'no-urc',
        command: this.#mask(command),
        outcome,
        extraUrcs: extra,
        lint,
        latencyMs,
        note: text(`OK, but no ${URC_NAME[kind]} within ${timeoutMs} ms`, `已回 OK，但 ${timeoutMs} ms 内没有 ${URC_NAME[kind]}`),
      });
    }
    const ok = good(urc);
    return this.#result(step, { ok, failure: ok ? null : 'urc', command: this.#mask(command), outcome, urc, extraUrcs: extra, lint, latencyMs, explain: isQmt(urc) ? explainQmt(urc) : null });
  }

  /** Does `ev` answer a wait of `kind` (and msgid) on this client? A retransmission notice (result 1) is collected, not an answer. */
  #answers(ev: ModemEvent, kind: Kind, msgId: number | null, extra: ModemEvent[]): boolean {
    if (!isQmt(ev) || KIND_OF[ev.type] !== kind || !('idx' in ev) || ev.idx !== this.idx) return false;
    if (msgId !== null && (!('msgId' in ev) || ev.msgId !== msgId)) return false;
    if ((ev.type === 'qmt-sub' || ev.type === 'qmt-pub') && ev.result === 1) {
      extra.push(ev);
      return false;
    }
    if (ev.type === 'qmt-uns' && ev.result === 1) {
      extra.push(ev);
      return false;
    }
    return true;
  }

  #urc(ev: ModemEvent): void {
    if (!isQmt(ev) || !('idx' in ev) || ev.idx !== this.idx) return;
    const t = this.engine.elapsed();
    if (this.#waiters.offer(ev)) return;
    switch (ev.type) {
      case 'qmt-recv':
        this.emit('message', { topic: ev.topic, payload: ev.payload, msgId: ev.msgId, length: ev.length, boundary: ev.boundary, truncated: ev.truncated, slot: this.#reading, t });
        return;
      case 'qmt-recv-notice':
        if (this.#opts.readBuffered) void this.#readSlot(ev.recvId);
        return;
      case 'qmt-stat': {
        this.#subscriptions.clear();
        this.#to('closed');
        this.emit('linkLost', { errCode: ev.errCode, t, explain: explainQmt(ev) });
        this.emit('ended', { result: ev.errCode, t });
        return;
      }
      default:
        if (KIND_OF[ev.type]) this.emit('strayUrc', ev);
    }
  }

  /** recv/mode 1: `AT+QMTRECV=<idx>,<slot>` and emit what it holds. */
  async #readSlot(slot: number): Promise<void> {
    this.#reading = slot;
    const o = await this.engine.send(qmt.recvRead(this.idx, slot)).catch(() => null);
    this.#reading = null;
    if (!o) return;
    const t = this.engine.elapsed();
    for (const l of o.lines) {
      if (l.type === 'qmt-recv' && l.idx === this.idx) this.emit('message', { topic: l.topic, payload: l.payload, msgId: l.msgId, length: l.length, boundary: l.boundary, truncated: l.truncated, slot, t });
    }
  }

  #rebooted(banner: string): void {
    this.#waiters.failAll(new CatError('ERR_MODULE_REBOOTED', `the module rebooted (${banner}): every MQTT state is gone`));
    this.#subscriptions.clear();
    this.#to('closed');
    this.emit('rebooted', { banner, t: this.engine.elapsed() });
  }

  #portClosed(error: Error | undefined): void {
    this.#waiters.failAll(new CatError('ERR_PORT_CLOSED', `the port closed${error ? `: ${error.message}` : ''} while a step waited for its URC`, error ? { cause: error } : {}));
  }
}

/** What a bare `ERROR` to each step usually means (§1, §6: state errors are plain ERROR). */
const REJECTED_NOTE: Record<SessionStep, Text> = {
  configure: text('the module refused the setting (unknown key, value out of range)', '模组拒绝了该设置（未知的键或值超出范围）'),
  open: text('AT+QMTOPEN refused: a parameter is out of range', 'AT+QMTOPEN 被拒绝：参数超出范围'),
  connect: text('AT+QMTCONN refused: the client is not open (AT+QMTOPEN first) or already connected', 'AT+QMTCONN 被拒绝：客户端未打开（先 AT+QMTOPEN）或已连接'),
  subscribe: text('AT+QMTSUB refused: not connected, or a value is out of range', 'AT+QMTSUB 被拒绝：未连接，或某个值超出范围'),
  unsubscribe: text('AT+QMTUNS refused: not connected', 'AT+QMTUNS 被拒绝：未连接'),
  publish: text('publish refused: not connected, msgid not 0 exactly for QoS 0, or the form is not supported by this firmware', '发布被拒绝：未连接、QoS 0 时 msgid 必须为 0，或固件不支持该发布形式'),
  disconnect: text('AT+QMTDISC refused: the client is not open', 'AT+QMTDISC 被拒绝：客户端未打开'),
  close: text('AT+QMTCLOSE refused: the client is not open', 'AT+QMTCLOSE 被拒绝：客户端未打开'),
};
