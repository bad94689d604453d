import stringWidth from 'string-width';
import { readFileSync } from 'node:fs';
import { parseReportUrls } from '../../report/publisher.js';
import { parseTopic, ROOT } from '../../report/topics.js';
import { topicLevel } from '../../fleet/targets.js';
import { CatError } from '../../util/errors.js';
import { langFromEnv } from '../../util/i18n.js';
import { Out, onStopSignal, wantColor } from '../io.js';
import { EXIT } from '../exit.js';
import type { WatchArgs } from './watch.js';

interface Row {
  station: string;
  module: string;
  state: string;
  step: string;
  outcome: string;
  summary: string;
  time: string;
}

export async function runWatch(args: WatchArgs): Promise<number> {
  const url = parseReportUrls(String(args.url ?? ''))[0]!;
  const json = args['json'] === true;
  const station = typeof args['station'] === 'string' ? topicLevel(args['station']) : null;
  const moduleFilter = typeof args['module'] === 'string' ? topicLevel(args['module']) : null;
  const duration = args['duration'] === undefined ? null : Number(args['duration']);
  if (duration !== null && !(duration > 0)) throw new CatError('ERR_INVALID_OPTION', `--duration must be a number of seconds > 0 (got ${String(args['duration'])})`);
  const count = args['count'] === undefined ? null : Number(args['count']);
  if (count !== null && !(Number.isInteger(count) && count >= 1)) throw new CatError('ERR_INVALID_OPTION', `--count must be a whole number >= 1 (got ${String(args['count'])})`);
  let password: string | undefined;
  if (typeof args['password-file'] === 'string') {
    try {
      password = readFileSync(args['password-file'], 'utf8').replace(/\r?\n$/, '').split(/\r?\n/)[0] ?? '';
    } catch (err) {
      throw new CatError('ERR_INPUT', `password file ${args['password-file']}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else password = process.env['CAT1_REPORT_PASSWORD'];
  const out = new Out({ json, lang: langFromEnv(process.env, args['lang'] as string | undefined), color: wantColor(args['color'] as boolean | undefined), live: true });
  const tty = !json && process.stdout.isTTY === true;
  const { connect } = await import('mqtt');
  const client = connect(url, {
    clientId: `cat1-watch-${Math.random().toString(16).slice(2, 10)}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    ...(typeof args['username'] === 'string' ? { username: args['username'] } : {}),
    ...(password !== undefined ? { password } : {}),
  });
  const filter = `${ROOT}/${station ?? '+'}/${moduleFilter ?? '+'}/+`;
  const first = await new Promise<Error | null>((resolve) => {
    client.once('connect', () => resolve(null));
    client.once('error', (e) => resolve(e));
    client.once('close', () => resolve(new Error('connection closed')));
  });
  if (first) {
    client.end(true);
    throw new CatError('ERR_BROKER', `cannot reach ${url}: ${first.message}`);
  }
  client.on('error', () => undefined);
  await client.subscribeAsync(filter, { qos: 1 });
  process.stderr.write(`cat1: watching ${filter} on ${url}\n`);

  const rows = new Map<string, Row>();
  const stations = new Map<string, boolean>();
  const verdicts = new Set<string>();
  let drawn = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const render = (): string[] => {
    const list = [...rows.values()].sort((a, b) => a.station.localeCompare(b.station) || a.module.localeCompare(b.module, 'en', { numeric: true }));
    const head = ['station', 'module', 'step', 'result', 'time', ''];
    const cells = list.map((r) => [`${r.station}${stations.get(r.station) === false ? ' (offline)' : ''}`, r.module, r.step, r.outcome || r.state, r.time, r.summary]);
    // columns by display width: a station or module named in Chinese takes two columns a character
    const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => stringWidth(c[i]!))));
    return [head, ...cells].map((c) => c.map((x, i) => (i === c.length - 1 ? x : x + ' '.repeat(Math.max(0, w[i]! - stringWidth(x))))).join('  ').trimEnd());
  };
  const draw = (): void => {
    timer = null;
    const lines = render();
    process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}A\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };

  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => (resolveDone = r));
  client.on('message', (topic, payload, packet) => {
    const t = parseTopic(topic);
    if (!t) return;
    let body: Record<string, unknown> = {};
    try {
      const v: unknown = JSON.parse(payload.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) body = v as Record<string, unknown>;
    } catch {
      body = { text: payload.toString('utf8') };
    }
    if (json) out.obj({ type: 'report', kind: t.kind, station: t.station, ...(t.kind !== 'station' ? { module: t.module } : {}), retained: packet.retain, payload: body });
    if (t.kind === 'station') stations.set(t.station, body['online'] === true);
    else {
      const key = `${t.station}/${t.module}`;
      const row = rows.get(key) ?? { station: t.station, module: t.module, state: '', step: '', outcome: '', summary: '', time: '' };
      if (t.kind === 'status') {
        row.state = String(body['state'] ?? '');
        row.step = String(body['step'] ?? '');
      } else if (t.kind === 'event') row.step = String(body['stage'] ?? body['command'] ?? body['type'] ?? row.step);
      else {
        row.outcome = String(body['outcome'] ?? '');
        row.summary = String(body['summary'] ?? '');
        row.step = 'done';
        if (typeof body['elapsedMs'] === 'number') row.time = `${(body['elapsedMs'] / 1000).toFixed(1)} s`;
        verdicts.add(key);
        if (!json && !tty) out.line(`${t.station}  ${t.module}  ${row.outcome.toUpperCase()}  ${row.time}  ${row.summary}`);
      }
      rows.set(key, row);
    }
    if (tty && !timer) timer = setTimeout(draw, 100);
    if (count !== null && verdicts.size >= count) resolveDone(EXIT.OK);
  });
  const stop = onStopSignal();
  void stop.signal.then(() => resolveDone(EXIT.OK));
  const dur = duration !== null ? setTimeout(() => resolveDone(count !== null ? EXIT.PROBLEM : EXIT.OK), duration * 1000) : null;
  const code = await done;
  stop.cancel();
  if (dur) clearTimeout(dur);
  if (timer) clearTimeout(timer);
  if (tty) draw();
  if (!json) out.line(`${verdicts.size} module${verdicts.size === 1 ? '' : 's'} with a verdict, ${[...stations.values()].filter((x) => x).length} station(s) online`);
  await out.flush();
  await client.endAsync(true);
  return code;
}
