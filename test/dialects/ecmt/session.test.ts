import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialogue, script, settle, NOTHING_OPEN, OK, urc } from '../../helpers/dialogue.js';
import { EcmtSession, type MessageEvent } from '../../../src/dialects/ecmt/session.js';

function setup(opts: ConstructorParameters<typeof EcmtSession>[1] = {}) {
  const d = dialogue();
  const session = new EcmtSession(d.engine, opts);
  return { d, session };
}

describe('ECMT session: open and connect', () => {
  it('queries first, opens, and correlates +ECMTOPEN', async () => {
    const { d, session } = setup();
    const s = script(d, [...NOTHING_OPEN, { expect: 'AT+ECMTOPEN=0,"broker.example.com",1883', reply: OK + urc('+ECMTOPEN: 0,0') }]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ step: 'open', ok: true, failure: null, urc: { type: 'ecmt-open', result: 0 } });
    expect(session.state).toBe('open');
    expect(s.unexpected).toEqual([]);
  });

  it('does not send AT+ECMTOPEN when the module is already open to the same broker (it would answer no URC)', async () => {
    const { d, session } = setup();
    const s = script(d, [
      { expect: 'AT+ECMTOPEN?', reply: urc('+ECMTOPEN:0,"broker.example.com",1883') + OK },
      { expect: 'AT+ECMTCONN?', reply: urc('+ECMTCONN:0,1') + OK },
    ]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ ok: true, command: null });
    expect(r.note?.en).toMatch(/already open/);
    expect(s.remaining()).toBe(0);
  });

  it('reports open to another broker as a state failure', async () => {
    const { d, session } = setup();
    script(d, [
      { expect: 'AT+ECMTOPEN?', reply: urc('+ECMTOPEN:0,"other.example.com",1883') + OK },
      { expect: 'AT+ECMTCONN?', reply: OK },
    ]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ ok: false, failure: 'state' });
    expect(r.note?.en).toContain('other.example.com:1883');
  });

  it('explains +CME ERROR: 3 on open as an inactive PDN', async () => {
    const { d, session } = setup();
    script(d, [...NOTHING_OPEN, { expect: /^AT\+ECMTOPEN=/, reply: urc('+CME ERROR: 3') }]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ ok: false, failure: 'rejected' });
    expect(r.note?.en).toMatch(/PDN/);
    expect(session.state).toBe('closed');
  });

  it('reports +ECMTOPEN: 0,-1 as a failed open with its meaning', async () => {
    const { d, session } = setup();
    script(d, [...NOTHING_OPEN, { expect: /^AT\+ECMTOPEN=/, reply: OK + urc('+ECMTOPEN: 0,-1') }]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ ok: false, failure: 'urc', urc: { result: -1 } });
    // ecmt.md §4: open result -1 = DNS, TCP or TLS failed; the context is deleted
    expect(r.explain?.en).toMatch(/DNS.*TCP.*TLS.*context/);
    expect(r.explain?.zh).toMatch(/DNS.*TCP.*TLS.*上下文/);
  });

  it('reports +ECMTCONN: 0,0,5 as refused, and the lint warned about the credential quirk', async () => {
    const { d, session } = setup();
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: 'AT+ECMTCONN=0,"dev1"', reply: OK + urc('+ECMTCONN: 0,0,5') }]);
    const r = await session.connect({ clientId: 'dev1' });
    expect(r).toMatchObject({ ok: false, failure: 'urc', urc: { retCode: 5 } });
    expect(r.explain?.en).toMatch(/not authori[sz]ed/);
    expect(r.lint.map((f) => f.code)).toContain('credential-quirk');
    expect(session.state).toBe('open');
  });

  it('masks the password in the command it reports', async () => {
    const { d, session } = setup();
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: 'AT+ECMTCONN=0,"dev1","user","s3cret"', reply: OK + urc('+ECMTCONN: 0,0,0') }]);
    const r = await session.connect({ clientId: 'dev1', username: 'user', password: 's3cret' });
    expect(r.ok).toBe(true);
    expect(r.command).toBe('AT+ECMTCONN=0,"dev1","****","******"');
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });

  it('reports two +ECMTCONN for one connect (0,2,2 then 0,0,0) as such', async () => {
    const { d, session } = setup();
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: /^AT\+ECMTCONN=0,/, reply: OK + urc('+ECMTCONN: 0,2,2') + urc('+ECMTCONN: 0,0,0') }]);
    const r = await session.connect({ clientId: 'a', username: 'b', password: 'c' });
    expect(r).toMatchObject({ ok: true, urc: { result: 0, retCode: 0 }, extraUrcs: [{ result: 2, retCode: 2 }] });
    expect(r.note?.en).toMatch(/twice/);
    expect(session.state).toBe('connected');
  });

  it('does not send AT+ECMTCONN when already connected', async () => {
    const { d, session } = setup();
    const s = script(d, [{ expect: 'AT+ECMTCONN?', reply: urc('+ECMTCONN:0,3') + OK }]);
    const r = await session.connect({ clientId: 'a', username: 'b', password: 'c' });
    expect(r).toMatchObject({ ok: true, command: null });
    expect(s.remaining()).toBe(0);
    expect(s.unexpected).toEqual([]);
  });
});

describe('ECMT session: host timers (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out a connect whose URC never comes, instead of hanging', async () => {
    const { d, session } = setup({ connectTimeoutMs: 30_000 });
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: /^AT\+ECMTCONN=0,/, reply: OK }]);
    const p = session.connect({ clientId: 'a', username: 'b', password: 'c' });
    await vi.advanceTimersByTimeAsync(30_000);
    const r = await p;
    expect(r).toMatchObject({ ok: false, failure: 'no-urc' });
    expect(r.note?.en).toMatch(/no \+ECMTCONN within 30000 ms/);
  });

  it('a lone +ECMTCONN: 0,2,2 fails after the grace time for a second one', async () => {
    const { d, session } = setup({ doubleConnGraceMs: 1500 });
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: /^AT\+ECMTCONN=0,/, reply: OK + urc('+ECMTCONN: 0,2,2') }]);
    const p = session.connect({ clientId: 'a', username: 'b', password: 'c' });
    await vi.advanceTimersByTimeAsync(1500);
    const r = await p;
    expect(r).toMatchObject({ ok: false, failure: 'urc', urc: { result: 2 } });
    expect(r.explain?.en).toMatch(/could not be sent/);
  });

  it('times out a subscribe whose +ECMTSUB never comes and ignores an ack for another msgID', async () => {
    const { d, session } = setup({ ackTimeoutMs: 10_000 });
    const strays: unknown[] = [];
    session.on('strayUrc', (e) => strays.push(e));
    script(d, [{ expect: 'AT+ECMTSUB=0,1,"t",1', reply: OK + urc('+ECMTSUB: 0,7,0,1') }]);
    const p = session.subscribe('t', 1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await p).toMatchObject({ ok: false, failure: 'no-urc', msgId: 1 });
    expect(strays).toHaveLength(1);
  });
});

describe('ECMT session: subscribe, publish, messages', () => {
  it('allocates msgIDs, correlates +ECMTSUB by msgID and says the value is a count', async () => {
    const { d, session } = setup();
    script(d, [
      { expect: 'AT+ECMTSUB=0,1,"a",2', reply: OK + urc('+ECMTSUB: 0,1,0,1') },
      { expect: 'AT+ECMTSUB=0,2,"b",0', reply: OK + urc('+ECMTSUB: 0,2,0,1') },
    ]);
    const a = await session.subscribe('a', 2);
    const b = await session.subscribe('b', 0);
    expect([a.msgId, b.msgId]).toEqual([1, 2]);
    expect(a).toMatchObject({ ok: true, value: 1 });
    expect(a.explain?.en).toMatch(/count of SUBACK return codes/);
    expect([...session.subscriptions.keys()]).toEqual(['a', 'b']);
  });

  it('publishes a short payload inline and a multi-line one in prompt mode', async () => {
    const { d, session } = setup();
    const s = script(d, [
      { expect: 'AT+ECMTPUB=0,0,0,0,"t","temp 25, "ok" now"', reply: OK + urc('+ECMTPUB: 0,0,0') },
      { expect: 'AT+ECMTPUB=0,1,1,0,"t"', reply: '\r\n> ', data: '{\r\n  "a": 1\r\n}', afterData: OK + urc('+ECMTPUB: 0,1,0') },
    ]);
    const a = await session.publish('t', 'temp 25, "ok" now');
    expect(a).toMatchObject({ ok: true, mode: 'inline', msgId: 0 });
    const b = await session.publish('t', '{\r\n  "a": 1\r\n}', { qos: 1 });
    expect(b).toMatchObject({ ok: true, mode: 'prompt', msgId: 1 });
    expect(s.unexpected).toEqual([]);
  });

  it('refuses a payload neither mode can carry, before sending anything', async () => {
    const { d, session } = setup();
    const s = script(d, []);
    await expect(session.publish('t', 'a\x1ab')).rejects.toMatchObject({ code: 'ERR_PAYLOAD' });
    await expect(session.publish('t', 'x'.repeat(2000))).rejects.toMatchObject({ code: 'ERR_PAYLOAD' });
    await settle();
    expect(s.unexpected).toEqual([]);
    expect(d.host()).toBe('');
  });

  it('emits a message with the exact bytes of a multi-line payload', async () => {
    const { d, session } = setup();
    const got: MessageEvent[] = [];
    session.on('message', (m) => got.push(m));
    await d.say(urc('+ECMTRECV: 0,5,"dev/down",{\r\n  "cmd": "on",\r\n  "n": "中文"\r\n}') + urc('+ECMTSTAT: 0,1'));
    await settle();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ topic: 'dev/down', msgId: 5, boundary: 'certain' });
    expect(got[0]!.payload.toString('utf8')).toBe('{\r\n  "cmd": "on",\r\n  "n": "中文"\r\n}');
  });
});

describe('ECMT session: the module on its own', () => {
  it('reports link loss, the module reconnecting, and re-subscribes when asked', async () => {
    const { d, session } = setup({ resubscribe: true });
    script(d, [
      { expect: 'AT+ECMTSUB=0,1,"a",1', reply: OK + urc('+ECMTSUB: 0,1,0,1') },
      { expect: 'AT+ECMTSUB=0,2,"a",1', reply: OK + urc('+ECMTSUB: 0,2,0,1') },
    ]);
    await session.subscribe('a', 1);
    const events: string[] = [];
    session.on('linkLost', () => events.push('linkLost'));
    session.on('reconnected', (e) => events.push(`reconnected ${String(e.ok)}`));
    const resub = new Promise((r) => session.on('resubscribed', r));
    await d.say(urc('+ECMTSTAT: 0,1') + urc('+ECMTCONN: 0,0,0'));
    const results = (await resub) as Array<{ ok: boolean }>;
    expect(events).toEqual(['linkLost', 'reconnected true']);
    expect(results.map((r) => r.ok)).toEqual([true]);
  });

  it('reports an unsolicited +ECMTDISC as the end of the session', async () => {
    const { d, session } = setup();
    const ended = vi.fn();
    session.on('ended', ended);
    await d.say(urc('+ECMTDISC: 0,0'));
    await settle();
    expect(ended).toHaveBeenCalledTimes(1);
    expect(session.state).toBe('closed');
  });

  it('rejects every pending step when the module reboots, and forgets its state', async () => {
    const { d, session } = setup();
    script(d, [{ expect: /^AT\+ECMTSUB=/, reply: OK }]);
    const p = session.subscribe('a', 1);
    await d.hostWrote('AT+ECMTSUB');
    await settle();
    await d.say('\r\nRDY\r\n');
    await expect(p).rejects.toMatchObject({ code: 'ERR_MODULE_REBOOTED' });
    expect(session.state).toBe('closed');
    expect(session.subscriptions.size).toBe(0);
  });

  it('rejects a pending step with ERR_PORT_CLOSED when the port goes away', async () => {
    const { d, session } = setup();
    script(d, [{ expect: /^AT\+ECMTSUB=/, reply: OK }]);
    const p = session.subscribe('a', 1);
    await d.hostWrote('AT+ECMTSUB');
    await settle();
    d.pair.host.fail(new Error('unplugged'));
    await expect(p).rejects.toMatchObject({ code: 'ERR_PORT_CLOSED' });
  });
});

describe('ECMT session: the state is the host\'s observation, not a gate', () => {
  it('follows the module through its own moves and emits each change once, with the previous state', async () => {
    const { d, session } = setup();
    script(d, [{ expect: 'AT+ECMTCONN?', reply: OK }, { expect: 'AT+ECMTCONN=0,"dev1"', reply: OK + urc('+ECMTCONN: 0,0,0') }]);
    const seen: string[] = [];
    session.on('state', (next, prev) => seen.push(`${prev}->${next}`));
    expect((await session.connect({ clientId: 'dev1' })).ok).toBe(true);
    // ecmt.md: +ECMTSTAT = the link broke, the module reconnects by itself (+ECMTCONN nobody asked for), +ECMTDISC ends it
    await d.say(urc('+ECMTSTAT: 0,1'));
    await settle();
    expect(session.state).toBe('link-lost');
    await d.say(urc('+ECMTCONN: 0,0,0'));
    await settle();
    expect(session.state).toBe('connected');
    await d.say(urc('+ECMTDISC: 0,0'));
    await settle();
    expect(session.state).toBe('closed');
    expect(seen).toEqual(['closed->connecting', 'connecting->connected', 'connected->link-lost', 'link-lost->connected', 'connected->closed']);
  });

  it('sends a step the host thinks is out of place: the module\'s answer decides, and is explained', async () => {
    const { d, session } = setup();
    const s = script(d, [{ expect: 'AT+ECMTPUB=0,1,1,0,"t","x"', reply: urc('+CME ERROR: 3') }]);
    expect(session.state).toBe('closed');
    const r = await session.publish('t', 'x', { qos: 1 });
    expect(s.unexpected).toEqual([]);
    expect(s.remaining()).toBe(0);
    expect(r).toMatchObject({ ok: false, failure: 'rejected' });
    // ecmt.md §1–2: +CME ERROR: 3 on AT+ECMTPUB = operation not allowed (not connected, or a value over the limit)
    expect(r.note?.en).toMatch(/not connected/);
  });
});
