import { constants } from 'node:fs';
import { access, readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { CatError } from '../util/errors.js';
import { text, type Text } from '../util/i18n.js';

/**
 * Serial port discovery: which devices could be the module, with what the system knows about
 * them (by-id names, USB VID:PID, manufacturer, serial number, USB interface, driver), who
 * holds them open and whether the current user may open them. No printing: the CLI formats.
 *
 * Where the information comes from, in order:
 *  1. `SerialPort.list()` of the `serialport` package (udev on Linux, IOKit on macOS, SetupAPI
 *     on Windows). On Linux it spawns `udevadm`, which is missing in most containers: then
 *     it throws and we go on without it.
 *  2. Linux sysfs: `/sys/class/tty/<name>/device`, walked up to the USB interface
 *     (`bInterfaceNumber`, `interface`, `driver`) and the USB device (`idVendor`, `idProduct`,
 *     `manufacturer`, `product`, `serial`). Also enriches what serialport found.
 *  3. A scan of `/dev`: `ttyUSB*`, `ttyACM*` (and a few vendor driver names) on Linux,
 *     `cu.*` on macOS, and the links in `/dev/serial/by-id` and `/dev/serial/by-path`.
 *  4. The paths the caller names (`include`): pseudo-terminals, links, anything.
 * Holders come from `/proc/<pid>/fd` (Linux).
 */

export type PortSource = 'serialport' | 'sysfs' | 'devscan' | 'include';

/** A process that has the device open. */
export interface PortHolder {
  pid: number;
  /** the command name (`/proc/<pid>/comm`), e.g. "ModemManager" */
  command: string;
}

/** Can the current user open the device for reading and writing? */
export type PortAccess = 'ok' | 'denied' | 'missing' | 'unknown';

/** A USB module whose VID:PID a public source documents. */
export interface KnownModule {
  /** 4 lowercase hex digits */
  vid: string;
  pid: string;
  /** e.g. "AirM2M Air780E" */
  name: string;
  /** the chip or platform, e.g. "Eigencomm EC618" */
  chip: string;
  /** Eigencomm-based: may speak the ECMT dialect (depends on the firmware build) */
  eigencomm: boolean;
  /** USB interface numbers documented as taking AT commands */
  atInterfaces?: readonly number[];
  /** what this VID:PID means for cat1, in both languages */
  note: Text;
  /** where the VID:PID was read (public source) */
  source: string;
}

export interface PortInfo {
  /** The device path to open: /dev/ttyUSB2, COM5, or an included path as given. */
  path: string;
  /** `path` with every symlink resolved (a socat link resolves to /dev/pts/N). */
  realPath: string;
  /** Links in /dev/serial/by-id and /dev/serial/by-path that point at it (by-id first). */
  byId: string[];
  /** USB vendor id, 4 lowercase hex digits. */
  vid?: string;
  /** USB product id, 4 lowercase hex digits. */
  pid?: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Kernel driver: option, cdc_acm, ch341, cp210x, ftdi_sio, serial8250… */
  driver?: string;
  /** USB interface number: USB modules expose several ports (AT, modem/PPP, diag, NMEA). */
  interface?: number;
  /** The interface's own name, when the firmware gives one. */
  interfaceName?: string;
  source: PortSource;
  /** Processes that have the device open (from /proc/<pid>/fd). */
  holders: PortHolder[];
  /**
   * Programs that usually grab modem ports (ModemManager, gpsd) that are running but whose open
   * files could not be read (another user's process: run as root to know). USB ports only.
   */
  suspects: PortHolder[];
  /** For a pseudo-terminal: the process that made it (socat, a terminal), not counted as a holder. */
  ptyOwner?: PortHolder;
  access: PortAccess;
  /** The group owning the device node (dialout, uucp…), when access is denied. */
  group?: string;
  /** A module known by its VID:PID (see KNOWN_MODULES). */
  module?: KnownModule;
}

export interface ListPortsOptions {
  /** Extra paths to list even when they are not USB (a socat pseudo-terminal link…); resolved through symlinks. */
  include?: string[];
  /** Root of sysfs. Default `/sys`. */
  sysRoot?: string;
  /** Root of the device nodes. Default `/dev`. */
  devRoot?: string;
  /** Root of procfs, for holders. Default `/proc`. */
  procRoot?: string;
  /** Where the `group` file lives, for the device's group name. Default `/etc`. */
  etcRoot?: string;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /**
   * The serialport lister. Default: `SerialPort.list()` from the `serialport` package when the
   * roots are the real ones, none (null) when a root is given (a fake tree in tests).
   */
  serialportList?: (() => Promise<SerialportListEntry[]>) | null;
  /** This process, never counted as a holder. Default `process.pid`. */
  selfPid?: number;
}

/** What `SerialPort.list()` returns for one port. */
export interface SerialportListEntry {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  locationId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/**
 * USB modules whose VID:PID is documented publicly. Only confirmed facts: a module not in
 * this table is not guessed at.
 */
export const KNOWN_MODULES: readonly KnownModule[] = [
  {
    vid: '19d1',
    pid: '0001',
    name: 'AirM2M Air780E',
    chip: 'Eigencomm EC618',
    eigencomm: true,
    atInterfaces: [3],
    note: text('Eigencomm-based? (the VID:PID an Air780E reports); the firmware decides the AT dialect', 'Eigencomm（移芯）方案？（Air780E 报告的 VID:PID）；AT 指令集取决于固件'),
    source: 'device descriptor in github.com/espressif/esp-iot-solution issue #496; AT interface 3 from its iot_usbh_modem Kconfig',
  },
  {
    vid: '17d1',
    pid: '0001',
    name: 'Eigencomm download port',
    chip: 'Eigencomm',
    eigencomm: true,
    note: text('Eigencomm chip in download (flashing) mode: no AT here; power-cycle the module without holding BOOT', 'Eigencomm 芯片处于下载（烧录）模式：这里不响应 AT；不按 BOOT 键重新上电'),
    source: 'README of the ectool flasher for EigenComm modules (auto-detects the download port 17D1:0001)',
  },
  {
    vid: '1782',
    pid: '4e00',
    name: 'Luat Air72*U',
    chip: 'UNISOC UIS8910',
    eigencomm: false,
    note: text('UNISOC-based, not Eigencomm: ECMT commands are unlikely', '紫光展锐方案，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'Linux drivers/usb/serial/option.c (LUAT_PRODUCT_AIR720U)',
  },
  {
    vid: '2c7c',
    pid: '6002',
    name: 'Quectel EC200S-CN',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200S_CN)',
  },
  {
    vid: '2c7c',
    pid: '6005',
    name: 'Quectel EC200A',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200A)',
  },
  {
    vid: '2c7c',
    pid: '6026',
    name: 'Quectel EC200T',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200T)',
  },
  {
    vid: '2c7c',
    pid: '0901',
    name: 'Quectel EC200U',
    chip: 'UNISOC',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200U)',
  },
  {
    vid: '2dee',
    pid: '4d41',
    name: 'MeiG SLM320',
    chip: 'UNISOC UIS8910',
    eigencomm: false,
    note: text('UNISOC-based, not Eigencomm: ECMT commands are unlikely', '紫光展锐方案，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'Linux drivers/usb/serial/option.c (MEIGSMART_PRODUCT_SLM320)',
  },
  {
    vid: '1e0e',
    pid: '9011',
    name: 'SIMCom A7670E',
    chip: 'SIMCom',
    eigencomm: false,
    atInterfaces: [4, 5],
    note: text('SIMCom module, not Eigencomm: ECMT commands are unlikely', '芯讯通模组，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'espressif esp_modem ESP_MODEM_A7670_USB_CONFIG (interfaces 4 and 5)',
  },
];

/** The known module with this VID:PID, if any. */
export function knownModule(vid: string | undefined, pid: string | undefined): KnownModule | undefined {
  if (!vid || !pid) return undefined;
  const v = vid.toLowerCase();
  const p = pid.toLowerCase();
  return KNOWN_MODULES.find((m) => m.vid === v && m.pid === p);
}

/** Programs that open modem ports by themselves. */
export const PORT_GRABBERS: readonly string[] = ['ModemManager', 'gpsd'];

/** Device names worth listing from a scan of /dev (Linux). */
const LINUX_DEV_NAMES = /^tty(USB|ACM|XRUSB|CH343USB|CH9344USB)\d+$/;

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

async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

const hex4 = (s: string | undefined): string | undefined => {
  if (!s) return undefined;
  const t = s.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(t) ? t.padStart(4, '0') : undefined;
};

// ---------------------------------------------------------------------------------------------
// sysfs

/** What sysfs tells about one tty: the USB fields of PortInfo. */
type SysTty = { name: string } & Pick<PortInfo, 'vid' | 'pid' | 'manufacturer' | 'product' | 'serialNumber' | 'driver' | 'interface' | 'interfaceName'>;

async function subsystem(dir: string): Promise<string | undefined> {
  const s = await real(join(dir, 'subsystem'));
  return s ? basename(s) : undefined;
}

interface SysScan {
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
async function serialLinks(devRoot: string): Promise<Map<string, string[]>> {
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
function ptyIndex(realPath: string): number | undefined {
  const m = /\/pts\/(\d+)$/.exec(realPath);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

// ---------------------------------------------------------------------------------------------
// access

async function checkAccess(p: string, etcRoot: string, platform: NodeJS.Platform): Promise<{ access: PortAccess; group?: string }> {
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

// ---------------------------------------------------------------------------------------------
// serialport

async function defaultSerialportList(): Promise<SerialportListEntry[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

/** The USB interface number in a by-id name (`…-if02-port0`) or a Windows PNP id (`…&MI_02\…`). */
function interfaceFromPnp(pnpId: string | undefined): number | undefined {
  if (!pnpId) return undefined;
  const m = /-if([0-9a-f]{2})(?:-|$)/i.exec(pnpId) ?? /&MI_([0-9a-f]{2})/i.exec(pnpId);
  return m?.[1] === undefined ? undefined : parseInt(m[1], 16);
}

// ---------------------------------------------------------------------------------------------

interface Draft {
  path: string;
  realPath: string;
  source: PortSource;
  info: Omit<SysTty, 'name'>;
}

function mergeInfo(into: Omit<SysTty, 'name'>, from: Omit<SysTty, 'name'>): void {
  for (const [k, v] of Object.entries(from) as Array<[keyof typeof from, unknown]>) {
    if (v !== undefined && into[k] === undefined) (into as Record<string, unknown>)[k] = v;
  }
}

const byPath = (a: { path: string }, b: { path: string }): number => a.path.localeCompare(b.path, 'en', { numeric: true });

/**
 * Candidate serial ports, sorted by path (included paths last, in the order given).
 * Never throws because a source is missing (no udev, no sysfs, no /proc); on Windows it
 * needs serialport and throws ERR_TOOL_MISSING when that fails.
 */
export async function listPorts(opts: ListPortsOptions = {}): Promise<PortInfo[]> {
  const platform = opts.platform ?? process.platform;
  const sysRoot = opts.sysRoot ?? '/sys';
  const devRoot = opts.devRoot ?? '/dev';
  const procRoot = opts.procRoot ?? '/proc';
  const etcRoot = opts.etcRoot ?? '/etc';
  const realRoots = opts.sysRoot === undefined && opts.devRoot === undefined;
  const lister = opts.serialportList === undefined ? (realRoots ? defaultSerialportList : null) : opts.serialportList;

  const drafts = new Map<string, Draft>(); // key: real path
  const add = async (path: string, source: PortSource, info: Omit<SysTty, 'name'> = {}): Promise<void> => {
    const realPath = (await real(path)) ?? path;
    const had = drafts.get(realPath);
    if (had) mergeInfo(had.info, info);
    else drafts.set(realPath, { path, realPath, source, info: { ...info } });
  };

  // 1. serialport
  let fromSerialport: SerialportListEntry[] = [];
  if (lister) {
    try {
      fromSerialport = await lister();
    } catch (err) {
      if (platform === 'win32') throw new CatError('ERR_TOOL_MISSING', `could not list serial ports: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      fromSerialport = []; // udevadm missing (containers, minimal systems): sysfs below
    }
  }

  // 2. sysfs (Linux)
  const sys: SysScan = platform === 'linux' ? await scanSysfs(sysRoot) : { ttys: new Map(), placeholders: new Set() };

  for (const e of fromSerialport) {
    const name = basename(e.path);
    if (sys.placeholders.has(name)) continue;
    const info: Omit<SysTty, 'name'> = {};
    const vid = hex4(e.vendorId);
    const pid = hex4(e.productId);
    if (vid) info.vid = vid;
    if (pid) info.pid = pid;
    if (e.manufacturer) info.manufacturer = e.manufacturer;
    if (e.serialNumber) info.serialNumber = e.serialNumber;
    const itf = interfaceFromPnp(e.pnpId);
    if (itf !== undefined) info.interface = itf;
    const s = sys.ttys.get(name);
    if (s) mergeInfo(info, s); // sysfs adds interface, driver, product
    // macOS: serialport gives the dial-in node /dev/tty.X; the one to open is the callout /dev/cu.X
    const cu = platform === 'darwin' ? e.path.replace(/\/tty\.([^/]+)$/, '/cu.$1') : e.path;
    await add(cu !== e.path && (await exists(cu)) ? cu : e.path, 'serialport', info);
  }
  for (const t of sys.ttys.values()) {
    const { name, ...info } = t;
    await add(join(devRoot, name), 'sysfs', info);
  }

  // 3. /dev scan
  for (const e of await list(devRoot)) {
    if (platform === 'darwin' ? e.startsWith('cu.') : platform === 'linux' && LINUX_DEV_NAMES.test(e)) await add(join(devRoot, e), 'devscan');
  }
  const links = await serialLinks(devRoot);
  for (const target of links.keys()) if (!drafts.has(target)) await add(target, 'devscan');

  const found = [...drafts.values()].sort(byPath);

  // 4. included paths, as given (made absolute), deduplicated against what was found
  for (const p of opts.include ?? []) {
    if (typeof p !== 'string' || p === '') continue;
    const path = platform === 'win32' || isAbsolute(p) ? p : resolve(p);
    const realPath = (await real(path)) ?? path;
    if (drafts.has(realPath)) continue;
    const d: Draft = { path, realPath, source: 'include', info: {} };
    drafts.set(realPath, d);
    found.push(d);
  }

  // holders and pty owners
  const proc = platform === 'linux' ? await scanProcesses(found.map((d) => d.realPath), { procRoot, ...(opts.selfPid !== undefined ? { selfPid: opts.selfPid } : {}) }) : { holders: new Map<string, PortHolder[]>(), ptyOwners: new Map<number, PortHolder>(), unreadableGrabbers: [] };

  const out: PortInfo[] = [];
  for (const d of found) {
    const idx = ptyIndex(d.realPath);
    const ptyOwner = idx === undefined ? undefined : proc.ptyOwners.get(idx);
    // the process that made a pty keeps its slave side open too (socat does): not a competitor
    const holders = (proc.holders.get(d.realPath) ?? []).filter((h) => h.pid !== ptyOwner?.pid);
    const acc = await checkAccess(d.realPath, etcRoot, platform);
    const p: PortInfo = {
      path: d.path,
      realPath: d.realPath,
      byId: links.get(d.realPath) ?? [],
      ...d.info,
      source: d.source,
      holders,
      suspects: d.info.vid ? proc.unreadableGrabbers.filter((g) => !holders.some((h) => h.pid === g.pid)) : [],
      access: acc.access,
    };
    if (ptyOwner) p.ptyOwner = ptyOwner;
    if (acc.group) p.group = acc.group;
    const m = knownModule(p.vid, p.pid);
    if (m) p.module = m;
    out.push(p);
  }
  return out;
}
