import { accessSync, constants as fsConstants, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { TimelineItem } from '../at/types.js';
import type { TranscriptEntry, TranscriptHeader } from '../recording/types.js';
import type { RenderOptions, ReportInput } from '../report/build.js';
import { CatError } from '../util/errors.js';
import type { Lang } from '../util/i18n.js';
import type { OptionSpec } from './options.js';
import { EXIT } from './exit.js';
import { note } from './io.js';
import type { BrokerAddress } from '../mirror/target.js';
import { ALL } from './dialect-names.js';

/** --html and --bundle, for the verbs that end with a report. */
export const HTML_OPTION: OptionSpec = { name: 'html', type: 'string', describe: 'also write the report as one self-contained HTML page (sequence diagram, verdict with evidence, step table) to this file, when the run ends (also after Ctrl-C)' };
export const BUNDLE_OPTION: OptionSpec = { name: 'bundle', type: 'string', describe: 'also write a bug bundle (.tar.gz: transcript, --json report, HTML page, environment.json, README.txt); refused (exit 1) if a secret the run knows, or an IMSI/ICCID, is found in it' };

/** Refuse an output path that cannot be written, before anything is opened. */
export function checkOutPath(path: string, flag: string): void {
  let st = null;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) throw new CatError('ERR_INPUT', `--${flag} ${path}: is a directory, not a file`);
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, fsConstants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CatError('ERR_INPUT', `--${flag} ${path}: cannot write there (${code === 'ENOENT' ? `no directory ${dir}` : code ?? 'not a directory'})`);
  }
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Write a file whole or not at all (a reader never sees half a page). */
function writeWhole(path: string, data: string | Buffer): void {
  const tmp = `${path}.partial-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface ReportOutputsOptions {
  html: string | null;
  bundle: string | null;
  verb: string;
  lang: Lang;
  logSecrets: boolean;
  /** values the run knows must not show (password) */
  secrets: readonly string[];
  /** values scanned for in the bundle on top of `secrets` (user name, when it is not also the client ID) */
  scanAlso?: readonly string[];
}

export interface RunFacts {
  /** the report object (compare, diagnosis, mirror) or null for a bare session */
  report?: ReportInput | null;
  /** what --json printed (for report.json): one object or several */
  json?: unknown;
  /** the session: transcript entries (with their header) or decoded items */
  header?: TranscriptHeader | null;
  entries?: readonly TranscriptEntry[];
  items?: readonly TimelineItem[];
  profile?: string;
  broker?: BrokerAddress | string;
  port?: string;
  baud?: number;
  interrupted?: boolean;
}

/**
 * --html and --bundle of one run: checked up front, written at the end (or on Ctrl-C) from
 * what the run collected. The page and the bundle go through the same redaction as every
 * other output (the transcript was masked at capture; the known secrets are masked again in
 * every text of the page).
 */
export class ReportOutputs {
  readonly o: ReportOutputsOptions;
  #done = false;

  constructor(o: ReportOutputsOptions) {
    this.o = o;
    if (o.html) checkOutPath(o.html, 'html');
    if (o.bundle) checkOutPath(o.bundle, 'bundle');
  }

  /** Does the run need to keep its session in memory (for the diagram)? */
  get wanted(): boolean {
    return this.o.html !== null || this.o.bundle !== null;
  }

  static fromArgs(args: Record<string, unknown>, o: Omit<ReportOutputsOptions, 'html' | 'bundle'>): ReportOutputs {
    const s = (k: string): string | null => (typeof args[k] === 'string' && args[k] !== '' ? (args[k] as string) : null);
    return new ReportOutputs({ ...o, html: s('html'), bundle: s('bundle') });
  }

  /** Write what was asked; returns an exit code to merge (EXIT.PROBLEM when the bundle was refused). */
  async write(f: RunFacts): Promise<number> {
    if (this.#done || !this.wanted) return EXIT.OK;
    this.#done = true;
    const { model, html, items, brokerUrl, transcript } = await renderRun(f, this.o);
    let code: number = EXIT.OK;
    if (this.o.html) {
      writeWhole(this.o.html, html);
      note(`cat1: HTML report written to ${this.o.html}`);
    }
    if (this.o.bundle) {
      const environment = await this.#environment(f, model.header.module, brokerUrl);
      const { makeBundle } = await import('../report/bundle.js');
      const r = makeBundle({ transcript, report: f.json ?? null, html, environment, masked: maskedWords(this.o.logSecrets), verb: this.o.verb }, { secrets: [...this.o.secrets, ...(this.o.scanAlso ?? [])], allow: items ? imeis(items) : [] });
      code = writeBundle(this.o.bundle, r);
    }
    return code;
  }

  async #environment(f: RunFacts, module: Record<string, unknown>, brokerUrl: string | undefined): Promise<Record<string, unknown>> {
    return { ...environmentBase(this.o), port: f.port ? { path: f.port, baudRate: f.baud ?? null, usb: await usbOf(f.port) } : null, module, profile: f.profile ?? null, broker: brokerUrl ?? null };
  }
}

/** What the bundle's README says was masked. */
function maskedWords(logSecrets: boolean): string[] {
  return logSecrets
    ? ['nothing: the run used --log-secrets (the scan below still refuses a bundle with a known secret in it)']
    : [
        `MQTT user names and passwords (${ALL.connect}), TLS keys and PSKs, Alibaba device secrets (${ALL.configCommand} "ssl"/"aliauth"), PINs: each byte replaced by "*", length kept`,
        'IMSI and ICCID (+CIMI, +ICCID and numbers of their shape): "*" for each digit',
        'IMEI: shown with its serial number masked (the first 8 digits, the model\'s type allocation code, kept) in the page and environment.json',
        'user names in the broker\'s log lines, and the password the run was given, wherever they appeared',
      ];
}

/** Write a scanned bundle, or say why not (exit 1). */
function writeBundle(path: string, r: import('../report/bundle.js').BundleResult): number {
  if (!r.ok) {
    const list = r.findings.slice(0, 6).map((x) => `${x.what} (${x.form}) in ${x.file}`).join('; ');
    note(`cat1: --bundle ${path}: not written: ${list}${r.findings.length > 6 ? `; and ${r.findings.length - 6} more` : ''} — remove the value from the run (payload, topic, client ID) or share the files one by one after checking them`);
    return EXIT.PROBLEM;
  }
  writeWhole(path, r.data);
  note(`cat1: bundle written to ${path} (${r.files.length > 8 ? `${r.files.slice(0, 5).join(', ')} and ${r.files.length - 5} more files` : r.files.join(', ')})`);
  return EXIT.OK;
}

function environmentBase(o: ReportOutputsOptions): Record<string, unknown> {
  return { created: new Date().toISOString(), cat1: version(), node: process.version, os: { platform: platform(), release: release(), arch: arch() }, verb: o.verb, dialect: 'ECMT', lang: o.lang, secretsMasked: !o.logSecrets };
}

/** The USB ids of a port, when the system lists them. */
async function usbOf(port: string): Promise<Record<string, unknown> | null> {
  try {
    const { listPorts } = await import('../port/list.js');
    const { realpathSync } = await import('node:fs');
    let real = port;
    try {
      real = realpathSync(port);
    } catch {
      // keep the path as given
    }
    const p = (await listPorts()).find((x) => x.path === port || x.realPath === real || x.byId.includes(port));
    return p ? { vendorId: p.vid ?? null, productId: p.pid ?? null, manufacturer: p.manufacturer ?? null, product: p.product ?? null, driver: p.driver ?? null, interface: p.interface ?? null } : null;
  } catch {
    return null;
  }
}

/** One run's model, page and (masked) transcript, as the single runs and each module of a fleet make them. */
async function renderRun(f: RunFacts, o: ReportOutputsOptions): Promise<{ model: import('../report/model.js').ReportModel; html: string; items: readonly TimelineItem[] | null; brokerUrl: string | undefined; transcript: string | null }> {
  // loaded only when a page or a bundle is asked for: the verbs start as fast as before
  const [{ buildModel, decodeSession }, { modelToHtml }, { encodeEntry, encodeHeader }] = await Promise.all([import('../report/build.js'), import('../report/html.js'), import('../recording/format.js')]);
  const brokerUrl = typeof f.broker === 'string' ? f.broker : f.broker ? `${f.broker.tls ? 'mqtts' : 'mqtt'}://${f.broker.host}:${f.broker.port}` : undefined;
  const items = f.items ?? (f.entries ? decodeSession(f.entries, { logSecrets: o.logSecrets, secrets: o.secrets }) : null);
  const opts: RenderOptions = {
    lang: o.lang,
    secrets: o.secrets,
    logSecrets: o.logSecrets,
    version: version(),
    kind: o.verb,
    ...(f.header?.created ? { when: f.header.created } : {}),
    header: { ...(f.profile ? { profile: f.profile } : {}), ...(brokerUrl ? { broker: brokerUrl } : {}), ...(f.port ? { port: f.port } : {}) },
    ...(items ? { session: { header: f.header ?? null, items } } : {}),
  };
  const input: ReportInput = f.report ?? (items ? { header: f.header ?? null, items } : []);
  const model = buildModel(input, opts);
  if (f.interrupted) model.notes.unshift({ title: o.lang === 'zh' ? '已中断' : 'Interrupted', lines: [o.lang === 'zh' ? '运行被中断（Ctrl-C）：报告只包含中断前的内容' : 'the run was interrupted (Ctrl-C): the report holds what happened until then'] });
  const transcript = f.entries ? [encodeHeader(f.header ?? { cat1: 'transcript', version: 1, kind: 'hardware', created: new Date().toISOString(), redacted: !o.logSecrets }), ...f.entries.map(encodeEntry)].join('\n') + '\n' : null;
  return { model, html: modelToHtml(model), items, brokerUrl, transcript };
}

/** The module's IMEIs as the traffic showed them (15-digit answers to +CGSN and kin): not secret, not an IMSI. */
function imeis(items: readonly TimelineItem[]): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (it.role !== 'answer' || !it.command || !/^AT\+(CGSN|GSN|ECIMEI|QGSN)/i.test(it.command)) continue;
    const m = /\d{15}/.exec(it.event.raw);
    if (m) out.push(m[0]);
  }
  return out;
}

/** One module of a fleet run, as its page section and its bundle folder need it. */
export interface FleetModuleFacts extends RunFacts {
  index: number;
  port: string;
  name: string;
  imei: string | null;
  clientId: string | null;
  outcome: import('../report/fleet.js').FleetPageModule['outcome'];
  summary: string;
  elapsedMs: number;
}

/**
 * --html and --bundle of `cat1 fleet`: one page for the whole fleet (a row per module, a section
 * per module), and a bundle with that page, what --json printed, and for each module its
 * redacted transcript, its report object and its own page (with the sequence diagram) under
 * modules/<index>-<port>/. Every module's model is built and masked as a single run's is; the
 * bundle is scanned for every known secret before it is written.
 */
export class FleetOutputs {
  readonly o: ReportOutputsOptions & { action: string; station?: string; broker?: string };
  #done = false;

  constructor(o: FleetOutputs['o']) {
    this.o = o;
    if (o.html) checkOutPath(o.html, 'html');
    if (o.bundle) checkOutPath(o.bundle, 'bundle');
  }

  get wanted(): boolean {
    return this.o.html !== null || this.o.bundle !== null;
  }

  static fromArgs(args: Record<string, unknown>, o: Omit<FleetOutputs['o'], 'html' | 'bundle'>): FleetOutputs {
    const s = (k: string): string | null => (typeof args[k] === 'string' && args[k] !== '' ? (args[k] as string) : null);
    return new FleetOutputs({ ...o, html: s('html'), bundle: s('bundle') });
  }

  /** Write what was asked (once); returns an exit code to merge (EXIT.PROBLEM when the bundle was refused). */
  async write(mods: readonly FleetModuleFacts[], json: readonly unknown[], interrupted = false): Promise<number> {
    if (this.#done || !this.wanted) return EXIT.OK;
    this.#done = true;
    const { fleetToHtml } = await import('../report/fleet.js');
    const folder = (m: FleetModuleFacts): string => `modules/${m.index}-${m.port.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const runs = await Promise.all(mods.map(async (m) => ({ m, r: m.report || m.entries ? await renderRun({ ...m, ...(interrupted && m.outcome === 'running' ? { interrupted: true } : {}) }, { ...this.o, verb: this.o.action }) : null })));
    const html = fleetToHtml({
      lang: this.o.lang,
      action: this.o.action,
      version: version(),
      when: new Date().toISOString(),
      ...(this.o.broker ? { broker: this.o.broker } : {}),
      ...(this.o.station ? { station: this.o.station } : {}),
      interrupted,
      secrets: [...this.o.secrets, ...(this.o.scanAlso ?? [])],
      logSecrets: this.o.logSecrets,
      modules: runs.map(({ m, r }) => ({ index: m.index, port: m.port, name: m.name, imei: m.imei, clientId: m.clientId, outcome: m.outcome, summary: m.summary, elapsedMs: m.elapsedMs, model: r?.model ?? null, ...(this.o.bundle && r ? { pageInBundle: `${folder(m)}/report.html` } : {}) })),
    });
    let code: number = EXIT.OK;
    if (this.o.html) {
      writeWhole(this.o.html, html);
      note(`cat1: HTML report written to ${this.o.html}`);
    }
    if (this.o.bundle) {
      const { makeBundle } = await import('../report/bundle.js');
      const extra: Array<{ name: string; data: string; about: string }> = [];
      for (const { m, r } of runs) {
        if (!r) continue;
        const where = `${m.port}`;
        if (r.transcript !== null) extra.push({ name: `${folder(m)}/transcript.jsonl`, data: r.transcript, about: `module ${m.index} (${where}): its serial session` });
        if (m.json !== undefined) extra.push({ name: `${folder(m)}/report.json`, data: Array.isArray(m.json) ? m.json.map((x) => JSON.stringify(x)).join('\n') + '\n' : `${JSON.stringify(m.json, null, 2)}\n`, about: `module ${m.index}: its report as --json prints it` });
        extra.push({ name: `${folder(m)}/report.html`, data: r.html, about: `module ${m.index}: its own page with the sequence diagram` });
      }
      const environment = { ...environmentBase({ ...this.o, verb: `fleet ${this.o.action}` }), ports: mods.map((m) => m.port), broker: this.o.broker ?? null, station: this.o.station ?? null };
      const allow = runs.flatMap(({ r }) => (r?.items ? imeis(r.items) : []));
      const b = makeBundle({ transcript: null, report: [...json], html, environment, masked: maskedWords(this.o.logSecrets), verb: `fleet ${this.o.action}`, extra }, { secrets: [...this.o.secrets, ...(this.o.scanAlso ?? [])], allow });
      code = writeBundle(this.o.bundle, b);
    }
    return code;
  }
}
