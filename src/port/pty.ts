import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatError } from '../util/errors.js';
import { waitForEvent } from '../util/waiter.js';
import { SerialModemPort } from './serial.js';

/**
 * A linked pair of pseudo-terminals made by `socat`: the module side is opened here with the
 * real `serialport` code (SerialModemPort), and the host opens the other end — `path` — like
 * any serial device. Whatever plays the module (the emulator, a transcript replay) reads and
 * writes `port`.
 *
 *     const pair = await openPtyPair();
 *     pair.port.on('data', (bytes) => …);   // what the host wrote
 *     await pair.port.write('\r\nRDY\r\n');  // what the host reads
 *     await pair.stop();
 *
 * The pair lives as long as socat: when the host side is closed, socat may end (a pty
 * reports EIO when its other side closes), so open the host side once per pair. socat
 * removes the links when it exits; bytes it has not yet forwarded are lost, so let the host
 * read the last output before stop().
 */
export interface PtyPairOptions {
  /** Where the host's device link is created. Default `<temp dir>/host`. */
  linkPath?: string;
  /** Give up waiting for socat after this long, ms. Default 5000. */
  startTimeoutMs?: number;
}

export interface PtyPair {
  /** The device the host opens (a symlink to /dev/pts/N). */
  path: string;
  /** The device the module side opened. */
  modulePath: string;
  /** The module side, open. */
  port: SerialModemPort;
  /** Resolves when socat exits (stopped, or ended by itself). */
  exited: Promise<void>;
  /** Close the module side, end socat and remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Is socat on the PATH? */
export function socatAvailable(): boolean {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

async function waitForSocat(proc: ChildProcess, timeoutMs: number): Promise<void> {
  let stderr = '';
  const exited = new AbortController();
  const onExit = (code: number | null): void => exited.abort(new CatError('ERR_TOOL_MISSING', `socat exited (code ${String(code)}) before the pseudo-terminals were ready: ${stderr.trim().slice(-300)}`));
  proc.once('exit', onExit);
  try {
    if (!proc.stderr) throw new CatError('ERR_TOOL_MISSING', 'socat was started without a stderr pipe');
    await waitForEvent(proc.stderr, 'data', {
      timeoutMs,
      signal: exited.signal,
      timeoutError: () => new CatError('ERR_TOOL_MISSING', `socat did not create the pseudo-terminals within ${timeoutMs} ms: ${stderr.trim().slice(-300)}`),
      match: (d: Buffer) => {
        stderr += d.toString('utf8');
        // socat -d -d logs "starting data transfer loop" once both ptys exist (and their links)
        return /starting data transfer loop/.test(stderr);
      },
    }).promise;
  } finally {
    proc.off('exit', onExit);
  }
}

/** Create the pair. Rejects with ERR_TOOL_MISSING when socat is not installed. */
export async function openPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
  const { linkPath, startTimeoutMs = 5000 } = opts;
  if (!socatAvailable()) throw new CatError('ERR_TOOL_MISSING', 'socat is needed to create a pseudo-terminal (apt-get install socat)');
  const dir = mkdtempSync(join(tmpdir(), 'cat1-pty-'));
  const modulePath = join(dir, 'module');
  const hostPath = linkPath ?? join(dir, 'host');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${modulePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
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
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await port.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      cleanupDir();
    })();
    return stopped;
  };
  return { path: hostPath, modulePath, port, exited, stop };
}
