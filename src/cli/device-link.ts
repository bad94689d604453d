import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CatError } from '../util/errors.js';

/** Wait this long (a timer that does not keep the process alive on its own when unref is asked). */
export function delay(ms: number, unref = false): Promise<void> {
  return new Promise((r) => {
    const h = setTimeout(r, ms);
    if (unref) h.unref();
  });
}

/**
 * Check a --link path before socat is given it: socat replaces whatever is there (a regular
 * file included), so only a new path, or a stale link to a pseudo-terminal that no longer
 * exists, is accepted. Returns the absolute path.
 */
export function checkLinkPath(path: string): string {
  const abs = resolve(path);
  const dir = dirname(abs);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new CatError('ERR_INVALID_OPTION', `--link ${path}: the directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: ${dir} is not a directory`);
  let l;
  try {
    l = lstatSync(abs);
  } catch {
    return abs; // a new path
  }
  if (!l.isSymbolicLink()) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: a file is already there (it would be replaced); choose a new path`);
  const target = readlinkSync(abs);
  if (!/^\/dev\/pts\/\d+$/.test(target)) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: already a link to ${target} (it would be replaced); choose a new path`);
  if (existsSync(target)) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: already links to ${target}, which is live (another "cat1 emulate" or "cat1 replay" running?); stop it or choose a new path`);
  return abs;
}

/**
 * Call `onGone` once the device node at `path` disappears (a USB adapter unplugged, socat
 * ended and removed its link). Needed because a hung-up tty can read as an endless
 * end-of-file that the serialport binding retries without ever reporting a close, so the
 * port's own close event may never come. Checks every `everyMs` (default 250 ms) without
 * keeping the process alive; does nothing on Windows or for a path that did not exist at the
 * start. Returns a function that stops watching.
 */
export function watchDevice(path: string, onGone: () => void, everyMs = 250): () => void {
  if (process.platform === 'win32' || !existsSync(path)) return () => undefined;
  const timer = setInterval(() => {
    if (existsSync(path)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
