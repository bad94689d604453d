import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CAT1 = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `cat1` as a subprocess (the way users run it). */
export function cat1(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CAT1, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', LANG: 'C', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export interface RunningCat1 {
  child: import('node:child_process').ChildProcessWithoutNullStreams;
  /** everything printed so far */
  io: { stdout: string; stderr: string };
  /** the exit code, once it exits */
  exited: Promise<number | null>;
  /** resolves when the output matches (event-driven: no polling, no sleeps); fails after ms or if cat1 exits first */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<RegExpExecArray>;
}

/** The built cat1, running: its output so far, and waits on it. */
export function startCat1(args: string[], env: Record<string, string> = {}): RunningCat1 {
  const child = spawn(process.execPath, [CAT1, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const io = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const poke = (): void => listeners.forEach((l) => l());
  child.stdout.on('data', (b: Buffer) => ((io.stdout += b.toString('utf8')), poke()));
  child.stderr.on('data', (b: Buffer) => ((io.stderr += b.toString('utf8')), poke()));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) => child.on('close', (c) => ((code = c), poke(), r(c))));
  const waitFor = (re: RegExp, stream: 'stdout' | 'stderr' = 'stdout', ms = 8000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(io[stream]);
        if (m) done(() => resolve(m));
        else if (code !== undefined) done(() => reject(new Error(`cat1 exited (${String(code)}) before ${String(re)} on ${stream}\nstdout: ${io.stdout}\nstderr: ${io.stderr}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${String(re)} on ${stream} within ${ms} ms\nstdout: ${io.stdout}\nstderr: ${io.stderr}`))), ms);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  return { child, io, exited, waitFor };
}
