import { openPtyPair, socatAvailable, type PtyPairOptions } from '../port/pty.js';
import { EcmtEmulator } from './emulator.js';
import type { EcmtEmulatorOptions } from './options.js';

export { socatAvailable };

/**
 * The emulator on a pseudo-terminal: `socat` creates a linked pair of ptys (openPtyPair in
 * src/port/pty.ts), the emulator opens one end with the real `serialport` code
 * (SerialModemPort), and the host opens the other end — `path` — like any serial device:
 *
 *     const pty = await startPtyEmulator({ profile: 'ec616s' });
 *     const port = await SerialModemPort.open({ path: pty.path });
 *     …
 *     await port.close();
 *     await pty.stop();
 *
 * The pair lives as long as socat: when the host side is closed, socat may end (a pty
 * reports EIO when its other side closes), so open the host side once per startPtyEmulator.
 */
export interface PtyEmulatorOptions extends EcmtEmulatorOptions, PtyPairOptions {}

export interface PtyEmulator {
  /** The device the host opens (a symlink to /dev/pts/N). */
  path: string;
  /** The device the emulator opened. */
  modulePath: string;
  emulator: EcmtEmulator;
  /** Stop the emulator, close its port, end socat and remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Start an emulator behind a pseudo-terminal. Rejects with ERR_TOOL_MISSING when socat is not installed. */
export async function startPtyEmulator(opts: PtyEmulatorOptions = {}): Promise<PtyEmulator> {
  const { linkPath, startTimeoutMs, ...emulatorOptions } = opts;
  const pair = await openPtyPair({ ...(linkPath !== undefined ? { linkPath } : {}), ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}) });
  let emulator: EcmtEmulator;
  try {
    emulator = new EcmtEmulator(pair.port, emulatorOptions);
  } catch (e) {
    await pair.stop();
    throw e;
  }
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await emulator.close();
      await pair.stop();
    })();
    return stopped;
  };
  return { path: pair.path, modulePath: pair.modulePath, emulator, stop };
}
