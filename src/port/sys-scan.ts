import { constants } from 'node:fs';
import { access, readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PortAccess, PortHolder, PortInfo } from './list-types.js';
import { PORT_GRABBERS } from './known-modules.js';

/**
 * What Linux tells about serial devices without `serialport`: sysfs (USB fields of a tty),
 * the links in /dev/serial, the processes holding a device (/proc/<pid>/fd), and access rights.
 * Used by listPorts (list.ts).
 */

// ---------------------------------------------------------------------------------------------
// small fs helpers: every failure becomes undefined / empty

async function readText(p: string): Promise<string | undefined> {
  try {
    const s = (await readFile(p, 'utf8')).replace(/\0+$/, '').trim();
    return s === '' ? undefined : s;
  } catch {
    return undefined;
  }
}

export async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

export async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export const hex4 = (s: string | undefined): string | undefined => {
  if (!s) return undefined;
  const t = s.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(t) ? t.padStart(4, '0') : undefined;
};

// ---------------------------------------------------------------------------------------------
// sysfs

/** What sysfs tells about one tty: the USB fields of PortInfo. */
export type SysTty = { name: string } & Pick<PortInfo, 'vid' | 'pid' | 'manufacturer' | 'product' | 'serialNumber' | 'driver' | 'interface' | 'interfaceName'>;

async function subsystem(dir: string): Promise<string | undefined> {
  const s = await real(join(dir, 'subsystem'));
  return s ? basename(s) : undefined;
}

export interface SysScan {
  ttys: Map<string, SysTty>;
  /** ttyS* entries of the 8250 driver with no UART behind them */
  placeholders: Set<string>;
}

/**
 * Read /sys/class/tty: every tty with a `device` link (virtual consoles and ptys have none),
 * except the 8250 placeholders (`type` 0: no UART behind ttyS4..ttyS31).
 */
export async function scanSysfs(sysRoot = '/sys'): Promise<SysScan> {
  const ttys = new Map<string, SysTty>();
  const placeholders = new Set<string>();
  const classDir = join(sysRoot, 'class', 'tty');
  const top = (await real(sysRoot)) ?? sysRoot;
  for (const name of await list(classDir)) {
    const devDir = await real(join(classDir, name, 'device'));
    if (!devDir) continue;
    // since Linux 6.3 a UART's device is a "serial-base" port under a controller: climb to the hardware
    let hw = devDir;
    while (hw.startsWith(top) && hw.length > top.length && (await subsystem(hw)) === 'serial-base') hw = dirname(hw);
    const type = await readText(join(classDir, name, 'type'));
    if (type === '0' || basename(hw) === 'serial8250') {
      placeholders.add(name);
      continue;
    }
    const t: SysTty = { name };
    // walk up to the USB interface (bInterfaceNumber) and the USB device (idVendor)
    let dir = devDir;
    let iface: string | undefined;
    let usb: string | undefined;
    for (let i = 0; i < 6 && dir.startsWith(top) && dir.length > top.length; i++) {
      if (!iface && (await exists(join(dir, 'bInterfaceNumber')))) iface = dir;
      if (await exists(join(dir, 'idVendor'))) {
        usb = dir;
        break;
      }
      dir = dirname(dir);
    }
    if (usb) {
      const vid = hex4(await readText(join(usb, 'idVendor')));
      const pid = hex4(await readText(join(usb, 'idProduct')));
      if (vid) t.vid = vid;
      if (pid) t.pid = pid;
      const manufacturer = await readText(join(usb, 'manufacturer'));
      const product = await readText(join(usb, 'product'));
      const serial = await readText(join(usb, 'serial'));
      if (manufacturer) t.manufacturer = manufacturer;
      if (product) t.product = product;
      if (serial) t.serialNumber = serial;
    }
    if (iface) {
      const n = await readText(join(iface, 'bInterfaceNumber'));
      if (n && /^[0-9a-f]+$/i.test(n)) t.interface = parseInt(n, 16);
      const iname = await readText(join(iface, 'interface'));
      if (iname) t.interfaceName = iname;
    }
    const driverLink = await real(join(iface ?? hw, 'driver'));
    if (driverLink) t.driver = basename(driverLink);
    ttys.set(name, t);
  }
  return { ttys, placeholders };
}

/** Map: real device path → links in /dev/serial/by-id and /dev/serial/by-path. */
export async function serialLinks(devRoot: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const sub of ['by-id', 'by-path']) {
    const dir = join(devRoot, 'serial', sub);
    for (const e of (await list(dir)).sort()) {
      const link = join(dir, e);
      const target = await real(link);
      if (!target) continue;
      const l = out.get(target) ?? [];
      l.push(link);
      out.set(target, l);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// holders

export interface ProcScan {
  /** real device path → processes that have it open */
  holders: Map<string, PortHolder[]>;
  /** pty number → the process holding its master side (socat, a terminal emulator) */
  ptyOwners: Map<number, PortHolder>;
  /** running port grabbers (ModemManager, gpsd) whose open files could not be read */
  unreadableGrabbers: PortHolder[];
}

/**
 * Scan /proc/<pid>/fd for these device paths. A pseudo-terminal's master side (/dev/ptmx,
 * with `tty-index` in fdinfo) tells which process made each pty.
 */
export async function scanProcesses(realPaths: Iterable<string>, opts: { procRoot?: string; selfPid?: number } = {}): Promise<ProcScan> {
  const procRoot = opts.procRoot ?? '/proc';
  const selfPid = opts.selfPid ?? process.pid;
  const wanted = new Set(realPaths);
  const holders = new Map<string, PortHolder[]>();
  const ptyOwners = new Map<number, PortHolder>();
  const unreadableGrabbers: PortHolder[] = [];
  for (const e of await list(procRoot)) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === selfPid) continue;
    const command = (await readText(join(procRoot, e, 'comm'))) ?? '?';
    let fds: string[];
    try {
      fds = await readdir(join(procRoot, e, 'fd'));
    } catch {
      if (PORT_GRABBERS.includes(command)) unreadableGrabbers.push({ pid, command });
      continue;
    }
    const seen = new Set<string>();
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(join(procRoot, e, 'fd', fd));
      } catch {
        continue;
      }
      if (basename(target) === 'ptmx') {
        const info = await readText(join(procRoot, e, 'fdinfo', fd));
        const m = info ? /^tty-index:\s*(\d+)/m.exec(info) : null;
        if (m?.[1] !== undefined && !ptyOwners.has(Number(m[1]))) ptyOwners.set(Number(m[1]), { pid, command });
        continue;
      }
      if (wanted.has(target) && !seen.has(target)) {
        seen.add(target);
        const l = holders.get(target) ?? [];
        l.push({ pid, command });
        holders.set(target, l);
      }
    }
  }
  return { holders, ptyOwners, unreadableGrabbers };
}

/** The pty number of a /dev/pts/N path. */
export function ptyIndex(realPath: string): number | undefined {
  const m = /\/pts\/(\d+)$/.exec(realPath);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

// ---------------------------------------------------------------------------------------------
// access

export async function checkAccess(p: string, etcRoot: string, platform: NodeJS.Platform): Promise<{ access: PortAccess; group?: string }> {
  if (platform === 'win32') return { access: 'unknown' };
  try {
    await access(p, constants.R_OK | constants.W_OK);
    return { access: 'ok' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { access: 'missing' };
    if (code !== 'EACCES' && code !== 'EPERM') return { access: 'unknown' };
  }
  let group: string | undefined;
  try {
    const gid = (await stat(p)).gid;
    const groups = (await readText(join(etcRoot, 'group'))) ?? '';
    for (const line of groups.split('\n')) {
      const [name, , id] = line.split(':');
      if (name && id !== undefined && Number(id) === gid) {
        group = name;
        break;
      }
    }
  } catch {
    // no group name: the hint says "dialout"
  }
  return group ? { access: 'denied', group } : { access: 'denied' };
}
