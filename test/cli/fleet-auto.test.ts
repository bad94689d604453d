/**
 * `cat1 fleet --ports auto` on a machine laid out like Linux's sysfs and /dev (as
 * test/port/list.test.ts builds one), pointed at by CAT1_SYSFS_ROOT and CAT1_DEV_ROOT: two USB
 * modules of a documented VID:PID (19d1:0001, AT on interface 3) and an unknown cdc_acm device.
 * Their device nodes are links to real pseudo-terminals (socat): the emulator behind some, nothing
 * behind others. Only the AT interfaces are taken; one that does not answer, or is held by another program, is
 * reported, not fatal.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { openPtyPair, type PtyPair } from '../../src/port/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/fleet-auto.test.ts skipped] ${reason}`);

const imei = (n: number): string => `86${String(n).padStart(13, '0')}`;
type Obj = Record<string, unknown>;
const parse = (s: string): Obj[] => s.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Obj);

function file(p: string, content = ''): void {
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}
function link(target: string, p: string): void {
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

describe.skipIf(reason !== null)('cat1 fleet --ports auto', () => {
  let root: string;
  let sys: string;
  let dev: string;
  const emulators: PtyEmulator[] = [];
  const silent: PtyPair[] = [];
  let holder: SerialModemPort | undefined;

  /** A USB device with usb-serial ttys on the `option` driver, one per interface, as sysfs shows them. */
  function usbModule(bus: string, d: { vid: string; pid: string; serial: string }, ttys: Array<[number, string]>): void {
    const usb = join(sys, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', bus);
    file(join(usb, 'idVendor'), `${d.vid}\n`);
    file(join(usb, 'idProduct'), `${d.pid}\n`);
    file(join(usb, 'serial'), `${d.serial}\n`);
    for (const [ifnum, tty] of ttys) {
      const iface = join(usb, `${basename(usb)}:1.${ifnum}`);
      file(join(iface, 'bInterfaceNumber'), `${ifnum.toString(16).padStart(2, '0')}\n`);
      link(join(sys, 'bus', 'usb', 'drivers', 'option'), join(iface, 'driver'));
      const ttyDev = join(iface, tty);
      link(join(sys, 'bus', 'usb-serial', 'drivers', 'option1'), join(ttyDev, 'driver'));
      link(join(sys, 'bus', 'usb-serial'), join(ttyDev, 'subsystem'));
      const classDir = join(ttyDev, 'tty', tty);
      link('../../../' + tty, join(classDir, 'device'));
      link(classDir, join(sys, 'class', 'tty', tty));
    }
  }

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'cat1-auto-')));
    sys = join(root, 'sys');
    dev = join(root, 'dev');
    for (const d of ['bus/usb/drivers/option', 'bus/usb/drivers/cdc_acm', 'bus/usb-serial/drivers/option1']) mkdirSync(join(sys, d), { recursive: true });
    // module A: the emulator on its AT interface (3) and on a diagnostic one (2); nothing on 4
    usbModule('1-2', { vid: '19d1', pid: '0001', serial: 'RACK-A' }, [[2, 'ttyUSB0'], [3, 'ttyUSB1'], [4, 'ttyUSB2']]);
    // module B: its AT interface is a port with nothing behind it
    usbModule('1-3', { vid: '19d1', pid: '0001', serial: 'RACK-B' }, [[2, 'ttyUSB3'], [3, 'ttyUSB4'], [4, 'ttyUSB5']]);
    // an unknown device (cdc_acm, VID:PID not documented), the emulator behind it: not a module's AT port
    const acm = join(sys, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', '1-4');
    file(join(acm, 'idVendor'), '1234\n');
    file(join(acm, 'idProduct'), 'abcd\n');
    const acmIf = join(acm, '1-4:1.0');
    file(join(acmIf, 'bInterfaceNumber'), '00\n');
    link(join(sys, 'bus', 'usb', 'drivers', 'cdc_acm'), join(acmIf, 'driver'));
    link('../../../1-4:1.0', join(acmIf, 'tty', 'ttyACM0', 'device'));
    link(join(acmIf, 'tty', 'ttyACM0'), join(sys, 'class', 'tty', 'ttyACM0'));

    const emu = async (tty: string, n: number): Promise<void> => {
      const e = await startPtyEmulator({ identity: { imei: imei(n) } });
      emulators.push(e);
      link(realpathSync(e.path), join(dev, tty));
    };
    const none = async (tty: string): Promise<void> => {
      const p = await openPtyPair();
      silent.push(p);
      link(realpathSync(p.path), join(dev, tty));
    };
    await emu('ttyUSB1', 201);
    await emu('ttyUSB0', 202);
    await none('ttyUSB2');
    await none('ttyUSB4');
    await emu('ttyACM0', 203);
    // module C: its AT port held open by another program (this test process)
    usbModule('1-5', { vid: '19d1', pid: '0001', serial: 'RACK-C' }, [[3, 'ttyUSB7']]);
    const held = await startPtyEmulator({ identity: { imei: imei(204) } });
    emulators.push(held);
    link(realpathSync(held.path), join(dev, 'ttyUSB7'));
    holder = await SerialModemPort.open({ path: held.path, baudRate: 115200 });
    // ttyUSB3 and ttyUSB5: in sysfs, no device node (unplugged half-way): never opened
  }, 60_000);
  afterAll(async () => {
    await holder?.close();
    await Promise.all([...emulators.map((e) => e.stop()), ...silent.map((p) => p.stop())]);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('takes every port listed as a module\'s AT port; one that does not answer and one held by another program are reported unreachable, the others go on; exit 1', async () => {
    const r = await cat1(['fleet', 'at', '--ports', 'auto', '--client-id', 'eol-{serial}', '--json', '--timeout', '0.5', 'AT+CGSN'], { env: { CAT1_SYSFS_ROOT: sys, CAT1_DEV_ROOT: dev } });
    const objs = parse(r.stdout);
    const ends = objs.filter((o) => o['type'] === 'module');
    // the AT interfaces (3) of the two modules, nothing else: not the diagnostic interface, not the unknown device
    expect(ends.map((o) => o['port']).sort()).toEqual([join(dev, 'ttyUSB1'), join(dev, 'ttyUSB4'), join(dev, 'ttyUSB7')]);
    const a = ends.find((o) => o['port'] === join(dev, 'ttyUSB1'))!;
    expect(a).toMatchObject({ outcome: 'pass', module: imei(201), clientId: 'eol-RACK-A' });
    const b = ends.find((o) => o['port'] === join(dev, 'ttyUSB4'))!;
    expect(b).toMatchObject({ outcome: 'unreachable', clientId: 'eol-RACK-B' });
    // the busy one: reported with what stopped it, the run goes on
    const c = ends.find((o) => o['port'] === join(dev, 'ttyUSB7'))!;
    expect(c).toMatchObject({ outcome: 'unreachable', clientId: 'eol-RACK-C' });
    expect(c['summary']).toMatch(/the port is in use by another program/);
    expect(objs.at(-1)).toMatchObject({ type: 'fleet', modules: 3, passed: 1, unreachable: 2, exit: 1 });
    expect(r.code, r.stderr).toBe(1);
  }, 60_000);

  it('no module at all: one line saying so, naming cat1 ports, exit 3', async () => {
    const empty = join(root, 'empty');
    mkdirSync(join(empty, 'sys'), { recursive: true });
    mkdirSync(join(empty, 'dev'), { recursive: true });
    const r = await cat1(['fleet', 'at', '--ports', 'auto', 'AT'], { env: { CAT1_SYSFS_ROOT: join(empty, 'sys'), CAT1_DEV_ROOT: join(empty, 'dev') } });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--ports auto: no port is known as a module's AT port \(run "cat1 ports"/);
  }, 30_000);
});
