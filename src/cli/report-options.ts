import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { CatError } from '../util/errors.js';
import type { OptionSpec } from './options.js';
import { parseReportUrls, ReportPublisher, type ReportStats } from '../report/publisher.js';
import { note } from './io.js';

/** `--report-to` and its companions (fleet, diagnose, compare, monitor). */
export const REPORT_OPTIONS: readonly OptionSpec[] = [
  { name: 'report-to', type: 'string', describe: 'publish each module\'s events and verdict to this MQTT broker (mqtt://host:1883); several URLs, comma-separated, are the nodes of one cluster (failover in order)' },
  { name: 'station', type: 'string', describe: 'this station\'s name in the report topics cat1/<station>/<module>/… [default: the host name]' },
  { name: 'report-username', type: 'string', describe: 'user name for --report-to' },
  { name: 'report-password-file', type: 'string', describe: 'file holding the password for --report-to (or set CAT1_REPORT_PASSWORD); never a plain flag' },
  { name: 'report-wait', type: 'number', describe: 'at the end, wait at most this many seconds for the broker to acknowledge the reports still queued; what is left then is counted as dropped [default: 10]' },
];

export interface ReportSettings {
  urls: string[];
  station: string;
  username?: string;
  password?: string;
  /** --report-wait: the longest wait at the end for the broker's acknowledgements, ms */
  closeWaitMs?: number;
}

/** Validated --report-to settings, or null when no report is asked for. */
export function reportSettings(v: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ReportSettings | null {
  const spec = v['report-to'];
  if (spec === undefined || spec === '') {
    for (const k of ['station', 'report-username', 'report-password-file', 'report-wait']) if (v[k] !== undefined) throw new CatError('ERR_INVALID_OPTION', `--${k} needs --report-to`);
    return null;
  }
  if (typeof spec !== 'string') throw new CatError('ERR_INVALID_OPTION', '--report-to must be a broker URL');
  const urls = parseReportUrls(spec);
  const station = typeof v['station'] === 'string' && v['station'] !== '' ? v['station'] : hostname();
  if (/[/+#]/.test(station)) throw new CatError('ERR_INVALID_OPTION', `--station ${station}: a topic level cannot hold /, + or #`);
  const wait = v['report-wait'];
  if (wait !== undefined && (typeof wait !== 'number' || !Number.isFinite(wait) || wait <= 0)) throw new CatError('ERR_INVALID_OPTION', `--report-wait must be a positive number of seconds (got ${String(wait)})`, { zh: `--report-wait 必须是正的秒数（给的是 ${String(wait)}）` });
  let password: string | undefined;
  const file = v['report-password-file'];
  if (typeof file === 'string') {
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
    } catch (err) {
      throw new CatError('ERR_INPUT', `report password file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else if (env['CAT1_REPORT_PASSWORD'] !== undefined) password = env['CAT1_REPORT_PASSWORD'];
  return { urls, station, ...(typeof v['report-username'] === 'string' ? { username: v['report-username'] } : {}), ...(password !== undefined ? { password } : {}), ...(typeof wait === 'number' ? { closeWaitMs: Math.round(wait * 1000) } : {}) };
}

/** Start the publisher (progress on stderr unless quiet). */
export function startReporter(r: ReportSettings, quiet: boolean): ReportPublisher {
  return new ReportPublisher({
    urls: r.urls,
    station: r.station,
    ...(r.username !== undefined ? { username: r.username } : {}),
    ...(r.password !== undefined ? { password: r.password } : {}),
    ...(r.closeWaitMs !== undefined ? { closeWaitMs: r.closeWaitMs } : {}),
    onState: (e) => {
      if (quiet) return;
      if (e.type === 'connected') note(`cat1: reporting to ${e.url}`);
      else if (e.type === 'lost') note(`cat1: report broker ${e.url}: ${e.reason}`);
      else note(`cat1: report: failing over from ${e.from} to ${e.to}`);
    },
  });
}

/** One line about what the report delivered. */
export function reportLine(s: ReportStats): string {
  return `report: ${s.acked} of ${s.published} messages acknowledged, ${s.dropped} dropped, ${s.failovers} failover${s.failovers === 1 ? '' : 's'}`;
}

export function reportJson(s: ReportStats): Record<string, unknown> {
  return { published: s.published, acked: s.acked, dropped: s.dropped, failovers: s.failovers };
}

/**
 * The report of a one-module verb (diagnose, compare, monitor): events are held until the
 * module's name is known (its IMEI once the identity stage saw it, else the port's name at
 * the verdict), so one module's messages all go under one topic.
 */
export class SingleReport {
  readonly #pub: ReportPublisher;
  readonly #port: string;
  #name: string | null = null;
  #held: Array<{ kind: 'status' | 'event'; body: Record<string, unknown> }> = [];

  constructor(r: ReportSettings, port: string, quiet: boolean) {
    this.#pub = startReporter(r, quiet);
    this.#port = port;
  }

  /** The module's name (its IMEI): what was held goes out under it. */
  name(module: string): void {
    if (this.#name !== null) return;
    this.#name = module;
    for (const h of this.#held.splice(0)) this.#pub.publish(module, h.kind, h.body);
  }

  send(kind: 'status' | 'event', body: Record<string, unknown>): void {
    if (this.#name === null) this.#held.push({ kind, body: { ...body, port: this.#port } });
    else this.#pub.publish(this.#name, kind, { ...body, port: this.#port });
  }

  verdict(body: Record<string, unknown>): void {
    this.name(this.#port.replace(/^.*[/\\]/, ''));
    this.#pub.publish(this.#name!, 'verdict', { ...body, port: this.#port });
  }

  /** Deliver what is queued (bounded wait), mark the station offline, disconnect; one line on stderr unless quiet. */
  async close(quiet: boolean): Promise<ReportStats> {
    if (this.#name === null) this.name(this.#port.replace(/^.*[/\\]/, ''));
    const s = await this.#pub.close();
    if (!quiet || s.dropped > 0) note(`cat1: ${reportLine(s)}`);
    return s;
  }
}

/** A SingleReport when --report-to is given (settings from reportSettings, checked before the port opens), else null. */
export function singleReport(r: ReportSettings | null, port: string | null, quiet: boolean): SingleReport | null {
  return r ? new SingleReport(r, port ?? '?', quiet) : null;
}
