import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatError } from '../util/errors.js';
import { SerialModemPort } from '../port/serial.js';
import { EcmtEmulator } from './emulator.js';
import type { EcmtEmulatorOptions } from './options.js';

/**
 * The emulator on a pseudo-terminal: `socat` creates a linked pair of ptys, the emulator opens
 * one end with the real `serialport` code (SerialModemPort), and the host opens the other end
 * — `path` — like any serial device:
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
export interface PtyEmulatorOptions extends EcmtEmulatorOptions {
  /** Where the host's device link is created. Default `<temp dir>/host`. */
  linkPath?: string;
  /** Give up waiting for socat after this long, ms. Default 5000. */
  startTimeoutMs?: number;
}

export interface PtyEmulator {
  /** The device the host opens (a symlink to /dev/pts/N). */
  path: string;
  /** The device the emulator opened. */
  modulePath: string;
  emulator: EcmtEmulator;
  /** Stop the emulator, close its port, end socat and remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Is socat on the PATH? */
export function socatAvailable(): boolean {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function waitForSocat(proc: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => finish(new CatError('ERR_TOOL_MISSING', `socat did not create the pseudo-terminals within ${timeoutMs} ms: ${stderr.trim().slice(-300)}`)), timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      proc.stderr?.off('data', onData);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = (d: Buffer): void => {
      stderr += d.toString('utf8');
      // socat -d -d logs "starting data transfer loop" once both ptys exist (and their links)
      if (/starting data transfer loop/.test(stderr)) finish();
    };
    const onExit = (code: number | null): void => finish(new CatError('ERR_TOOL_MISSING', `socat exited (code ${String(code)}) before the pseudo-terminals were ready: ${stderr.trim().slice(-300)}`));
    proc.stderr?.on('data', onData);
    proc.once('exit', onExit);
  });
}

/** Start an emulator behind a pseudo-terminal. Rejects with ERR_TOOL_MISSING when socat is not installed. */
export async function startPtyEmulator(opts: PtyEmulatorOptions = {}): Promise<PtyEmulator> {
  const { linkPath, startTimeoutMs = 5000, ...emulatorOptions } = opts;
  if (!socatAvailable()) throw new CatError('ERR_TOOL_MISSING', 'socat is needed to create a pseudo-terminal (apt-get install socat)');
  const dir = mkdtempSync(join(tmpdir(), 'cat1-pty-'));
  const modulePath = join(dir, 'module');
  const hostPath = linkPath ?? join(dir, 'host');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${modulePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const cleanupDir = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await waitForSocat(proc, startTimeoutMs);
  } catch (e) {
    proc.kill('SIGTERM');
    cleanupDir();
    throw e;
  }
  proc.stderr?.resume(); // keep draining socat's log so it never blocks
  let port: SerialModemPort;
  try {
    port = await SerialModemPort.open({ path: modulePath });
  } catch (e) {
    proc.kill('SIGTERM');
    cleanupDir();
    throw e;
  }
  let emulator: EcmtEmulator;
  try {
    emulator = new EcmtEmulator(port, emulatorOptions);
  } catch (e) {
    await port.close();
    proc.kill('SIGTERM');
    cleanupDir();
    throw e;
  }
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await emulator.close();
      await port.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGTERM');
        await exited;
      }
      cleanupDir();
    })();
    return stopped;
  };
  return { path: hostPath, modulePath, emulator, stop };
}
