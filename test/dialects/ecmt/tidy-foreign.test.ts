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

describe('EcmtTidy never tears down a session the run did not open', () => {
  it('a connection found by AT+ECMTOPEN?/AT+ECMTCONN? is foreign: a CONN over it owes nothing, the tidy sends nothing', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    await exchange(d, 'AT+ECMTOPEN?', '\r\n+ECMTOPEN:0,"10.0.0.5",1883\r\n\r\nOK\r\n');
    await exchange(d, 'AT+ECMTCONN?', '\r\n+ECMTCONN:0,3\r\n\r\nOK\r\n');
    expect(t.foreign).toBe(true);
    // even a command that would normally create a debt (a run gone wrong) does not make it ours
    await exchange(d, 'AT+ECMTCONN=0,"id","u","p"', '\r\nOK\r\n');
    expect(t.owed).toBe('none');
    expect(await t.tidy()).toEqual([]);
  });

  it('nothing open (the read forms answer only OK): nothing foreign, the run\'s own OPEN is owed as before', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    await exchange(d, 'AT+ECMTOPEN?', '\r\nOK\r\n');
    await exchange(d, 'AT+ECMTCONN?', '\r\nOK\r\n');
    expect(t.foreign).toBe(false);
    await exchange(d, 'AT+ECMTOPEN=0,"b",1883', '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
    expect(t.owed).toBe('close');
    // the run's own session shows in the read forms too: still the run's, still owed
    await exchange(d, 'AT+ECMTCONN?', '\r\n+ECMTCONN:0,3\r\n\r\nOK\r\n');
    expect(t.foreign).toBe(false);
    expect(t.owed).toBe('close');
  });

  it('--reconnect: the run ends the foreign session itself (AT+ECMTDISC); what it opens afterwards is owed', async () => {
    const d = dialogue();
    const t = new EcmtTidy(d.engine);
    await exchange(d, 'AT+ECMTOPEN?', '\r\n+ECMTOPEN:0,"10.0.0.5",1883\r\n\r\nOK\r\n');
    expect(t.foreign).toBe(true);
    await exchange(d, 'AT+ECMTDISC=0', '\r\nOK\r\n\r\n+ECMTDISC: 0,0\r\n');
    expect(t.foreign).toBe(false);
    await exchange(d, 'AT+ECMTOPEN=0,"10.0.0.5",1883', '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
    await exchange(d, 'AT+ECMTCONN=0,"id","u","p"', '\r\nOK\r\n');
    expect(t.owed).toBe('disc');
  });
});
