import { describe, expect, it } from 'vitest';
import { getDialect } from '../../../src/dialects/index.js';
import { SessionTidy } from '../../../src/dialects/tidy.js';
import { dialogue } from '../../helpers/dialogue.js';

/**
 * The close-on-exit tidy of a Quectel QMT module. Oracles: shared/protocol/qmt.md — the command
 * table (`AT+QMTDISC=<idx>` → `OK` → `+QMTDISC: <idx>,<result>`, `AT+QMTCLOSE=<idx>` →
 * `+QMTCLOSE: <idx>,<result>`), §1 "After +QMTSTAT the client is closed", the read forms
 * (`+QMTOPEN: <idx>,"<host>",<port>` per open client, `+QMTCONN: <idx>,<state>`, 3 connected).
 */
async function exchange(d: ReturnType<typeof dialogue>, command: string, answer: string): Promise<void> {
  const p = d.engine.send(command);
  await d.hostWrote(`${command}\r`);
  await d.say(answer);
  await p;
}

const qmtTidy = (d: ReturnType<typeof dialogue>): SessionTidy => new SessionTidy(d.engine, getDialect('qmt'));

describe('SessionTidy for a QMT module', () => {
  it('owes a close after AT+QMTOPEN, a disconnect after AT+QMTCONN, on the client the run used; the tidy sends AT+QMTDISC=<idx> and waits for +QMTDISC', async () => {
    const d = dialogue();
    const t = qmtTidy(d);
    await exchange(d, 'AT+QMTOPEN=2,"b",1883', '\r\nOK\r\n\r\n+QMTOPEN: 2,0\r\n');
    expect([t.owed, t.client, t.firstCommand]).toEqual(['close', 2, 'AT+QMTCLOSE=2']);
    await exchange(d, 'AT+QMTCONN=2,"id","u","p"', '\r\nOK\r\n\r\n+QMTCONN: 2,0,0\r\n');
    expect([t.owed, t.firstCommand]).toEqual(['disc', 'AT+QMTDISC=2']);
    const done = t.tidy({ urcWaitMs: 60_000 });
    await d.hostWrote('AT+QMTDISC=2\r');
    // another client's result does not confirm this one
    await d.say('\r\nOK\r\n\r\n+QMTDISC: 1,0\r\n\r\n+QMTDISC: 2,0\r\n');
    const steps = await done;
    expect(steps.map((s) => [s.command, s.outcome?.status, s.urc?.raw ?? null])).toEqual([['AT+QMTDISC=2', 'ok', '+QMTDISC: 2,0']]);
    expect(t.owed).toBe('none');
    expect(d.host()).not.toMatch(/ECMT/);
  });

  it('a refused disconnect (opened, not connected) falls back to AT+QMTCLOSE', async () => {
    const d = dialogue();
    const t = qmtTidy(d);
    await exchange(d, 'AT+QMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n');
    await exchange(d, 'AT+QMTCONN=0,"id"', '\r\nOK\r\n\r\n+QMTCONN: 0,0,5\r\n');
    expect(t.owed).toBe('disc');
    const done = t.tidy({ urcWaitMs: 60_000 });
    await d.hostWrote('AT+QMTDISC=0\r');
    await d.say('\r\nERROR\r\n');
    await d.hostWrote('AT+QMTCLOSE=0\r');
    await d.say('\r\nOK\r\n\r\n+QMTCLOSE: 0,0\r\n');
    const steps = await done;
    expect(steps.map((s) => [s.command, s.outcome?.status, s.urc?.raw ?? null])).toEqual([
      ['AT+QMTDISC=0', 'error', null],
      ['AT+QMTCLOSE=0', 'ok', '+QMTCLOSE: 0,0'],
    ]);
  });

  it('nothing is owed after a failed +QMTOPEN, or after +QMTSTAT on the client (QMT does not reconnect: the client is closed)', async () => {
    const d = dialogue();
    const t = qmtTidy(d);
    await exchange(d, 'AT+QMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+QMTOPEN: 0,3\r\n');
    expect(t.owed).toBe('none');
    await exchange(d, 'AT+QMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n');
    await exchange(d, 'AT+QMTCONN=0,"id"', '\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n');
    // a link loss on another client leaves this one owed
    await d.say('\r\n+QMTSTAT: 1,1\r\n');
    await exchange(d, 'AT', '\r\nOK\r\n');
    expect(t.owed).toBe('disc');
    await d.say('\r\n+QMTSTAT: 0,1\r\n');
    await exchange(d, 'AT', '\r\nOK\r\n');
    expect(t.owed).toBe('none');
    expect(await t.tidy()).toEqual([]);
  });

  it('a session found by AT+QMTOPEN?/AT+QMTCONN? is foreign: never torn down', async () => {
    const d = dialogue();
    const t = qmtTidy(d);
    await exchange(d, 'AT+QMTOPEN?', '\r\n+QMTOPEN: 0,"10.0.0.5",1883\r\n\r\nOK\r\n');
    await exchange(d, 'AT+QMTCONN?', '\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n');
    expect(t.foreign).toBe(true);
    await exchange(d, 'AT+QMTCONN=0,"id"', '\r\nOK\r\n');
    expect(t.owed).toBe('none');
    expect(await t.tidy()).toEqual([]);
  });

  it('+QMTSTAT while the AT+QMTDISC is in flight: the module refuses it, the tidy stops and names the URC that closed the client', async () => {
    const d = dialogue();
    const t = qmtTidy(d);
    await exchange(d, 'AT+QMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+QMTOPEN: 0,0\r\n');
    await exchange(d, 'AT+QMTCONN=0,"id"', '\r\nOK\r\n\r\n+QMTCONN: 0,0,0\r\n');
    const done = t.tidy({ urcWaitMs: 60_000 });
    await d.hostWrote('AT+QMTDISC=0\r');
    await d.say('\r\n+QMTSTAT: 0,1\r\n\r\nERROR\r\n');
    const steps = await done;
    expect(steps.map((s) => [s.command, s.outcome?.status])).toEqual([['AT+QMTDISC=0', 'error']]);
    expect(t.closedBy?.raw).toBe('+QMTSTAT: 0,1');
    expect(d.host()).not.toContain('AT+QMTCLOSE');
  });
});
