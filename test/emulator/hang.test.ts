/**
 * The "hang" fault: a firmware that stops answering (a stopped process, a dead-locked task).
 * Raw bytes in, exactly what the module wrote out: after the trigger, nothing at all.
 */
import { describe, expect, it } from 'vitest';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { checkFaults, type FaultOptions } from '../../src/emulator/options.js';
import { parseFaults } from '../../src/cli/commands/emulate-run.js';
import { createPortPair } from '../../src/port/memory.js';
import { waitFor } from './harness.js';

/** Send each line, wait for its final result (or for the fault), collect the output text. */
async function drive(faults: FaultOptions, lines: string[], echo = false): Promise<{ out: string; answered: string[]; hungAt: string | null; em: EcmtEmulator; write: (s: string) => Promise<void> }> {
  const pair = createPortPair();
  const em = new EcmtEmulator(pair.module, { faults, echo });
  let out = '';
  pair.host.on('data', (b) => (out += b.toString('latin1')));
  const answered: string[] = [];
  let hungAt: string | null = null;
  em.on('answered', (f) => answered.push(f));
  em.on('fault', (kind, detail) => {
    if (kind === 'hang') hungAt = detail;
  });
  for (const l of lines) {
    // each command ends either with its final result or with the hang fault: both are events
    const done = Promise.race([waitFor(em, 'answered'), waitFor(em, 'fault', (kind) => kind === 'hang')]);
    await pair.host.write(`${l}\r`);
    await done;
  }
  return { out, answered, hungAt, em, write: (s) => pair.host.write(s) };
}

describe('emulator fault "hang"', () => {
  it('hang after n commands: the first n are answered, then nothing — no answer, no echo of later input', async () => {
    const r = await drive({ hang: { afterCommands: 2 } }, ['AT', 'AT+CSQ', 'AT+CGMR'], true);
    expect(r.answered).toEqual(['OK', 'OK']);
    expect(r.hungAt).toMatch(/hangs at AT\+CGMR/);
    expect(r.em.hung).toBe(true);
    const before = r.out;
    expect(before).toContain('+CSQ: ');
    // the line it hangs on was read (echoed as it came in, like the UART driver does) but never answered
    expect(before.endsWith('AT+CGMR\r')).toBe(true);
    // a later command is not even read
    await r.write('AT\r');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(r.out).toBe(before);
    await r.em.close();
  });

  it('hang at a named command: everything before it is answered; reboot() brings it back', async () => {
    const r = await drive({ hang: { atCommand: 'AT+ECMTSUB' } }, ['AT', 'AT+ECMTSUBX?', 'AT+ECMTSUB=0,1,"a/b",1']);
    // AT+ECMTSUBX is another name (answered ERROR), the real AT+ECMTSUB hangs
    expect(r.answered).toEqual(['OK', 'ERROR']);
    expect(r.hungAt).toMatch(/AT\+ECMTSUB=0,1/);
    const banner = waitFor(r.em, 'output', (b) => b.toString('latin1').includes('RDY'));
    r.em.reboot();
    expect(r.em.hung).toBe(false);
    await banner;
    const answered = waitFor(r.em, 'answered');
    await r.write('AT\r');
    expect(await answered).toEqual(['OK']);
    await r.em.close();
  });

  it('options are checked: exactly one trigger, a count or a command name', () => {
    expect(() => checkFaults({ hang: {} })).toThrow(/exactly one of afterCommands/);
    expect(() => checkFaults({ hang: { afterCommands: 1, atCommand: 'AT' } })).toThrow(/exactly one/);
    expect(() => checkFaults({ hang: { afterCommands: -1 } })).toThrow(/hang\.afterCommands/);
    expect(() => checkFaults({ hang: { atCommand: 'ECMTSUB=' } })).toThrow(/hang\.atCommand/);
  });

  it('--fault hang=<n> and --fault hang=<command> on the command line', () => {
    expect(parseFaults(['hang=5'])).toEqual({ hang: { afterCommands: 5 } });
    expect(parseFaults(['hang=at+ecmtsub'])).toEqual({ hang: { atCommand: 'AT+ECMTSUB' } });
    expect(() => parseFaults(['hang'])).toThrow(/--fault hang: give a value, e.g. --fault hang=AT\+ECMTSUB/);
    expect(() => parseFaults(['hang=soon'])).toThrow(/a number of commands answered first/);
  });
});
