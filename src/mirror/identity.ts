/**
 * The module's identity on the broker, by observation: the broker's own log lines of accepted
 * connections, and the takeover probe. Pure functions, so the verdict's identity rules are
 * tested on lines alone.
 *
 * Connect lines known (each format as its broker prints it; nothing else is guessed):
 * - mosquitto 2.x (`log_type all` or `notice`):
 *   `New client connected from 127.0.0.1:52144 as dev1 (p2, c1, k60, u'user1').` — the `u'…'`
 *   part only when a user name was given. An empty client ID gets `auto-<UUID>`.
 * - the embedded broker (src/mirror/broker.ts: aedes prints nothing itself; the wrapper writes
 *   mosquitto's words): `New client connected from <addr:port> as <id> (empty client ID:
 *   assigned by the broker) (u'…').`
 * - RabbitMQ's MQTT plugin (rabbit_mqtt_reader.erl): `Accepted MQTT connection 127.0.0.1:54321
 *   -> 127.0.0.1:1883 for client ID dev1` (no user name in that line).
 * - NATS server's MQTT (nats-server PR #2598, debug level): `[::1]:57415 - mid:18 - "client_0" -
 *   Client connected` (no user name in that line).
 *
 * The lines arrive already masked (`maskLogLine`): a user name is a row of `*`, so what is
 * judged is the FACT that one was present, never its value.
 */
import { text, type Text } from '../util/i18n.js';
import type { DialectName } from '../dialects/types.js';
import { commandLine, dialectNamed, resultPrefix, urcPrefix } from '../dialects/words.js';

export interface BrokerConnectLine {
  broker: 'mosquitto' | 'rabbitmq' | 'nats';
  clientId: string;
  /** the client's address and port as the broker saw it; null when the line has none */
  from: { host: string; port: number } | null;
  /** a user name in the line (mosquitto's `u'…'`); 'unknown' when the format never shows it */
  user: 'present' | 'absent' | 'unknown';
  /** the broker gave the ID itself: the client sent an empty one */
  assigned: boolean;
  line: string;
}

function addr(s: string): { host: string; port: number } | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s.trim());
  return m ? { host: m[1]!, port: Number(m[2]) } : null;
}

// mosquitto, and the embedded broker in mosquitto's words: the ID, then optional (…) groups
const MOSQUITTO = /New client connected from (\S+) as (.*?)((?: \((?:p\d+,|empty client ID|u')[^)]*\))*)\.?\s*$/;
const RABBIT = /Accepted MQTT connection (\S+) -> \S+ for client ID (.*?)\s*$/;
const NATS = /(\S+) - mid:\d+ - "([^"]*)" - Client connected\b/;

/** One log line → an accepted connection, or null when the line is not one. */
export function parseConnectLine(line: string): BrokerConnectLine | null {
  let m = MOSQUITTO.exec(line);
  if (m) {
    const id = m[2]!;
    const rest = m[3] ?? '';
    return { broker: 'mosquitto', clientId: id, from: addr(m[1]!), user: /\bu'[^']*'/.test(rest) ? 'present' : 'absent', assigned: /^auto-/.test(id) || rest.includes('empty client ID'), line };
  }
  m = RABBIT.exec(line);
  if (m) return { broker: 'rabbitmq', clientId: m[2]!, from: addr(m[1]!), user: 'unknown', assigned: false, line };
  m = NATS.exec(line);
  if (m) return { broker: 'nats', clientId: m[2]!, from: addr(m[1]!), user: 'unknown', assigned: false, line };
  return null;
}

/** What the broker's log says about the module's connect. */
export type LogIdentity =
  /** no accepted connect line that is not the host's own */
  | { status: 'none' }
  /** the module's line carries the client ID that was given */
  | { status: 'as-given'; clientId: string; user: BrokerConnectLine['user']; line: string }
  /** the module's line carries another client ID (e.g. `auto-…`: the module sent an empty one) */
  | { status: 'other'; clientId: string; assigned: boolean; user: BrokerConnectLine['user']; line: string }
  /** several other clients connected meanwhile: which one is the module cannot be told */
  | { status: 'ambiguous'; lines: string[] };

/**
 * The module's connect among the broker's lines: accepted connects minus the host's own (its
 * source ports, its client IDs used only by the host). A line with the given ID wins; then a
 * broker-assigned ID (the module sent an empty one); then a single remaining line.
 */
export function moduleIdentityFromLog(lines: readonly string[], o: { clientId: string; directPorts: readonly number[]; directOnlyIds: readonly string[] }): LogIdentity {
  const candidates = lines
    .map(parseConnectLine)
    .filter((c): c is BrokerConnectLine => c !== null)
    .filter((c) => !(c.from && o.directPorts.includes(c.from.port)) && !o.directOnlyIds.includes(c.clientId));
  if (candidates.length === 0) return { status: 'none' };
  const given = candidates.find((c) => c.clientId === o.clientId);
  if (given) return { status: 'as-given', clientId: given.clientId, user: given.user, line: given.line };
  const assigned = candidates.filter((c) => c.assigned);
  const pick = assigned.length === 1 ? assigned[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (pick) return { status: 'other', clientId: pick.clientId, assigned: pick.assigned, user: pick.user, line: pick.line };
  return { status: 'ambiguous', lines: candidates.map((c) => c.line) };
}

/** The takeover probe (`--probe-identity`): what happened and what was done to restore. */
export interface IdentityProbe {
  /** the client ID the probe connected with (the module's) */
  clientId: string;
  /** the probe's CONNACK (0 accepted), or an error name */
  connack: number | string | null;
  /** the broker dropped the module (+ECMTSTAT or another sign of link loss) */
  moduleDropped: boolean;
  /** the module's dialect: the texts quote its URC and command names (default: the default dialect) */
  dialect?: DialectName;
  /** ms from the probe's CONNACK to the module's link loss */
  dropMs: number | null;
  /** how long the probe watched the module, ms */
  windowMs: number;
  /** the module's session afterwards */
  restored: 'untouched' | 'module-reconnected' | 'reconnected-by-cat1' | 'failed';
}

/** The probe's outcome as an observation (report, verdict evidence, diagnose). */
export function probeOutcome(p: IdentityProbe): Text {
  if (p.connack !== 0) return text(`identity probe: the direct connect as "${p.clientId}" was not accepted (${String(p.connack)}): nothing learnt`, `身份探测：以“${p.clientId}”直连未被接受（${String(p.connack)}）：无结论`);
  const lost = urcPrefix(dialectNamed(p.dialect), 'link-lost');
  return p.moduleDropped
    ? text(`identity probe: a direct connect as "${p.clientId}" made the broker drop the module (${lost} after ${p.dropMs ?? '?'} ms): the module uses that client ID`, `身份探测：以“${p.clientId}”直连后服务器断开了模组（${p.dropMs ?? '?'} ms 后 ${lost}）：模组使用的就是该客户端 ID`)
    : text(`identity probe: a direct connect as "${p.clientId}" did NOT drop the module within ${p.windowMs} ms: the module is not that client on the broker`, `身份探测：以“${p.clientId}”直连后 ${p.windowMs} ms 内模组没有被断开：模组在服务器上不是这个客户端`);
}

/** What became of the module's session after the probe. */
export function probeRestored(p: IdentityProbe): Text {
  const d = dialectNamed(p.dialect);
  switch (p.restored) {
    case 'untouched':
      return text("the module's session was not touched", '模组会话未受影响');
    case 'module-reconnected':
      return text(`the module's session came back by itself (its own reconnect, ${resultPrefix(d, 'connect')})`, `模组会话已自行恢复（模组自身重连，${resultPrefix(d, 'connect')}）`);
    case 'reconnected-by-cat1':
      return text(`the module's session was restored by cat1 (${commandLine(d, 'connect')} again)`, `模组会话已由 cat1 恢复（重新 ${commandLine(d, 'connect')}）`);
    case 'failed':
      return text("the module's session could NOT be restored after the probe", '探测之后模组会话未能恢复');
  }
}

const codeOf = (s: { code: number | string | null }): string => (s.code === null ? '-' : String(s.code));
