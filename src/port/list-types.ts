import type { Text } from '../util/i18n.js';

/** The shapes of serial port discovery (list.ts). */

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
