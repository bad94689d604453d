import type { TimelineItem } from '../at/types.js';
import type { MqttResult } from '../dialects/types.js';
import { explain } from '../urc/codes.js';
import { resultOf } from '../dialects/index.js';
import { TypedEmitter } from '../util/emitter.js';
import { text, type Text } from '../util/i18n.js';
import { firmwareProfile, type FirmwareProfile } from '../dialects/ecmt/firmware.js';
import { lintConnect } from '../dialects/ecmt/lint.js';
import { DirectSession, type DirectMessage, type DirectStep } from './direct.js';
import { SessionReconstructor, type ReconStep, type SessionEvent, type StepKind } from './reconstruct.js';
import type { Cause, CompareStep, SideOutcome } from './report.js';
import { explainComparison } from './verdict.js';
import { topicMatches } from '../util/topic.js';
import type { Divergence, DivergenceKind, MirrorEvent, MirrorOptions, MirrorReport } from './shadow-types.js';
import { applyConfigStep, defaultShadowSettings, type ShadowSettings } from './shadow-settings.js';
import { MessageLedger } from './shadow-messages.js';

export type { Divergence, DivergenceKind, MirrorEvent, MirrorOptions, MirrorReport };

/**
 * The live mirror: follows a module's session (from its AT traffic, whoever drives it) and
 * repeats every MQTT action on a host-side mqtt.js client against the same broker, lining up
 * the outcomes and flagging each divergence at the step where it appears. Its shapes are in
 * ./shadow-types.ts, the MQTT settings it follows in ./shadow-settings.ts, the pairing of the
 * two sides' messages in ./shadow-messages.ts.
 */

const UP = (s: DirectStep): SideOutcome => ({ ok: s.ok, code: s.code, detail: s.detail, latencyMs: Math.round(s.latencyMs) });

/** MQTT topic filter matching (+, # and the $ rule), by qlobber: util/topic.ts. */
export { topicMatches };

export class ShadowMirror extends TypedEmitter<{ event: [e: MirrorEvent] }> {
  readonly recon = new SessionReconstructor();
  readonly profile: FirmwareProfile;
  readonly #o: Required<Pick<MirrorOptions, 'identity' | 'suffix' | 'publish' | 'live' | 'windowMs'>> & MirrorOptions;
  #queue: Promise<void> = Promise.resolve();
  #shadow: DirectSession | null = null;
  #shadowId: string | null = null;
  #moduleId: string | null = null;
  readonly #settings: ShadowSettings = defaultShadowSettings();
  #broker: MirrorOptions['broker'] | null = null;
  #creds: { clientId: string; username?: string; password?: string } | null = null;
  readonly #shadowResults = new Map<number, DirectStep>();
  readonly #compared = new Set<number>();
  /** publish steps whose shadow action is scheduled */
  readonly #published = new Set<number>();
  /** step id of each comparison, to keep the report in the session's order */
  readonly #stepIds: number[] = [];
  readonly #steps: CompareStep[] = [];
  readonly divergences: Divergence[] = [];
  readonly notes: Text[] = [];
  /** filters the module subscribed (and the shadow mirrors) */
  readonly #subs = new Set<string>();
  /** when the shadow's subscription to each filter was confirmed (live: the shadow lags the module) */
  readonly #subscribedAt = new Map<string, number>();
  /** topics the shadow watches only to see the module's publishes reach the broker */
  readonly #observed = new Set<string>();
  /** the messages of both sides and their pairing */
  readonly #ledger = new MessageLedger();
  #moduleUp = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  #seq = 0;

  constructor(opts: MirrorOptions = {}) {
    super();
    const live = opts.live ?? false;
    this.#o = { identity: 'derived', suffix: '-mirror', publish: live ? 'observe' : 'repeat', windowMs: 5000, ...opts, live };
    this.profile = firmwareProfile(opts.profile ?? 'ec616s');
    this.#broker = opts.broker ?? null;
    this.recon.on('step', (s) => this.#onStep(s));
    this.recon.on('update', (s) => this.#onUpdate(s));
    this.recon.on('event', (e) => this.#onEvent(e));
    if (live) {
      this.#timer = setInterval(() => this.#reconcile(false), Math.max(250, this.#o.windowMs / 4));
      this.#timer.unref();
    }
  }

  /** Feed one item of the module's timeline (in order). */
  push(item: TimelineItem): void {
    this.recon.push(item);
  }

  #now(): number {
    return this.#o.live ? Date.now() : this.#seq++;
  }

  #emit(e: MirrorEvent): void {
    this.emit('event', e);
  }

  #note(t: Text, at: number | null = null): void {
    this.notes.push(t);
    this.#emit({ type: 'note', text: t, t: at });
  }

  #enqueue(fn: () => Promise<void>): void {
    this.#queue = this.#queue.then(fn).catch((err: unknown) => {
      this.#note(text(`shadow client error: ${err instanceof Error ? err.message : String(err)}`, `影子客户端错误：${err instanceof Error ? err.message : String(err)}`));
    });
  }

  #diverge(kind: DivergenceKind, step: number | null, t: number | null, evidence: Text[], cause: Cause | null): void {
    // a cause rests on what was observed: the divergence's own observations when it names none
    const c = cause && cause.evidence.length === 0 ? { ...cause, evidence } : cause;
    const d: Divergence = { type: 'divergence', kind, step, t, evidence, cause: c };
    this.divergences.push(d);
    this.#emit(d);
  }

  #shadowFor(clientId: string): DirectSession | null {
    const b = this.#broker;
    if (!b) return null;
    const c = this.#creds;
    return new DirectSession({
      host: b.host,
      port: b.port,
      tls: b.tls,
      ...(b.ca !== undefined ? { ca: b.ca } : {}),
      ...(b.insecure !== undefined ? { insecure: b.insecure } : {}),
      protocolLevel: this.#settings.protocolLevel,
      keepalive: this.#settings.keepalive,
      clean: this.#settings.clean,
      clientId,
      ...(c?.username !== undefined ? { username: c.username } : {}),
      ...(c?.password !== undefined ? { password: c.password } : {}),
      ...(this.#settings.will ? { will: this.#settings.will } : {}),
    });
  }

  /** Make sure the shadow is connected (a log that starts mid-session never showed a connect). */
  async #ensureShadow(t: number | null): Promise<DirectSession | null> {
    if (this.#shadow?.connected) return this.#shadow;
    if (!this.#broker) {
      const open = `AT${this.#name('open')}`;
      this.#note(text(`no broker known (no ${open} seen and no --broker given): the shadow cannot follow`, `不知道服务器（没有看到 ${open}，也没有给 --broker）：影子客户端无法跟随`), t);
      return null;
    }
    const base = this.#creds?.clientId ?? this.#o.credentials?.clientId ?? 'cat1';
    this.#creds ??= { clientId: base, ...this.#credOverrides() };
    const id = `${base}${this.#o.suffix}`;
    const s = this.#shadowFor(id);
    if (!s) return null;
    const r = await s.connect();
    if (!r.ok) return null;
    this.#attach(s, id);
    this.#note(text(`the shadow connected on its own as ${id} (no connect step to mirror)`, `影子客户端以 ${id} 自行连接（没有可镜像的连接步骤）`), t);
    return s;
  }

  #credOverrides(): { username?: string; password?: string } {
    const o = this.#o.credentials ?? {};
    return { ...(o.username !== undefined ? { username: o.username } : {}), ...(o.password !== undefined ? { password: o.password } : {}) };
  }

  #attach(s: DirectSession, id: string): void {
    this.#shadow = s;
    this.#shadowId = id;
    s.onMessage((m: DirectMessage) => this.#shadowMessage(m));
    s.onLinkLost((why) => {
      const t = this.#now();
      if (this.#moduleUp) this.#diverge('link-lost-shadow-only', null, t, [text(`shadow: ${why}; the module's link stayed up`, `影子：${why}；模组链路仍在`)], null);
    });
  }

  /** How long the shadow may lag the module (live): a message within this of the shadow's subscription is not judged. */
  #margin(): number {
    return this.#o.live ? 1000 : 0;
  }

  /** Since when (shadow clock) a shadow subscription covers the topic, or null. */
  #watchedSince(topic: string): number | null {
    let best: number | null = null;
    for (const [f, at] of this.#subscribedAt) if (topicMatches(f, topic) && (best === null || at < best)) best = at;
    return best;
  }

  #onStep(s: ReconStep): void {
    switch (s.kind) {
      case 'config':
        applyConfigStep(this.recon.dialect, s, this.#settings);
        return;
      case 'open':
        this.#broker ??= { host: s.host, port: s.port, tls: false };
        this.#enqueue(async () => {
          const probe = this.#shadowFor('cat1-probe');
          if (!probe) return;
          const r = await probe.resolve();
          const tcp = r.ok ? await probe.tcp() : r;
          this.#shadowResults.set(s.id, tcp);
          this.#tryCompare(s);
        });
        return;
      case 'connect': {
        const over = this.#o.credentials ?? {};
        const clientId = s.clientId ?? over.clientId ?? 'cat1';
        // a value given by the user wins (it is how masked values of a redacted recording come back)
        const pick = (wire: string | undefined, o: string | undefined): string | undefined => o ?? wire;
        const username = pick(s.username, over.username);
        const password = pick(s.password, over.password);
        this.#moduleId = clientId;
        this.#creds = { clientId, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
        if (s.masked && (over.password === undefined || over.username === undefined)) {
          this.#note(text('the credentials on the wire are masked (a redacted recording): give --username and --password-file (or CAT1_PASSWORD) for the shadow', '线路上的凭据已被遮盖（脱敏的记录）：请为影子客户端提供 --username 和 --password-file（或 CAT1_PASSWORD）'), s.t);
        }
        this.#enqueue(async () => {
          if (this.#o.identity === 'identical' && !this.#o.live) {
            // sequential: the module's own ID, connected and closed before the traffic shadow
            const same = this.#shadowFor(clientId);
            if (same) {
              const r = await same.connect();
              await same.end();
              this.#shadowResults.set(s.id, r);
            }
          }
          await this.#shadow?.end();
          this.#shadow = null;
          const id = `${clientId}${this.#o.suffix}`;
          const d = this.#shadowFor(id);
          if (!d) return;
          const r = await d.connect();
          if (!this.#shadowResults.has(s.id)) this.#shadowResults.set(s.id, r);
          if (r.ok) this.#attach(d, id);
          this.#tryCompare(s);
        });
        return;
      }
      case 'subscribe':
        this.#enqueue(async () => {
          const d = await this.#ensureShadow(s.t);
          if (!d) return;
          this.#subs.add(s.topic);
          const r = await d.subscribe(s.topic, s.qos);
          if (r.ok) this.#subscribedAt.set(s.topic, this.#now());
          this.#shadowResults.set(s.id, r);
          this.#tryCompare(s);
        });
        return;
      case 'unsubscribe':
        this.#enqueue(async () => {
          const d = await this.#ensureShadow(s.t);
          if (!d) return;
          this.#subs.delete(s.topic);
          this.#shadowResults.set(s.id, await d.unsubscribe(s.topic));
          this.#tryCompare(s);
        });
        return;
      case 'publish':
        // the payload of a prompt-mode publish is known only after the prompt: act on its result
        return;
      case 'disconnect':
      case 'close':
        this.#shadowResults.set(s.id, { step: 'disconnect', ok: true, code: null, detail: text('the shadow stays connected until the end, to see late messages', '影子客户端保持连接到最后，以便看到迟到的消息'), latencyMs: 0 });
        return;
      default:
        return;
    }
  }

  /** The session dialect's command for an MQTT step (`+ECMTOPEN`). */
  #name(op: StepKind): string {
    return this.recon.dialect.commands.find((c) => c.op === op)?.name ?? op;
  }

  /** The session dialect's result URC for an MQTT step (`+ECMTDISC`). */
  #resultName(op: StepKind): string {
    return this.recon.dialect.commands.find((c) => c.op === op)?.result?.prefix ?? op;
  }

  /** The session dialect's URC of a role (`+ECMTSTAT` for link-lost, `+ECMTRECV` for message). */
  #urcName(role: 'link-lost' | 'message'): string {
    return this.recon.dialect.urcs.find((u) => u.role === role)?.prefix ?? role;
  }

  #onUpdate(s: ReconStep): void {
    if (s.kind === 'connect') {
      const r = s.urc ? resultOf(s.urc) : null;
      this.#moduleUp = r?.op === 'connect' && r.ok;
    }
    if (s.kind === 'publish' && s.immediate === 'ok' && !this.#published.has(s.id) && s.payload) {
      this.#published.add(s.id);
      const payload = s.payload;
      if (this.#o.publish === 'repeat') {
        this.#enqueue(async () => {
          const d = await this.#ensureShadow(s.t);
          if (!d) return;
          this.#shadowResults.set(s.id, await d.publish(s.topic, payload, s.qos, s.retain));
          this.#tryCompare(s);
        });
      } else {
        this.#enqueue(async () => {
          const d = await this.#ensureShadow(s.t);
          if (!d) return;
          const watching = this.#watchedSince(s.topic);
          if (watching === null) {
            // first publish on this topic: start watching it; this one went out before we could
            this.#observed.add(s.topic);
            const r = await d.subscribe(s.topic, 0);
            if (r.ok) this.#subscribedAt.set(s.topic, this.#now());
          }
          const observable = watching !== null && this.#now() - watching >= this.#margin();
          // the module's message may have reached the shadow before this runs
          const early = this.#ledger.claimEarly(s.topic, payload);
          if (observable || early) this.#ledger.expect({ step: s.id, topic: s.topic, payload, at: this.#now(), seen: early });
          this.#shadowResults.set(s.id, { step: 'publish', ok: true, code: null, detail: observable || early ? text('observed (not repeated: live mode)', '仅观察（实时模式不重复发布）') : text('not observable: the shadow started watching this topic with this publish', '无法观察：影子客户端从这次发布起才开始关注该主题'), latencyMs: 0 });
          this.#tryCompare(s);
        });
      }
    }
    this.#tryCompare(s);
  }

  #moduleSide(s: ReconStep): SideOutcome | null {
    if (s.immediate === null) return null;
    if (s.immediate !== 'ok') return { ok: false, code: s.immediate === 'cancelled' ? 'cancelled' : s.immediate, detail: text(`the module answered ${s.immediate}`, `模组回复 ${s.immediate}`), latencyMs: null };
    if (s.kind === 'config') return { ok: true, code: 0, detail: text('OK', 'OK'), latencyMs: null };
    if (s.kind === 'disconnect' || s.kind === 'close') {
      if (!s.urc) return { ok: true, code: null, detail: text('OK', 'OK'), latencyMs: null };
    }
    const u = s.urc;
    if (!u) return null;
    const x = explain(u) ?? text(u.raw, u.raw);
    // the dialect reads its result URC (ok, codes); a second result may follow: wait for it (ECMT on EC626)
    const r = resultOf(u);
    if (!r) return { ok: false, code: null, detail: x, latencyMs: null };
    if (r.mayFollow) return null;
    switch (r.op) {
      case 'connect':
        return { ok: r.ok, code: r.result === 0 ? r.retCode : `result ${r.result}`, detail: x, latencyMs: null };
      case 'subscribe':
        return { ok: r.ok, code: r.retCode, detail: x, latencyMs: null };
      default:
        return { ok: r.ok, code: r.result, detail: x, latencyMs: null };
    }
  }

  #tryCompare(s: ReconStep, final = false): void {
    if (this.#compared.has(s.id) || s.kind === 'config') return;
    let m = this.#moduleSide(s);
    if (!m && final) {
      if (s.kind === 'connect' && s.urc && resultOf(s.urc)?.op === 'connect') {
        const u = s.urc;
        m = { ok: false, code: 'not-sent', detail: explain(u) ?? text(u.raw, u.raw), latencyMs: null };
      } else m = { ok: false, code: 'no-urc', detail: text('no result seen', '没有看到结果'), latencyMs: null };
    }
    const sh = this.#shadowResults.get(s.id);
    if (!m || !sh) return;
    this.#compared.add(s.id);
    const d = UP(sh);
    const same = m.ok === d.ok && (m.ok || typeof m.code !== 'number' || typeof d.code !== 'number' || m.code === d.code);
    const name = s.kind === 'disconnect' || s.kind === 'close' ? s.kind : s.kind;
    this.#steps.push({ step: name, module: m, direct: d, same });
    this.#stepIds.push(s.id);
    this.#emit({ type: 'step', step: s, module: m, shadow: d, same });
    if (same) return;
    const t = s.t;
    switch (s.kind) {
      case 'open':
        this.#diverge(m.ok ? 'open-failed-shadow-only' : 'open-failed-module-only', s.id, t, [text(`module: ${m.detail.en}; shadow: ${d.detail.en}`, `模组：${m.detail.zh}；影子：${d.detail.zh}`)], this.#cause([{ step: 'open', module: m, direct: d, same }]));
        return;
      case 'connect': {
        const kind: DivergenceKind = !m.ok && d.ok ? 'connect-refused-module-only' : m.ok && !d.ok ? 'connect-refused-shadow-only' : 'connect-code-differs';
        this.#diverge(kind, s.id, t, [text(`module: ${m.detail.en}; shadow: ${d.detail.en}`, `模组：${m.detail.zh}；影子：${d.detail.zh}`)], this.#cause([{ step: 'open', module: { ok: true, code: 0, detail: text('', ''), latencyMs: null }, direct: { ok: true, code: 0, detail: text('', ''), latencyMs: null }, same: true }, { step: 'connect', module: m, direct: d, same }], s));
        return;
      }
      case 'subscribe':
      case 'unsubscribe':
        this.#diverge(m.ok ? 'subscribe-refused-shadow-only' : 'subscribe-refused-module-only', s.id, t, [text(`${s.kind} ${s.topic}: module ${m.detail.en}; shadow ${d.detail.en}`, `${s.kind} ${s.topic}：模组 ${m.detail.zh}；影子 ${d.detail.zh}`)], this.#cause([{ step: 'subscribe', module: m, direct: d, same }]));
        return;
      case 'publish':
        this.#diverge(m.ok ? 'publish-failed-shadow-only' : 'publish-failed-module-only', s.id, t, [text(`publish on ${s.topic}: module ${m.detail.en}; shadow ${d.detail.en}`, `在 ${s.topic} 上发布：模组 ${m.detail.zh}；影子 ${d.detail.zh}`)], null);
        return;
      default:
        return;
    }
  }

  #cause(steps: CompareStep[], connect?: Extract<ReconStep, { kind: 'connect' }>): Cause | null {
    const creds = this.#creds ?? { clientId: this.#moduleId ?? '' };
    const lint = connect ? lintConnect({ clientId: connect.clientId ?? '', ...(connect.username !== undefined ? { username: connect.username } : {}), ...(connect.password !== undefined ? { password: connect.password } : {}) }, this.profile) : [];
    const wire = connect ? { clientId: connect.clientId ?? '', username: connect.username, password: connect.password } : creds;
    const v = explainComparison({ profile: this.profile, credentials: wire, protocolLevel: this.#settings.protocolLevel, tls: this.#broker?.tls ?? false, moduleHasCa: false, lint, steps, delivery: null, payload: null, brokerLog: [] });
    return v.causes.find((c) => c.id !== 'unexplained') ?? null;
  }

  #onEvent(e: SessionEvent): void {
    switch (e.kind) {
      case 'note':
        this.#note(e.text, e.t);
        return;
      case 'message':
        this.#ledger.addModule(e.topic, e.payload, this.#now());
        this.#emit({ type: 'message', side: 'module', topic: e.topic, bytes: e.payload.length, t: e.t });
        return;
      case 'link-lost': {
        const wasUp = this.#moduleUp;
        this.#moduleUp = false;
        // after a refused CONNECT the module's own retry cycle prints +ECMTSTAT: not a link of its own to compare
        if (wasUp && this.#shadow?.connected) {
          this.#diverge('link-lost-module-only', null, e.t, [text(`${this.#urcName('link-lost')} on the module while the shadow's connection stayed up`, `模组出现 ${this.#urcName('link-lost')}，而影子客户端的连接一直正常`)], {
            id: 'network-module',
            confidence: 0.6,
            text: text("the module's link dropped while the host's stayed up: the module's network (coverage, a carrier NAT timeout shorter than the keep-alive), not the broker", '模组链路断开而主机链路正常：问题在模组的网络（覆盖、运营商 NAT 超时短于保活时间），不在服务器'),
            evidence: [],
          });
        }
        return;
      }
      case 'reconnected':
        this.#moduleUp = e.ok;
        this.#note(e.ok ? text('the module reconnected by itself (it does not re-subscribe)', '模组自行重连（不会重新订阅）') : text(`the module's own reconnect was refused (${String(e.retCode)})`, `模组自行重连被拒绝（${String(e.retCode)}）`), e.t);
        return;
      case 'ended':
        this.#moduleUp = false;
        this.#note(text(`the module ended the session (${this.#resultName('disconnect')} without a command): it will not come back`, `模组结束了会话（没有命令的 ${this.#resultName('disconnect')}）：不会再恢复`), e.t);
        return;
      case 'reboot':
        this.#moduleUp = false;
        this.#note(text(`the module rebooted (${e.banner}): its session is gone`, `模组重启（${e.banner}）：会话已丢失`), e.t);
        return;
      default:
        return;
    }
  }

  #shadowMessage(m: DirectMessage): void {
    // only kept for pairing when a filter the module subscribed covers it (else watched only for the module's publishes)
    const watched = this.#watches(m.topic);
    this.#ledger.addShadow(m.topic, m.payload, this.#now(), watched);
    if (watched) this.#emit({ type: 'message', side: 'shadow', topic: m.topic, bytes: m.payload.length, t: null });
  }

  /** A filter the module subscribed (and the shadow mirrors) covers the topic. */
  #watches(topic: string): boolean {
    return [...this.#subs].some((f) => topicMatches(f, topic));
  }

  /** Pair the messages both sides received; report what one side alone got. */
  #reconcile(final: boolean): void {
    const found = this.#ledger.reconcile({
      now: this.#now(),
      final,
      windowMs: this.#o.live ? this.#o.windowMs : Number.POSITIVE_INFINITY,
      watches: (topic) => this.#watches(topic),
      watchedSince: (topic) => this.#watchedSince(topic),
      margin: this.#margin(),
      rxBuffer: this.profile.limits.rxBuffer,
      messageUrc: this.#urcName('message'),
    });
    for (const f of found) this.#diverge(f.kind, f.step, null, f.evidence, f.cause);
  }

  /** Wait for the shadow to catch up, pair the last messages, end the shadow; the final report. */
  async finish(opts: { settleMs?: number } = {}): Promise<MirrorReport> {
    await this.#queue;
    // late deliveries: wait until every module message found its pair, or the window passed
    const settle = opts.settleMs ?? Math.min(this.#o.windowMs, 3000);
    const started = Date.now();
    while (Date.now() - started < settle) {
      if (!this.#ledger.pending((topic) => this.#watches(topic))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await this.#queue;
    for (const s of this.recon.steps) this.#tryCompare(s, true);
    if (this.#o.identity === 'identical' && this.#o.live && this.#moduleId && this.#broker) {
      // live: the identical-ID connect runs only now, after the module's session (never at the same time)
      const same = this.#shadowFor(this.#moduleId);
      if (same) {
        const r = await same.connect();
        await same.end();
        this.#note(text(`identical client ID ${this.#moduleId}, connected after the module's session: ${r.detail.en}`, `相同客户端 ID ${this.#moduleId}，在模组会话之后连接：${r.detail.zh}`));
      }
    }
    this.#reconcile(true);
    if (this.#timer) clearInterval(this.#timer);
    await this.#shadow?.end();
    this.#shadow = null;
    const causes: Cause[] = [];
    for (const d of this.divergences) if (d.cause && !causes.some((c) => c.id === d.cause!.id)) causes.push(d.cause);
    causes.sort((a, b) => b.confidence - a.confidence);
    const first = this.divergences[0];
    const summary: Text = first
      ? text(`first divergence: ${first.kind}${causes[0] ? ` — most likely ${causes[0].text.en}` : ''}`, `首个分歧：${first.kind}${causes[0] ? `——最可能的原因是${causes[0].text.zh}` : ''}`)
      : text('the shadow saw the same outcomes as the module at every step', '每一步影子客户端与模组的结果都一致');
    return {
      type: 'mirror-report',
      agree: this.divergences.length === 0,
      identity: { mode: this.#o.identity, moduleClientId: this.#moduleId, shadowClientId: this.#shadowId },
      steps: this.#steps.map((st, i) => ({ st, id: this.#stepIds[i] ?? i })).sort((a, b) => a.id - b.id).map((x) => x.st),
      divergences: this.divergences,
      notes: this.notes,
      verdict: { summary, causes },
    };
  }
}

export type { ReconStep, SessionEvent };
/** A module's connect result, in any dialect (the result URC read by its dialect: `MqttResult`). */
export type ConnUrc = MqttResult & { op: 'connect' };
