import { describe, expect, it } from 'vitest';
import { SerialModemPort } from '../../src/port/serial.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';
import { term } from '../emulator/qmt-harness.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/emulate-qmt.test.ts: pseudo-terminal test skipped] ${reason}`);

describe('cat1 emulate --dialect qmt', () => {
  it.skipIf(reason !== null)('--dialect qmt --model BG96 --json: the ready line names the dialect and model; the device answers ATI as a Quectel BG96 with echo on', async () => {
    const e = startCat1(['emulate', '--dialect', 'qmt', '--model', 'BG96', '--json', '--quiet']);
    try {
      const m = await e.waitFor(/^.*\n/);
      const ready = JSON.parse(m[0]) as Record<string, unknown>;
      expect(ready).toMatchObject({ type: 'ready', dialect: 'qmt', model: 'BG96' });
      const port = await SerialModemPort.open({ path: String(ready['path']) });
      try {
        const t = term(port);
        expect(await t.cmd('ATI')).toBe('ATI\r\r\nQuectel\r\nBG96\r\nRevision: EMU_BG96_V0.1 (emulated firmware)\r\n\r\nOK\r\n');
        expect(await t.cmd('AT+QMTPUB=?')).toBe('AT+QMTPUB=?\r\r\n+QMTPUB: (0-5),<msgid>,(0-2),(0,1),"topic",(1-1548)\r\n\r\nOK\r\n');
      } finally {
        await port.close();
      }
    } finally {
      e.child.kill('SIGINT');
    }
    expect(await e.exited).toBe(0);
  });

  it('refuses --model without --dialect qmt with a one-line usage error (exit 2)', async () => {
    const r = await cat1(['emulate', '--model', 'EC800N']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--model');
  });
});
