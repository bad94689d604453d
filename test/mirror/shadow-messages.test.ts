import { describe, expect, it } from 'vitest';
import { MessageLedger, type ReconcileContext } from '../../src/mirror/shadow-messages.js';

/**
 * The pairing of a mirrored session's messages (the shadow mirror's bookkeeping, split out of
 * shadow.ts): the same message on both sides pairs; a message one side alone got, or that
 * changed on the way, is a finding. Expected values are the inputs' own sizes and topics.
 */
const ctx = (over: Partial<ReconcileContext> = {}): ReconcileContext => ({
  now: 100,
  final: true,
  windowMs: Number.POSITIVE_INFINITY,
  watches: () => true,
  watchedSince: () => 0,
  margin: 0,
  rxBuffer: 1024,
  messageUrc: '+QMTRECV',
  ...over,
});

describe('MessageLedger', () => {
  it('the same message on both sides pairs: no finding, nothing pending', () => {
    const l = new MessageLedger();
    l.addModule('a/b', Buffer.from('hi'), 1);
    l.addShadow('a/b', Buffer.from('hi'), 2, true);
    expect(l.reconcile(ctx())).toEqual([]);
    expect(l.pending(() => true)).toBe(false);
  });

  it('a changed payload on the same topic: payload-differs with both sizes; a NUL byte names the C-string cause', () => {
    const l = new MessageLedger();
    l.addModule('t', Buffer.from('ab'), 1);
    l.addShadow('t', Buffer.from('ab\0cd'), 2, true);
    const f = l.reconcile(ctx());
    expect(f.map((x) => x.kind)).toEqual(['payload-differs']);
    expect(f[0]!.evidence[0]!.en).toBe('on t: the shadow got 5 bytes, the module 2');
    expect(f[0]!.cause?.id).toBe('payload-nul');
  });

  it('the broker delivered, the module printed nothing: message-missing-on-module naming the dialect\'s message URC; over the receive buffer it is the buffer', () => {
    const l = new MessageLedger();
    l.addShadow('t', Buffer.alloc(10), 1, true);
    const f = l.reconcile(ctx());
    expect(f.map((x) => [x.kind, x.cause?.id])).toEqual([['message-missing-on-module', 'loss-on-module']]);
    expect(f[0]!.evidence[0]!.en).toContain('the module printed no +QMTRECV for them');
    const big = new MessageLedger();
    big.addShadow('t', Buffer.alloc(2000), 1, true);
    expect(big.reconcile(ctx()).map((x) => x.cause?.id)).toEqual(['payload-rx-buffer']);
  });

  it('an expected module publish never seen at the broker: published-not-delivered on its step, only when final', () => {
    const l = new MessageLedger();
    l.expect({ step: 7, topic: 'up', payload: Buffer.from('x'), at: 1, seen: false });
    expect(l.pending(() => true)).toBe(true);
    expect(l.reconcile(ctx({ final: false }))).toEqual([]);
    const f = l.reconcile(ctx());
    expect(f.map((x) => [x.kind, x.step])).toEqual([['published-not-delivered', 7]]);
    // a shadow delivery of it settles it instead
    const m = new MessageLedger();
    m.expect({ step: 8, topic: 'up', payload: Buffer.from('x'), at: 1, seen: false });
    m.addShadow('up', Buffer.from('x'), 2, false);
    expect(m.reconcile(ctx())).toEqual([]);
    // and one seen before it was expected is claimed early
    const e = new MessageLedger();
    e.addShadow('up', Buffer.from('y'), 1, false);
    expect(e.claimEarly('up', Buffer.from('y'))).toBe(true);
    expect(e.claimEarly('up', Buffer.from('y'))).toBe(false);
  });

  it('a module message that came before the shadow subscribed is not judged', () => {
    const l = new MessageLedger();
    l.addModule('t', Buffer.from('early'), 5);
    expect(l.reconcile(ctx({ watchedSince: () => 10 }))).toEqual([]);
    const late = new MessageLedger();
    late.addModule('t', Buffer.from('late'), 20);
    expect(late.reconcile(ctx({ watchedSince: () => 10 })).map((x) => x.kind)).toEqual(['message-missing-on-shadow']);
  });
});
