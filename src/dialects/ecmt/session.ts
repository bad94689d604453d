import type { AtEngine } from '../../at/engine.js';
import type { AtOutcome } from '../../at/types.js';
import type { EventOf, ModemEvent } from '../../urc/types.js';
import { explain } from '../../urc/codes.js';
import { CatError } from '../../util/errors.js';
import { TypedEmitter } from '../../util/emitter.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { Waitress, type Collector, type Pending } from '../../util/waiter.js';
import { text, type Text } from '../../util/i18n.js';
import { createRedactor } from '../../redact/redact.js';
import { ecmtCmd, type CfgSetting, type CfgType, type Credentials } from './commands.js';
import { lintCfg, lintConnect, lintOpen, lintPublish, lintSubscribe, lintUnsubscribe, hasErrors, type LintFinding } from './lint.js';
import type { ComparisonProfile, ModuleSession, SessionLintFinding } from '../session.js';
import { firmwareProfile, type FirmwareProfile, type FirmwareProfileName } from './firmware.js';

/**
 * The MQTT session of an ECMT module, driven over AT. Every action is two-phase: `OK` at once,
 * the real outcome later as a URC, correlated here by connect id and msgID, with host-side
 * timers because the module never reports a timeout.
 */

export type SessionStep = 'configure' | 'open' | 'connect' | 'subscribe' | 'unsubscribe' | 'publish' | 'disconnect' | 'close';

export type StepFailure =
  /** refused before sending (lint errors with `strictLint`) */
  | 'lint'
  /** the module answered ERROR / +CME ERROR */
  | 'rejected'
  /** the immediate answer never came */
  | 'no-answer'
  /** OK, but the URC never came within the host timer */
  | 'no-urc'
  /** the URC reports a failure */
  | 'urc'
  /** the module is in a state where this cannot work (e.g. open to another broker) */
  | 'state'
  | 'aborted';

export interface StepResult {
  step: SessionStep;
  ok: boolean;
  failure: StepFailure | null;
  /** the command as sent, secrets masked; null when nothing was sent */
  command: string | null;
  outcome: AtOutcome | null;
  /** the URC that decided the result */
  urc: ModemEvent | null;
  /** other URCs of the same step (the first of two +ECMTCONN) */
  extraUrcs: ModemEvent[];
  lint: LintFinding[];
  /** ms from sending the command to the deciding answer */
  latencyMs: number;
  /** what the code means */
  explain: Text | null;
  /** anything else worth saying (already open, double URC…) */
  note: Text | null;
  msgId?: number;
  mode?: 'inline' | 'prompt';
  /** +ECMTSUB value (a count on EC616S, not the granted QoS) */
  value?: number | null;
  setting?: CfgType;
}

/**
 * The host's view of the module's MQTT state: an observation, not a gate. The module is the
 * authority (it moves on its own: +ECMTSTAT, its own reconnect, an unsolicited +ECMTDISC, a
 * reboot), so no step is refused for the host's state: the module's answer (`+CME ERROR: 3`,
 * explained per step) is the verdict. Every change is emitted as 'state' (next, previous).
 */
export type SessionState = 'closed' | 'opening' | 'open' | 'connecting' | 'connected' | 'link-lost' | 'disconnecting' | 'closing';

export interface MessageEvent {
  topic: string;
  /** exact bytes as the module printed them */
  payload: Buffer;
  msgId: number;
  /** 'inferred' when the end of a multi-line payload was a guess */
  boundary: 'certain' | 'inferred';
  truncated: boolean;
  /** seconds on the engine's clock */
  t: number;
}

export type EcmtSessionEvents = {
  message: [m: MessageEvent];
  /** `+ECMTSTAT`: the link to the broker broke; the module reconnects by itself */
  linkLost: [e: { errCode: number; t: number }];
  /** the module's own reconnect produced a CONNACK (`+ECMTCONN` with nobody waiting) */
  reconnected: [e: { ok: boolean; retCode: number | null; result: number; t: number; explain: Text | null }];
  /** subscriptions re-sent after a reconnect (option resubscribe) */
  resubscribed: [results: StepResult[]];
  /** unsolicited `+ECMTDISC`: the session ended and will not come back */
  ended: [e: { result: number; t: number }];
  /** boot banner: the module restarted, all state is gone */
  rebooted: [e: { banner: string; t: number }];
  /** a step's URC that came after its timer expired, or that nobody waited for */
  strayUrc: [ev: ModemEvent];
  state: [next: SessionState, previous: SessionState];
};

export interface SessionOptions {
  /** Firmware profile for the lint. Default 'ec616s'. */
  profile?: FirmwareProfileName;
  /** Host timer for +ECMTOPEN, ms. Default 30000 (use 60000 on NB-IoT). */
  openTimeoutMs?: number;
  /** Host timer for +ECMTCONN, ms. Default 30000. */
  connectTimeoutMs?: number;
  /** Host timer for +ECMTSUB/+ECMTUNS/+ECMTPUB, ms. Default 30000. */
  ackTimeoutMs?: number;
  /** Host timer for +ECMTDISC/+ECMTCLOSE, ms. Default 15000. */
  closeTimeoutMs?: number;
  /** After `+ECMTCONN: 0,2,2` wait this long for a second +ECMTCONN (EC626 builds), ms. Default 1500. */
  doubleConnGraceMs?: number;
  /** Refuse to send a command whose lint has errors. Default false: send, and report the lint. */
  strictLint?: boolean;
  /** Query the module's state before open/connect (already open/connected answer no URC). Default true. */
  queryFirst?: boolean;
  /** Re-subscribe after the module reconnects by itself (it does not). Default false. */
  resubscribe?: boolean;
  clock?: Clock;
}

interface Waiter {
  kind: 'open' | 'conn' | 'sub' | 'uns' | 'pub' | 'disc' | 'close';
  msgId: number | null;
}

/** Does the URC answer a step waiting for `kind` (and `msgId`, when the step has one)? */
function answers(w: Waiter): (ev: ModemEvent) => boolean {
  return (ev) => URC_KIND[ev.type] === w.kind && (w.msgId === null || ('msgId' in ev && ev.msgId === w.msgId));
}

const URC_KIND: Partial<Record<ModemEvent['type'], Waiter['kind']>> = {
  'ecmt-open': 'open',
  'ecmt-conn': 'conn',
  'ecmt-sub': 'sub',
  'ecmt-uns': 'uns',
  'ecmt-pub': 'pub',
  'ecmt-disc': 'disc',
  'ecmt-close': 'close',
};

function positive(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x <= 0) throw new CatError('ERR_INVALID_OPTION', `${name} must be a positive number of milliseconds (got ${String(v)})`);
  return x;
}

export class EcmtSession extends TypedEmitter<EcmtSessionEvents> implements ModuleSession {
  readonly dialectName = 'ecmt' as const;
  readonly engine: AtEngine;
  readonly profile: FirmwareProfile;
  readonly connectId = 0;
  readonly #opts: Required<Omit<SessionOptions, 'profile' | 'clock'>>;
  readonly #clock: Clock;
  readonly #redactor = createRedactor();
  #state: SessionState = 'closed';
  /** steps waiting for their URC, tagged with the msgID they use */
  readonly #waiters: Waitress<ModemEvent, number | null>;
  #nextId = 1;
  readonly #subscriptions = new Map<string, 0 | 1 | 2>();
  #busy = Promise.resolve();
  /** bumped by a module reboot: steps queued before it belong to a session that is gone */
  #epoch = 0;
  #lostBy: CatError | null = null;

  constructor(engine: AtEngine, opts: SessionOptions = {}) {
    super();
    this.engine = engine;
    this.profile = firmwareProfile(opts.profile ?? 'ec616s');
    this.#clock = opts.clock ?? systemClock;
    this.#waiters = new Waitress({ clock: this.#clock });
    this.#opts = {
      openTimeoutMs: positive('openTimeoutMs', opts.openTimeoutMs, 30_000),
      connectTimeoutMs: positive('connectTimeoutMs', opts.connectTimeoutMs, 30_000),
      ackTimeoutMs: positive('ackTimeoutMs', opts.ackTimeoutMs, 30_000),
      closeTimeoutMs: positive('closeTimeoutMs', opts.closeTimeoutMs, 15_000),
      doubleConnGraceMs: positive('doubleConnGraceMs', opts.doubleConnGraceMs, 1500),
      strictLint: opts.strictLint ?? false,
      queryFirst: opts.queryFirst ?? true,
      resubscribe: opts.resubscribe ?? false,
    };
    engine.on('urc', (ev) => this.#urc(ev));
    engine.on('boot', (ev) => this.#rebooted(ev.raw));
    engine.on('close', (err) => this.#portClosed(err));
  }

  /** The host's view of the state (the module's own: query()). */
  get state(): SessionState {
    return this.#state;
  }

  /** Topics subscribed in this session, with their QoS. */
  /** The profile facts the comparison's verdict reads (ModuleSession). */
  get comparisonProfile(): ComparisonProfile {
    return this.profile;
  }

  /** Lint of the open/connect parameters against the profile (ModuleSession's lint entry point). */
  lintSession(host: string, port: number, c: Credentials): SessionLintFinding[] {
    return [...lintOpen(host, port, this.profile), ...lintConnect(c, this.profile)];
  }

  get subscriptions(): ReadonlyMap<string, 0 | 1 | 2> {
    return this.#subscriptions;
  }

  // ---- public steps ----

  /** `AT+ECMTCFG=…` for one setting (no URC; `OK` is the outcome). */
  configure(setting: CfgSetting): Promise<StepResult> {
    return this.#serial(async () => {
      const lint = lintCfg(setting, this.profile);
      const command = ecmtCmd.cfg(setting, this.connectId);
      const r = await this.#simple('configure', command, lint);
      r.setting = setting.type;
      return r;
    });
  }

  /** Read a setting back (`AT+ECMTCFG="<type>",0`): the values as the module prints them. */
  async readConfig(type: CfgType): Promise<{ outcome: AtOutcome; values: string[] | null }> {
    const outcome = await this.engine.send(ecmtCmd.cfgQuery(type, this.connectId));
    const line = outcome.lines.find((l): l is EventOf<'ecmt-cfg'> => l.type === 'ecmt-cfg');
    return { outcome, values: line ? line.values : null };
  }

  /** The module's own view: `AT+ECMTOPEN?` and `AT+ECMTCONN?`. */
  async query(): Promise<{ open: { host: string; port: number } | null; connState: number | null; outcomes: AtOutcome[] }> {
    const o1 = await this.engine.send(ecmtCmd.openRead());
    const o2 = await this.engine.send(ecmtCmd.connRead());
    const os = o1.lines.find((l): l is EventOf<'ecmt-open-state'> => l.type === 'ecmt-open-state');
    const cs = o2.lines.find((l): l is EventOf<'ecmt-conn-state'> => l.type === 'ecmt-conn-state');
    return { open: os ? { host: os.host, port: os.port } : null, connState: cs ? cs.state : null, outcomes: [o1, o2] };
  }

  async #queryConn(): Promise<number | null> {
    const o = await this.engine.send(ecmtCmd.connRead());
    const cs = o.lines.find((l): l is EventOf<'ecmt-conn-state'> => l.type === 'ecmt-conn-state');
    return cs ? cs.state : null;
  }

  /** Open the network link to the broker (`AT+ECMTOPEN`, then `+ECMTOPEN`). */
  open(host: string, port: number = this.profile.limits.defaultPort): Promise<StepResult> {
    return this.#serial(async () => {
      const lint = lintOpen(host, port, this.profile);
      if (this.#opts.queryFirst) {
        const q = await this.query();
        if (q.open) {
          const same = q.open.host === host && q.open.port === port;
          if (q.connState === 3) this.#to('connected');
          else if (this.#state === 'closed' || this.#state === 'opening') this.#to('open');
          return this.#result('open', {
            ok: same,
            failure: same ? null : 'state',
            lint,
            note: same
              ? text(`already open to ${host}:${port}: no command sent (the module would answer OK and no URC)`, `已连接到 ${host}:${port}：未发送命令（模组只会回 OK，不会有 URC）`)
              : text(`the module is already open to ${q.open.host}:${q.open.port}; close it first`, `模组已经打开到 ${q.open.host}:${q.open.port}，请先关闭`),
          });
        }
      }
      const command = ecmtCmd.open(host, port, this.connectId);
      this.#to('opening');
      const r = await this.#twoPhase('open', command, lint, { kind: 'open', msgId: null }, this.#opts.openTimeoutMs, (ev) => ev.type === 'ecmt-open' && ev.result === 0);
      this.#to(r.ok ? 'open' : 'closed');
      return r;
    });
  }

  /** Connect (`AT+ECMTCONN`, then `+ECMTCONN`). Warns through the lint about the credential quirk. */
  connect(c: Credentials): Promise<StepResult> {
    return this.#serial(async () => {
      const lint = lintConnect(c, this.profile);
      if (this.#opts.queryFirst) {
        const q = await this.#queryConn();
        if (q === 3) {
          this.#to('connected');
          return this.#result('connect', {
            ok: true,
            lint,
            note: text('already connected: no command sent (the module would answer OK and no URC); the credentials in use may differ', '已处于连接状态：未发送命令（模组只会回 OK，不会有 URC）；当前使用的凭据可能不同'),
          });
        }
        if (q === 2) {
          // a connect is under way: its URC will come; do not send another
          this.#to('connecting');
          return this.#awaitConnUrc(null, null, lint, this.#clock.now(), text('a connect was already under way: waited for its result', '已有连接正在进行：等待其结果'));
        }
      }
      const command = ecmtCmd.conn(c, this.connectId);
      this.#to('connecting');
      const started = this.#clock.now();
      const collected = this.#collectConn();
      const outcome = await this.#send(command, lint, () => collected.cancel());
      if (outcome === 'lint') return this.#lintRefusal('connect', command, lint);
      if (outcome.status !== 'ok') {
        collected.cancel();
        this.#to('open');
        return this.#immediateFailure('connect', command, outcome, lint, started);
      }
      return this.#awaitConnUrc(collected, outcome, lint, started, null, command);
    });
  }

  /** Subscribe one topic (`AT+ECMTSUB`, then `+ECMTSUB` with the same msgID). */
  subscribe(topic: string, qos: 0 | 1 | 2 = 0, opts: { msgId?: number } = {}): Promise<StepResult> {
    return this.#serial(async () => {
      const msgId = opts.msgId ?? this.#allocId();
      const lint = lintSubscribe(msgId, topic, qos, this.profile);
      const command = ecmtCmd.sub(msgId, topic, qos, this.connectId);
      const r = await this.#twoPhase('subscribe', command, lint, { kind: 'sub', msgId }, this.#opts.ackTimeoutMs, (ev) => ev.type === 'ecmt-sub' && ev.result === 0 && ev.value !== 0x80);
      r.msgId = msgId;
      if (r.urc?.type === 'ecmt-sub') {
        r.value = r.urc.value;
        if (r.urc.value === 0x80) {
          r.ok = false;
          r.failure = 'urc';
          r.note = text('the broker refused the subscription (SUBACK 0x80)', '服务器拒绝了订阅（SUBACK 0x80）');
        }
      }
      if (r.ok) this.#subscriptions.set(topic, qos);
      return r;
    });
  }

  /** Unsubscribe (`AT+ECMTUNS`, then `+ECMTUNS`). */
  unsubscribe(topic: string, opts: { msgId?: number } = {}): Promise<StepResult> {
    return this.#serial(async () => {
      const msgId = opts.msgId ?? this.#allocId();
      const lint = lintUnsubscribe(msgId, topic, this.profile);
      const command = ecmtCmd.uns(msgId, topic, this.connectId);
      const r = await this.#twoPhase('unsubscribe', command, lint, { kind: 'uns', msgId }, this.#opts.ackTimeoutMs, (ev) => ev.type === 'ecmt-uns' && ev.result === 0);
      r.msgId = msgId;
      if (r.ok) this.#subscriptions.delete(topic);
      return r;
    });
  }

  /**
   * Publish (`AT+ECMTPUB`, then `+ECMTPUB`). Inline when the payload is short and has no CR/LF,
   * prompt mode otherwise; a payload neither can carry (Ctrl-Z, ESC, NUL, over the limit) is
   * refused with ERR_PAYLOAD before anything is sent.
   */
  publish(topic: string, payload: string | Uint8Array, opts: { qos?: 0 | 1 | 2; retain?: boolean; rai?: 0 | 1 | 2 | 3; msgId?: number; mode?: 'auto' | 'prompt' } = {}): Promise<StepResult> {
    return this.#serial(async () => {
      const qos = opts.qos ?? 0;
      const msgId = opts.msgId ?? (qos === 0 ? 0 : this.#allocId());
      const spec = { msgId, qos, retain: opts.retain ?? false, ...(opts.rai !== undefined ? { rai: opts.rai } : {}), topic, payload: Buffer.from(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload) };
      const lint = lintPublish(spec, this.profile);
      const built = ecmtCmd.pub(spec, this.connectId, { profile: this.profile, mode: opts.mode ?? 'auto' });
      const r = await this.#twoPhase('publish', built.command, lint, { kind: 'pub', msgId }, this.#opts.ackTimeoutMs, (ev) => ev.type === 'ecmt-pub' && ev.result === 0, built.data ?? undefined);
      r.msgId = msgId;
      r.mode = built.mode;
      return r;
    });
  }

  /** Disconnect (`AT+ECMTDISC`, then `+ECMTDISC`); frees the configuration context. */
  disconnect(): Promise<StepResult> {
    return this.#serial(async () => {
      const command = ecmtCmd.disc(this.connectId);
      const before = this.#state;
      this.#to('disconnecting');
      const r = await this.#twoPhase('disconnect', command, [], { kind: 'disc', msgId: null }, this.#opts.closeTimeoutMs, (ev) => ev.type === 'ecmt-disc' && ev.result === 0);
      if (r.ok) {
        this.#to('closed');
        this.#subscriptions.clear();
      } else this.#to(r.failure === 'rejected' ? 'closed' : before);
      return r;
    });
  }

  /** Close the network link (`AT+ECMTCLOSE`, then `+ECMTCLOSE`). */
  close(): Promise<StepResult> {
    return this.#serial(async () => {
      const command = ecmtCmd.close(this.connectId);
      this.#to('closing');
      const r = await this.#twoPhase('close', command, [], { kind: 'close', msgId: null }, this.#opts.closeTimeoutMs, (ev) => ev.type === 'ecmt-close' && ev.result === 0);
      this.#to('closed');
      this.#subscriptions.clear();
      return r;
    });
  }

  /**
   * Stop waiting for every pending URC (the run gave up on the module: the broker went away,
   * the module is silent): the steps waiting fail at once with ERR_ECMT_STATE instead of at
   * their host timers. Nothing is sent.
   */
  cancelWaits(reason: string): void {
    const err = new CatError('ERR_ECMT_STATE', `stopped waiting: ${reason}`);
    this.#waiters.failAll(err);
  }

  // ---- internals ----

  /** Steps run one after another (the module has one MQTT client). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const epoch = this.#epoch;
    // a step queued before a reboot is not sent to the new module: it fails like the step in progress
    const guarded = (): Promise<T> => (epoch !== this.#epoch && this.#lostBy ? Promise.reject(this.#lostBy) : fn());
    const run = this.#busy.then(guarded, guarded);
    this.#busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  #to(next: SessionState): void {
    const prev = this.#state;
    if (prev === next) return;
    this.#state = next;
    this.emit('state', next, prev);
  }

  #allocId(): number {
    const used = new Set(this.#waiters.tags());
    for (let i = 0; i < 65535; i++) {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 65535 ? 1 : this.#nextId + 1;
      if (!used.has(id)) return id;
    }
    throw new CatError('ERR_ECMT_STATE', 'no free msgID: 65535 operations are waiting for their URC');
  }

  #mask(command: string): string {
    return this.#redactor.line(Buffer.from(command, 'utf8'), 'tx').data.toString('utf8');
  }

  #result(step: SessionStep, r: Partial<StepResult> & { ok: boolean }): StepResult {
    // the outcome names the command as written: mask it like the rest
    if (r.outcome) r.outcome = { ...r.outcome, command: this.#mask(r.outcome.command) };
    return {
      step,
      failure: null,
      command: null,
      outcome: null,
      urc: null,
      extraUrcs: [],
      lint: [],
      latencyMs: 0,
      explain: null,
      note: null,
      ...r,
    };
  }

  #lintRefusal(step: SessionStep, command: string, lint: LintFinding[]): StepResult {
    return this.#result(step, {
      ok: false,
      failure: 'lint',
      command: this.#mask(command),
      lint,
      note: text('not sent: the lint found errors (strictLint)', '未发送：检查发现错误（strictLint）'),
    });
  }

  async #send(command: string, lint: LintFinding[], cancel: () => void, data?: Buffer): Promise<AtOutcome | 'lint'> {
    if (this.#opts.strictLint && hasErrors(lint)) {
      cancel();
      return 'lint';
    }
    try {
      const outcome = await this.engine.send(command, data !== undefined ? { data } : {});
      if (outcome.status === 'reset') throw new CatError('ERR_MODULE_REBOOTED', `the module rebooted while "${this.#mask(command)}" waited for its answer (${outcome.banner})`);
      return outcome;
    } catch (err) {
      cancel();
      throw err;
    }
  }

  #immediateFailure(step: SessionStep, command: string, outcome: AtOutcome, lint: LintFinding[], started: number): StepResult {
    const failure: StepFailure = outcome.status === 'timeout' ? 'no-answer' : outcome.status === 'aborted' ? 'aborted' : 'rejected';
    let note: Text | null = null;
    if (outcome.status === 'error' && (outcome.error.type === 'cme-error' ? outcome.error.code === 3 : false)) {
      note = CME3_NOTE[step];
    }
    return this.#result(step, {
      ok: false,
      failure,
      command: this.#mask(command),
      outcome,
      lint,
      latencyMs: this.#clock.now() - started,
      explain: outcome.status === 'error' ? outcome.meaning : null,
      note,
    });
  }

  /** Send a command whose outcome is its final result alone. */
  async #simple(step: SessionStep, command: string, lint: LintFinding[]): Promise<StepResult> {
    const started = this.#clock.now();
    const outcome = await this.#send(command, lint, () => undefined);
    if (outcome === 'lint') return this.#lintRefusal(step, command, lint);
    if (outcome.status !== 'ok') return this.#immediateFailure(step, command, outcome, lint, started);
    return this.#result(step, { ok: true, command: this.#mask(command), outcome, lint, latencyMs: this.#clock.now() - started });
  }

  /** Register a waiter for one URC; resolves with it, or null when the host timer expires. */
  #wait(kind: Waiter['kind'], msgId: number | null, timeoutMs: number): Pending<ModemEvent> {
    return this.#waiters.wait(answers({ kind, msgId }), { timeoutMs, tag: msgId });
  }

  async #twoPhase(step: SessionStep, command: string, lint: LintFinding[], key: { kind: Waiter['kind']; msgId: number | null }, timeoutMs: number, good: (ev: ModemEvent) => boolean, data?: Buffer): Promise<StepResult> {
    const started = this.#clock.now();
    // registered before sending: the URC can arrive in the same read as the OK
    const w = this.#wait(key.kind, key.msgId, timeoutMs);
    const outcome = await this.#send(command, lint, w.cancel, data);
    if (outcome === 'lint') return this.#lintRefusal(step, command, lint);
    if (outcome.status !== 'ok') {
      w.cancel();
      return this.#immediateFailure(step, command, outcome, lint, started);
    }
    const urc = await w.promise;
    const latencyMs = this.#clock.now() - started;
    if (!urc) {
      return this.#result(step, {
        ok: false,
        failure: 'no-urc',
        command: this.#mask(command),
        outcome,
        lint,
        latencyMs,
        note: text(`OK, but no ${URC_NAME[key.kind]} within ${timeoutMs} ms (the module reports no timeout: the broker's answer never came)`, `已回 OK，但 ${timeoutMs} ms 内没有 ${URC_NAME[key.kind]}（模组不会报告超时：服务器的应答没有到达）`),
      });
    }
    const ok = good(urc);
    return this.#result(step, { ok, failure: ok ? null : 'urc', command: this.#mask(command), outcome, urc, lint, latencyMs, explain: explain(urc) });
  }

  /** Collect +ECMTCONN URCs for a connect (a second may follow a `0,2,x` on EC626 builds). */
  #collectConn(): Collector<ModemEvent> {
    return this.#waiters.collect(answers({ kind: 'conn', msgId: null }), { tag: null });
  }

  async #awaitConnUrc(
    collected: Collector<ModemEvent> | null,
    outcome: AtOutcome | null,
    lint: LintFinding[],
    started: number,
    note: Text | null,
    command?: string,
  ): Promise<StepResult> {
    const c = collected ?? this.#collectConn();
    try {
      await c.until(1, this.#opts.connectTimeoutMs);
      let first = c.events[0] as EventOf<'ecmt-conn'> | undefined;
      if (!first) {
        this.#to('open');
        return this.#result('connect', {
          ok: false,
          failure: 'no-urc',
          command: command ? this.#mask(command) : null,
          outcome,
          lint,
          latencyMs: this.#clock.now() - started,
          note: text(`OK, but no +ECMTCONN within ${this.#opts.connectTimeoutMs} ms: the CONNACK never came (broker silent, or the network drops the connection)`, `已回 OK，但 ${this.#opts.connectTimeoutMs} ms 内没有 +ECMTCONN：没有收到 CONNACK（服务器无响应，或网络丢弃了连接）`),
        });
      }
      let extra: ModemEvent[] = [];
      let n: Text | null = note;
      if (first.result === 2) {
        // EC626 builds: a failed send, an internal reconnect, then a second +ECMTCONN
        await c.until(2, this.#opts.doubleConnGraceMs);
        const second = c.events[1] as EventOf<'ecmt-conn'> | undefined;
        if (second) {
          extra = [first];
          first = second;
          n = text('the module answered twice: +ECMTCONN with result 2 (CONNECT not sent), then a second +ECMTCONN after its own TCP reconnect', '模组回了两次：先是结果 2（CONNECT 未发送）的 +ECMTCONN，模组自行重连 TCP 后又有第二个 +ECMTCONN');
        }
      }
      const ok = first.result === 0 && (first.retCode ?? 0) === 0;
      this.#to(ok ? 'connected' : 'open');
      return this.#result('connect', {
        ok,
        failure: ok ? null : 'urc',
        command: command ? this.#mask(command) : null,
        outcome,
        urc: first,
        extraUrcs: extra,
        lint,
        latencyMs: this.#clock.now() - started,
        explain: explain(first),
        note: n,
      });
    } finally {
      c.cancel();
    }
  }

  #urc(ev: ModemEvent): void {
    const t = this.engine.elapsed();
    const kind = URC_KIND[ev.type];
    if (kind) {
      if (this.#waiters.offer(ev)) return;
      if (ev.type === 'ecmt-conn') {
        const ok = ev.result === 0 && (ev.retCode ?? 0) === 0;
        if (ok) this.#to('connected');
        this.emit('reconnected', { ok, retCode: ev.retCode, result: ev.result, t, explain: explain(ev) });
        if (ok && this.#opts.resubscribe && this.#subscriptions.size > 0) void this.#resubscribe();
        return;
      }
      if (ev.type === 'ecmt-disc') {
        this.#to('closed');
        this.#subscriptions.clear();
        this.emit('ended', { result: ev.result, t });
        return;
      }
      this.emit('strayUrc', ev);
      return;
    }
    switch (ev.type) {
      case 'ecmt-recv':
        this.emit('message', { topic: ev.topic, payload: ev.payload, msgId: ev.msgId, boundary: ev.boundary, truncated: ev.truncated, t });
        return;
      case 'ecmt-stat':
        if (this.#state === 'connected') this.#to('link-lost');
        this.emit('linkLost', { errCode: ev.errCode, t });
        return;
      default:
        return;
    }
  }

  async #resubscribe(): Promise<void> {
    const results: StepResult[] = [];
    for (const [topic, qos] of [...this.#subscriptions]) {
      try {
        results.push(await this.subscribe(topic, qos));
      } catch {
        break;
      }
    }
    this.emit('resubscribed', results);
  }

  #rebooted(banner: string): void {
    const err = new CatError('ERR_MODULE_REBOOTED', `the module rebooted (${banner}): every MQTT state is gone`);
    this.#epoch++;
    this.#lostBy = err;
    this.#waiters.failAll(err);
    this.#subscriptions.clear();
    this.#to('closed');
    this.emit('rebooted', { banner, t: this.engine.elapsed() });
  }

  #portClosed(error: Error | undefined): void {
    const err = new CatError('ERR_PORT_CLOSED', `the port closed${error ? `: ${error.message}` : ''} while a step waited for its URC`, error ? { cause: error } : {});
    this.#waiters.failAll(err);
  }
}

const URC_NAME: Record<Waiter['kind'], string> = {
  open: '+ECMTOPEN',
  conn: '+ECMTCONN',
  sub: '+ECMTSUB',
  uns: '+ECMTUNS',
  pub: '+ECMTPUB',
  disc: '+ECMTDISC',
  close: '+ECMTCLOSE',
};

/** What `+CME ERROR: 3` (operation not allowed) means for each step (ecmt.md §1–2). */
const CME3_NOTE: Record<SessionStep, Text | null> = {
  configure: text('the module refused the setting (wrong value or state)', '模组拒绝了该设置（值或状态不对）'),
  open: text('AT+ECMTOPEN refused: the PDN (data connection) is not active — check registration and AT+CGPADDR', 'AT+ECMTOPEN 被拒绝：PDN（数据连接）未激活——检查注册状态和 AT+CGPADDR'),
  connect: text('AT+ECMTCONN refused: the link is not open (AT+ECMTOPEN first) or a value is over the firmware limit', 'AT+ECMTCONN 被拒绝：链路未打开（先 AT+ECMTOPEN）或某个值超出固件限制'),
  subscribe: text('AT+ECMTSUB refused: not connected, or a value is over the firmware limit', 'AT+ECMTSUB 被拒绝：未连接，或某个值超出固件限制'),
  unsubscribe: text('AT+ECMTUNS refused: not connected', 'AT+ECMTUNS 被拒绝：未连接'),
  publish: text('AT+ECMTPUB refused: not connected, or a value is over the firmware limit', 'AT+ECMTPUB 被拒绝：未连接，或某个值超出固件限制'),
  disconnect: text('AT+ECMTDISC refused: there is no MQTT context (nothing open)', 'AT+ECMTDISC 被拒绝：没有 MQTT 上下文（没有打开）'),
  close: text('AT+ECMTCLOSE refused: nothing is open or connected', 'AT+ECMTCLOSE 被拒绝：没有打开或连接'),
};
