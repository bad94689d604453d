import { basename, isAbsolute, join, resolve } from 'node:path';
import { CatError } from '../util/errors.js';
import type { ListPortsOptions, PortHolder, PortInfo, PortSource, SerialportListEntry } from './list-types.js';
import { knownModule, PORT_GRABBERS } from './known-modules.js';
import { checkAccess, exists, hex4, list, ptyIndex, real, scanProcesses, scanSysfs, serialLinks, type SysScan, type SysTty } from './sys-scan.js';

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

export type { PortSource, PortHolder, PortAccess, KnownModule, PortInfo, ListPortsOptions, SerialportListEntry } from './list-types.js';
export { KNOWN_MODULES, knownModule, PORT_GRABBERS } from './known-modules.js';
export { scanSysfs, scanProcesses, type ProcScan } from './sys-scan.js';

/** Device names worth listing from a scan of /dev (Linux). */
const LINUX_DEV_NAMES = /^tty(USB|ACM|XRUSB|CH343USB|CH9344USB)\d+$/;

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
