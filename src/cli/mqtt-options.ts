import { readFileSync, statSync } from 'node:fs';
import { CatError } from '../util/errors.js';
import type { OptionSpec } from './options.js';
import type { CfgSetting, Credentials } from '../dialects/ecmt/commands.js';
import type { DialectChoice, MqttSetting } from '../dialects/types.js';
import { defaultDialect } from '../dialects/index.js';
import { ecmtSettings } from '../dialects/ecmt/dialect.js';
import { parseBrokerUrl } from '../mirror/direct.js';
import { lintSession, unsendable } from '../dialects/ecmt/lint.js';
import type { FirmwareProfileName } from '../dialects/ecmt/firmware.js';
import type { BrokerTarget } from '../mirror/target.js';
import { ALL } from './dialect-names.js';

/** Options of the verbs that run an MQTT session (compare, diagnose, mirror). */
export const MQTT_OPTIONS: readonly OptionSpec[] = [
  { name: 'broker', type: 'string', describe: 'the broker: mqtt://host:1883 or mqtts://host:8883' },
  { name: 'client-id', type: 'string', describe: 'MQTT client ID (the module\'s)' },
  { name: 'username', type: 'string', describe: 'MQTT user name' },
  { name: 'password-file', type: 'string', describe: 'file holding the MQTT password (or set CAT1_PASSWORD); never a plain flag' },
  { name: 'topic', type: 'string', describe: 'base topic for the traffic test [default: cat1/compare/<random>]' },
  { name: 'qos', type: 'number', describe: 'QoS of the traffic test: 0, 1 or 2 (checked when the run starts)', default: 1 },
  { name: 'payload', type: 'string', describe: 'payload of the traffic test [default: a small JSON document]' },
  { name: 'payload-file', type: 'string', describe: 'read the traffic payload from a file (exact bytes)' },
  { name: 'keepalive', type: 'number', describe: `keep-alive seconds (${ALL.cfg('keepalive')}) [default: the module's 120]` },
  { name: 'clean', type: 'boolean', describe: `clean session (${ALL.cfg('clean')}); --no-clean for a persistent one [default: true]` },
  { name: 'mqtt-version', type: 'string', describe: `MQTT protocol: 3.1.1 (or its level 4), 3.1 (or 3) (${ALL.cfg('version')}) [default: 3.1.1]` },
  { name: 'ca', type: 'string', describe: 'CA certificate (PEM) of an mqtts:// broker, for both sides' },
  { name: 'insecure', type: 'boolean', describe: 'do not verify the broker\'s TLS certificate on the direct side', default: false },
  { name: 'broker-log', type: 'string', describe: 'the broker\'s log file: the lines written during the run go into the report and the verdict' },
  { name: 'identity', type: 'string', describe: 'order of the identical client ID connect comparison', default: 'direct-first', choices: ['direct-first', 'module-first'] },
];

/** The identity probe of compare and diagnose (not of mirror, which never connects as the module). */
export const PROBE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'probe-identity',
    type: 'boolean',
    describe: `once the module is connected, connect directly with the module's client ID: the broker drops the module only if it really uses that ID (${ALL.linkLost}). The module's session is restored afterwards (its own reconnect, or cat1 connects it again) and the report says so`,
    default: false,
  },
];
/** `--reconnect` (compare, diagnose): a session found on the module is ended first instead of only observed. */
export const RECONNECT_OPTION: OptionSpec = {
  name: 'reconnect',
  type: 'boolean',
  describe: `when the module is already open or connected, end that session (${ALL.discClose}) and run every step; by default it is left as found and only observed (credential checks "not run")`,
  default: false,
};

export interface MqttSettings {
  broker: BrokerTarget & { ca?: string; insecure: boolean };
  clientId: string;
  username?: string;
  password?: string;
  topic?: string;
  qos: 0 | 1 | 2;
  payload?: Buffer;
  /** dialect-neutral: the module's dialect turns them into its configuration commands */
  settings: MqttSetting[];
  brokerLog?: string;
  identity: 'direct-first' | 'module-first';
}

/** Validate the MQTT options (already layered) into settings; the password comes from elsewhere. */
/** The credentials both sides get, from the settings (a field absent stays absent). */
export function mqttCredentials(mq: MqttSettings): Credentials & { clientId: string } {
  return { clientId: mq.clientId, ...(mq.username !== undefined ? { username: mq.username } : {}), ...(mq.password !== undefined ? { password: mq.password } : {}) };
}

export function mqttSettings(v: Record<string, unknown>, password: string | undefined): MqttSettings {
  const url = v['broker'];
  if (typeof url !== 'string' || url === '') throw new CatError('ERR_INVALID_OPTION', '--broker is needed, e.g. --broker mqtt://broker.example.com:1883', { zh: '需要 --broker，例如 --broker mqtt://broker.example.com:1883' });
  const b = parseBrokerUrl(url);
  const clientId = v['client-id'];
  if (typeof clientId !== 'string') throw new CatError('ERR_INVALID_OPTION', '--client-id is needed: the MQTT client ID the module uses', { zh: '需要 --client-id：模组使用的 MQTT 客户端 ID' });
  const qos = Number(v['qos'] ?? 1);
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new CatError('ERR_INVALID_OPTION', `--qos must be 0, 1 or 2 (got ${String(v['qos'])})`, { zh: `--qos 必须是 0、1 或 2（给的是 ${String(v['qos'])}）` });
  let ca: string | undefined;
  if (typeof v['ca'] === 'string') {
    try {
      ca = readFileSync(v['ca'], 'utf8');
    } catch {
      throw new CatError('ERR_INPUT', `--ca ${v['ca']}: cannot read the file`, { zh: `--ca ${v['ca']}：无法读取该文件` });
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new CatError('ERR_INPUT', `--ca ${v['ca']}: not a PEM certificate (no BEGIN CERTIFICATE line)`, { zh: `--ca ${v['ca']}：不是 PEM 证书（没有 BEGIN CERTIFICATE 这一行）` });
  }
  let payload: Buffer | undefined;
  if (typeof v['payload-file'] === 'string') {
    try {
      payload = readFileSync(v['payload-file']);
    } catch {
      throw new CatError('ERR_INPUT', `--payload-file ${v['payload-file']}: cannot read the file`, { zh: `--payload-file ${v['payload-file']}：无法读取该文件` });
    }
  } else if (typeof v['payload'] === 'string') payload = Buffer.from(v['payload'], 'utf8');
  const settings: MqttSetting[] = [];
  if (v['keepalive'] !== undefined) {
    const k = Number(v['keepalive']);
    if (!Number.isInteger(k) || k < 0 || k > 65535) throw new CatError('ERR_INVALID_OPTION', `--keepalive must be a whole number of seconds (got ${String(v['keepalive'])})`, { zh: `--keepalive 必须是整数秒（给的是 ${String(v['keepalive'])}）` });
    settings.push({ type: 'keepalive', seconds: k });
  }
  if (v['clean'] !== undefined) settings.push({ type: 'clean', clean: v['clean'] === true });
  if (v['mqtt-version'] !== undefined) {
    // the protocol name (3.1.1, 3.1) or its level byte in CONNECT (4, 3: MQTT 3.1.1 §3.1.2.2)
    const given = String(v['mqtt-version']).trim();
    const lv = ({ '3.1.1': 4, '4': 4, '3.1': 3, '3': 3 } as Record<string, 3 | 4>)[given];
    if (lv === undefined) throw new CatError('ERR_INVALID_OPTION', `--mqtt-version must be 3.1.1 (level 4) or 3.1 (level 3) (got ${given})`, { zh: `--mqtt-version 必须是 3.1.1（级别 4）或 3.1（级别 3）（给的是 ${given}）` });
    settings.push({ type: 'version', level: lv });
  }
  if (ca !== undefined) settings.push({ type: 'ca', pem: ca });
  const identity = v['identity'] === 'module-first' ? 'module-first' : 'direct-first';
  const out: MqttSettings = {
    broker: { host: b.host, port: b.port, tls: b.tls, insecure: v['insecure'] === true, ...(ca !== undefined ? { ca } : {}) },
    clientId,
    qos: qos as 0 | 1 | 2,
    settings,
    identity,
  };
  if (typeof v['username'] === 'string') out.username = v['username'];
  if (password !== undefined) out.password = password;
  if (typeof v['topic'] === 'string') out.topic = v['topic'];
  if (payload !== undefined) out.payload = payload;
  if (typeof v['broker-log'] === 'string') {
    // checked before the port is opened (and a --record file created)
    const log = v['broker-log'];
    let isFile = false;
    try {
      isFile = statSync(log).isFile();
    } catch (err) {
      throw new CatError('ERR_INPUT', `--broker-log ${log}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { zh: `--broker-log ${log}：无法读取（${(err as NodeJS.ErrnoException).code ?? 'error'}）` });
    }
    if (!isFile) throw new CatError('ERR_INPUT', `--broker-log ${log}: not a file`, { zh: `--broker-log ${log}：不是文件` });
    out.brokerLog = log;
  }
  return out;
}

/**
 * Refuse, before anything runs on either side (for the default dialect's modules, and for
 * --dialect auto, which assumes it until the module answers) (no AT command, no direct connection), a value
 * the module cannot be sent: a character no AT quoting carries (`"`, CR, LF…) or a length over
 * the firmware's limit. One line naming the fields, never their values (ERR_LINT, exit 2).
 * `traffic`: the run also subscribes and publishes (compare's traffic test).
 */
export function refuseUnsendable(mq: MqttSettings, profile: FirmwareProfileName, traffic: boolean, dialect: DialectChoice = 'auto'): void {
  // these limits are the default dialect's firmware profile: a module named as another dialect is linted by its own session against its model
  if (dialect !== 'auto' && dialect !== defaultDialect().name) return;
  const base = mq.topic ?? 'cat1/compare/00000000';
  const found = unsendable(
    lintSession(
      {
        host: mq.broker.host,
        port: mq.broker.port,
        credentials: mqttCredentials(mq),
        settings: ecmtSettings(mq.settings).map((x) => x.setting as CfgSetting),
        ...(traffic ? { subscribe: [`${base}/d2m`], publish: { topics: [`${base}/m2d`], payload: mq.payload ?? '{}', qos: mq.qos } } : {}),
      },
      profile,
    ),
  );
  if (found.length === 0) return;
  throw new CatError('ERR_LINT', `nothing was sent: ${found.map((f) => f.message.en).join('; ')}`, { context: { fields: found.map((f) => f.field) } });
}
