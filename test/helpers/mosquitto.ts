import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real mosquitto for a test: its own config in a temp dir, a free port on 127.0.0.1, full
 * logging to a file (`log_type all` prints every client's ID, user name and CONNACK), started
 * and checked with a bounded number of connection attempts.
 *
 *     const broker = await startMosquitto({ users: { user1: 'secret' } });
 *     … broker.url …
 *     await broker.stop();
 *
 * When mosquitto is not installed, tests skip with a message naming it (see `mosquittoMissing`).
 */

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /** Accept clients without credentials. Default true when no users are given, false otherwise. */
  allowAnonymous?: boolean;
  /** user name → password, written with `mosquitto_passwd -b`. */
  users?: Record<string, string>;
  /** ACL file contents (mosquitto `acl_file` syntax). */
  acl?: string;
  /** TLS listener files (paths). */
  tls?: { cafile: string; certfile: string; keyfile: string };
  /** More config lines. */
  extra?: string[];
}

export interface RunningMosquitto {
  port: number;
  /** `mqtt://127.0.0.1:<port>` (or mqtts:// with TLS) */
  url: string;
  logPath: string;
  dir: string;
  /** The log so far. */
  log(): string;
  /** Wait until a log line matches (polls the file, bounded). */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Kill the broker at once (SIGKILL, as a crash would): its port refuses connections from now on. */
  kill(): void;
  /** Resolves once the broker process has exited (after kill() or stop()). */
  exited(): Promise<void>;
  stop(): Promise<void>;
}

/** A reason to skip, or null when mosquitto and mosquitto_passwd are there. */
export function mosquittoMissing(): string | null {
  if (!existsSync(MOSQUITTO)) return `mosquitto is not installed (${MOSQUITTO}); apt-get install mosquitto`;
  const r = spawnSync('mosquitto_passwd', ['-h'], { stdio: 'ignore' });
  if (r.error) return 'mosquitto_passwd is not installed; apt-get install mosquitto';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `check` is true, at most `tries` times `everyMs` apart. */
async function poll(check: () => boolean | Promise<boolean>, tries: number, everyMs: number): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await pause(everyMs);
  }
  return false;
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'cat1-mosquitto-'));
  const logPath = join(dir, 'mosquitto.log');
  const users = opts.users ?? {};
  const names = Object.keys(users);
  const allowAnonymous = opts.allowAnonymous ?? names.length === 0;
  const port = await freePort();
  const conf = ['user root', `listener ${port} 127.0.0.1`, `allow_anonymous ${allowAnonymous ? 'true' : 'false'}`, `log_dest file ${logPath}`, 'log_type all', 'persistence false'];
  if (names.length > 0) {
    const pw = join(dir, 'passwd');
    names.forEach((name, i) => {
      const r = spawnSync('mosquitto_passwd', ['-b', ...(i === 0 ? ['-c'] : []), pw, name, users[name]!], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr || r.error?.message}`);
    });
    conf.push(`password_file ${pw}`);
  }
  if (opts.acl !== undefined) {
    const acl = join(dir, 'acl');
    writeFileSync(acl, opts.acl);
    conf.push(`acl_file ${acl}`);
  }
  if (opts.tls) conf.push(`cafile ${opts.tls.cafile}`, `certfile ${opts.tls.certfile}`, `keyfile ${opts.tls.keyfile}`);
  conf.push(...(opts.extra ?? []));
  const confPath = join(dir, 'mosquitto.conf');
  writeFileSync(confPath, conf.join('\n') + '\n');

  const proc: ChildProcess = spawn(MOSQUITTO, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.once('exit', () => (exited = true));
  const up = await poll(async () => exited || (await tryConnect(port)), 100, 50);
  if (!up || exited) {
    proc.kill('SIGKILL');
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto did not start on port ${port}: ${stderr.trim()} ${log.trim()}`.trim());
  }
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  let stopping: Promise<void> | null = null;
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    logPath,
    dir,
    log,
    async waitForLog(re, timeoutMs = 5000) {
      let found = '';
      const ok = await poll(
        () => {
          const m = re.exec(log());
          if (m) found = m[0];
          return m !== null;
        },
        Math.max(1, Math.ceil(timeoutMs / 25)),
        25,
      );
      if (!ok) throw new Error(`mosquitto log has no line matching ${String(re)} after ${timeoutMs} ms:\n${log().slice(-2000)}`);
      return found;
    },
    kill() {
      if (!exited) proc.kill('SIGKILL');
    },
    exited() {
      return gone;
    },
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          const done = new Promise<void>((r) => proc.once('exit', () => r()));
          proc.kill('SIGTERM');
          await done;
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
