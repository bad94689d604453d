/**
 * The rough edges of the first hour (issue 18), each through the built CLI: the emulator on a real
 * pseudo-terminal where a module is needed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { parseTranscript } from '../../src/recording/reader.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const noSocat = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (noSocat) console.warn(`[test/cli/polish.test.ts: pseudo-terminal tests skipped] ${noSocat}`);

const tmp = mkdtempSync(join(tmpdir(), 'cat1-polish-'));
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

describe.skipIf(noSocat !== null)('issue 18, with the emulator on a pseudo-terminal', () => {
  let pty: PtyEmulator | null = null;
  afterEach(async () => {
    await pty?.stop();
    pty = null;
  });

  it('term with piped input is a script: :quit waits for the commands typed before it, each is answered and recorded; nothing after :quit is sent', async () => {
    pty = await startPtyEmulator();
    const record = join(tmp, 'script.jsonl');
    const r = await cat1(['term', '-p', pty.path, '--no-history', '--record', record], { input: 'AT+CGMI\nAT+CSQ\n:quit\nAT+CGMR\n' });
    expect(r.code, r.stderr).toBe(0);
    const out = plain(r.stdout);
    expect(out).toMatch(/→ {2}AT\+CGMI/);
    expect(out).toMatch(/← {2}cat1-bridge emulator/); // the emulator's AT+CGMI answer
    expect(out).toMatch(/→ {2}AT\+CSQ/);
    expect(out).toMatch(/← {2}\+CSQ: 24,99/);
    expect(out).not.toContain('AT+CGMR');
    // the recording: both commands went out, each followed by its OK; AT+CGMR never did
    const t = parseTranscript(readFileSync(record, 'utf8'), record);
    const flow = t.entries.filter((e) => e.dir !== 'note').map((e) => `${e.dir}:${e.data.toString('utf8')}`).join('');
    expect(flow).toMatch(/tx:AT\+CGMI\r[\s\S]*OK[\s\S]*tx:AT\+CSQ\r[\s\S]*\+CSQ: 24,99[\s\S]*OK/);
    expect(flow).not.toContain('AT+CGMR');
  });

  it('monitor: an OK with no command seen is not tagged on every line; the header says once why results come without their command', async () => {
    pty = await startPtyEmulator();
    const m = startCat1(['monitor', '--port', pty.path]);
    await m.waitFor(/monitoring .* \(passive/, 'stderr');
    // the host's command is not on the monitored line: the module's answers only
    await pty.emulator.port.write('\r\nOK\r\n\r\nOK\r\n');
    await m.waitFor(/OK[\s\S]*OK/);
    m.child.kill('SIGINT');
    expect(await m.exited).toBe(0);
    const okLines = plain(m.io.stdout).split('\n').filter((l) => /← {2}OK/.test(l));
    expect(okLines).toHaveLength(2);
    for (const l of okLines) expect(l).not.toMatch(/no command was waiting/);
    expect(m.io.stderr.match(/the host's commands are not visible to a monitor/g)).toHaveLength(1);
  });

  it('emulate: the live timeline shows an unknown command before the ERROR it gets', async () => {
    const e = startCat1(['emulate']);
    const ready = await e.waitFor(/emulator ready: (\S+)/);
    const port = await SerialModemPort.open({ path: ready[1]! });
    try {
      await port.write('AT+NOSUCHCMD\r');
      await e.waitFor(/ERROR/);
    } finally {
      await port.close();
    }
    e.child.kill('SIGINT');
    expect(await e.exited).toBe(0);
    const out = plain(e.io.stdout);
    const cmd = out.indexOf('AT+NOSUCHCMD');
    const err = out.indexOf('ERROR');
    expect(cmd).toBeGreaterThanOrEqual(0);
    expect(cmd).toBeLessThan(err);
  });

  it('ports --lang zh: the columns line up on the terminal (CJK headers count two columns each)', async () => {
    pty = await startPtyEmulator();
    const r = await cat1(['ports', '--include', pty.path, '--probe', '--lang', 'zh']);
    expect(r.code, r.stderr).toBe(0);
    const table = r.stdout.split('\n\n')[0]!.split('\n');
    expect(table[0]).toMatch(/^端口 +BY-ID 名称 +VID:PID +厂商 \/ 产品 +序列号 +接口 +占用者 +AT$/);
    /** display columns where each cell starts (cells are separated by two spaces or more) */
    const starts = (line: string): number[] => {
      const cols: number[] = [0];
      for (const m of line.matchAll(/ {2,}/g)) cols.push(stringWidth(line.slice(0, m.index + m[0].length)));
      return cols;
    };
    const head = starts(table[0]!);
    expect(head).toHaveLength(8);
    const row = table.find((l) => l.startsWith(pty!.path))!;
    expect(row).toBeDefined();
    expect(starts(row)).toEqual(head);
  });
});

describe('issue 18, without a module', () => {
  it('a regular file or /dev/null as --port: "not a serial device", one line, exit 3', async () => {
    const file = join(tmp, 'regular.txt');
    writeFileSync(file, 'not a tty\n');
    for (const p of ['/dev/null', file]) {
      const r = await cat1(['at', '--port', p, 'AT']);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(`cat1: cannot open ${p}: not a serial device (a file or a device without a serial line; run "cat1 ports" to list candidates)\n`);
    }
  });

  it.each([
    [['at', 'AT', '-p', '/dev/null', '--timeout', 'abc'], /--timeout must be a number of seconds between 0 and 3600 \(got abc\)/],
    [['at', 'AT', '-p', '/dev/null', '--timeout=1x'], /\(got 1x\)/],
    [['at', 'AT', '-p', '/dev/null', '--wait', 'soon'], /--wait must be a number of seconds >= 0 \(got soon\)/],
    [['monitor', '-p', '/dev/null', '--duration', 'forever'], /--duration must be a number of seconds > 0 \(got forever\)/],
  ])('%j: the message echoes what was typed, never NaN; exit 2', async (args, re) => {
    const r = await cat1(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/NaN/);
  });
});
