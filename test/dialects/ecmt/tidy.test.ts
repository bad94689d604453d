import { describe, expect, it } from 'vitest';
import { EcmtTidy } from '../../../src/dialects/ecmt/tidy.js';
import { dialogue } from '../../helpers/dialogue.js';

/** Send a command and have the module answer `answer`. */
async function exchange(d: ReturnType<typeof dialogue>, command: string, answer: string): Promise<void> {
  const p = d.engine.send(command);
  await d.hostWrote(`${command}\r`);
  await d.say(answer);
  await p;
}

describe('EcmtTidy: what a run owes the module', () => {
  it('follows what was really written: a link after OPEN, a connection after CONN, nothing after an accepted DISC', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    expect(t.owed).toBe('none');
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
    expect(t.owed).toBe('close');
    await exchange(d, 'AT+ECMTCONN=0,"id","u","p"', '\r\nOK\r\n');
    expect(t.owed).toBe('disc');
    // the module giving up its reconnects does not free the context: still owed
    await d.say('\r\n+ECMTDISC: 0,0\r\n');
    expect(t.owed).toBe('disc');
    await exchange(d, 'AT+ECMTDISC=0', '\r\nOK\r\n');
    expect(t.owed).toBe('none');
  });

  it('owes nothing for a refused OPEN or a failed +ECMTOPEN (the firmware deletes the context), or after a reboot', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\n+CME ERROR: 3\r\n');
    expect(t.owed).toBe('none');
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+ECMTOPEN: 0,-1\r\n');
    expect(t.owed).toBe('none');
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\nOK\r\n');
    expect(t.owed).toBe('close');
    await d.say('\r\nRDY\r\n');
    expect(t.owed).toBe('none');
  });

  it('tidy: AT+ECMTCLOSE for a link still opening, AT+ECMTDISC when the CLOSE is refused, each with its URC', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\nOK\r\n');
    const done = t.tidy({ urcWaitMs: 60_000 });
    await d.hostWrote('AT+ECMTCLOSE=0\r');
    await d.say('\r\n+CME ERROR: 3\r\n');
    await d.hostWrote('AT+ECMTDISC=0\r');
    await d.say('\r\nOK\r\n\r\n+ECMTDISC: 0,0\r\n');
    const steps = await done;
    expect(steps.map((s) => [s.command, s.outcome?.status, s.urc?.raw ?? null])).toEqual([
      ['AT+ECMTCLOSE=0', 'error', null],
      ['AT+ECMTDISC=0', 'ok', '+ECMTDISC: 0,0'],
    ]);
    expect(t.owed).toBe('none');
    expect(await t.tidy()).toEqual([]);
  });
});
