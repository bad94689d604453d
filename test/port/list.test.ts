import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_MODULES, knownModule, listPorts, scanProcesses, type ListPortsOptions, type PortInfo } from '../../src/port/list.js';

/**
 * A fake Linux machine in a temp dir, laid out like the real sysfs/dev/proc:
 * - a USB module 19d1:0001 with three serial interfaces (2, 3, 4) on the `option` driver:
 *   ttyUSB0..2, with by-id and by-path links for ttyUSB0;
 * - a cdc_acm device (unknown VID:PID) on ttyACM0;
 * - a real UART ttyS0 behind the Linux 6.3+ serial-base port/ctrl devices, and an 8250
 *   placeholder ttyS5 (type 0) that must not be listed; a virtual console tty1 (no device link);
 * - /dev/ttyUSB9 with nothing in sysfs (found by the /dev scan);
 * - /proc: ModemManager holding ttyUSB2, picocom holding ttyACM0, socat owning the pty
 *   /dev/pts/7 (master via ptmx + tty-index, and the slave), gpsd whose fds are unreadable,
 *   and this process (selfPid) holding ttyUSB0, which never counts.
 */
let root: string;
let sys: string;
let dev: string;
let proc: string;
let etc: string;
const SELF = 4242;

function file(p: string, content = ''): void {
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}
function link(target: string, p: string): void {
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

/** A USB device dir with its descriptor files. */
function usbDevice(dir: string, d: { vid: string; pid: string; manufacturer?: string; product?: string; serial?: string }): void {
  file(join(dir, 'idVendor'), `${d.vid}\n`);
  file(join(dir, 'idProduct'), `${d.pid}\n`);
  if (d.manufacturer) file(join(dir, 'manufacturer'), `${d.manufacturer}\n`);
  if (d.product) file(join(dir, 'product'), `${d.product}\n`);
  if (d.serial) file(join(dir, 'serial'), `${d.serial}\n`);
}

/** A USB interface with a usb-serial tty under it (ttyUSB*), as the option driver makes them. */
function usbSerialTty(usbDir: string, ifnum: number, tty: string, driver: string, ifname?: string): void {
  const iface = join(usbDir, `${basename(usbDir)}:1.${ifnum}`);
  file(join(iface, 'bInterfaceNumber'), `${ifnum.toString(16).padStart(2, '0')}\n`);
  if (ifname) file(join(iface, 'interface'), `${ifname}\n`);
  link(join(sys, 'bus', 'usb', 'drivers', driver), join(iface, 'driver'));
  const ttyDev = join(iface, tty);
  link(join(sys, 'bus', 'usb-serial', 'drivers', `${driver}1`), join(ttyDev, 'driver'));
  link(join(sys, 'bus', 'usb-serial'), join(ttyDev, 'subsystem'));
  const classDir = join(ttyDev, 'tty', tty);
  link('../../../' + tty, join(classDir, 'device'));
  link(classDir, join(sys, 'class', 'tty', tty));
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'cat1-list-')));
  sys = join(root, 'sys');
  dev = join(root, 'dev');
  proc = join(root, 'proc');
  etc = join(root, 'etc');
  for (const d of ['bus/usb/drivers/option', 'bus/usb/drivers/cdc_acm', 'bus/usb-serial/drivers/option1', 'bus/serial-base', 'bus/pnp/drivers/serial', 'bus/pnp']) mkdirSync(join(sys, d), { recursive: true });

  // the module: three interfaces
  const usb = join(sys, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', '1-2');
  usbDevice(usb, { vid: '19d1', pid: '0001', manufacturer: 'AirM2M', product: 'Air780E', serial: 'ABC123' });
  usbSerialTty(usb, 2, 'ttyUSB0', 'option', 'AT Port');
  usbSerialTty(usb, 3, 'ttyUSB1', 'option');
  usbSerialTty(usb, 4, 'ttyUSB2', 'option');

  // a cdc_acm device: the tty's device is the interface itself
  const acm = join(sys, 'devices', 'pci0000:00', '0000:00:14.0', 'usb1', '1-3');
  usbDevice(acm, { vid: '1234', pid: 'abcd', product: 'Widget' });
  const acmIf = join(acm, '1-3:1.0');
  file(join(acmIf, 'bInterfaceNumber'), '00\n');
  link(join(sys, 'bus', 'usb', 'drivers', 'cdc_acm'), join(acmIf, 'driver'));
  link('../../../1-3:1.0', join(acmIf, 'tty', 'ttyACM0', 'device'));
  link(join(acmIf, 'tty', 'ttyACM0'), join(sys, 'class', 'tty', 'ttyACM0'));

  // a real UART behind serial-base port/ctrl devices (Linux 6.3+)
  const pnp = join(sys, 'devices', 'pnp0', '00:05');
  link(join(sys, 'bus', 'pnp'), join(pnp, 'subsystem'));
  link(join(sys, 'bus', 'pnp', 'drivers', 'serial'), join(pnp, 'driver'));
  const port = join(pnp, '00:05:0', '00:05:0.0');
  link(join(sys, 'bus', 'serial-base'), join(pnp, '00:05:0', 'subsystem'));
  link(join(sys, 'bus', 'serial-base'), join(port, 'subsystem'));
  link('../../../00:05:0.0', join(port, 'tty', 'ttyS0', 'device'));
  file(join(port, 'tty', 'ttyS0', 'type'), '4\n');
  link(join(port, 'tty', 'ttyS0'), join(sys, 'class', 'tty', 'ttyS0'));

  // an 8250 placeholder and a virtual console
  const ph = join(sys, 'devices', 'platform', 'serial8250');
  mkdirSync(ph, { recursive: true });
  link('../../../serial8250', join(ph, 'tty', 'ttyS5', 'device'));
  file(join(ph, 'tty', 'ttyS5', 'type'), '0\n');
  link(join(ph, 'tty', 'ttyS5'), join(sys, 'class', 'tty', 'ttyS5'));
  mkdirSync(join(sys, 'devices', 'virtual', 'tty', 'tty1'), { recursive: true });
  link(join(sys, 'devices', 'virtual', 'tty', 'tty1'), join(sys, 'class', 'tty', 'tty1'));

  // /dev
  for (const n of ['ttyUSB0', 'ttyUSB1', 'ttyUSB2', 'ttyACM0', 'ttyS0', 'ttyS5', 'tty1', 'ttyUSB9', 'ptmx', 'pts/7', 'null']) file(join(dev, n));
  link('../../ttyUSB0', join(dev, 'serial', 'by-id', 'usb-AirM2M_Air780E_ABC123-if02-port0'));
  link('../../ttyUSB0', join(dev, 'serial', 'by-path', 'pci-0000:00:14.0-usb-0:2:1.2-port0'));
  link(join(dev, 'pts', '7'), join(root, 'ttyV0'));

  // /proc
  file(join(proc, '812', 'comm'), 'ModemManager\n');
  link(join(dev, 'null'), join(proc, '812', 'fd', '0'));
  link(join(dev, 'ttyUSB2'), join(proc, '812', 'fd', '9'));
  file(join(proc, '900', 'comm'), 'picocom\n');
  link(join(dev, 'ttyACM0'), join(proc, '900', 'fd', '3'));
  link(join(dev, 'ttyACM0'), join(proc, '900', 'fd', '4')); // twice: listed once
  file(join(proc, '940', 'comm'), 'socat\n');
  link(join(dev, 'ptmx'), join(proc, '940', 'fd', '5'));
  file(join(proc, '940', 'fdinfo', '5'), 'pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t91\ntty-index:\t7\n');
  link(join(dev, 'pts', '7'), join(proc, '940', 'fd', '6'));
  file(join(proc, '77', 'comm'), 'gpsd\n'); // no fd dir: another user's process, unreadable
  file(join(proc, String(SELF), 'comm'), 'node\n');
  link(join(dev, 'ttyUSB0'), join(proc, String(SELF), 'fd', '20'));
  file(join(proc, 'self'), ''); // not a pid
  file(join(etc, 'group'), 'root:x:0:\ndialout:x:20:\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const opts = (more: Partial<ListPortsOptions> = {}): ListPortsOptions => ({ sysRoot: sys, devRoot: dev, procRoot: proc, etcRoot: etc, platform: 'linux', selfPid: SELF, ...more });
const byName = (ports: PortInfo[], name: string): PortInfo => {
  const p = ports.find((x) => x.path === join(dev, name));
  if (!p) throw new Error(`${name} not listed: ${ports.map((x) => x.path).join(', ')}`);
  return p;
};

describe('listPorts without udev (sysfs, /dev and /proc fallback)', () => {
  it('lists the USB, ACM and UART ports, sorted, and never a placeholder or a virtual console', async () => {
    const ports = await listPorts(opts());
    expect(ports.map((p) => p.path.slice(dev.length + 1))).toEqual(['ttyACM0', 'ttyS0', 'ttyUSB0', 'ttyUSB1', 'ttyUSB2', 'ttyUSB9']);
  });

  it('reads VID:PID, manufacturer, product, serial, driver and the interface number of each port of a module', async () => {
    const ports = await listPorts(opts());
    const expected = { vid: '19d1', pid: '0001', manufacturer: 'AirM2M', product: 'Air780E', serialNumber: 'ABC123', driver: 'option', source: 'sysfs', access: 'ok' };
    expect(byName(ports, 'ttyUSB0')).toMatchObject({ ...expected, interface: 2, interfaceName: 'AT Port' });
    expect(byName(ports, 'ttyUSB1')).toMatchObject({ ...expected, interface: 3 });
    expect(byName(ports, 'ttyUSB2')).toMatchObject({ ...expected, interface: 4 });
    expect(byName(ports, 'ttyUSB1').interfaceName).toBeUndefined();
  });

  it('reads a cdc_acm port whose device is the USB interface itself', async () => {
    const acm = byName(await listPorts(opts()), 'ttyACM0');
    expect(acm).toMatchObject({ vid: '1234', pid: 'abcd', product: 'Widget', driver: 'cdc_acm', interface: 0, source: 'sysfs' });
    expect(acm.manufacturer).toBeUndefined();
    expect(acm.module).toBeUndefined();
  });

  it('names a UART by its hardware driver, climbing over the serial-base port and controller', async () => {
    const s0 = byName(await listPorts(opts()), 'ttyS0');
    expect(s0).toMatchObject({ driver: 'serial', source: 'sysfs' });
    expect(s0.vid).toBeUndefined();
    expect(s0.interface).toBeUndefined();
  });

  it('gives the by-id and by-path links that point at a port, by-id first', async () => {
    const ports = await listPorts(opts());
    expect(byName(ports, 'ttyUSB0').byId).toEqual([join(dev, 'serial', 'by-id', 'usb-AirM2M_Air780E_ABC123-if02-port0'), join(dev, 'serial', 'by-path', 'pci-0000:00:14.0-usb-0:2:1.2-port0')]);
    expect(byName(ports, 'ttyUSB1').byId).toEqual([]);
  });

  it('finds a ttyUSB node that sysfs does not know by scanning /dev', async () => {
    expect(byName(await listPorts(opts()), 'ttyUSB9')).toMatchObject({ source: 'devscan', byId: [], holders: [] });
  });

  it('names the process holding a port (ModemManager on the module, picocom on the ACM port), once per process', async () => {
    const ports = await listPorts(opts());
    expect(byName(ports, 'ttyUSB2').holders).toEqual([{ pid: 812, command: 'ModemManager' }]);
    expect(byName(ports, 'ttyACM0').holders).toEqual([{ pid: 900, command: 'picocom' }]);
    expect(byName(ports, 'ttyUSB1').holders).toEqual([]);
  });

  it('never counts this process as a holder', async () => {
    expect(byName(await listPorts(opts()), 'ttyUSB0').holders).toEqual([]);
  });

  it('says when a port grabber runs whose open files cannot be read, on USB ports only', async () => {
    const ports = await listPorts(opts());
    expect(byName(ports, 'ttyUSB1').suspects).toEqual([{ pid: 77, command: 'gpsd' }]);
    expect(byName(ports, 'ttyS0').suspects).toEqual([]);
  });

  it('marks the known module, and leaves unknown VID:PIDs alone', async () => {
    const ports = await listPorts(opts());
    expect(byName(ports, 'ttyUSB1').module).toMatchObject({ name: 'AirM2M Air780E', eigencomm: true });
    expect(knownModule('19D1', '0001')?.chip).toBe('Eigencomm EC618');
    expect(knownModule('1234', 'abcd')).toBeUndefined();
    expect(knownModule(undefined, '0001')).toBeUndefined();
    for (const m of KNOWN_MODULES) {
      expect(m.vid).toMatch(/^[0-9a-f]{4}$/);
      expect(m.pid).toMatch(/^[0-9a-f]{4}$/);
      expect(m.source.length).toBeGreaterThan(10);
      expect(m.note.zh.length).toBeGreaterThan(0);
    }
  });

  it('says when the kernel has a port but its device node is missing (a container without --device)', async () => {
    const bare = join(root, 'dev-empty');
    mkdirSync(bare, { recursive: true });
    const ports = await listPorts(opts({ devRoot: bare }));
    expect(byName2(ports, bare, 'ttyUSB0')).toMatchObject({ access: 'missing', vid: '19d1', source: 'sysfs' });
  });

  it('lists nothing, without failing, when there is no sysfs, /dev or /proc at all', async () => {
    const nowhere = join(root, 'nowhere');
    expect(await listPorts(opts({ sysRoot: nowhere, devRoot: nowhere, procRoot: nowhere }))).toEqual([]);
  });
});

function byName2(ports: PortInfo[], d: string, name: string): PortInfo {
  const p = ports.find((x) => x.path === join(d, name));
  if (!p) throw new Error(`${name} not listed`);
  return p;
}

describe('listPorts with included paths', () => {
  it('lists a pseudo-terminal link as given, resolved through the link, with socat as its maker and not as a holder', async () => {
    const ports = await listPorts(opts({ include: [join(root, 'ttyV0')] }));
    const v = ports.at(-1);
    expect(v).toMatchObject({ path: join(root, 'ttyV0'), realPath: join(dev, 'pts', '7'), source: 'include', holders: [], suspects: [], access: 'ok', byId: [] });
    expect(v?.ptyOwner).toEqual({ pid: 940, command: 'socat' });
  });

  it('makes a relative included path absolute', async () => {
    const rel = join('.', 'some', 'where', 'nope');
    const ports = await listPorts(opts({ include: [rel] }));
    expect(ports.at(-1)).toMatchObject({ path: join(process.cwd(), rel), source: 'include', access: 'missing' });
  });

  it('does not list a port twice when an included path points at one already found', async () => {
    const ports = await listPorts(opts({ include: [join(dev, 'serial', 'by-id', 'usb-AirM2M_Air780E_ABC123-if02-port0')] }));
    expect(ports.filter((p) => p.realPath === join(dev, 'ttyUSB0'))).toHaveLength(1);
    expect(ports.some((p) => p.source === 'include')).toBe(false);
  });

  it('keeps included paths after the found ports, in the order given', async () => {
    const a = join(root, 'ttyV0');
    const b = join(root, 'missing-link');
    const ports = await listPorts(opts({ include: [b, a] }));
    expect(ports.slice(-2).map((p) => p.path)).toEqual([b, a]);
  });
});

describe('listPorts with serialport', () => {
  it('takes what serialport reports and completes it from sysfs (interface, driver, product)', async () => {
    const ports = await listPorts(
      opts({
        serialportList: async () => [
          { path: join(dev, 'ttyUSB1'), manufacturer: 'AirM2M', serialNumber: 'ABC123', vendorId: '19d1', productId: '0001', pnpId: 'usb-AirM2M_Air780E_ABC123-if03-port0' },
          { path: join(dev, 'ttyS5') }, // an 8250 placeholder udev knows about
        ],
      }),
    );
    expect(byName(ports, 'ttyUSB1')).toMatchObject({ source: 'serialport', vid: '19d1', pid: '0001', interface: 3, driver: 'option', product: 'Air780E' });
    expect(byName(ports, 'ttyUSB0').source).toBe('sysfs');
    expect(ports.some((p) => p.path.endsWith('ttyS5'))).toBe(false);
  });

  it('falls back to sysfs when serialport throws (udevadm missing)', async () => {
    const ports = await listPorts(
      opts({
        serialportList: async () => {
          throw new Error('spawn udevadm ENOENT');
        },
      }),
    );
    expect(ports).toHaveLength(6);
    expect(ports.every((p) => p.source !== 'serialport')).toBe(true);
  });

  it('reads the interface from a Windows PNP id, and throws a coded error when Windows cannot list', async () => {
    const ports = await listPorts({ platform: 'win32', serialportList: async () => [{ path: 'COM7', vendorId: '1E0E', productId: '9011', pnpId: 'USB\\VID_1E0E&PID_9011&MI_04\\6&2A1B&0&0004' }] });
    expect(ports).toEqual([expect.objectContaining({ path: 'COM7', vid: '1e0e', pid: '9011', interface: 4, source: 'serialport', access: 'unknown' })]);
    expect(ports[0]?.module?.atInterfaces).toContain(4);
    await expect(
      listPorts({
        platform: 'win32',
        serialportList: async () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toMatchObject({ code: 'ERR_TOOL_MISSING' });
  });
});

describe('listPorts on macOS', () => {
  it('lists the callout node /dev/cu.X once, with what serialport knows of /dev/tty.X', async () => {
    const mac = join(root, 'mac-dev');
    for (const n of ['cu.usbmodem1101', 'tty.usbmodem1101', 'cu.Bluetooth-Incoming-Port', 'tty.Bluetooth-Incoming-Port', 'null']) file(join(mac, n));
    const ports = await listPorts({
      platform: 'darwin',
      devRoot: mac,
      serialportList: async () => [{ path: join(mac, 'tty.usbmodem1101'), vendorId: '19d1', productId: '0001', manufacturer: 'AirM2M', serialNumber: 'ABC123' }],
    });
    expect(ports.map((p) => p.path.slice(mac.length + 1))).toEqual(['cu.Bluetooth-Incoming-Port', 'cu.usbmodem1101']);
    expect(ports[1]).toMatchObject({ source: 'serialport', vid: '19d1', serialNumber: 'ABC123', holders: [] });
    expect(ports[0]?.source).toBe('devscan');
  });
});

describe('scanProcesses', () => {
  it('records which process made each pseudo-terminal, from the ptmx tty-index', async () => {
    const r = await scanProcesses([join(dev, 'pts', '7')], { procRoot: proc, selfPid: SELF });
    expect(r.ptyOwners.get(7)).toEqual({ pid: 940, command: 'socat' });
    expect(r.holders.get(join(dev, 'pts', '7'))).toEqual([{ pid: 940, command: 'socat' }]);
    expect(r.unreadableGrabbers).toEqual([{ pid: 77, command: 'gpsd' }]);
  });
});
