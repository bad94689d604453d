/**
 * `npm run bench`: the performance figures of issue 7, each a ratio measured side by side in
 * this run, printed as a table with its target and PASS/MISS. Not a pass/fail suite: the exit
 * code is 0 whatever the figures (non-zero only when a benchmark crashes).
 *
 *   node .tmp/bench/test/bench/run.js [--only 1,3] [--quick]
 *
 * --quick shrinks every input (a smoke run of the harness, the figures are not the reference).
 * Generated inputs go to a temporary directory, deleted at the end. CAT1_BENCH_CLI=<main.js>
 * measures another build's CLI in items 3, 6 and 10 (to compare before and after a change).
 * Item 10 (issue 14): decode end to end on a 64 MiB text log and transcript, text and --json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReadlineParser } from '@serialport/parser-readline';
import { decodeWire, noCrlf, randomBinary, rxOnlyWire, splitWire } from './decode-bench.js';
import { roundTrips } from './engine-bench.js';
import { messagePath } from './message-bench.js';
import { reportPage } from './report-bench.js';
import { generateWire, textLogOf, transcriptHeader, writeTranscript, type Wire } from './workload.js';
import { fleetDiagnose, reportThroughput, type FleetRun } from './fleet-bench.js';

const MiB = 1024 * 1024;
/** 921600 baud, 8N1: 10 bits a byte. */
const LINE_RATE = 921600 / 10;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set((args[onlyArg + 1] ?? '').split(',').map(Number)) : null;
const want = (n: number): boolean => only === null || only.has(n);

/** The repository root (the runner is compiled to .tmp/bench/test/bench/). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The CLI measured by items 3 and 6: this build, or another one named by CAT1_BENCH_CLI. */
const CLI = process.env['CAT1_BENCH_CLI'] ?? join(ROOT, 'dist/cli/main.js');
/** The floor program of item 10, compiled beside this runner. */
const FLOOR = fileURLToPath(new URL('./floor.js', import.meta.url));

const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Row {
  item: string;
  figure: string;
  measured: string;
  target: string;
  /** null: recorded, no target */
  pass: boolean | null;
}
const rows: Row[] = [];
const row = (item: string, figure: string, measured: string, target: string, pass: boolean | null): void => void rows.push({ item, figure, measured, target, pass });

const mbs = (bytes: number, seconds: number): number => bytes / seconds / 1e6;
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Best of `rounds` (the least disturbed run), the two sides alternating. */
async function sideBySide(rounds: number, a: () => unknown, b: () => unknown): Promise<{ a: number; b: number }> {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let r = 0; r < rounds; r++) {
    bestA = Math.min(bestA, (await timed(a)).seconds);
    bestB = Math.min(bestB, (await timed(b)).seconds);
  }
  return { a: bestA, b: bestB };
}

// ---------------------------------------------------------------------------------------------

async function item1(w: Wire): Promise<void> {
  log(`1: decode throughput, ${f1(w.bytes.length / MiB)} MiB of wire bytes in ${w.count} chunks (mean ${f1(w.bytes.length / w.count)} B)…`);
  const warm = Math.min(w.count, 20000);
  decodeWire(w, 0, warm);
  await splitWire(w, 0, warm);
  const check = decodeWire(w);
  log(`  1: ${check.items} items, ${check.urcs} URCs, ${check.recv} +ECMTRECV (${check.recvBytes} payload bytes); parser-readline: ${await splitWire(w)} lines`);
  const t = await sideBySide(quick ? 2 : 3, () => decodeWire(w), () => splitWire(w));
  const ours = mbs(w.bytes.length, t.a);
  const split = mbs(w.bytes.length, t.b);
  const ratio = ours / split;
  row('1', 'decode (framing + engine + typed events) vs parser-readline split only', `${f1(ours)} / ${f1(split)} MB/s = ${f2(ratio)}`, '≥ 0.5', ratio >= 0.5);
  const x = (ours * 1e6) / LINE_RATE;
  row('1', 'decode vs the 921600-baud line rate (92.16 kB/s)', `${f1(ours)} MB/s = ${Math.round(x)}×`, '≥ 500× (46.08 MB/s)', x >= 500);
}

async function item2(w: Wire): Promise<void> {
  const size = (quick ? 4 : 16) * MiB;
  // the normal input: the first `size` bytes of the session, chunked as recorded
  let n = 0;
  while (n < w.count && w.ends[n]! < size) n++;
  const normalBytes = w.ends[n - 1]!;
  log(`2: pathological input, ${size / MiB} MiB each, chunked like the session…`);
  const cases: Array<[string, Buffer]> = [
    ['no CRLF', noCrlf(size)],
    ['random binary', randomBinary(size)],
  ];
  decodeWire(w, 0, n);
  for (const [name, bytes] of cases) {
    const pw = rxOnlyWire(bytes, w);
    decodeWire(pw, 0, Math.min(pw.count, 5000));
    const rss0 = process.memoryUsage.rss();
    const t = await sideBySide(quick ? 2 : 3, () => decodeWire(pw), () => decodeWire(w, 0, n));
    const c = decodeWire(pw, 0, pw.count, true);
    const grew = (process.memoryUsage.rss() - rss0) / MiB;
    const bad = mbs(bytes.length, t.a);
    const normal = mbs(normalBytes, t.b);
    const ratio = bad / normal;
    row('2', `${name} vs normal input`, `${f1(bad)} / ${f1(normal)} MB/s = ${f2(ratio)}`, '≥ 0.5 (within 2×)', ratio >= 0.5);
    const bound = 4096 + 8192;
    row('2', `${name}: most bytes held by the framer; RSS growth`, `${c.maxBuffered} B; ${f1(Math.max(0, grew))} MiB`, `≤ ${bound} B (maxLine + maxBlock)`, c.maxBuffered <= bound);
  }
}

/** parser-readline splitting a file into lines (1 MiB reads, as the decoder's), nothing else. */
function splitFile(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    const parser = new ReadlineParser({ delimiter: '\n' });
    parser.on('data', () => void lines++);
    parser.on('end', () => resolve(lines));
    parser.on('error', reject);
    createReadStream(file, { highWaterMark: MiB }).on('error', reject).pipe(parser);
  });
}

/**
 * The preload that reports a child's peak RSS (VmHWM) and CPU time (user + system, all its
 * threads: getrusage of the process) on stderr when it exits.
 */
function maxRssPreload(dir: string): string {
  const preload = join(dir, 'maxrss.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => {
  const fs = require('fs');
  const ru = process.resourceUsage();
  let kb = ru.maxRSS;
  try { kb = Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  fs.writeSync(2, '\\nCAT1_BENCH_MAXRSS_KB=' + kb + ' CAT1_BENCH_CPU_US=' + (ru.userCPUTime + ru.systemCPUTime) + '\\n');
});
`,
  );
  return preload;
}

interface CliRun {
  /** wall time */
  seconds: number;
  /** user + system CPU time of the child (all its threads): what the run cost, however busy the machine */
  cpuSeconds: number;
  maxRssMiB: number;
  code: number | null;
  stderr: string;
}

/** `cat1 <args>` as a user runs it: a process of its own, stdout to /dev/null; wall time, CPU time and peak RSS. */
function runCli(args: string[], dir: string, script = CLI): Promise<CliRun> {
  const preload = maxRssPreload(dir);
  const devnull = openSync('/dev/null', 'w');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--require', preload, script, ...args], { stdio: ['ignore', devnull, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => {
      closeSync(devnull);
      reject(err);
    });
    child.on('close', (code) => {
      closeSync(devnull);
      const seconds = (performance.now() - t0) / 1000;
      const m = /CAT1_BENCH_MAXRSS_KB=(\d+) CAT1_BENCH_CPU_US=(\d+)/.exec(stderr);
      resolve({ seconds, cpuSeconds: m ? Number(m[2]) / 1e6 : NaN, maxRssMiB: m ? Number(m[1]) / 1024 : NaN, code, stderr: stderr.replace(/\s*CAT1_BENCH_MAXRSS_KB=\d+ CAT1_BENCH_CPU_US=\d+\s*/, '') });
    });
  });
}

/** `fn`'s wall time and the CPU time (user + system) this process spent meanwhile. */
async function timedCpu<T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const c0 = process.cpuUsage();
  const { value, seconds } = await timed(fn);
  const c = process.cpuUsage(c0);
  return { value, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** parser-readline splitting a file on `delimiter` (1 MiB reads), nothing else; resolves with the line count. */
function splitFileOn(file: string, delimiter: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    const parser = new ReadlineParser({ delimiter });
    parser.on('data', () => void lines++);
    parser.on('end', () => resolve(lines));
    parser.on('error', reject);
    createReadStream(file, { highWaterMark: MiB }).on('error', reject).pipe(parser);
  });
}

/** Throughput of `decode --json` on the 64 MiB transcript (item 10), for item 3's 1 GiB comparison: by wall time, and by CPU time. */
let transcriptJsonMBs: number | null = null;
let transcriptJsonCpuMBs: number | null = null;

/**
 * 10. `cat1 decode` and `cat1 decode --json` end to end (a child process, stdout to /dev/null)
 * on a 64 MiB CRLF text log and a 64 MiB transcript, beside parser-readline splitting the same
 * file in the same run (the log on CRLF, the transcript on LF: a CRLF delimiter on an LF-only
 * file is quadratic in parser-readline). Best of `rounds`, the two sides alternating.
 */
async function item10(dir: string): Promise<void> {
  const size = (quick ? 8 : 64) * MiB;
  // the module's side is about 70 % of the wire bytes
  const w = generateWire(Math.ceil(size * 1.6));
  const log1 = join(dir, 'session.log');
  const one = textLogOf(w);
  writeFileSync(log1, one.subarray(0, one.lastIndexOf(0x0a, size) + 1));
  const tr = join(dir, 'session10.jsonl');
  writeTranscript(tr, generateWire(Math.ceil(size / 3)), size);
  const rounds = quick ? 1 : 2;
  for (const [what, file, delimiter] of [
    ['CRLF text log', log1, '\r\n'],
    ['transcript', tr, '\n'],
  ] as const) {
    const bytes = statSync(file).size;
    // the floor of any Node decoder that prints one JSON line per line read (floor.ts), same file
    let floorS = Infinity;
    let floorCpu = Infinity;
    for (let r = 0; r < rounds; r++) {
      const d = await runCli([file, what === 'transcript' ? 'transcript' : 'log'], dir, FLOOR);
      if (d.code !== 0) throw new Error(`floor.js failed (exit ${String(d.code)}): ${d.stderr.slice(0, 500)}`);
      floorS = Math.min(floorS, d.seconds);
      floorCpu = Math.min(floorCpu, d.cpuSeconds);
    }
    for (const json of [false, true]) {
      const args = ['decode', ...(json ? ['--json'] : []), file];
      log(`10: cat1 ${args.slice(0, -1).join(' ')} of a ${f1(bytes / MiB)} MiB ${what}, beside parser-readline…`);
      let best = Infinity;
      let bestSplit = Infinity;
      let cpu = Infinity;
      let cpuSplit = Infinity;
      let rss = 0;
      for (let r = 0; r < rounds; r++) {
        const d = await runCli(args, dir);
        if (d.code !== 0) throw new Error(`cat1 ${args.join(' ')} failed (exit ${String(d.code)}): ${d.stderr.slice(0, 500)}`);
        best = Math.min(best, d.seconds);
        cpu = Math.min(cpu, d.cpuSeconds);
        rss = Math.max(rss, d.maxRssMiB);
        const s = await timedCpu(() => splitFileOn(file, delimiter));
        bestSplit = Math.min(bestSplit, s.seconds);
        cpuSplit = Math.min(cpuSplit, s.cpuSeconds);
      }
      const ours = mbs(bytes, best);
      const split = mbs(bytes, bestSplit);
      if (json && what === 'transcript') {
        transcriptJsonMBs = ours;
        transcriptJsonCpuMBs = mbs(bytes, cpu);
      }
      // CPU time beside wall time: on a busy machine the wall times stretch, the CPU times much less
      log(`  10: ${f2(best)} s wall, ${f2(cpu)} s CPU (user+sys), peak RSS ${f1(rss)} MiB; parser-readline ${f2(bestSplit)} s wall, ${f2(cpuSplit)} s CPU; CPU ratio ${f2(cpuSplit / cpu)}`);
      row('10', `cat1 decode${json ? ' --json' : ''} of a ${Math.round(bytes / MiB)} MiB ${what} vs parser-readline splitting it`, `${f1(ours)} / ${f1(split)} MB/s = ${f2(ours / split)} (CPU ${f2(cpu)} / ${f2(cpuSplit)} s = ${f2(cpuSplit / cpu)}; RSS ${f1(rss)} MiB)`, '≥ 0.5', ours / split >= 0.5);
      if (json) {
        const fl = mbs(bytes, floorS);
        log(`  10: floor (split + one JSON line out per line in${what === 'transcript' ? ', entries parsed' : ''}): ${f2(floorS)} s wall, ${f2(floorCpu)} s CPU`);
        row('10', `floor of a Node decoder on the same ${what} (floor.ts: split, ${what === 'transcript' ? 'JSON.parse, ' : ''}one JSON line out per line) vs parser-readline`, `${f1(fl)} / ${f1(split)} MB/s = ${f2(fl / split)} (CPU ${f2(floorCpu)} / ${f2(cpuSplit)} s = ${f2(cpuSplit / floorCpu)})`, '—', null);
        row('10', `cat1 decode --json of the ${what} vs that floor`, `${f1(ours)} / ${f1(fl)} MB/s = ${f2(ours / fl)} (CPU ${f2(floorCpu / cpu)})`, '—', null);
      }
    }
  }
  rmSync(log1, { force: true });
  rmSync(tr, { force: true });
}

async function item3(w: Wire, dir: string): Promise<void> {
  const size = quick ? 64 * MiB : 1024 * MiB;
  const file = join(dir, 'session.jsonl');
  log(`3: writing a ${size / MiB} MiB transcript…`);
  const gen = writeTranscript(file, w, size);
  log(`  3: ${gen.entries} entries, ${f1(gen.wireBytes / MiB)} MiB of wire bytes; running cat1 decode --json (stdout to /dev/null)…`);
  const d = await runCli(['decode', '--json', file], dir);
  if (d.code !== 0) throw new Error(`cat1 decode failed (exit ${String(d.code)}): ${d.stderr.slice(0, 500)}`);
  log(`  3: ${f1(d.seconds)} s wall, ${f1(d.cpuSeconds)} s CPU (user+sys), peak RSS ${f1(d.maxRssMiB)} MiB; parser-readline on the same file…`);
  const s = await timedCpu(() => splitFile(file));
  log(`  3: parser-readline ${f1(s.seconds)} s wall, ${f1(s.cpuSeconds)} s CPU`);
  const size3 = statSync(file).size;
  rmSync(file, { force: true });
  row('3', `cat1 decode --json of ${size / MiB} MiB: peak RSS`, `${f1(d.maxRssMiB)} MiB`, '< 150 MB', d.maxRssMiB * MiB < 150e6);
  const ours = mbs(size3, d.seconds);
  const split = mbs(size3, s.seconds);
  row('3', 'decode --json vs parser-readline splitting the file', `${f1(ours)} / ${f1(split)} MB/s = ${f2(ours / split)} (CPU ${f1(d.cpuSeconds)} / ${f1(s.cpuSeconds)} s = ${f2(s.cpuSeconds / d.cpuSeconds)})`, '≥ 0.5', ours / split >= 0.5);
  if (transcriptJsonMBs !== null) {
    const r = ours / transcriptJsonMBs;
    const cpuNote = transcriptJsonCpuMBs === null ? '' : ` (per CPU second: ${f1(mbs(size3, d.cpuSeconds))} / ${f1(transcriptJsonCpuMBs)} MB/s = ${f2(mbs(size3, d.cpuSeconds) / transcriptJsonCpuMBs)})`;
    row('3', `decode --json throughput, ${size / MiB} MiB vs the 64 MiB transcript of item 10`, `${f1(ours)} / ${f1(transcriptJsonMBs)} MB/s = ${f2(r)}${cpuNote}`, '≥ 0.9 (within 10 %)', r >= 0.9);
  }
  const x = (ours * 1e6) / LINE_RATE;
  row('3', `decode --json vs the line rate (${f1(mbs(gen.wireBytes, d.seconds))} MB/s of wire bytes)`, `${f1(ours)} MB/s = ${Math.round(x)}×`, '≥ 500× (46.08 MB/s)', x >= 500);
}

async function item4(): Promise<void> {
  const rounds = quick ? 2000 : 20000;
  log(`4: ${rounds} AT round trips each way…`);
  const r = await roundTrips(rounds);
  const ratio = r.engineMs / r.rawMs;
  row('4', 'AT round trip: engine vs raw writes and reads (median)', `${(r.engineMs * 1000).toFixed(1)} / ${(r.rawMs * 1000).toFixed(1)} µs = ${f2(ratio)}`, '≤ 2', ratio <= 2);
  row('4', 'AT round trip through the engine (median)', `${r.engineMs.toFixed(4)} ms`, '< 0.2 ms', r.engineMs < 0.2);
}

async function item5(): Promise<void> {
  const n = quick ? 1000 : 10000;
  log(`5: message path, ${n} messages each way…`);
  const r = await messagePath(n, log);
  if ('skipped' in r) {
    row('5', 'message path emulator ↔ mosquitto ↔ mqtt.js', `skipped: ${r.skipped}`, '0 lost', null);
    return;
  }
  for (const [name, d] of [
    ['module → client', r.up],
    ['client → module', r.down],
  ] as const) {
    const clean = d.lost === 0 && d.duplicated === 0 && d.corrupted === 0;
    row('5', `${n} messages ${name}: lost / duplicated / corrupted`, `${d.lost} / ${d.duplicated} / ${d.corrupted}`, '0 / 0 / 0', clean);
    row('5', `${name} throughput`, `${Math.round(d.delivered / d.seconds)} msg/s`, 'recorded', null);
  }
  if (r.brokerDrops > 0) log(`  5: the broker logged ${r.brokerDrops} drops of outgoing messages`);
}

async function item6(dir: string): Promise<void> {
  const tiny = join(dir, 'tiny.jsonl');
  writeFileSync(tiny, `${transcriptHeader()}\n{"t":0.1,"dir":"tx","text":"AT+CSQ\\r"}\n{"t":0.2,"dir":"rx","text":"\\r\\n+CSQ: 23,99\\r\\n\\r\\nOK\\r\\n"}\n`);
  const runs = quick ? 5 : 15;
  log(`6: start-up, ${runs} runs each…`);
  const cases: Array<[string, string[]]> = [
    ['node -e 0', ['-e', '0']],
    ['cat1 --version', [CLI, '--version']],
    ['cat1 decode <tiny file>', [CLI, 'decode', tiny]],
  ];
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < runs + 1; r++) {
    cases.forEach(([, argv], i) => {
      const t0 = performance.now();
      const p = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - t0;
      if (p.status !== 0) throw new Error(`${argv.join(' ')} failed: ${p.stderr.toString()}`);
      if (r > 0) times[i]!.push(ms); // the first round warms the file cache
    });
  }
  const med = times.map((t) => [...t].sort((a, b) => a - b)[t.length >> 1]!);
  const base = med[0]!;
  for (let i = 1; i < cases.length; i++) {
    const ratio = med[i]! / base;
    row('6', `${cases[i]![0]} vs node -e 0 (median)`, `${Math.round(med[i]!)} / ${Math.round(base)} ms = ${f2(ratio)}`, '≤ 3', ratio <= 3);
  }
  npxStartup(dir, runs, base);
}

/**
 * `npx cat1 --version` as a user of the package runs it: in a project that depends on
 * cat1-bridge (node_modules/.bin/cat1 linked to the CLI measured), beside `npm exec -c true`
 * (npm's own start-up, running nothing of ours) and node -e 0.
 */
function npxStartup(dir: string, runs: number, nodeMs: number): void {
  const npx = spawnSync('npx', ['--version'], { stdio: 'ignore' });
  if (npx.error || npx.status !== 0) {
    log('  6: npx skipped: npx is not on the PATH');
    return;
  }
  const proj = join(dir, 'npx-project');
  mkdirSync(join(proj, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'npx-project', private: true, dependencies: { 'cat1-bridge': `file:${ROOT}` } }));
  symlinkSync(ROOT, join(proj, 'node_modules', 'cat1-bridge'));
  symlinkSync(CLI, join(proj, 'node_modules', '.bin', 'cat1'));
  // as npm's bin linking does on install (tsc writes the file without the execute bits)
  chmodSync(CLI, statSync(CLI).mode | 0o111);
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const cases: Array<[string, string[]]> = [
    ['npx cat1 --version', ['cat1', '--version']],
    ['npm exec -c true (npm alone)', ['-c', 'true']],
  ];
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < runs + 1; r++) {
    cases.forEach(([, argv], i) => {
      const t0 = performance.now();
      const p = argv[0] === '-c' ? spawnSync('npm', ['exec', ...argv], { cwd: proj, env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawnSync('npx', argv, { cwd: proj, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - t0;
      if (p.status !== 0) throw new Error(`${cases[i]![0]} failed: ${p.stderr.toString()}`);
      if (r > 0) times[i]!.push(ms);
    });
  }
  const med = times.map((t) => [...t].sort((a, b) => a - b)[t.length >> 1]!);
  const [viaNpx, npmAlone] = med as [number, number];
  row('6', 'npx cat1 --version vs node -e 0 (median)', `${Math.round(viaNpx)} / ${Math.round(nodeMs)} ms = ${f2(viaNpx / nodeMs)}`, '≤ 3', viaNpx / nodeMs <= 3);
  row('6', 'npx cat1 --version minus npm exec -c true (our share through npx)', `${Math.round(viaNpx)} − ${Math.round(npmAlone)} ms = ${Math.round(viaNpx - npmAlone)} ms`, 'recorded', null);
}

// ---------------------------------------------------------------------------------------------

/** 7. `cat1 fleet diagnose` wall time for 1, 4, 16, 64 emulated modules; CPU and RSS per module. */
async function item7(dir: string): Promise<void> {
  const sizes = quick ? [1, 4] : [1, 4, 16, 64];
  const runs: FleetRun[] = [];
  for (const n of sizes) {
    const r = await fleetDiagnose(CLI, dir, n);
    log(`  7: ${n} module(s): ${f2(r.seconds)} s wall, ${f2(r.cpuSeconds)} s CPU, peak RSS ${f1(r.maxRssMiB)} MiB, ${r.passed} passed, exit ${String(r.code)}`);
    runs.push(r);
  }
  const one = runs[0]!;
  for (const r of runs) {
    const ratio = r.seconds / one.seconds;
    row('7', `fleet diagnose, ${r.modules} module${r.modules === 1 ? '' : 's'}: wall time (× one module)`, `${f2(r.seconds)} s (${f2(ratio)}×), ${r.passed}/${r.modules} passed`, r.modules === 16 ? '≤ 2× one module' : '—', r.modules === 16 ? ratio <= 2 && r.passed === r.modules : null);
  }
  const big = runs[runs.length - 1]!;
  row('7', `fleet diagnose: CPU and RSS per module (${big.modules} modules)`, `${f1((big.cpuSeconds / big.modules) * 1000)} ms CPU, ${f2((big.maxRssMiB - one.maxRssMiB) / Math.max(1, big.modules - 1))} MiB RSS (peak ${f1(big.maxRssMiB)} MiB)`, '—', null);
}

/** 8. `--report-to` throughput into the NATS cluster, zero loss. */
async function item8(): Promise<void> {
  const n = quick ? 2000 : 5000;
  const r = await reportThroughput(n, log);
  row('8', `report-to into a 3-node NATS cluster (${n} events, node A → node C)`, `${Math.round(r.ackedPerSecond)} events/s acknowledged (PUBACK) at node A; ${Math.round(r.eventsPerSecond)} events/s delivered to a QoS 1 subscriber on node C; ${r.received}/${n} received, ${r.dropped} dropped`, 'zero loss', r.received === n && r.dropped === 0);
}

function table(): string {
  const head = ['#', 'figure', 'measured', 'target', 'result'];
  const body = rows.map((r) => [r.item, r.figure, r.measured, r.target, r.pass === null ? '—' : r.pass ? 'PASS' : 'MISS']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Item 7 (issue 16): the HTML page of a 100k-item transcript loads in under 3 s in headless chromium. */
async function item9(dir: string): Promise<void> {
  const chromium = process.env['CAT1_CHROMIUM'] ?? '/usr/bin/chromium';
  if (spawnSync(chromium, ['--version'], { stdio: 'ignore' }).error) {
    log(`  7: skipped: ${chromium} is not installed (apt-get install chromium)`);
    return;
  }
  const items = quick ? 20_000 : 100_000;
  const r = await reportPage(items, dir, chromium);
  log(`  7: ${items} items → ${f1(r.bytes / MiB)} MiB page, rendered in ${f2(r.renderS)} s by renderReport; ${r.rows} rows drawn at the top, ${r.scrolledRows} in the middle after a scroll`);
  row('9', `HTML page of a ${items / 1000}k-item transcript: load in headless chromium (to the page's data-ready)`, `${f2(r.loadS)} s (page ${f1(r.bytes / MiB)} MiB, renderReport ${f2(r.renderS)} s)`, '< 3 s', r.loadS < 3);
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cat1-bench-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    log(`cat1-bridge benchmarks — node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}${quick ? ' (quick)' : ''}`);
    // first the small ones, on a small heap; then the large inputs
    if (want(4)) await item4();
    if (want(6)) await item6(dir);
    if (want(5)) await item5();
    if (want(7)) await item7(dir);
    if (want(1) || want(2)) {
      const w = generateWire((quick ? 8 : 64) * MiB);
      if (want(1)) await item1(w);
      if (want(2)) await item2(w);
    }
    if (want(9)) await item9(dir);
    if (want(8)) await item8();
    if (want(10)) await item10(dir);
    // last: the largest input, decoded by the CLI in a process of its own
    if (want(3)) await item3(generateWire((quick ? 4 : 16) * MiB), dir);
  } finally {
    cleanup();
  }
  process.stdout.write(`\n${table()}\n\n`);
  const missed = rows.filter((r) => r.pass === false).length;
  process.stdout.write(`${rows.filter((r) => r.pass === true).length} PASS, ${missed} MISS — ${f1((performance.now() - started) / 1000)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
