/**
 * The messages of a mirrored session on both sides — what the module printed, what the shadow's
 * client received, the module's publishes expected at the broker — and their pairing: which
 * were seen on both sides, which on one side only, which changed on the way. Pure bookkeeping:
 * the shadow mirror (./shadow.ts) feeds it and turns its findings into divergences.
 */
import { text, type Text } from '../util/i18n.js';
import type { Cause } from './report.js';
import type { DivergenceKind } from './shadow-types.js';
import { publishPacketSize } from './verdict.js';

/** One message on one side, and whether it found its pair. */
export interface Msg {
  topic: string;
  payload: Buffer;
  /** when it was seen (the mirror's clock) */
  at: number;
  matched: boolean;
}

/** A module publish the shadow expects to see reach the broker's subscribers (live mode). */
export interface ExpectedPub {
  step: number;
  topic: string;
  payload: Buffer;
  at: number;
  seen: boolean;
}

/** What one side alone saw, for the mirror to report as a divergence. */
export interface LedgerFinding {
  kind: DivergenceKind;
  /** the reconstructed step it belongs to (a publish), null for messages */
  step: number | null;
  evidence: Text[];
  cause: Cause | null;
}

/** What the pairing needs to know about the mirror. */
export interface ReconcileContext {
  /** now, on the mirror's clock */
  now: number;
  /** the session is over: everything unpaired is judged */
  final: boolean;
  /** how far apart the two sides' copies of one message may be (Infinity for a transcript re-run) */
  windowMs: number;
  /** the shadow subscribes to a filter that covers the topic */
  watches(topic: string): boolean;
  /** since when (mirror clock) a shadow subscription covers the topic, or null */
  watchedSince(topic: string): number | null;
  /** how long the shadow may lag the module after subscribing */
  margin: number;
  /** the module's receive buffer, bytes (the firmware profile) */
  rxBuffer: number;
  /** the dialect's message URC (`+ECMTRECV`, `+QMTRECV`), for the evidence */
  messageUrc: string;
}

export class MessageLedger {
  /** what the module printed */
  readonly module: Msg[] = [];
  /** what the shadow received on the filters it mirrors */
  readonly shadow: Msg[] = [];
  /** shadow messages no expected publish claimed yet (they may be claimed late) */
  readonly unclaimed: Msg[] = [];
  readonly expected: ExpectedPub[] = [];

  /** The module printed a message. */
  addModule(topic: string, payload: Buffer, at: number): void {
    this.module.push({ topic, payload, at, matched: false });
  }

  /**
   * The shadow received a message: it first settles an expected module publish, else waits
   * unclaimed; it is kept for pairing when `watched` (a filter the module subscribed covers it).
   */
  addShadow(topic: string, payload: Buffer, at: number, watched: boolean): void {
    const exp = this.expected.find((p) => !p.seen && p.topic === topic && p.payload.equals(payload));
    if (exp) exp.seen = true;
    else this.unclaimed.push({ topic, payload, at, matched: false });
    if (watched) this.shadow.push({ topic, payload, at, matched: false });
  }

  /** A module publish the shadow may have seen already (before it knew to expect it): claim it. */
  claimEarly(topic: string, payload: Buffer): boolean {
    const early = this.unclaimed.find((u) => !u.matched && u.topic === topic && u.payload.equals(payload));
    if (early) early.matched = true;
    return early !== undefined;
  }

  /** Expect a module publish at the broker (`seen`: already claimed). */
  expect(p: ExpectedPub): void {
    this.expected.push(p);
  }

  /** Messages still to pair: the sides differ in count, or an expected publish was not seen yet. */
  pending(watches: (topic: string) => boolean): boolean {
    const unsettled = this.shadow.length !== this.module.length || this.expected.some((p) => !p.seen);
    return unsettled || this.shadow.length !== this.module.filter((m) => watches(m.topic)).length;
  }

  /** Pair the messages both sides received; report what one side alone got. */
  reconcile(c: ReconcileContext): LedgerFinding[] {
    const { now, final } = c;
    const w = c.windowMs;
    const found: LedgerFinding[] = [];
    const diverge = (kind: DivergenceKind, step: number | null, evidence: Text[], cause: Cause | null): void => {
      found.push({ kind, step, evidence, cause });
    };
    const old = (x: Msg): boolean => final || now - x.at > w;
    for (const s of this.shadow) {
      if (s.matched) continue;
      const m = this.module.find((x) => !x.matched && x.topic === s.topic && x.payload.equals(s.payload) && Math.abs(x.at - s.at) <= w);
      if (m) {
        m.matched = true;
        s.matched = true;
      }
    }
    // leftovers on the same topic, both old enough: the same message, changed
    for (const s of this.shadow) {
      if (s.matched || !old(s)) continue;
      const m = this.module.find((x) => !x.matched && x.topic === s.topic && old(x));
      if (!m) continue;
      m.matched = true;
      s.matched = true;
      const nul = s.payload.includes(0);
      diverge('payload-differs', null, [text(`on ${s.topic}: the shadow got ${s.payload.length} bytes, the module ${m.payload.length}`, `在 ${s.topic} 上：影子收到 ${s.payload.length} 字节，模组收到 ${m.payload.length} 字节`)], {
        id: nul ? 'payload-nul' : /[\r\n]/.test(s.payload.toString('latin1')) ? 'payload-crlf' : 'payload-mangled',
        confidence: 0.7,
        text: nul ? text('the payload holds NUL bytes: the module prints payloads as C strings', '消息体含 NUL：模组按 C 字符串输出') : text('the payload the module printed differs from what the broker delivered', '模组输出的消息体与服务器投递的不同'),
        evidence: [],
      });
    }
    for (const s of this.shadow) {
      if (s.matched || !old(s)) continue;
      s.matched = true;
      const size = publishPacketSize(s.topic, s.payload.length, 1);
      const rx = c.rxBuffer;
      diverge('message-missing-on-module', null, [text(`the broker delivered ${s.payload.length} bytes on ${s.topic} (the shadow got them); the module printed no ${c.messageUrc} for them`, `服务器在 ${s.topic} 上投递了 ${s.payload.length} 字节（影子收到了）；模组没有对应的 ${c.messageUrc}`)], size > rx
        ? { id: 'payload-rx-buffer', confidence: 0.9, text: text(`the PUBLISH (${size} bytes) is larger than the module's receive buffer (${rx}): dropped silently`, `PUBLISH（${size} 字节）超过模组接收缓冲区（${rx}）：被静默丢弃`), evidence: [] }
        : { id: 'loss-on-module', confidence: 0.8, text: text('loss on the module: the broker delivered it, the module printed nothing', '模组丢失：服务器已投递，模组没有输出'), evidence: [] });
    }
    for (const m of this.module) {
      if (m.matched || !old(m)) continue;
      if (!c.watches(m.topic)) continue; // the shadow does not watch it
      const since = c.watchedSince(m.topic);
      if (since === null || m.at - since < c.margin) {
        // it came before (or just as) the shadow's own subscription was in place: not comparable
        m.matched = true;
        continue;
      }
      m.matched = true;
      diverge('message-missing-on-shadow', null, [text(`the module received ${m.payload.length} bytes on ${m.topic}; the shadow (same subscription) did not`, `模组在 ${m.topic} 上收到 ${m.payload.length} 字节；影子（相同订阅）没有收到`)], null);
    }
    if (final) {
      for (const p of this.expected) {
        if (p.seen) continue;
        p.seen = true;
        diverge('published-not-delivered', p.step, [text(`the module's publish on ${p.topic} (${p.payload.length} bytes) was acknowledged on the module but never reached the broker's subscribers`, `模组在 ${p.topic} 上的发布（${p.payload.length} 字节）在模组侧已确认，但没有到达服务器的订阅者`)], { id: 'loss-at-broker', confidence: 0.6, text: text('the broker dropped or refused the module\'s message (ACL for its identity, QoS 0 loss)', '服务器丢弃或拒绝了模组的消息（其身份的 ACL、QoS 0 丢失）'), evidence: [] });
      }
    }
    return found;
  }
}
